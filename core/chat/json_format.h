// The JSON export format: complete (every branch, settings, models, timings, states), versioned, and
// re-importable so that export -> import -> export gives the same bytes. Message ids in a file are local to
// it (1..n per conversation, parents before children); the database's ids are not part of the format.
//
// {"format": "gemma-chat-conversations", "version": 1, "conversations": [
//   {"title", "title_source", "created", "updated", "model", "settings": {...},
//    "messages": [{"id", "parent" (null for a first message), "role", "text", "created", "model",
//                  "prompt_tokens", "reply_tokens", "tokens_per_second", "state", "error", "selected"}]}]}
// Times are integer milliseconds since the Unix epoch (UTC).
#pragma once

#include <QByteArray>
#include <QList>

#include "core/chat/chat_types.h"

namespace gemma {

inline constexpr int kJsonFormatVersion = 1;
inline constexpr char kJsonFormatName[] = "gemma-chat-conversations";

QByteArray ConversationsToJson(const QList<ConversationData>& conversations);

// Parses and validates a file; the records' ids are the file's local ids. Throws Error saying what is wrong
// and where ("conversation 2, message 5: ...").
QList<ConversationData> ConversationsFromJson(const QByteArray& json);

}  // namespace gemma
