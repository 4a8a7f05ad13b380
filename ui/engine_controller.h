// EngineController: the GUI thread's side of the InferenceWorker. It owns the worker's QThread, sends it
// queued calls, and turns its signals into properties QML binds to (what is loaded, loading progress,
// tokens/s, context used, memory in use). Only one reply runs at a time; Stop takes effect within a token.
#pragma once

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QThread>
#include <QTimer>
#include <QtQml/qqmlregistration.h>
#include <atomic>
#include <memory>

#include "ui/engine_backend.h"
#include "ui/inference_worker.h"

namespace gemma {

// How much nicer (lower priority) the inference threads are than the GUI thread.
inline constexpr int kInferenceNice = 5;

class EngineController : public QObject {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("AppController owns the engine")
  Q_PROPERTY(State state READ state NOTIFY stateChanged)
  Q_PROPERTY(QString modelPath READ modelPath NOTIFY modelChanged)
  Q_PROPERTY(QString modelName READ modelName NOTIFY modelChanged)
  Q_PROPERTY(QString modelVariant READ modelVariant NOTIFY modelChanged)
  Q_PROPERTY(bool instructionTuned READ instructionTuned NOTIFY modelChanged)
  Q_PROPERTY(QString loadingPath READ loadingPath NOTIFY stateChanged)
  // 0..1 while a checkpoint is quantized on loading; -1 while the amount is unknown (a model file maps fast).
  Q_PROPERTY(double loadProgress READ loadProgress NOTIFY loadProgressChanged)
  Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
  Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
  Q_PROPERTY(double tokensPerSecond READ tokensPerSecond NOTIFY statsChanged)
  Q_PROPERTY(int contextUsed READ contextUsed NOTIFY statsChanged)
  Q_PROPERTY(int contextSize READ contextSize NOTIFY statsChanged)
  Q_PROPERTY(qint64 memoryInUse READ memoryInUse NOTIFY memoryInUseChanged)

 public:
  enum State { NoModel, Loading, Ready };
  Q_ENUM(State)

  explicit EngineController(std::shared_ptr<EngineBackend> backend, QObject* parent = nullptr);
  ~EngineController() override;  // cancels what runs and waits for the worker thread

  State state() const { return state_; }
  QString modelPath() const { return model_.path; }
  QString modelName() const { return model_.name; }
  QString modelVariant() const { return model_.variant; }
  bool instructionTuned() const { return model_.instruction_tuned; }
  const ModelDescription& model() const { return model_; }
  QString loadingPath() const { return loading_path_; }
  double loadProgress() const { return load_progress_; }
  QString errorString() const { return error_; }
  // A reply for the user is running (a background request, such as a title, does not count).
  bool generating() const { return current_request_ != 0 && !current_background_; }
  double tokensPerSecond() const { return tokens_per_second_; }
  int contextUsed() const { return context_used_; }
  int contextSize() const { return context_size_; }
  qint64 memoryInUse() const { return memory_in_use_; }

  // Loads a model file (replacing the loaded one: a reply in progress is stopped first). No memory check
  // here: ModelManager refuses what does not fit before it calls this.
  Q_INVOKABLE void load(const QString& path, int threads = 0);
  Q_INVOKABLE void cancelLoad();
  Q_INVOKABLE void unload();
  // Stops the reply in progress (if any) within one token.
  Q_INVOKABLE void stop();
  Q_INVOKABLE void clearError();

  // Starts a reply; fills in the request's id and cancel flag and returns the id. Tokens arrive through
  // replyToken, the end through replyFinished or replyFailed. A reply already running is stopped first
  // (so a user's message always cancels a background request rather than wait for it).
  qint64 StartReply(ReplyRequest request);
  // The conversation was deleted or its history rewritten: its session is dropped.
  void ForgetConversation(qint64 conversation_id);
  // Every conversation was deleted: every session is dropped (their memory too).
  void ForgetAllConversations();
  // Sets what contextSize shows before any reply (the chosen context of the loaded model).
  void SetContextSize(int context);

 signals:
  void stateChanged();
  void modelChanged();
  void loadProgressChanged();
  void errorStringChanged();
  void generatingChanged();
  void statsChanged();
  void memoryInUseChanged();
  void modelLoaded();
  void loadFailed(const QString& error);
  void replyToken(qint64 requestId, const QString& piece);
  void replyFinished(const gemma::ReplyOutcome& outcome);
  void replyFailed(qint64 requestId, const QString& error);
  // The end of a background request (ReplyRequest::background): its tokens and end go only here, so
  // whoever follows the user's replies (the view, the statistics) never sees them.
  void backgroundReplyFinished(const gemma::ReplyOutcome& outcome);
  void backgroundReplyFailed(qint64 requestId, const QString& error);

 private:
  void OnLoaded(qint64 load_id, const ModelDescription& model);
  void OnLoadFailed(qint64 load_id, const QString& error, bool cancelled);
  void OnUnloaded();
  void OnToken(qint64 request_id, const QString& piece, int generated, double rate, int context_used);
  void OnReplyFinished(const ReplyOutcome& outcome);
  void OnReplyFailed(qint64 request_id, const QString& error);
  void SetState(State state);
  void SetError(const QString& error);
  void EndRequest(qint64 request_id);
  void UpdateMemory();

  QThread thread_;
  QPointer<InferenceWorker> worker_;
  State state_ = NoModel;
  ModelDescription model_;
  QString loading_path_;
  double load_progress_ = -1;
  QString error_;
  qint64 next_id_ = 1;
  qint64 current_load_ = 0;
  std::shared_ptr<std::atomic<bool>> load_cancel_;
  qint64 current_request_ = 0;
  bool current_background_ = false;
  QSet<qint64> background_requests_;  // started and not yet ended
  std::shared_ptr<std::atomic<bool>> request_cancel_;
  double tokens_per_second_ = 0;
  int context_used_ = 0;
  int context_size_ = 0;
  qint64 memory_in_use_ = 0;
  QTimer memory_timer_;
};

}  // namespace gemma
