// InferenceWorker: the model, the sessions, and every call into the engine, on one thread.
#include "ui/inference_worker.h"

#include <exception>

#include "core/engine/error.h"

namespace gemma {
namespace {

QString ErrorText(const std::exception& e) { return QString::fromUtf8(e.what()); }

}  // namespace

InferenceWorker::InferenceWorker(std::shared_ptr<EngineBackend> backend, QObject* parent)
    : QObject(parent), backend_(std::move(backend)) {
  qRegisterMetaType<gemma::ModelDescription>();
  qRegisterMetaType<gemma::ReplyOutcome>();
}

InferenceWorker::~InferenceWorker() = default;

void InferenceWorker::Load(qint64 load_id, const QString& path, int threads,
                           std::shared_ptr<std::atomic<bool>> cancel) {
  // Free the old model before mapping the new one: a switch from 7B to 2B must not need both in memory.
  Unload();
  if (cancel && cancel->load()) {
    emit loadFailed(load_id, QString(), true);
    return;
  }
  double reported = -1;
  auto progress = [this, load_id, cancel, &reported](uint64_t done, uint64_t total) {
    // Each half percent, not each chunk: every report is a queued event for the GUI thread.
    const double fraction = total > 0 ? double(done) / double(total) : 0.0;
    if (total > 0 && (fraction - reported >= 0.005 || done >= total)) {
      reported = fraction;
      emit loadProgress(load_id, fraction);
    }
    return !(cancel && cancel->load());
  };
  try {
    std::unique_ptr<LoadedModel> model = backend_->Load(path, threads, progress);
    if (!model || (cancel && cancel->load())) {
      emit loadFailed(load_id, QString(), true);
      return;
    }
    model_ = std::move(model);
    emit loaded(load_id, model_->description());
  } catch (const std::bad_alloc&) {
    emit loadFailed(load_id, tr("There is not enough memory to load this model. Close other programs or "
                                "choose a smaller model."), false);
  } catch (const std::exception& e) {
    emit loadFailed(load_id, ErrorText(e), false);
  }
}

void InferenceWorker::Unload() {
  sessions_.clear();
  if (model_) {
    model_.reset();
    emit unloaded();
  }
}

void InferenceWorker::ForgetConversation(qint64 conversation_id) {
  sessions_.remove_if([&](const SessionSlot& slot) { return slot.conversation_id == conversation_id; });
}

ChatSession& InferenceWorker::SessionFor(qint64 conversation_id, int context) {
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (it->conversation_id != conversation_id) continue;
    if (it->context != context) {
      sessions_.erase(it);  // the context size changed in the settings: start this one afresh
      break;
    }
    sessions_.splice(sessions_.begin(), sessions_, it);
    return *sessions_.front().session;
  }
  while (int(sessions_.size()) >= kMaxSessions) sessions_.pop_back();
  SessionSlot slot;
  slot.conversation_id = conversation_id;
  slot.context = context;
  slot.session = model_->NewSession(context);
  sessions_.push_front(std::move(slot));
  return *sessions_.front().session;
}

void InferenceWorker::Generate(const ReplyRequest& request) {
  if (!model_) {
    emit replyFailed(request.request_id, tr("No model is loaded. Choose one in the model picker."));
    return;
  }
  if (request.cancel && request.cancel->load()) {
    ReplyOutcome outcome;
    outcome.request_id = request.request_id;
    outcome.stop = StopReason::kCancelled;
    emit replyFinished(outcome);
    return;
  }
  try {
    ChatSession& session = SessionFor(request.conversation_id, request.context);
    const qint64 id = request.request_id;
    auto on_token = [this, id](std::string_view piece, const GenerationStats& stats) {
      const double rate = stats.decode_seconds > 0 && stats.generated_tokens > 1
                              ? (stats.generated_tokens - 1) / stats.decode_seconds
                              : 0.0;
      emit token(id, QString::fromUtf8(piece.data(), qsizetype(piece.size())), stats.generated_tokens, rate,
                 stats.prompt_tokens + stats.generated_tokens);
    };
    GenerationResult result = session.Reply(request.conversation, request.system_prompt, request.options,
                                            on_token, request.cancel.get());
    ReplyOutcome outcome;
    outcome.request_id = id;
    outcome.stop = result.stop;
    outcome.text = QString::fromStdString(result.text);
    outcome.prompt_tokens = result.stats.prompt_tokens;
    outcome.reused_tokens = result.stats.reused_tokens;
    outcome.generated_tokens = result.stats.generated_tokens;
    outcome.dropped_turns = result.stats.dropped_turns;
    outcome.prefill_seconds = result.stats.prefill_seconds;
    outcome.tokens_per_second = result.stats.decode_seconds > 0 && result.stats.generated_tokens > 1
                                    ? (result.stats.generated_tokens - 1) / result.stats.decode_seconds
                                    : 0.0;
    outcome.context_used = session.used();
    outcome.context_size = session.context();
    emit replyFinished(outcome);
  } catch (const std::bad_alloc&) {
    ForgetConversation(request.conversation_id);
    emit replyFailed(request.request_id, tr("There is not enough memory for this conversation. Choose a "
                                            "smaller context size in Settings."));
  } catch (const std::exception& e) {
    // The session may hold a half-computed cache: drop it, the next reply prefills afresh.
    ForgetConversation(request.conversation_id);
    emit replyFailed(request.request_id, ErrorText(e));
  }
}

}  // namespace gemma
