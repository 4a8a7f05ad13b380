// Current branch and siblings of a conversation's message tree.
#include "core/chat/message_tree.h"

#include <QHash>
#include <algorithm>

namespace gemma {

QList<PathEntry> CurrentBranch(const QList<MessageRecord>& messages) {
  QHash<qint64, QList<int>> children;  // parent id (0 for roots) -> indices, in id order
  for (int i = 0; i < messages.size(); ++i) children[messages[i].parent_id].append(i);
  for (auto& list : children) {
    std::sort(list.begin(), list.end(), [&](int a, int b) { return messages[a].id < messages[b].id; });
  }
  QList<PathEntry> path;
  qint64 parent = 0;
  // A tree has at most messages.size() levels; the bound also guards against a cycle in damaged data.
  while (path.size() < messages.size()) {
    auto it = children.constFind(parent);
    if (it == children.constEnd() || it->isEmpty()) break;
    const QList<int>& siblings = *it;
    int best = 0;
    for (int i = 1; i < siblings.size(); ++i) {
      const MessageRecord& a = messages[siblings[i]];
      const MessageRecord& b = messages[siblings[best]];
      if (a.selected_ms > b.selected_ms || (a.selected_ms == b.selected_ms && a.id > b.id)) best = i;
    }
    path.append({siblings[best], best, static_cast<int>(siblings.size())});
    parent = messages[siblings[best]].id;
  }
  return path;
}

QList<qint64> SiblingIds(const QList<MessageRecord>& messages, qint64 message_id) {
  auto self = std::find_if(messages.begin(), messages.end(),
                           [&](const MessageRecord& m) { return m.id == message_id; });
  if (self == messages.end()) return {};
  QList<qint64> ids;
  for (const MessageRecord& m : messages) {
    if (m.parent_id == self->parent_id) ids.append(m.id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace gemma
