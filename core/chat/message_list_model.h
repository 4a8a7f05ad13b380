// The messages of one conversation's current branch, root first, each with its position among its
// alternatives (branchIndex / branchCount) so the UI can show "2 / 3" and flip between them. Streamed text
// updates the last row in place.
#pragma once

#include <QAbstractListModel>
#include <QPointer>

#include "core/chat/conversation_store.h"
#include "core/chat/message_tree.h"

namespace gemma {

class MessageListModel : public QAbstractListModel {
  Q_OBJECT
  Q_PROPERTY(gemma::ConversationStore* store READ store WRITE setStore NOTIFY storeChanged)
  Q_PROPERTY(qint64 conversationId READ conversationId WRITE setConversationId NOTIFY conversationIdChanged)
  Q_PROPERTY(int count READ count NOTIFY countChanged)
  Q_PROPERTY(qint64 lastMessageId READ lastMessageId NOTIFY countChanged)

 public:
  enum Role {
    kIdRole = Qt::UserRole + 1,
    kParentIdRole,
    kRoleRole,  // "user" or "model"
    kTextRole,
    kStateRole,  // "complete", "streaming", "stopped", "interrupted", "error"
    kCreatedRole,
    kModelRole,
    kPromptTokensRole,
    kReplyTokensRole,
    kTokensPerSecondRole,
    kErrorTextRole,
    kBranchIndexRole,  // 0-based
    kBranchCountRole,
  };
  Q_ENUM(Role)

  explicit MessageListModel(QObject* parent = nullptr);

  ConversationStore* store() const { return store_; }
  void setStore(ConversationStore* store);
  qint64 conversationId() const { return conversation_id_; }
  void setConversationId(qint64 id);
  int count() const { return static_cast<int>(path_.size()); }
  qint64 lastMessageId() const;

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

  Q_INVOKABLE qint64 messageIdAt(int row) const;
  Q_INVOKABLE int rowOf(qint64 messageId) const;
  // Shows the alternative delta steps away (-1 previous, +1 next) from the one at row.
  Q_INVOKABLE bool switchBranch(int row, int delta);
  // Makes the branch that contains messageId current (a search result) and returns its row, or -1.
  Q_INVOKABLE int revealMessage(qint64 messageId);
  // Edit: a new user message beside the one at row (same parent); returns its id (0 on failure).
  Q_INVOKABLE qint64 editMessage(int row, const QString& text);
  // Regenerate: a new streaming reply beside the reply at row; returns its id for the generation to fill.
  Q_INVOKABLE qint64 regenerate(int row, const QString& model);
  // Sends: a user message after the last row.
  Q_INVOKABLE qint64 appendUserMessage(const QString& text);

 signals:
  void storeChanged();
  void conversationIdChanged();
  void countChanged();

 private:
  void Reload();
  void OnMessageAdded(qint64 conversation_id, qint64 message_id);
  void OnMessageChanged(qint64 conversation_id, qint64 message_id);
  const MessageRecord* RecordAt(int row) const;

  QPointer<ConversationStore> store_;
  qint64 conversation_id_ = 0;
  QList<MessageRecord> all_;  // every branch
  QList<PathEntry> path_;     // the rows
};

}  // namespace gemma
