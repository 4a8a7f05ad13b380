// Search results model: reruns the store's search whenever the query changes.
#include "core/chat/search_model.h"

#include <QAtomicInteger>
#include <QtConcurrent>

#include "core/chat/sql_util.h"

namespace gemma {

SearchModel::SearchModel(QObject* parent) : QAbstractListModel(parent) {
  connect(&watcher_, &QFutureWatcher<QList<SearchHit>>::finished, this, &SearchModel::OnFinished);
}

SearchModel::~SearchModel() { watcher_.waitForFinished(); }

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
  if (watcher_.isRunning()) {
    again_ = true;
    return;
  }
  if (!store_ || !store_->isOpen() || query_.trimmed().isEmpty()) {
    beginResetModel();
    hits_.clear();
    endResetModel();
    emit countChanged();
    emit searchFinished();
    return;
  }
  const QString path = store_->path();
  const QString query = query_;
  const int limit = limit_;
  const QList<qint64> pending = store_->pendingDeletes();
  static QAtomicInteger<quint64> counter;
  const QString connection = QStringLiteral("gemma_chat_search_%1").arg(counter.fetchAndAddRelaxed(1));
  watcher_.setFuture(QtConcurrent::run([path, query, limit, pending, connection]() {
    QList<SearchHit> hits;
    try {
      QSqlDatabase db = OpenSqlite(path, connection, /*read_only=*/true);
      hits = SearchConversations(db, query, limit, QSet<qint64>(pending.begin(), pending.end()));
    } catch (const std::exception& e) {
      qWarning("search failed: %s", e.what());
    }
    CloseSqlite(connection);
    return hits;
  }));
  emit busyChanged();
}

void SearchModel::OnFinished() {
  emit busyChanged();
  if (again_) {  // stale: the user typed on
    again_ = false;
    refresh();
    return;
  }
  beginResetModel();
  hits_ = watcher_.result();
  endResetModel();
  emit countChanged();
  emit searchFinished();
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
