// InferenceWorker: lives on its own QThread and owns the loaded model and the conversations' sessions.
// The GUI thread reaches it only through queued calls (EngineController does this), and it answers only
// through queued signals carrying values, so no model, session or list model is ever shared between
// threads. Cancel flags are std::atomic<bool>, set by the GUI thread and read here once per token.
#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "ui/engine_backend.h"

namespace gemma {

struct ReplyRequest {
  qint64 request_id = 0;
  qint64 conversation_id = 0;  // the session of this conversation is reused: only new tokens are computed
  std::vector<ChatMessage> conversation;  // ends with the user message to answer
  std::string system_prompt;
  GenerationOptions options;
  int context = 0;  // 0: the model's maximum
  std::shared_ptr<std::atomic<bool>> cancel;
  // A request the app makes for itself (a suggested title): the engine's generating state and statistics
  // stay as the user's last reply left them.
  bool background = false;
};

// How a reply ended.
struct ReplyOutcome {
  qint64 request_id = 0;
  StopReason stop = StopReason::kEndOfTurn;
  QString text;
  int prompt_tokens = 0;
  int reused_tokens = 0;
  int generated_tokens = 0;
  int dropped_turns = 0;
  double prefill_seconds = 0;
  double tokens_per_second = 0;  // decoding
  int context_used = 0;
  int context_size = 0;
};

class InferenceWorker : public QObject {
  Q_OBJECT

 public:
  explicit InferenceWorker(std::shared_ptr<EngineBackend> backend, QObject* parent = nullptr);
  ~InferenceWorker() override;

  // These run on the worker's thread; call them through QMetaObject::invokeMethod(..., Qt::QueuedConnection).
  // Loading replaces the model in place: the old one is released first, so two never share the memory.
  void Load(qint64 load_id, const QString& path, int threads, std::shared_ptr<std::atomic<bool>> cancel);
  void Unload();
  void Generate(const ReplyRequest& request);
  void ForgetConversation(qint64 conversation_id);
  void ForgetAllConversations() { sessions_.clear(); }

  // Sessions kept at once (the most recently used conversations); others are rebuilt by prefilling.
  static constexpr int kMaxSessions = 3;

 signals:
  void loadProgress(qint64 loadId, double fraction);
  void loaded(qint64 loadId, const gemma::ModelDescription& model);
  void loadFailed(qint64 loadId, const QString& error, bool cancelled);
  void unloaded();
  // One per piece of text (whole UTF-8 characters); context_used counts the prompt and the reply so far.
  void token(qint64 requestId, const QString& piece, int generated, double tokensPerSecond, int contextUsed);
  void replyFinished(const gemma::ReplyOutcome& outcome);
  void replyFailed(qint64 requestId, const QString& error);

 private:
  struct SessionSlot {
    qint64 conversation_id = 0;
    int context = 0;
    std::unique_ptr<ChatSession> session;
  };
  ChatSession& SessionFor(qint64 conversation_id, int context);

  std::shared_ptr<EngineBackend> backend_;
  std::unique_ptr<LoadedModel> model_;
  std::list<SessionSlot> sessions_;  // most recently used first
};

}  // namespace gemma

Q_DECLARE_METATYPE(gemma::ModelDescription)
Q_DECLARE_METATYPE(gemma::ReplyOutcome)
