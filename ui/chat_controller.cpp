// ChatController: conversation actions, and the path of a reply from the engine into the store.
#include "ui/chat_controller.h"

#include "ui/app_settings.h"
#include "ui/engine_controller.h"
#include "ui/title_suggestion.h"

namespace gemma {
namespace {

const QString kSystemPromptKey = QStringLiteral("systemPrompt");

}  // namespace

ChatController::ChatController(ConversationStore* store, EngineController* engine, AppSettings* settings,
                               QObject* parent)
    : QObject(parent), store_(store), engine_(engine), settings_(settings) {
  messages_.setStore(store);
  conversations_.setStore(store);
  search_.setStore(store);
  connect(engine_, &EngineController::replyToken, this, &ChatController::OnToken);
  connect(engine_, &EngineController::replyFinished, this, &ChatController::OnFinished);
  connect(engine_, &EngineController::replyFailed, this, &ChatController::OnFailed);
  connect(engine_, &EngineController::backgroundReplyFinished, this, [this](const ReplyOutcome& outcome) {
    if (title_request_id_ && outcome.request_id == title_request_id_) OnTitleFinished(outcome);
  });
  connect(engine_, &EngineController::backgroundReplyFailed, this, [this](qint64 request_id, const QString&) {
    // No title is no harm: the automatic one stays.
    if (title_request_id_ && request_id == title_request_id_) EndTitleRequest();
  });
  connect(store_, &ConversationStore::conversationChanged, this, [this](qint64 id) {
    if (id == conversation_id_) emit conversationTitleChanged();
  });
  connect(store_, &ConversationStore::conversationsRemoved, this, [this](const QList<qint64>& ids) {
    if (title_request_id_ && ids.contains(title_conversation_id_)) engine_->stop();
    for (qint64 id : ids) engine_->ForgetConversation(id);
    if (ids.contains(conversation_id_)) newConversation();
  });
  connect(store_, &ConversationStore::pendingDeleteChanged, this, &ChatController::canUndoDeleteChanged);
  connect(store_, &ConversationStore::conversationCreated, this, &ChatController::conversationCountChanged);
  connect(store_, &ConversationStore::conversationsRemoved, this, &ChatController::conversationCountChanged);
  connect(store_, &ConversationStore::conversationsRestored, this, &ChatController::conversationCountChanged);
  connect(store_, &ConversationStore::conversationsReset, this, &ChatController::conversationCountChanged);
  connect(store_, &ConversationStore::pendingDeleteChanged, this, &ChatController::conversationCountChanged);
  connect(&messages_, &QAbstractItemModel::modelReset, this, &ChatController::contextUsedChanged);
  connect(&messages_, &QAbstractItemModel::rowsInserted, this, &ChatController::contextUsedChanged);
  connect(&messages_, &QAbstractItemModel::dataChanged, this, &ChatController::contextUsedChanged);
  connect(engine_, &EngineController::statsChanged, this, [this] {
    if (generating()) emit contextUsedChanged();
  });
}

ChatController::~ChatController() {
  // A reply still streaming is written as stopped, so it is not taken for a crash at the next start.
  if (streaming_message_id_ && store_) store_->finishMessage(streaming_message_id_, MessageState::kStopped, {});
}

QString ChatController::conversationTitle() const {
  return conversation_id_ && store_ ? store_->conversationTitle(conversation_id_) : QString();
}

bool ChatController::canUndoDelete() const { return store_ && store_->canUndoDelete(); }

int ChatController::contextUsed() const {
  if (generating() && engine_) return engine_->contextUsed();
  for (int row = messages_.rowCount() - 1; row >= 0; --row) {
    const QModelIndex index = messages_.index(row);
    if (messages_.data(index, MessageListModel::kRoleRole).toString() != QLatin1String("model")) continue;
    return int(messages_.data(index, MessageListModel::kPromptTokensRole).toLongLong() +
               messages_.data(index, MessageListModel::kReplyTokensRole).toLongLong());
  }
  return 0;
}

void ChatController::setSearchQuery(const QString& query) {
  if (query == search_.query()) return;
  search_.setQuery(query);
  emit searchQueryChanged();
}

void ChatController::newConversation() {
  if (conversation_id_ == 0 && messages_.count() == 0) return;
  conversation_id_ = 0;
  messages_.setConversationId(0);
  LoadConversationSettings();
  SetNotice(QString());
  emit conversationIdChanged();
  emit conversationTitleChanged();
}

void ChatController::openConversation(qint64 id) {
  if (id == conversation_id_) return;
  conversation_id_ = id;
  messages_.setConversationId(id);
  LoadConversationSettings();
  SetNotice(QString());
  emit conversationIdChanged();
  emit conversationTitleChanged();
}

int ChatController::openSearchResult(int row) {
  const SearchHit* hit = search_.hitAt(row);
  if (!hit) return -1;
  openConversation(hit->conversation_id);
  return hit->message_id ? messages_.revealMessage(hit->message_id) : 0;
}

bool ChatController::renameConversation(qint64 id, const QString& title) {
  const QString trimmed = title.trimmed();
  if (trimmed.isEmpty() || !store_) return false;
  return store_->renameConversation(id, trimmed);
}

void ChatController::deleteConversation(qint64 id) {
  if (!store_) return;
  if (streaming_message_id_ && id == conversation_id_) stop();
  store_->deleteConversation(id);
}

void ChatController::undoDelete() {
  if (store_) store_->undoDelete();
}

int ChatController::conversationCount() const { return store_ ? store_->conversationCount() : 0; }

bool ChatController::deleteAllConversations() {
  if (!store_ || !engine_) return false;
  stop();
  newConversation();
  if (!store_->deleteAllConversations()) {
    SetError(store_->errorString());
    return false;
  }
  engine_->ForgetAllConversations();
  titles_asked_.clear();
  return true;
}

void ChatController::LoadConversationSettings() {
  QString prompt;
  if (conversation_id_ && store_) prompt = store_->conversationSettings(conversation_id_).value(kSystemPromptKey).toString();
  if (prompt == conversation_system_prompt_) return;
  conversation_system_prompt_ = prompt;
  emit conversationSystemPromptChanged();
}

void ChatController::setConversationSystemPrompt(const QString& prompt) {
  if (prompt == conversation_system_prompt_) return;
  conversation_system_prompt_ = prompt;
  if (conversation_id_ && store_) {
    QVariantMap settings = store_->conversationSettings(conversation_id_);
    settings.insert(kSystemPromptKey, prompt);
    store_->setConversationSettings(conversation_id_, settings);
  }
  emit conversationSystemPromptChanged();
}

QString ChatController::EffectiveSystemPrompt() const {
  if (!conversation_system_prompt_.trimmed().isEmpty()) return conversation_system_prompt_;
  return settings_ ? settings_->systemPrompt() : QString();
}

bool ChatController::EnsureConversation() {
  if (conversation_id_) return true;
  QVariantMap settings;
  if (!conversation_system_prompt_.isEmpty()) settings.insert(kSystemPromptKey, conversation_system_prompt_);
  const qint64 id = store_->createConversation(engine_->modelName(), settings);
  if (id == 0) {
    SetError(store_->errorString());
    return false;
  }
  conversation_id_ = id;
  messages_.setConversationId(id);
  emit conversationIdChanged();
  emit conversationTitleChanged();
  return true;
}

bool ChatController::CanGenerate() {
  if (!store_ || !engine_) return false;
  if (engine_->state() == EngineController::Loading) {
    SetError(tr("The model is still loading. Send again when it is ready."));
    return false;
  }
  if (engine_->state() != EngineController::Ready) {
    SetError(tr("No model is loaded. Choose one in the model picker at the top, or import one."));
    return false;
  }
  return true;
}

bool ChatController::send(const QString& text) {
  const QString trimmed = text.trimmed();
  if (trimmed.isEmpty()) return false;
  if (!CanGenerate() || !EnsureConversation()) return false;
  SetError(QString());
  const qint64 user_id = messages_.appendUserMessage(trimmed);
  if (user_id == 0) {
    SetError(store_->errorString());
    return false;
  }
  const qint64 reply_id = store_->beginModelMessage(conversation_id_, user_id, engine_->modelName());
  if (reply_id == 0) {
    SetError(store_->errorString());
    return false;
  }
  return StartReply(reply_id, messages_.rowOf(user_id));
}

bool ChatController::regenerate(int row) {
  if (!CanGenerate()) return false;
  if (messages_.data(messages_.index(row), MessageListModel::kRoleRole).toString() != QLatin1String("model")) {
    return false;
  }
  stop();
  SetError(QString());
  const qint64 reply_id = messages_.regenerate(row, engine_->modelName());
  if (reply_id == 0) {
    SetError(store_->errorString());
    return false;
  }
  // The new alternative is now the last row; the conversation is everything above it.
  return StartReply(reply_id, messages_.rowOf(reply_id) - 1);
}

bool ChatController::editAndResend(int row, const QString& text) {
  const QString trimmed = text.trimmed();
  if (trimmed.isEmpty() || !CanGenerate()) return false;
  stop();
  SetError(QString());
  const qint64 user_id = messages_.editMessage(row, trimmed);
  if (user_id == 0) {
    SetError(store_->errorString());
    return false;
  }
  const qint64 reply_id = store_->beginModelMessage(conversation_id_, user_id, engine_->modelName());
  if (reply_id == 0) {
    SetError(store_->errorString());
    return false;
  }
  return StartReply(reply_id, messages_.rowOf(user_id));
}

bool ChatController::StartReply(qint64 reply_id, int last_row) {
  ReplyRequest request;
  request.conversation_id = conversation_id_;
  request.conversation = ConversationUpTo(last_row);
  request.system_prompt = EffectiveSystemPrompt().toStdString();
  request.options = settings_->generationOptions();
  request.context = engine_->contextSize();
  if (request.conversation.empty() || request.conversation.back().role != Role::kUser) {
    store_->finishMessage(reply_id, MessageState::kError, {}, tr("There is no message to reply to."));
    return false;
  }
  // A reply still running elsewhere is stopped by the engine and finished in OnFinished, as stopped.
  const qint64 request_id = engine_->StartReply(std::move(request));
  reply_of_request_.insert(request_id, reply_id);
  SetNotice(QString());
  SetStreaming(reply_id);
  emit replyStarted(reply_id);
  return true;
}

std::vector<ChatMessage> ChatController::ConversationUpTo(int last_row) const {
  std::vector<ChatMessage> conversation;
  for (int row = 0; row <= last_row && row < messages_.rowCount(); ++row) {
    const QModelIndex index = messages_.index(row);
    const Role role = messages_.data(index, MessageListModel::kRoleRole).toString() == QLatin1String("model")
                          ? Role::kModel
                          : Role::kUser;
    const QString text = messages_.data(index, MessageListModel::kTextRole).toString();
    // A reply with no text at all (failed or stopped before its first token) said nothing: leave it out.
    // One that is only white space is still a turn the model took.
    if (text.isEmpty() && role == Role::kModel) continue;
    if (conversation.empty() && role == Role::kModel) continue;  // Gemma's turns start with the user
    if (!conversation.empty() && conversation.back().role == role) {
      conversation.back().text += "\n\n" + text.toStdString();
    } else {
      conversation.push_back(ChatMessage{role, text.toStdString()});
    }
  }
  return conversation;
}

void ChatController::stop() {
  if (engine_) engine_->stop();
}

void ChatController::MaybeSuggestTitle(qint64 conversation_id) {
  if (!settings_ || !settings_->suggestTitles() || !store_ || !engine_) return;
  if (engine_->state() != EngineController::Ready || generating() || title_request_id_) return;
  if (conversation_id != conversation_id_ || titles_asked_.contains(conversation_id)) return;
  const std::optional<ConversationRecord> record = store_->conversation(conversation_id);
  if (!record || record->title_source != TitleSource::kFirstMessage) return;
  ReplyRequest request;
  request.conversation_id = conversation_id;
  request.conversation = ConversationUpTo(messages_.rowCount() - 1);
  if (request.conversation.empty() || request.conversation.back().role != Role::kModel) return;
  // One more user turn after the conversation: the session's cache already holds everything before it, so
  // the title costs only its own tokens, and the next real turn still finds the conversation cached.
  request.conversation.push_back(ChatMessage{Role::kUser, kTitleInstruction});
  request.system_prompt = EffectiveSystemPrompt().toStdString();
  request.options.sampling = SamplingParams{};  // greedy: the likeliest title, the same every time
  request.options.max_tokens = kTitleMaxTokens;
  request.context = engine_->contextSize();
  request.background = true;
  titles_asked_.insert(conversation_id);
  title_conversation_id_ = conversation_id;
  title_request_id_ = engine_->StartReply(std::move(request));
  emit suggestingTitleChanged();
}

void ChatController::OnTitleFinished(const ReplyOutcome& outcome) {
  const qint64 conversation_id = title_conversation_id_;
  EndTitleRequest();
  if (outcome.stop == StopReason::kCancelled) {
    titles_asked_.remove(conversation_id);  // the user's message came first: ask after its reply instead
    return;
  }
  const QString title = CleanSuggestedTitle(outcome.text);
  if (title.isEmpty() || !store_ || store_->isPendingDelete(conversation_id)) return;
  // The user may have renamed the conversation while the model was thinking: a typed title stays.
  const std::optional<ConversationRecord> record = store_->conversation(conversation_id);
  if (!record || record->title_source != TitleSource::kFirstMessage) return;
  store_->setSuggestedTitle(conversation_id, title);
}

void ChatController::EndTitleRequest() {
  if (!title_request_id_) return;
  title_request_id_ = 0;
  title_conversation_id_ = 0;
  emit suggestingTitleChanged();
}

void ChatController::OnToken(qint64 request_id, const QString& piece) {
  const qint64 reply_id = reply_of_request_.value(request_id);
  if (reply_id && store_) store_->appendToStreamingMessage(reply_id, piece);
}

void ChatController::OnFinished(const ReplyOutcome& outcome) {
  const qint64 reply_id = reply_of_request_.take(outcome.request_id);
  if (!reply_id || !store_) return;
  ReplyStats stats;
  stats.prompt_tokens = outcome.prompt_tokens;
  stats.reply_tokens = outcome.generated_tokens;
  stats.tokens_per_second = outcome.tokens_per_second;
  const MessageState state = outcome.stop == StopReason::kCancelled ? MessageState::kStopped : MessageState::kComplete;
  store_->finishMessage(reply_id, state, stats);
  if (reply_id == streaming_message_id_) {
    if (outcome.dropped_turns > 0) {
      SetNotice(tr("The conversation is longer than the context, so its %n oldest exchange(s) were left out of "
                   "this reply.", nullptr, outcome.dropped_turns));
    } else if (outcome.stop == StopReason::kContextFull) {
      SetNotice(tr("The reply stopped because the context is full. Start a new chat or choose a larger context "
                   "size in Settings."));
    } else if (outcome.stop == StopReason::kMaxTokens) {
      SetNotice(tr("The reply reached the maximum length set in Settings."));
    }
    SetStreaming(0);
    if (outcome.stop != StopReason::kCancelled && !outcome.text.trimmed().isEmpty()) {
      const std::optional<MessageRecord> reply = store_->message(reply_id);
      if (reply) MaybeSuggestTitle(reply->conversation_id);
    }
  }
}

void ChatController::OnFailed(qint64 request_id, const QString& error) {
  const qint64 reply_id = reply_of_request_.take(request_id);
  if (!reply_id || !store_) return;
  store_->finishMessage(reply_id, MessageState::kError, {}, error);
  if (reply_id == streaming_message_id_) {
    SetError(error);
    SetStreaming(0);
  }
}

bool ChatController::switchBranch(int row, int delta) {
  if (generating()) return false;
  return messages_.switchBranch(row, delta);
}

QString ChatController::messageText(int row) const {
  return messages_.data(messages_.index(row), MessageListModel::kTextRole).toString();
}

QString ChatController::lastReplyText() const {
  for (int row = messages_.rowCount() - 1; row >= 0; --row) {
    if (messages_.data(messages_.index(row), MessageListModel::kRoleRole).toString() == QLatin1String("model")) {
      return messageText(row);
    }
  }
  return QString();
}

void ChatController::clearError() { SetError(QString()); }

void ChatController::SetError(const QString& error) {
  if (error == error_) return;
  error_ = error;
  emit errorStringChanged();
}

void ChatController::SetNotice(const QString& notice) {
  if (notice == notice_) return;
  notice_ = notice;
  emit noticeChanged();
}

void ChatController::SetStreaming(qint64 message_id) {
  if (message_id == streaming_message_id_) return;
  streaming_message_id_ = message_id;
  emit generatingChanged();
}

}  // namespace gemma
