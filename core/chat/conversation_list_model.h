// The sidebar's list: conversation titles newest first, loaded a page at a time (canFetchMore/fetchMore),
// kept in step with the store's signals (a new or updated conversation moves to the top, a deleted one
// disappears and comes back on undo). Only titles are loaded, never messages.
#pragma once

#include <QAbstractListModel>
#include <QPointer>

#include "core/chat/chat_repository.h"
#include "core/chat/conversation_store.h"

namespace gemma {

class ConversationListModel : public QAbstractListModel {
  Q_OBJECT
  Q_PROPERTY(gemma::ConversationStore* store READ store WRITE setStore NOTIFY storeChanged)
  Q_PROPERTY(int pageSize READ pageSize WRITE setPageSize NOTIFY pageSizeChanged)
  Q_PROPERTY(int count READ count NOTIFY countChanged)

 public:
  enum Role { kIdRole = Qt::UserRole + 1, kTitleRole, kUpdatedRole };
  Q_ENUM(Role)

  explicit ConversationListModel(QObject* parent = nullptr);

  ConversationStore* store() const { return store_; }
  void setStore(ConversationStore* store);
  int pageSize() const { return page_size_; }
  void setPageSize(int size);
  int count() const { return static_cast<int>(rows_.size()); }

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;
  bool canFetchMore(const QModelIndex& parent) const override;
  void fetchMore(const QModelIndex& parent) override;

  Q_INVOKABLE qint64 conversationIdAt(int row) const;
  Q_INVOKABLE int rowOf(qint64 conversationId) const;
  Q_INVOKABLE bool rename(int row, const QString& title);
  // Delete with undo: the row goes now; the store deletes after its grace period unless undo() comes.
  Q_INVOKABLE void remove(int row);
  Q_INVOKABLE void undo();
  Q_INVOKABLE bool removeAll();  // after the UI's confirmation

 signals:
  void storeChanged();
  void pageSizeChanged();
  void countChanged();

 private:
  void Reload();
  void Refresh(qint64 id);  // re-read one conversation and put it where it belongs
  void RemoveIds(const QList<qint64>& ids);
  void InsertSorted(const ConversationSummary& summary);

  QPointer<ConversationStore> store_;
  QList<ConversationSummary> rows_;
  bool at_end_ = true;
  bool fetching_ = false;  // views may call fetchMore from inside our own insert signals
  int page_size_ = 50;
};

}  // namespace gemma
