// Reads and writes of conversations and messages over one Qt SQL connection: the SQL lives here and only
// here. Free functions, so the GUI thread's store and the exporter's worker connection share them.
// Every function throws DbError on failure; writes that touch several rows run in one transaction.
#pragma once

#include <QList>
#include <QSqlDatabase>
#include <optional>

#include "core/chat/chat_types.h"

namespace gemma {

// What the sidebar shows of a conversation: no settings, no messages.
struct ConversationSummary {
  qint64 id = 0;
  QString title;
  qint64 updated_ms = 0;
};

// Position in the newest-first order: a page starts after this (updated, id).
struct PageCursor {
  qint64 updated_ms = 0;
  qint64 id = 0;
};

qint64 InsertConversation(QSqlDatabase& db, const ConversationRecord& record);
std::optional<ConversationRecord> ReadConversation(QSqlDatabase& db, qint64 id);
QList<ConversationSummary> ReadConversationPage(QSqlDatabase& db, std::optional<PageCursor> after, int limit);
qint64 CountConversations(QSqlDatabase& db);
void SetTitle(QSqlDatabase& db, qint64 id, const QString& title, TitleSource source);
void SetSettings(QSqlDatabase& db, qint64 id, const QJsonObject& settings);
void SetConversationModel(QSqlDatabase& db, qint64 id, const QString& model);
void TouchConversation(QSqlDatabase& db, qint64 id, qint64 updated_ms);
void DeleteConversations(QSqlDatabase& db, const QList<qint64>& ids);
void DeleteAllConversations(QSqlDatabase& db);

// Inserts record (its id is ignored) and returns the new id. A parent must be in the same conversation.
qint64 InsertMessage(QSqlDatabase& db, const MessageRecord& record);
std::optional<MessageRecord> ReadMessage(QSqlDatabase& db, qint64 id);
// Every message of every branch, in id order.
QList<MessageRecord> ReadMessages(QSqlDatabase& db, qint64 conversation_id);
void UpdateMessageText(QSqlDatabase& db, qint64 id, const QString& text);
void FinishMessage(QSqlDatabase& db, qint64 id, const QString& text, MessageState state, const ReplyStats& stats,
                   const QString& error_text);
void SetSelected(QSqlDatabase& db, qint64 message_id, qint64 selected_ms);
// Replies left 'streaming' by a crash become 'interrupted'; returns how many.
int MarkStreamingInterrupted(QSqlDatabase& db);

ConversationData ReadConversationData(QSqlDatabase& db, qint64 id);
// Ids of all conversations, newest first.
QList<qint64> AllConversationIds(QSqlDatabase& db);
// Inserts a whole conversation with new ids (parents mapped); returns the new conversation id. Does not open
// a transaction: the caller groups imports.
qint64 InsertConversationData(QSqlDatabase& db, const ConversationData& data);

}  // namespace gemma
