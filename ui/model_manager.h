// ModelManager: the imported models (the .gemma files in <data>/models) and the models that come with the
// app (the demo model, read-only in the install's share/gemma-chat/models) as a list model for the picker,
// each with its size on disk and the memory it needs at the chosen context, and the one place that
// decides whether a model may be loaded: one that does not fit in the memory available is refused with a
// clear message before anything is loaded.
#pragma once

#include <QAbstractListModel>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QPointer>
#include <QStringList>
#include <QTimer>
#include <QtQml/qqmlregistration.h>
#include <functional>
#include <memory>

#include "ui/engine_backend.h"

namespace gemma {

class EngineController;

class ModelManager : public QAbstractListModel {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("AppController owns the model manager")
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
  // The models the user imported (the list without the bundled ones).
  Q_PROPERTY(int importedCount READ importedCount NOTIFY countChanged)
  Q_PROPERTY(QString modelsDir READ modelsDir CONSTANT)
  // The context the memory figures assume (the settings' context size).
  Q_PROPERTY(int contextSize READ contextSize WRITE setContextSize NOTIFY contextSizeChanged)
  // Why the last load was refused or failed, in plain words; empty when all is well.
  Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)

 public:
  enum Roles {
    PathRole = Qt::UserRole + 1,
    NameRole,
    VariantRole,
    InstructionTunedRole,
    FileSizeRole,
    MemoryNeededRole,
    FitsRole,
    LoadedRole,
    DamagedRole,  // the file could not be read; ProblemRole says why
    ProblemRole,
    BundledRole,  // shipped with the app (the demo model): listed read-only, never written or deleted
  };

  // bundled_dirs: folders of models that come with the app, listed after the imported ones; a file name
  // already listed (an imported copy, or an earlier folder) is not listed again.
  ModelManager(std::shared_ptr<EngineBackend> backend, EngineController* engine, const QString& models_dir,
               QObject* parent = nullptr, const QStringList& bundled_dirs = {});

  QString modelsDir() const { return models_dir_; }
  QStringList bundledDirs() const { return bundled_dirs_; }
  int importedCount() const;
  int contextSize() const { return context_size_; }
  void setContextSize(int context);
  QString errorString() const { return error_; }

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

  // Reads the headers of the model files again (cheap: a few KB each).
  Q_INVOKABLE void refresh();
  // Loads the model file at path if it fits in memory; returns false (errorString says why) otherwise.
  Q_INVOKABLE bool load(const QString& path);
  Q_INVOKABLE void clearError();
  // The row of a path, or -1.
  Q_INVOKABLE int indexOf(const QString& path) const;
  // Memory the model at path needs with the current context, or 0 when it cannot be read.
  Q_INVOKABLE qint64 memoryNeeded(const QString& path) const;
  // Whether path is one of the models that come with the app.
  Q_INVOKABLE bool isBundled(const QString& path) const;
  // The first readable model that comes with the app (the demo model), or empty if there is none.
  Q_INVOKABLE QString demoModel() const;
  // The context a model file gets: the setting, capped at the model's maximum.
  int ContextFor(const ModelDescription& model) const;

  // Threads the engine runs a loaded model on (0: every core).
  void SetThreads(int threads) { threads_ = threads; }

  // Memory a new model may take: what the system has available (tests replace this).
  void SetAvailableMemoryFunction(std::function<uint64_t()> available);
  uint64_t AvailableForNewModel() const;

 signals:
  void countChanged();
  void contextSizeChanged();
  void errorStringChanged();

 private:
  struct Entry {
    ModelDescription model;
    QString problem;  // non-empty: the file is damaged or not a model file
    bool bundled = false;
  };
  Entry Read(const QFileInfo& file, bool bundled) const;
  bool Fits(const Entry& entry) const;
  void SetError(const QString& error);
  void OnEngineModelChanged();

  std::shared_ptr<EngineBackend> backend_;
  QPointer<EngineController> engine_;
  QString models_dir_;
  QStringList bundled_dirs_;
  int context_size_ = 4096;
  int threads_ = 0;
  QString error_;
  QList<Entry> entries_;
  std::function<uint64_t()> available_;
  QFileSystemWatcher watcher_;
  QTimer rescan_;  // coalesces the watcher's bursts while a file is being written
};

}  // namespace gemma
