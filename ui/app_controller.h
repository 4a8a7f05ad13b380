// AppController: the root of the app's C++ side, one per window. It owns the settings, the engine (and so
// the inference thread), the conversation store, the model list, the importer and the chat controller,
// and hands them to QML as typed properties. Created by the app's main (or by a test), given its data
// folder, then start()ed.
#pragma once

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QQmlEngine>
#include <QTranslator>
#include <QUrl>
#include <QtQml/qqmlregistration.h>
#include <memory>

#include "ui/app_settings.h"
#include "ui/chat_controller.h"
#include "ui/engine_backend.h"
#include "ui/engine_controller.h"
#include "ui/export_controller.h"
#include "ui/import_controller.h"
#include "ui/model_manager.h"



namespace gemma {

class ConversationStore;

class AppController : public QObject {
  Q_OBJECT
  QML_ELEMENT
  // Where models/, the conversation database and (if settingsFile is empty and dataDir was given) the
  // settings live. Default: QStandardPaths::AppDataLocation.
  Q_PROPERTY(QString dataDir READ dataDir WRITE setDataDir NOTIFY dataDirChanged)
  // An INI file for the settings; empty: the platform's usual place.
  Q_PROPERTY(QString settingsFile READ settingsFile WRITE setSettingsFile NOTIFY dataDirChanged)
  // Folders of models that come with the app (the demo model), only ever read. Default:
  // DefaultBundledModelDirs(). Set before start().
  Q_PROPERTY(QStringList bundledModelDirs READ bundledModelDirs WRITE setBundledModelDirs NOTIFY dataDirChanged)
  Q_PROPERTY(bool started READ started NOTIFY startedChanged)
  Q_PROPERTY(gemma::AppSettings* settings READ settings NOTIFY startedChanged)
  Q_PROPERTY(gemma::EngineController* engine READ engine NOTIFY startedChanged)
  Q_PROPERTY(gemma::ModelManager* models READ models NOTIFY startedChanged)
  Q_PROPERTY(gemma::ImportController* importer READ importer NOTIFY startedChanged)
  Q_PROPERTY(gemma::ChatController* chat READ chat NOTIFY startedChanged)
  // Export, export all, import (the conversation menu).
  Q_PROPERTY(gemma::ExportController* exporter READ exporter NOTIFY startedChanged)
  // A problem with the conversation store (a damaged database was set aside...), in plain words.
  Q_PROPERTY(QString storeError READ storeError NOTIFY storeErrorChanged)
  // The conversation database was found damaged (at start, or by the check that runs after it): what
  // happened, where the damaged file was kept, how many conversations were recovered. Empty otherwise, and
  // after dismissRecoveryNotice.
  Q_PROPERTY(QString recoveryNotice READ recoveryNotice NOTIFY recoveryNoticeChanged)
  // A save failed (full disk, write error) and none has succeeded since: that the conversation was not
  // saved and why, that earlier ones are safe, what to do. Empty once a save goes through.
  Q_PROPERTY(QString saveProblem READ saveProblem NOTIFY saveProblemChanged)
  Q_PROPERTY(QString version READ version CONSTANT)

 public:
  explicit AppController(QObject* parent = nullptr);
  ~AppController() override;

  QString dataDir() const { return data_dir_; }
  void setDataDir(const QString& dir);
  QString settingsFile() const { return settings_file_; }
  void setSettingsFile(const QString& file);
  QStringList bundledModelDirs() const { return bundled_model_dirs_; }
  void setBundledModelDirs(const QStringList& dirs);
  // <the executable's folder>/../share/gemma-chat/models (an installed /usr/bin/gemma-chat finds
  // /usr/share/gemma-chat/models, and build/app/gemma-chat the copy the build makes in
  // build/share/gemma-chat/models), then /usr/share/gemma-chat/models.
  static QStringList DefaultBundledModelDirs();
  bool started() const { return started_; }
  AppSettings* settings() const { return settings_.get(); }
  EngineController* engine() const { return engine_.get(); }
  ModelManager* models() const { return models_.get(); }
  ImportController* importer() const { return importer_.get(); }
  ChatController* chat() const { return chat_.get(); }
  ExportController* exporter() const { return exporter_.get(); }
  QString recoveryNotice() const { return recovery_notice_; }
  QString saveProblem() const;
  Q_INVOKABLE void dismissRecoveryNotice();
  ConversationStore* store() const { return store_.get(); }
  QString storeError() const;
  QString version() const;

  // Creates everything with the installed backend (InstallBackend) or `backend` if given. Returns false
  // if the data folder cannot be made.
  Q_INVOKABLE bool start();
  bool Start(std::shared_ptr<EngineBackend> backend);
  // Loads path if given (a model file, or a checkpoint to quantize in memory), else the model used last;
  // when there is none and nothing has been imported, the demo model that comes with the app.
  Q_INVOKABLE void loadInitialModel(const QString& path = QString());
  // The engine to retranslate when the language changes (found by itself for QML-created controllers).
  void SetQmlEngine(QQmlEngine* engine) { qml_engine_ = engine; }

  Q_INVOKABLE void copyText(const QString& text);
  Q_INVOKABLE QString formatBytes(qint64 bytes) const;
  Q_INVOKABLE QString localPath(const QUrl& url) const;
  // The language in effect: "en" or "ko".
  Q_INVOKABLE QString effectiveLanguage() const;

 signals:
  void dataDirChanged();
  void startedChanged();
  void storeErrorChanged();
  void recoveryNoticeChanged();
  void saveProblemChanged();

 private:
  void ApplyLanguage();
  void ApplyEngineSettings();
  void UpdateRecoveryNotice();

  QString data_dir_;
  QString settings_file_;
  QStringList bundled_model_dirs_;
  bool started_ = false;
  // Declared in the order they are made; destroyed in reverse: the chat controller (which finishes a
  // streaming reply in the store) before the store, the engine (which joins its thread) last of all.
  std::unique_ptr<AppSettings> settings_;
  std::unique_ptr<EngineController> engine_;
  std::unique_ptr<ConversationStore> store_;
  std::unique_ptr<ModelManager> models_;
  std::unique_ptr<ImportController> importer_;
  std::unique_ptr<ChatController> chat_;
  std::unique_ptr<ExportController> exporter_;
  QString recovery_notice_;
  QString noticed_backup_;  // the damaged file recovery_notice_ (or a dismissed one) was about
  QTranslator translator_;
  bool translator_installed_ = false;
  QPointer<QQmlEngine> qml_engine_;
};

}  // namespace gemma
