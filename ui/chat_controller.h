// ChatController: what the chat view does, in one place: send, stop, regenerate, edit and resend, switch
// between alternatives, open, rename and delete conversations. It joins the conversation store (core/chat,
// GUI thread) and the engine (EngineController, which talks to the worker thread): a reply's tokens arrive
// as queued signals and go into the store, which updates the message list the view shows.
#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QtQml/qqmlregistration.h>
#include <vector>

#include "core/chat/conversation_list_model.h"
#include "core/chat/conversation_store.h"
#include "core/chat/message_list_model.h"
#include "core/chat/search_model.h"
#include "ui/inference_worker.h"

namespace gemma {

class AppSettings;
class EngineController;
class ModelManager;

class ChatController : public QObject {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("AppController owns the chat controller")
  // The open conversation; 0 for a new chat that is created by its first message.
  Q_PROPERTY(qint64 conversationId READ conversationId NOTIFY conversationIdChanged)
  Q_PROPERTY(QString conversationTitle READ conversationTitle NOTIFY conversationTitleChanged)
  Q_PROPERTY(QAbstractListModel* messages READ messages CONSTANT)
  Q_PROPERTY(QAbstractListModel* conversations READ conversations CONSTANT)
  Q_PROPERTY(QAbstractListModel* searchResults READ searchResults CONSTANT)
  Q_PROPERTY(QString searchQuery READ searchQuery WRITE setSearchQuery NOTIFY searchQueryChanged)
  // True from Send until the reply ends (the engine may still be prefilling the conversation).
  Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
  // The reply being written, or 0.
  Q_PROPERTY(qint64 streamingMessageId READ streamingMessageId NOTIFY generatingChanged)
  // This conversation's own system prompt ("" = the global one from Settings).
  Q_PROPERTY(QString conversationSystemPrompt READ conversationSystemPrompt WRITE setConversationSystemPrompt
                 NOTIFY conversationSystemPromptChanged)
  // Why the last action failed, in plain words (empty when all is well).
  Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
  // Something worth knowing about the last reply (e.g. old turns left out to fit the context).
  Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)
  Q_PROPERTY(bool canUndoDelete READ canUndoDelete NOTIFY canUndoDeleteChanged)
  // Context positions the open conversation fills: its newest reply's prompt and reply (live while a
  // reply streams), for the status line.
  Q_PROPERTY(int contextUsed READ contextUsed NOTIFY contextUsedChanged)
  // Conversations in the database (those waiting for their delete's undo left out), for "Delete all".
  Q_PROPERTY(int conversationCount READ conversationCount NOTIFY conversationCountChanged)
  // The model is being asked for a title for conversation titleConversationId (a background request that
  // any reply the user asks for cancels).
  Q_PROPERTY(bool suggestingTitle READ suggestingTitle NOTIFY suggestingTitleChanged)

 public:
  ChatController(ConversationStore* store, EngineController* engine, AppSettings* settings,
                 QObject* parent = nullptr);
  ~ChatController() override;

  qint64 conversationId() const { return conversation_id_; }
  QString conversationTitle() const;
  QAbstractListModel* messages() { return &messages_; }
  QAbstractListModel* conversations() { return &conversations_; }
  QAbstractListModel* searchResults() { return &search_; }
  MessageListModel& messageList() { return messages_; }
  QString searchQuery() const { return search_.query(); }
  void setSearchQuery(const QString& query);
  bool generating() const { return streaming_message_id_ != 0; }
  qint64 streamingMessageId() const { return streaming_message_id_; }
  QString conversationSystemPrompt() const { return conversation_system_prompt_; }
  void setConversationSystemPrompt(const QString& prompt);
  QString errorString() const { return error_; }
  QString notice() const { return notice_; }
  bool canUndoDelete() const;
  int contextUsed() const;
  int conversationCount() const;
  bool suggestingTitle() const { return title_request_id_ != 0; }

  Q_INVOKABLE void newConversation();
  Q_INVOKABLE void openConversation(qint64 id);
  // Opens a search hit's conversation on the branch holding the message; returns its row, or -1.
  Q_INVOKABLE int openSearchResult(int row);
  Q_INVOKABLE bool renameConversation(qint64 id, const QString& title);
  Q_INVOKABLE void deleteConversation(qint64 id);
  Q_INVOKABLE void undoDelete();
  // Deletes every conversation at once (no undo: the view asks first and offers to export). Returns false
  // (errorString says why) if the store refused.
  Q_INVOKABLE bool deleteAllConversations();

  // Sends text (trimmed; empty is ignored) and starts the reply. Returns false (errorString says why)
  // when no model is loaded or the store refused.
  Q_INVOKABLE bool send(const QString& text);
  Q_INVOKABLE void stop();
  // A new reply in place of the model message at row (the old one stays as an alternative).
  Q_INVOKABLE bool regenerate(int row);
  // The user message at row, edited, as a new alternative, and a reply to it.
  Q_INVOKABLE bool editAndResend(int row, const QString& text);
  Q_INVOKABLE bool switchBranch(int row, int delta);
  Q_INVOKABLE QString messageText(int row) const;
  // The text of the newest model reply in the open conversation ("" if there is none).
  Q_INVOKABLE QString lastReplyText() const;
  Q_INVOKABLE void clearError();

  // The conversation the engine gets for a reply after row `last_row` (inclusive) of the current branch:
  // replies without any text are left out and consecutive messages of the same role are then joined (a
  // reply that failed leaves two user messages in a row), so the roles alternate as Gemma's template
  // requires.
  std::vector<ChatMessage> ConversationUpTo(int last_row) const;
  // The system prompt a reply in the open conversation uses.
  QString EffectiveSystemPrompt() const;

 signals:
  void conversationIdChanged();
  void conversationTitleChanged();
  void searchQueryChanged();
  void generatingChanged();
  void conversationSystemPromptChanged();
  void errorStringChanged();
  void noticeChanged();
  void canUndoDeleteChanged();
  void contextUsedChanged();
  void conversationCountChanged();
  void suggestingTitleChanged();
  // A reply began streaming into messageId (the view scrolls to it).
  void replyStarted(qint64 messageId);

 private:
  bool EnsureConversation();
  bool CanGenerate();
  bool StartReply(qint64 reply_id, int last_row);
  void OnToken(qint64 request_id, const QString& piece);
  void OnFinished(const ReplyOutcome& outcome);
  void OnFailed(qint64 request_id, const QString& error);
  void SetError(const QString& error);
  void SetNotice(const QString& notice);
  void SetStreaming(qint64 message_id);
  void LoadConversationSettings();
  // After a reply in the open conversation: ask the model for a title if the title is still the automatic
  // one and the setting is on (once per conversation, again only if the request was cancelled).
  void MaybeSuggestTitle(qint64 conversation_id);
  void OnTitleFinished(const ReplyOutcome& outcome);
  void EndTitleRequest();

  QPointer<ConversationStore> store_;
  QPointer<EngineController> engine_;
  QPointer<AppSettings> settings_;
  MessageListModel messages_;
  ConversationListModel conversations_;
  SearchModel search_;
  qint64 conversation_id_ = 0;
  QString conversation_system_prompt_;
  QString error_;
  QString notice_;
  qint64 streaming_message_id_ = 0;
  QHash<qint64, qint64> reply_of_request_;  // engine request id -> message id it streams into
  qint64 title_request_id_ = 0;       // the engine request asking for a title, or 0
  qint64 title_conversation_id_ = 0;  // whose title it asks for
  QSet<qint64> titles_asked_;         // conversations the model was asked (and answered) for a title
};

}  // namespace gemma
