// The message tree of one conversation: Regenerate and Edit add a sibling of the message they replace,
// so every alternative is kept. The current branch follows, from the first messages down, the child the
// user chose last (largest selected_ms, then the newest id).
#pragma once

#include <QList>

#include "core/chat/chat_types.h"

namespace gemma {

struct PathEntry {
  int index = 0;         // into the messages given
  int branch_index = 0;  // 0-based position among its siblings (id order)
  int branch_count = 1;  // number of siblings including itself
};

// messages: one conversation's messages in any order. Returns the current branch, root first.
QList<PathEntry> CurrentBranch(const QList<MessageRecord>& messages);

// Ids of the siblings of message_id (itself included), in id order; empty if it is not in messages.
QList<qint64> SiblingIds(const QList<MessageRecord>& messages, qint64 message_id);

}  // namespace gemma
