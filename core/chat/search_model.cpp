// Search results model: reruns the store's search whenever the query changes.
#include "core/chat/search_model.h"

namespace gemma {

SearchModel::SearchModel(QObject* parent) : QAbstractListModel(parent) {}

void SearchModel::setStore(ConversationStore* store) {
  if (store == store_) return;
  if (store_) disconnect(store_, nullptr, this, nullptr);
  store_ = store;
  if (store_) {
    // Results of a deleted conversation must not stay clickable.
    connect(store_, &ConversationStore::conversationsRemoved, this, &SearchModel::refresh);
    connect(store_, &ConversationStore::conversationsReset, this, &SearchModel::refresh);
  }
  refresh();
  emit storeChanged();
}

void SearchModel::setQuery(const QString& query) {
  if (query == query_) return;
  query_ = query;
  refresh();
  emit queryChanged();
}

void SearchModel::setLimit(int limit) {
  limit = std::max(1, limit);
  if (limit == limit_) return;
  limit_ = limit;
  refresh();
  emit limitChanged();
}

void SearchModel::refresh() {
  beginResetModel();
  hits_ = store_ ? store_->search(query_, limit_) : QList<SearchHit>();
  endResetModel();
  emit countChanged();
}

int SearchModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(hits_.size());
}

QVariant SearchModel::data(const QModelIndex& index, int role) const {
  const SearchHit* hit = index.isValid() ? hitAt(index.row()) : nullptr;
  if (!hit) return {};
  switch (role) {
    case kConversationIdRole: return hit->conversation_id;
    case kMessageIdRole: return hit->message_id;
    case kTitleRole: return hit->conversation_title;
    case Qt::DisplayRole:
    case kSnippetRole: return hit->snippet_html;
    case kSnippetTextRole: return hit->snippet_text;
    default: return {};
  }
}

QHash<int, QByteArray> SearchModel::roleNames() const {
  return {{kConversationIdRole, "conversationId"},
          {kMessageIdRole, "messageId"},
          {kTitleRole, "title"},
          {kSnippetRole, "snippet"},
          {kSnippetTextRole, "snippetText"}};
}

}  // namespace gemma
