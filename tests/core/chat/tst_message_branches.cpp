// Branches: Regenerate and Edit keep alternatives as siblings; MessageListModel shows the current branch
// with "index / count" per message, flips between alternatives, remembers the choice further down, and
// reveals a search result on another branch. Also the pure CurrentBranch rules.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "core/chat/conversation_store.h"
#include "core/chat/message_list_model.h"
#include "core/chat/message_tree.h"

using namespace gemma;

namespace {

QList<qint64> Ids(const MessageListModel& model) {
  QList<qint64> ids;
  for (int row = 0; row < model.rowCount(); ++row) ids.append(model.messageIdAt(row));
  return ids;
}

int Branch(const MessageListModel& model, int row, MessageListModel::Role role) {
  return model.data(model.index(row), role).toInt();
}

MessageRecord Node(qint64 id, qint64 parent, qint64 selected) {
  MessageRecord m;
  m.id = id;
  m.parent_id = parent;
  m.selected_ms = selected;
  return m;
}

}  // namespace

class TestMessageBranches : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;

 private slots:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void currentBranchFollowsTheLastChoice() {
    // Root 1 with children 2 (chosen later) and 3; 2 has child 4.
    const QList<MessageRecord> messages{Node(1, 0, 10), Node(3, 1, 20), Node(2, 1, 30), Node(4, 2, 5)};
    const QList<PathEntry> path = CurrentBranch(messages);
    QCOMPARE(path.size(), 3);
    QCOMPARE(messages[path[1].index].id, 2);
    QCOMPARE(path[1].branch_index, 0);  // id order: 2 before 3
    QCOMPARE(path[1].branch_count, 2);
    QCOMPARE(messages[path[2].index].id, 4);
    QCOMPARE(path[0].branch_count, 1);
    // Equal choice times: the newer message wins.
    const QList<PathEntry> tie = CurrentBranch({Node(1, 0, 7), Node(2, 0, 7)});
    QCOMPARE(tie.size(), 1);
    QCOMPARE(tie[0].index, 1);
    QCOMPARE(SiblingIds(messages, 3), (QList<qint64>{2, 3}));
  }

  void damagedCyclesDoNotHang() {
    // 1 -> 2 -> 1: impossible in a healthy database, possible in a salvaged one. No root: empty branch.
    QCOMPARE(CurrentBranch({Node(1, 2, 0), Node(2, 1, 0)}).size(), 0);
    const QList<PathEntry> self = CurrentBranch({Node(1, 0, 0), Node(2, 2, 0)});
    QCOMPARE(self.size(), 1);
  }

  void regenerateEditAndSwitch() {
    ConversationStore store;
    QVERIFY(store.open(dir_.filePath(QStringLiteral("branches.sqlite"))));
    const qint64 c = store.createConversation();
    MessageListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStore(&store);
    model.setConversationId(c);

    const qint64 u1 = model.appendUserMessage(QStringLiteral("Tell me a joke"));
    const qint64 m1 = store.beginModelMessage(c, u1, QStringLiteral("gemma"));
    store.appendToStreamingMessage(m1, QStringLiteral("Why did the chicken"));
    QCOMPARE(model.data(model.index(1), MessageListModel::kTextRole).toString(), QStringLiteral("Why did the chicken"));
    QCOMPARE(model.data(model.index(1), MessageListModel::kStateRole).toString(), QStringLiteral("streaming"));
    store.finishMessage(m1, QStringLiteral("complete"));
    QCOMPARE(model.data(model.index(1), MessageListModel::kStateRole).toString(), QStringLiteral("complete"));
    QCOMPARE(Ids(model), (QList<qint64>{u1, m1}));
    QCOMPARE(Branch(model, 1, MessageListModel::kBranchCountRole), 1);

    // Regenerate: a sibling of m1, shown at once.
    const qint64 m1b = model.regenerate(1, QStringLiteral("gemma"));
    QVERIFY(m1b > 0);
    store.appendToStreamingMessage(m1b, QStringLiteral("Knock knock"));
    store.finishMessage(m1b, QStringLiteral("complete"));
    QCOMPARE(Ids(model), (QList<qint64>{u1, m1b}));
    QCOMPARE(Branch(model, 1, MessageListModel::kBranchIndexRole), 1);
    QCOMPARE(Branch(model, 1, MessageListModel::kBranchCountRole), 2);
    QVERIFY(!model.switchBranch(1, +1));  // there is no third
    QVERIFY(model.switchBranch(1, -1));
    QCOMPARE(Ids(model), (QList<qint64>{u1, m1}));
    QCOMPARE(Branch(model, 1, MessageListModel::kBranchIndexRole), 0);
    QCOMPARE(model.data(model.index(1), MessageListModel::kTextRole).toString(), QStringLiteral("Why did the chicken"));

    // Continue under m1, then flip to m1b and back: the continuation is remembered.
    const qint64 u2 = model.appendUserMessage(QStringLiteral("Another one"));
    QCOMPARE(Ids(model), (QList<qint64>{u1, m1, u2}));
    QVERIFY(model.switchBranch(1, +1));
    QCOMPARE(Ids(model), (QList<qint64>{u1, m1b}));
    QVERIFY(model.switchBranch(1, -1));
    QCOMPARE(Ids(model), (QList<qint64>{u1, m1, u2}));

    // Edit the first message: a new root; the old conversation stays one step away.
    const qint64 u1b = model.editMessage(0, QStringLiteral("Tell me a pun"));
    QCOMPARE(Ids(model), (QList<qint64>{u1b}));
    QCOMPARE(Branch(model, 0, MessageListModel::kBranchCountRole), 2);
    QCOMPARE(Branch(model, 0, MessageListModel::kBranchIndexRole), 1);
    QCOMPARE(model.editMessage(0, QString()) != 0, true);  // edits of an edit are siblings too
    QCOMPARE(Branch(model, 0, MessageListModel::kBranchCountRole), 3);
    QVERIFY(model.switchBranch(0, -2));
    QCOMPARE(Ids(model), (QList<qint64>{u1, m1, u2}));

    // A search result on another branch: reveal switches to it.
    QVERIFY(model.switchBranch(1, +1));
    QCOMPARE(model.rowOf(u2), -1);
    QCOMPARE(model.revealMessage(u2), 2);
    QCOMPARE(Ids(model), (QList<qint64>{u1, m1, u2}));

    // The choice is stored: a new model (a restart) shows the same branch.
    QVERIFY(model.switchBranch(1, +1));
    MessageListModel fresh;
    fresh.setStore(&store);
    fresh.setConversationId(c);
    QCOMPARE(Ids(fresh), (QList<qint64>{u1, m1b}));
    QCOMPARE(store.messages(c).size(), 6);  // nothing was ever dropped
  }

  void editOnlyEditsUserMessages() {
    ConversationStore store;
    QVERIFY(store.open(dir_.filePath(QStringLiteral("edit_rules.sqlite"))));
    const qint64 c = store.createConversation();
    MessageListModel model;
    model.setStore(&store);
    model.setConversationId(c);
    const qint64 u = model.appendUserMessage(QStringLiteral("q"));
    const qint64 m = store.beginModelMessage(c, u, QString());
    store.finishMessage(m, QStringLiteral("complete"));
    QCOMPARE(model.editMessage(1, QStringLiteral("x")), 0);
    QCOMPARE(model.regenerate(0, QString()), 0);
    QCOMPARE(model.editMessage(5, QStringLiteral("x")), 0);
    QVERIFY(!model.switchBranch(7, 1));
  }
};

QTEST_MAIN(TestMessageBranches)
#include "tst_message_branches.moc"
