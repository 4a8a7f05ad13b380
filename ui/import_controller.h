// ImportController: imports a Hugging Face folder or a GGUF file into <data>/models on a thread of its own,
// with progress, cancel, and an error in plain words for a wrong or damaged source. The GUI thread only
// ever sees queued updates; the finished model appears in the picker without a restart.
#pragma once

#include <QObject>
#include <QThread>
#include <QUrl>
#include <QtQml/qqmlregistration.h>
#include <atomic>
#include <memory>

#include "ui/engine_backend.h"

namespace gemma {

class ImportController : public QObject {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("AppController owns the importer")
  Q_PROPERTY(State state READ state NOTIFY stateChanged)
  Q_PROPERTY(double progress READ progress NOTIFY progressChanged)  // 0..1
  Q_PROPERTY(QString sourcePath READ sourcePath NOTIFY stateChanged)
  Q_PROPERTY(QString destinationPath READ destinationPath NOTIFY stateChanged)
  Q_PROPERTY(QString errorString READ errorString NOTIFY stateChanged)
  Q_PROPERTY(bool busy READ busy NOTIFY stateChanged)

 public:
  enum State { Idle, Importing, Cancelling, Succeeded, Cancelled, Failed };
  Q_ENUM(State)

  ImportController(std::shared_ptr<EngineBackend> backend, const QString& models_dir, QObject* parent = nullptr);
  ~ImportController() override;  // cancels a running import and waits for it

  State state() const { return state_; }
  double progress() const { return progress_; }
  QString sourcePath() const { return source_; }
  QString destinationPath() const { return destination_; }
  QString errorString() const { return error_; }
  bool busy() const { return state_ == Importing || state_ == Cancelling; }

  // source: a local path or a file:// URL (from a file dialog or a drop) to a Hugging Face folder (or a
  // file in one) or a .gguf file. Returns false (errorString says why) if it cannot even start.
  Q_INVOKABLE bool start(const QString& source);
  Q_INVOKABLE void cancel();
  // Back to Idle after a result was shown.
  Q_INVOKABLE void reset();

  // Where a model imported from source goes: <models>/<name>.gemma, numbered if that exists.
  QString DestinationFor(const QString& source) const;

 signals:
  void stateChanged();
  void progressChanged();
  void imported(const QString& path);

 private:
  void Finish(State state, const QString& error);
  void SetState(State state);

  std::shared_ptr<EngineBackend> backend_;
  QString models_dir_;
  State state_ = Idle;
  double progress_ = 0;
  QString source_;
  QString destination_;
  QString error_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  QThread* thread_ = nullptr;
};

}  // namespace gemma
