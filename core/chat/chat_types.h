// The plain records of the conversation store: one conversation, one message, and the names of the states
// and roles as they are written in the database and in exported JSON (so both stay stable across versions).
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace gemma {

enum class MessageRole { kUser, kModel };

// kStreaming only while a reply is being generated; a 'streaming' row found at open is from a crash and
// becomes kInterrupted. kStopped: the user pressed Stop. kError: generation failed (error_text says why).
enum class MessageState { kComplete, kStreaming, kStopped, kInterrupted, kError };

// How a conversation got its title: a title typed by the user is never replaced by a suggested one.
enum class TitleSource { kNone, kFirstMessage, kModel, kUser };

QString RoleName(MessageRole role);
std::optional<MessageRole> RoleFromName(const QString& name);
QString StateName(MessageState state);
std::optional<MessageState> StateFromName(const QString& name);
QString TitleSourceName(TitleSource source);
std::optional<TitleSource> TitleSourceFromName(const QString& name);

struct ConversationRecord {
  qint64 id = 0;
  QString title;
  TitleSource title_source = TitleSource::kNone;
  qint64 created_ms = 0;  // milliseconds since the Unix epoch, UTC
  qint64 updated_ms = 0;
  QString model;          // id of the model last used in this conversation
  QJsonObject settings;   // sampling parameters, system prompt, context size, model id

  bool operator==(const ConversationRecord&) const = default;
};

struct MessageRecord {
  qint64 id = 0;
  qint64 conversation_id = 0;
  qint64 parent_id = 0;  // 0: a first message of the conversation (there may be several: edits)
  MessageRole role = MessageRole::kUser;
  QString text;
  qint64 created_ms = 0;
  QString model;
  qint64 prompt_tokens = 0;
  qint64 reply_tokens = 0;
  double tokens_per_second = 0;
  MessageState state = MessageState::kComplete;
  QString error_text;
  // When the user last chose this alternative among its siblings (ms; creation time at first). The
  // current branch follows, at each fork, the most recently chosen child.
  qint64 selected_ms = 0;

  bool operator==(const MessageRecord&) const = default;
};

// One conversation with every message of every branch, in id order (a parent always before its children).
struct ConversationData {
  ConversationRecord info;
  QList<MessageRecord> messages;
};

// The statistics a finished reply carries.
struct ReplyStats {
  qint64 prompt_tokens = 0;
  qint64 reply_tokens = 0;
  double tokens_per_second = 0;
};

}  // namespace gemma
