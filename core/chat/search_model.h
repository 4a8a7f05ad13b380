// Search results for the search box: one row per hit (a title or a message), best first, with the matching
// snippet (HTML with the match in <b>) and the ids to open: MessageListModel::revealMessage(messageId).
// The search runs off the GUI thread on its own connection (a two-character query scans all text: ~0.25 s
// at 200,000 messages); while the user types, only the latest query runs after the current one.
#pragma once

#include <QAbstractListModel>
#include <QFutureWatcher>
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
  Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)

 public:
  enum Role { kConversationIdRole = Qt::UserRole + 1, kMessageIdRole, kTitleRole, kSnippetRole, kSnippetTextRole };
  Q_ENUM(Role)

  explicit SearchModel(QObject* parent = nullptr);
  ~SearchModel() override;

  ConversationStore* store() const { return store_; }
  void setStore(ConversationStore* store);
  QString query() const { return query_; }
  void setQuery(const QString& query);
  int limit() const { return limit_; }
  void setLimit(int limit);
  int count() const { return static_cast<int>(hits_.size()); }
  bool busy() const { return watcher_.isRunning(); }

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;
  const SearchHit* hitAt(int row) const { return row >= 0 && row < hits_.size() ? &hits_[row] : nullptr; }

  // Searches again (the query, the limit or the data changed). Results arrive with searchFinished().
  Q_INVOKABLE void refresh();

 signals:
  void busyChanged();
  void searchFinished();
  void storeChanged();
  void queryChanged();
  void limitChanged();
  void countChanged();

 private:
  QPointer<ConversationStore> store_;
  QString query_;
  int limit_ = 100;
  QList<SearchHit> hits_;
  QFutureWatcher<QList<SearchHit>> watcher_;
  bool again_ = false;  // the query changed while a search ran

  void OnFinished();
};

}  // namespace gemma
