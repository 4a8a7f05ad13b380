// Search results for the search box: one row per hit (a title or a message), best first, with the matching
// snippet (HTML with the match in <b>) and the ids to open: MessageListModel::revealMessage(messageId).
#pragma once

#include <QAbstractListModel>
#include <QPointer>

#include "core/chat/chat_search.h"
#include "core/chat/conversation_store.h"

namespace gemma {

class SearchModel : public QAbstractListModel {
  Q_OBJECT
  Q_PROPERTY(gemma::ConversationStore* store READ store WRITE setStore NOTIFY storeChanged)
  Q_PROPERTY(QString query READ query WRITE setQuery NOTIFY queryChanged)
  Q_PROPERTY(int limit READ limit WRITE setLimit NOTIFY limitChanged)
  Q_PROPERTY(int count READ count NOTIFY countChanged)

 public:
  enum Role { kConversationIdRole = Qt::UserRole + 1, kMessageIdRole, kTitleRole, kSnippetRole, kSnippetTextRole };
  Q_ENUM(Role)

  explicit SearchModel(QObject* parent = nullptr);

  ConversationStore* store() const { return store_; }
  void setStore(ConversationStore* store);
  QString query() const { return query_; }
  void setQuery(const QString& query);
  int limit() const { return limit_; }
  void setLimit(int limit);
  int count() const { return static_cast<int>(hits_.size()); }

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;
  const SearchHit* hitAt(int row) const { return row >= 0 && row < hits_.size() ? &hits_[row] : nullptr; }

  Q_INVOKABLE void refresh();

 signals:
  void storeChanged();
  void queryChanged();
  void limitChanged();
  void countChanged();

 private:
  QPointer<ConversationStore> store_;
  QString query_;
  int limit_ = 100;
  QList<SearchHit> hits_;
};

}  // namespace gemma
