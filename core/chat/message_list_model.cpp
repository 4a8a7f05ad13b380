// Current-branch message model over ConversationStore.
#include "core/chat/message_list_model.h"

#include <QDateTime>

namespace gemma {

MessageListModel::MessageListModel(QObject* parent) : QAbstractListModel(parent) {}

void MessageListModel::setStore(ConversationStore* store) {
  if (store == store_) return;
  if (store_) disconnect(store_, nullptr, this, nullptr);
  store_ = store;
  if (store_) {
    connect(store_, &ConversationStore::messageAdded, this, &MessageListModel::OnMessageAdded);
    connect(store_, &ConversationStore::messageChanged, this, &MessageListModel::OnMessageChanged);
    connect(store_, &ConversationStore::branchChanged, this, [this](qint64 id) {
      if (id == conversation_id_) Reload();
    });
    connect(store_, &ConversationStore::conversationsReset, this, &MessageListModel::Reload);
    connect(store_, &ConversationStore::conversationsRemoved, this, [this](const QList<qint64>& ids) {
      if (ids.contains(conversation_id_)) setConversationId(0);
    });
  }
  Reload();
  emit storeChanged();
}

void MessageListModel::setConversationId(qint64 id) {
  if (id == conversation_id_) return;
  conversation_id_ = id;
  Reload();
  emit conversationIdChanged();
}

void MessageListModel::Reload() {
  beginResetModel();
  all_ = (store_ && conversation_id_ != 0) ? store_->messages(conversation_id_) : QList<MessageRecord>();
  path_ = CurrentBranch(all_);
  endResetModel();
  emit countChanged();
}

void MessageListModel::OnMessageAdded(qint64 conversation_id, qint64 message_id) {
  if (conversation_id != conversation_id_ || !store_) return;
  std::optional<MessageRecord> added = store_->message(message_id);
  if (!added) return Reload();
  all_.append(*added);
  const QList<PathEntry> path = CurrentBranch(all_);
  // The usual case, a message after the last one: one row more. Anything else (a new alternative) resets.
  const bool appended = path.size() == path_.size() + 1 && std::equal(path_.begin(), path_.end(), path.begin(),
      [](const PathEntry& a, const PathEntry& b) {
        return a.index == b.index && a.branch_count == b.branch_count && a.branch_index == b.branch_index;
      });
  if (!appended) {
    beginResetModel();
    path_ = path;
    endResetModel();
  } else {
    beginInsertRows(QModelIndex(), static_cast<int>(path_.size()), static_cast<int>(path_.size()));
    path_ = path;
    endInsertRows();
  }
  emit countChanged();
}

void MessageListModel::OnMessageChanged(qint64 conversation_id, qint64 message_id) {
  if (conversation_id != conversation_id_ || !store_) return;
  for (MessageRecord& record : all_) {
    if (record.id != message_id) continue;
    std::optional<MessageRecord> fresh = store_->message(message_id);
    if (!fresh) return Reload();
    record = *fresh;
    const int row = rowOf(message_id);
    if (row >= 0) emit dataChanged(index(row), index(row));
    return;
  }
}

const MessageRecord* MessageListModel::RecordAt(int row) const {
  if (row < 0 || row >= path_.size()) return nullptr;
  return &all_[path_[row].index];
}

qint64 MessageListModel::lastMessageId() const {
  const MessageRecord* record = RecordAt(static_cast<int>(path_.size()) - 1);
  return record ? record->id : 0;
}

int MessageListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(path_.size());
}

QVariant MessageListModel::data(const QModelIndex& index, int role) const {
  const MessageRecord* m = index.isValid() ? RecordAt(index.row()) : nullptr;
  if (!m) return {};
  const PathEntry& entry = path_[index.row()];
  switch (role) {
    case kIdRole: return m->id;
    case kParentIdRole: return m->parent_id;
    case kRoleRole: return RoleName(m->role);
    case Qt::DisplayRole:
    case kTextRole: return m->text;
    case kStateRole: return StateName(m->state);
    case kCreatedRole: return QDateTime::fromMSecsSinceEpoch(m->created_ms);
    case kModelRole: return m->model;
    case kPromptTokensRole: return m->prompt_tokens;
    case kReplyTokensRole: return m->reply_tokens;
    case kTokensPerSecondRole: return m->tokens_per_second;
    case kErrorTextRole: return m->error_text;
    case kBranchIndexRole: return entry.branch_index;
    case kBranchCountRole: return entry.branch_count;
    default: return {};
  }
}

QHash<int, QByteArray> MessageListModel::roleNames() const {
  return {{kIdRole, "messageId"},
          {kParentIdRole, "parentId"},
          {kRoleRole, "role"},
          {kTextRole, "text"},
          {kStateRole, "state"},
          {kCreatedRole, "created"},
          {kModelRole, "model"},
          {kPromptTokensRole, "promptTokens"},
          {kReplyTokensRole, "replyTokens"},
          {kTokensPerSecondRole, "tokensPerSecond"},
          {kErrorTextRole, "errorText"},
          {kBranchIndexRole, "branchIndex"},
          {kBranchCountRole, "branchCount"}};
}

qint64 MessageListModel::messageIdAt(int row) const {
  const MessageRecord* record = RecordAt(row);
  return record ? record->id : 0;
}

int MessageListModel::rowOf(qint64 messageId) const {
  for (int row = 0; row < path_.size(); ++row) {
    if (all_[path_[row].index].id == messageId) return row;
  }
  return -1;
}

bool MessageListModel::switchBranch(int row, int delta) {
  const MessageRecord* record = RecordAt(row);
  if (!record || !store_) return false;
  const QList<qint64> siblings = SiblingIds(all_, record->id);
  const qsizetype target = siblings.indexOf(record->id) + delta;
  if (target < 0 || target >= siblings.size() || delta == 0) return false;
  return store_->selectMessage(siblings[target]);
}

int MessageListModel::revealMessage(qint64 messageId) {
  if (!store_) return -1;
  std::optional<MessageRecord> record = store_->message(messageId);
  if (!record) return -1;
  if (record->conversation_id != conversation_id_) setConversationId(record->conversation_id);
  if (rowOf(messageId) < 0) store_->selectMessage(messageId);
  return rowOf(messageId);
}

qint64 MessageListModel::editMessage(int row, const QString& text) {
  const MessageRecord* record = RecordAt(row);
  if (!record || record->role != MessageRole::kUser || !store_) return 0;
  return store_->addUserMessage(conversation_id_, record->parent_id, text);
}

qint64 MessageListModel::regenerate(int row, const QString& model) {
  const MessageRecord* record = RecordAt(row);
  if (!record || record->role != MessageRole::kModel || !store_) return 0;
  return store_->beginModelMessage(conversation_id_, record->parent_id, model);
}

qint64 MessageListModel::appendUserMessage(const QString& text) {
  if (!store_ || conversation_id_ == 0) return 0;
  return store_->addUserMessage(conversation_id_, lastMessageId(), text);
}

}  // namespace gemma
