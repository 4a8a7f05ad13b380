// EngineController: queued calls out, queued signals in, properties for QML.
#include "ui/engine_controller.h"

#include "ui/system_memory.h"

#if defined(Q_OS_LINUX)
#include <sys/resource.h>
#include <algorithm>
#include <cerrno>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace gemma {
namespace {

// The inference thread runs a little below normal priority, and so do the engine's pool threads, which it
// creates and which inherit it: when the GUI thread needs the CPU (a frame, a key press) it gets it at
// once, and the engine still has every cycle the GUI does not use. Linux has per-thread nice values;
// elsewhere this does nothing.
void LowerCurrentThreadPriority() {
#if defined(Q_OS_LINUX)
  const pid_t tid = pid_t(syscall(SYS_gettid));
  errno = 0;
  const int nice = getpriority(PRIO_PROCESS, id_t(tid));
  if (errno == 0) setpriority(PRIO_PROCESS, id_t(tid), std::min(nice + kInferenceNice, 19));
#endif
}

}  // namespace

EngineController::EngineController(std::shared_ptr<EngineBackend> backend, QObject* parent) : QObject(parent) {
  thread_.setObjectName(QStringLiteral("inference"));
  auto* worker = new InferenceWorker(std::move(backend));
  worker->moveToThread(&thread_);
  worker_ = worker;
  connect(&thread_, &QThread::finished, worker, &QObject::deleteLater);
  connect(&thread_, &QThread::started, worker, &LowerCurrentThreadPriority, Qt::DirectConnection);
  // Every connection is queued: the worker's thread emits, these slots run on the GUI thread.
  connect(worker, &InferenceWorker::loaded, this, &EngineController::OnLoaded, Qt::QueuedConnection);
  connect(worker, &InferenceWorker::loadFailed, this, &EngineController::OnLoadFailed, Qt::QueuedConnection);
  connect(worker, &InferenceWorker::unloaded, this, &EngineController::OnUnloaded, Qt::QueuedConnection);
  connect(worker, &InferenceWorker::loadProgress, this,
          [this](qint64 load_id, double fraction) {
            if (load_id != current_load_) return;
            load_progress_ = fraction;
            emit loadProgressChanged();
          },
          Qt::QueuedConnection);
  connect(worker, &InferenceWorker::token, this, &EngineController::OnToken, Qt::QueuedConnection);
  connect(worker, &InferenceWorker::replyFinished, this, &EngineController::OnReplyFinished, Qt::QueuedConnection);
  connect(worker, &InferenceWorker::replyFailed, this, &EngineController::OnReplyFailed, Qt::QueuedConnection);
  thread_.start();

  memory_timer_.setInterval(1000);
  connect(&memory_timer_, &QTimer::timeout, this, &EngineController::UpdateMemory);
  memory_timer_.start();
  UpdateMemory();
}

EngineController::~EngineController() {
  if (request_cancel_) request_cancel_->store(true);
  if (load_cancel_) load_cancel_->store(true);
  thread_.quit();
  thread_.wait();
}

void EngineController::load(const QString& path, int threads) {
  stop();
  if (load_cancel_) load_cancel_->store(true);
  current_load_ = next_id_++;
  load_cancel_ = std::make_shared<std::atomic<bool>>(false);
  loading_path_ = path;
  load_progress_ = -1;
  emit loadProgressChanged();
  SetError(QString());
  SetState(Loading);
  const qint64 id = current_load_;
  auto cancel = load_cancel_;
  QMetaObject::invokeMethod(
      worker_, [worker = worker_, id, path, threads, cancel] { worker->Load(id, path, threads, cancel); },
      Qt::QueuedConnection);
}

void EngineController::cancelLoad() {
  if (state_ != Loading) return;
  if (load_cancel_) load_cancel_->store(true);
}

void EngineController::unload() {
  stop();
  if (load_cancel_) load_cancel_->store(true);
  current_load_ = 0;
  QMetaObject::invokeMethod(worker_, [worker = worker_] { worker->Unload(); }, Qt::QueuedConnection);
  // The model is gone for the GUI at once; the worker frees it as soon as it gets there.
  OnUnloaded();
}

void EngineController::stop() {
  if (request_cancel_) request_cancel_->store(true);
}

void EngineController::clearError() { SetError(QString()); }

qint64 EngineController::StartReply(ReplyRequest request) {
  stop();
  request.request_id = next_id_++;
  request.cancel = std::make_shared<std::atomic<bool>>(false);
  const bool was_generating = generating();
  current_request_ = request.request_id;
  current_background_ = request.background;
  if (request.background) background_requests_.insert(request.request_id);
  request_cancel_ = request.cancel;
  if (!request.background) {
    tokens_per_second_ = 0;
    emit statsChanged();
  }
  if (!request.background || was_generating) emit generatingChanged();
  QMetaObject::invokeMethod(worker_, [worker = worker_, request] { worker->Generate(request); },
                            Qt::QueuedConnection);
  return request.request_id;
}

void EngineController::ForgetConversation(qint64 conversation_id) {
  QMetaObject::invokeMethod(worker_, [worker = worker_, conversation_id] { worker->ForgetConversation(conversation_id); },
                            Qt::QueuedConnection);
}

void EngineController::ForgetAllConversations() {
  QMetaObject::invokeMethod(worker_, [worker = worker_] { worker->ForgetAllConversations(); }, Qt::QueuedConnection);
}

void EngineController::SetContextSize(int context) {
  if (context_size_ == context) return;
  context_size_ = context;
  emit statsChanged();
}

void EngineController::OnLoaded(qint64 load_id, const ModelDescription& model) {
  if (load_id != current_load_) return;  // superseded by a later load or an unload
  model_ = model;
  loading_path_.clear();
  context_used_ = 0;
  tokens_per_second_ = 0;
  emit modelChanged();
  emit statsChanged();
  SetState(Ready);
  UpdateMemory();
  emit modelLoaded();
}

void EngineController::OnLoadFailed(qint64 load_id, const QString& error, bool cancelled) {
  if (load_id != current_load_) return;
  current_load_ = 0;
  loading_path_.clear();
  model_ = ModelDescription();
  emit modelChanged();
  SetState(NoModel);
  if (!cancelled) {
    SetError(error);
    emit loadFailed(error);
  }
}

void EngineController::OnUnloaded() {
  if (state_ == Loading) return;  // the old model went away on the way to the new one
  if (model_.path.isEmpty() && state_ == NoModel) return;
  model_ = ModelDescription();
  context_used_ = 0;
  tokens_per_second_ = 0;
  emit modelChanged();
  emit statsChanged();
  SetState(NoModel);
  UpdateMemory();
}

void EngineController::OnToken(qint64 request_id, const QString& piece, int generated, double rate,
                               int context_used) {
  if (request_id != current_request_) return;
  if (current_background_) return;
  tokens_per_second_ = rate;
  context_used_ = context_used;
  emit statsChanged();
  emit replyToken(request_id, piece);
}

void EngineController::OnReplyFinished(const ReplyOutcome& outcome) {
  if (background_requests_.remove(outcome.request_id)) {
    emit backgroundReplyFinished(outcome);
    EndRequest(outcome.request_id);
    return;
  }
  if (outcome.request_id == current_request_ && !current_background_) {
    if (outcome.tokens_per_second > 0) tokens_per_second_ = outcome.tokens_per_second;
    if (outcome.context_size > 0) {
      context_used_ = outcome.context_used;
      context_size_ = outcome.context_size;
    }
    emit statsChanged();
  }
  emit replyFinished(outcome);
  EndRequest(outcome.request_id);
}

void EngineController::OnReplyFailed(qint64 request_id, const QString& error) {
  if (background_requests_.remove(request_id)) {
    emit backgroundReplyFailed(request_id, error);
    EndRequest(request_id);
    return;
  }
  emit replyFailed(request_id, error);
  EndRequest(request_id);
}

void EngineController::EndRequest(qint64 request_id) {
  if (request_id != current_request_) return;
  const bool was_generating = generating();
  current_request_ = 0;
  current_background_ = false;
  request_cancel_.reset();
  if (was_generating) emit generatingChanged();
}

void EngineController::SetState(State state) {
  if (state_ == state) return;
  state_ = state;
  emit stateChanged();
}

void EngineController::SetError(const QString& error) {
  if (error_ == error) return;
  error_ = error;
  emit errorStringChanged();
}

void EngineController::UpdateMemory() {
  const qint64 bytes = qint64(ResidentMemoryBytes());
  if (bytes == memory_in_use_) return;
  memory_in_use_ = bytes;
  emit memoryInUseChanged();
}

}  // namespace gemma
