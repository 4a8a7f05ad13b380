// SQL of the chat store. Times are integer milliseconds since the epoch (UTC); settings a JSON object text.
#include "core/chat/chat_repository.h"

#include <QHash>
#include <QJsonDocument>
#include <QSqlQuery>

#include "core/chat/sql_util.h"

namespace gemma {
namespace {

const QString kMessageColumns = QStringLiteral(
    "id, conversation_id, parent_id, role, text, created, model, prompt_tokens, reply_tokens, "
    "tokens_per_second, state, error_text, selected");

const QString kConversationColumns =
    QStringLiteral("id, title, title_source, created, updated, model, settings");

QVariant NullableId(qint64 id) { return id == 0 ? QVariant(QMetaType::fromType<qint64>()) : QVariant(id); }

QJsonObject ParseSettings(const QString& text) {
  // The column has a json_valid CHECK, so only an object/array/scalar can be there; keep objects only.
  return QJsonDocument::fromJson(text.toUtf8()).object();
}

QString SettingsText(const QJsonObject& settings) {
  return QString::fromUtf8(QJsonDocument(settings).toJson(QJsonDocument::Compact));
}

MessageRecord MessageFromQuery(const QSqlQuery& q) {
  MessageRecord m;
  m.id = q.value(0).toLongLong();
  m.conversation_id = q.value(1).toLongLong();
  m.parent_id = q.value(2).isNull() ? 0 : q.value(2).toLongLong();
  m.role = RoleFromName(q.value(3).toString()).value_or(MessageRole::kUser);
  m.text = q.value(4).toString();
  m.created_ms = q.value(5).toLongLong();
  m.model = q.value(6).toString();
  m.prompt_tokens = q.value(7).toLongLong();
  m.reply_tokens = q.value(8).toLongLong();
  m.tokens_per_second = q.value(9).toDouble();
  m.state = StateFromName(q.value(10).toString()).value_or(MessageState::kError);
  m.error_text = q.value(11).toString();
  m.selected_ms = q.value(12).toLongLong();
  return m;
}

ConversationRecord ConversationFromQuery(const QSqlQuery& q) {
  ConversationRecord c;
  c.id = q.value(0).toLongLong();
  c.title = q.value(1).toString();
  c.title_source = TitleSourceFromName(q.value(2).toString()).value_or(TitleSource::kNone);
  c.created_ms = q.value(3).toLongLong();
  c.updated_ms = q.value(4).toLongLong();
  c.model = q.value(5).toString();
  c.settings = ParseSettings(q.value(6).toString());
  return c;
}

// Rows are read until next() is false; SQLite reports an error met mid-scan (a damaged page) only then.
void CheckScanEnd(const QSqlQuery& q, const QString& what) {
  ThrowIfError(q.lastError(), QStringLiteral("reading %1").arg(what));
}

}  // namespace

qint64 InsertConversation(QSqlDatabase& db, const ConversationRecord& r) {
  QSqlQuery q = Exec(db,
                     QStringLiteral("INSERT INTO conversations (title, title_source, created, updated, model, "
                                    "settings) VALUES (?, ?, ?, ?, ?, ?)"),
                     {r.title, TitleSourceName(r.title_source), r.created_ms, r.updated_ms, r.model,
                      SettingsText(r.settings)});
  return q.lastInsertId().toLongLong();
}

std::optional<ConversationRecord> ReadConversation(QSqlDatabase& db, qint64 id) {
  QSqlQuery q = Exec(db, QStringLiteral("SELECT %1 FROM conversations WHERE id = ?").arg(kConversationColumns),
                     {id});
  if (!q.next()) {
    CheckScanEnd(q, QStringLiteral("a conversation"));
    return std::nullopt;
  }
  return ConversationFromQuery(q);
}

QList<ConversationSummary> ReadConversationPage(QSqlDatabase& db, std::optional<PageCursor> after, int limit) {
  QSqlQuery q = after ? Exec(db,
                             QStringLiteral("SELECT id, title, updated FROM conversations "
                                            "WHERE (updated, id) < (?, ?) ORDER BY updated DESC, id DESC LIMIT ?"),
                             {after->updated_ms, after->id, limit})
                      : Exec(db,
                             QStringLiteral("SELECT id, title, updated FROM conversations "
                                            "ORDER BY updated DESC, id DESC LIMIT ?"),
                             {limit});
  QList<ConversationSummary> page;
  while (q.next()) page.append({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toLongLong()});
  CheckScanEnd(q, QStringLiteral("the conversation list"));
  return page;
}

qint64 CountConversations(QSqlDatabase& db) {
  return QueryValue(db, QStringLiteral("SELECT count(*) FROM conversations")).toLongLong();
}

void SetTitle(QSqlDatabase& db, qint64 id, const QString& title, TitleSource source) {
  Exec(db, QStringLiteral("UPDATE conversations SET title = ?, title_source = ? WHERE id = ?"),
       {title, TitleSourceName(source), id});
}

void SetSettings(QSqlDatabase& db, qint64 id, const QJsonObject& settings) {
  Exec(db, QStringLiteral("UPDATE conversations SET settings = ? WHERE id = ?"), {SettingsText(settings), id});
}

void SetConversationModel(QSqlDatabase& db, qint64 id, const QString& model) {
  Exec(db, QStringLiteral("UPDATE conversations SET model = ? WHERE id = ?"), {model, id});
}

void TouchConversation(QSqlDatabase& db, qint64 id, qint64 updated_ms) {
  Exec(db, QStringLiteral("UPDATE conversations SET updated = max(updated, ?) WHERE id = ?"), {updated_ms, id});
}

void DeleteConversations(QSqlDatabase& db, const QList<qint64>& ids) {
  Transaction transaction(db);
  for (qint64 id : ids) Exec(db, QStringLiteral("DELETE FROM conversations WHERE id = ?"), {id});
  transaction.Commit();
}

void DeleteAllConversations(QSqlDatabase& db) {
  Transaction transaction(db);
  // Messages first, in one statement, rather than a cascade per conversation.
  Exec(db, QStringLiteral("DELETE FROM messages"));
  Exec(db, QStringLiteral("DELETE FROM conversations"));
  transaction.Commit();
}

qint64 InsertMessage(QSqlDatabase& db, const MessageRecord& r) {
  if (r.parent_id != 0) {
    const QVariant owner =
        QueryValue(db, QStringLiteral("SELECT conversation_id FROM messages WHERE id = ?"), {r.parent_id});
    if (!owner.isValid() || owner.toLongLong() != r.conversation_id) {
      throw Error(QStringLiteral("message %1 is not in conversation %2: cannot reply to it there")
                      .arg(r.parent_id)
                      .arg(r.conversation_id)
                      .toStdString());
    }
  }
  QSqlQuery q = Exec(db,
                     QStringLiteral("INSERT INTO messages (conversation_id, parent_id, role, text, created, model, "
                                    "prompt_tokens, reply_tokens, tokens_per_second, state, error_text, selected) "
                                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                     {r.conversation_id, NullableId(r.parent_id), RoleName(r.role), r.text, r.created_ms, r.model,
                      r.prompt_tokens, r.reply_tokens, r.tokens_per_second, StateName(r.state), r.error_text,
                      r.selected_ms});
  return q.lastInsertId().toLongLong();
}

std::optional<MessageRecord> ReadMessage(QSqlDatabase& db, qint64 id) {
  QSqlQuery q = Exec(db, QStringLiteral("SELECT %1 FROM messages WHERE id = ?").arg(kMessageColumns), {id});
  if (!q.next()) {
    CheckScanEnd(q, QStringLiteral("a message"));
    return std::nullopt;
  }
  return MessageFromQuery(q);
}

QList<MessageRecord> ReadMessages(QSqlDatabase& db, qint64 conversation_id) {
  QSqlQuery q = Exec(
      db, QStringLiteral("SELECT %1 FROM messages WHERE conversation_id = ? ORDER BY id").arg(kMessageColumns),
      {conversation_id});
  QList<MessageRecord> messages;
  while (q.next()) messages.append(MessageFromQuery(q));
  CheckScanEnd(q, QStringLiteral("messages"));
  return messages;
}

void UpdateMessageText(QSqlDatabase& db, qint64 id, const QString& text) {
  Exec(db, QStringLiteral("UPDATE messages SET text = ? WHERE id = ?"), {text, id});
}

void FinishMessage(QSqlDatabase& db, qint64 id, const QString& text, MessageState state, const ReplyStats& stats,
                   const QString& error_text) {
  Exec(db,
       QStringLiteral("UPDATE messages SET text = ?, state = ?, prompt_tokens = ?, reply_tokens = ?, "
                      "tokens_per_second = ?, error_text = ? WHERE id = ?"),
       {text, StateName(state), stats.prompt_tokens, stats.reply_tokens, stats.tokens_per_second, error_text, id});
}

void SetSelected(QSqlDatabase& db, qint64 message_id, qint64 selected_ms) {
  Exec(db, QStringLiteral("UPDATE messages SET selected = ? WHERE id = ?"), {selected_ms, message_id});
}

int MarkStreamingInterrupted(QSqlDatabase& db) {
  QSqlQuery q = Exec(db, QStringLiteral("UPDATE messages SET state = 'interrupted' WHERE state = 'streaming'"));
  return q.numRowsAffected();
}

ConversationData ReadConversationData(QSqlDatabase& db, qint64 id) {
  std::optional<ConversationRecord> info = ReadConversation(db, id);
  if (!info) throw Error(QStringLiteral("conversation %1 does not exist (was it deleted?)").arg(id).toStdString());
  return {*info, ReadMessages(db, id)};
}

QList<qint64> AllConversationIds(QSqlDatabase& db) {
  QSqlQuery q = Exec(db, QStringLiteral("SELECT id FROM conversations ORDER BY updated DESC, id DESC"));
  QList<qint64> ids;
  while (q.next()) ids.append(q.value(0).toLongLong());
  CheckScanEnd(q, QStringLiteral("the conversation list"));
  return ids;
}

qint64 InsertConversationData(QSqlDatabase& db, const ConversationData& data) {
  const qint64 conversation_id = InsertConversation(db, data.info);
  QHash<qint64, qint64> new_ids;  // old id -> new id
  for (const MessageRecord& message : data.messages) {
    MessageRecord copy = message;
    copy.conversation_id = conversation_id;
    if (message.parent_id != 0) {
      auto it = new_ids.constFind(message.parent_id);
      if (it == new_ids.constEnd()) {
        throw Error(QStringLiteral("message %1 of \"%2\" names parent %3, which does not come before it")
                        .arg(message.id)
                        .arg(data.info.title)
                        .arg(message.parent_id)
                        .toStdString());
      }
      copy.parent_id = *it;
    }
    new_ids.insert(message.id, InsertMessage(db, copy));
  }
  return conversation_id;
}

}  // namespace gemma
