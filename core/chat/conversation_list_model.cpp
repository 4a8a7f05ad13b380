// Paged, signal-driven sidebar model over ConversationStore.
#include "core/chat/conversation_list_model.h"

#include <QDateTime>

namespace gemma {
namespace {

// Newest first: larger updated, then larger id.
bool Before(const ConversationSummary& a, const ConversationSummary& b) {
  return a.updated_ms != b.updated_ms ? a.updated_ms > b.updated_ms : a.id > b.id;
}

// Marks the model as changing: a view that reacts to our signals by calling fetchMore must wait.
class ChangeGuard {
 public:
  explicit ChangeGuard(bool& flag) : flag_(flag), old_(flag) { flag_ = true; }
  ~ChangeGuard() { flag_ = old_; }

 private:
  bool& flag_;
  bool old_;
};

}  // namespace

ConversationListModel::ConversationListModel(QObject* parent) : QAbstractListModel(parent) {}

void ConversationListModel::setStore(ConversationStore* store) {
  if (store == store_) return;
  if (store_) disconnect(store_, nullptr, this, nullptr);
  store_ = store;
  if (store_) {
    connect(store_, &ConversationStore::conversationsReset, this, &ConversationListModel::Reload);
    connect(store_, &ConversationStore::conversationCreated, this, &ConversationListModel::Refresh);
    connect(store_, &ConversationStore::conversationChanged, this, &ConversationListModel::Refresh);
    connect(store_, &ConversationStore::conversationsRemoved, this, &ConversationListModel::RemoveIds);
    connect(store_, &ConversationStore::conversationsRestored, this, [this](const QList<qint64>& ids) {
      for (qint64 id : ids) Refresh(id);
    });
  }
  Reload();
  emit storeChanged();
}

void ConversationListModel::setPageSize(int size) {
  size = std::max(1, size);
  if (size == page_size_) return;
  page_size_ = size;
  emit pageSizeChanged();
}

int ConversationListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() < 0 || index.row() >= rows_.size()) return {};
  const ConversationSummary& row = rows_[index.row()];
  switch (role) {
    case kIdRole: return row.id;
    case Qt::DisplayRole:
    case kTitleRole: return row.title;
    case kUpdatedRole: return QDateTime::fromMSecsSinceEpoch(row.updated_ms);
    default: return {};
  }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const {
  return {{kIdRole, "conversationId"}, {kTitleRole, "title"}, {kUpdatedRole, "updated"}};
}

bool ConversationListModel::canFetchMore(const QModelIndex& parent) const {
  return !parent.isValid() && !at_end_ && !fetching_ && store_ && store_->isOpen();
}

void ConversationListModel::fetchMore(const QModelIndex& parent) {
  if (!canFetchMore(parent)) return;
  std::optional<PageCursor> after;
  if (!rows_.isEmpty()) after = PageCursor{rows_.back().updated_ms, rows_.back().id};
  QList<ConversationSummary> page = store_->conversationPage(after, page_size_);
  at_end_ = page.size() < page_size_;
  // A conversation moved to the top since the last page is already here; one pending delete is hidden.
  QList<ConversationSummary> fresh;
  for (const ConversationSummary& s : page) {
    if (rowOf(s.id) < 0 && !store_->isPendingDelete(s.id)) fresh.append(s);
  }
  if (fresh.isEmpty()) return;
  ChangeGuard guard(fetching_);
  beginInsertRows(QModelIndex(), static_cast<int>(rows_.size()), static_cast<int>(rows_.size() + fresh.size() - 1));
  rows_ += fresh;
  endInsertRows();
  emit countChanged();
}

void ConversationListModel::Reload() {
  ChangeGuard guard(fetching_);
  beginResetModel();
  rows_.clear();
  at_end_ = true;
  if (store_ && store_->isOpen()) {
    // The first page at once, inside the reset: the sidebar is the first thing a user sees.
    for (const ConversationSummary& s : store_->conversationPage(std::nullopt, page_size_)) {
      if (!store_->isPendingDelete(s.id)) rows_.append(s);
    }
    at_end_ = rows_.size() < page_size_;
  }
  endResetModel();
  emit countChanged();
}

void ConversationListModel::RemoveIds(const QList<qint64>& ids) {
  for (qint64 id : ids) {
    const int row = rowOf(id);
    if (row < 0) continue;
    ChangeGuard guard(fetching_);
    beginRemoveRows(QModelIndex(), row, row);
    rows_.removeAt(row);
    endRemoveRows();
  }
  emit countChanged();
}

void ConversationListModel::InsertSorted(const ConversationSummary& summary) {
  int row = 0;
  while (row < rows_.size() && Before(rows_[row], summary)) ++row;
  // Beyond the loaded pages: a later fetchMore brings it.
  if (row == rows_.size() && !at_end_) return;
  ChangeGuard guard(fetching_);
  beginInsertRows(QModelIndex(), row, row);
  rows_.insert(row, summary);
  endInsertRows();
  emit countChanged();
}

void ConversationListModel::Refresh(qint64 id) {
  if (!store_) return;
  std::optional<ConversationRecord> record = store_->conversation(id);
  const int row = rowOf(id);
  if (!record || store_->isPendingDelete(id)) {
    if (row >= 0) RemoveIds({id});
    return;
  }
  const ConversationSummary summary{record->id, record->title, record->updated_ms};
  if (row >= 0) {
    const bool stays = (row == 0 || Before(rows_[row - 1], summary)) &&
                       (row + 1 == rows_.size() || Before(summary, rows_[row + 1]));
    if (stays) {
      rows_[row] = summary;
      emit dataChanged(index(row), index(row));
      return;
    }
    ChangeGuard guard(fetching_);
    beginRemoveRows(QModelIndex(), row, row);
    rows_.removeAt(row);
    endRemoveRows();
  }
  InsertSorted(summary);
  emit countChanged();
}

qint64 ConversationListModel::conversationIdAt(int row) const {
  return row >= 0 && row < rows_.size() ? rows_[row].id : 0;
}

int ConversationListModel::rowOf(qint64 conversationId) const {
  for (int i = 0; i < rows_.size(); ++i) {
    if (rows_[i].id == conversationId) return i;
  }
  return -1;
}

bool ConversationListModel::rename(int row, const QString& title) {
  const qint64 id = conversationIdAt(row);
  return id != 0 && store_ && store_->renameConversation(id, title);
}

void ConversationListModel::remove(int row) {
  const qint64 id = conversationIdAt(row);
  if (id != 0 && store_) store_->deleteConversation(id);
}

void ConversationListModel::undo() {
  if (store_) store_->undoDelete();
}

bool ConversationListModel::removeAll() { return store_ && store_->deleteAllConversations(); }

}  // namespace gemma
