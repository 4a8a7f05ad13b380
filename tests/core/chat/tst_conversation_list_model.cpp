// The sidebar model: newest first, lazy pages (canFetchMore/fetchMore), moves a conversation to the top
// when it changes, rename, delete with undo, delete-all; checked by QAbstractItemModelTester too.
#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QtTest>

#include "core/chat/chat_repository.h"
#include "core/chat/conversation_list_model.h"
#include "core/chat/sql_util.h"

using namespace gemma;

namespace {

QList<qint64> Ids(const ConversationListModel& model) {
  QList<qint64> ids;
  for (int row = 0; row < model.rowCount(); ++row) ids.append(model.conversationIdAt(row));
  return ids;
}

}  // namespace

class TestConversationListModel : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QList<qint64> by_age_;  // ids, oldest first

  void Fill(ConversationStore& store, int count) {
    QSqlDatabase db = store.database();
    Transaction transaction(db);
    for (int i = 0; i < count; ++i) {
      ConversationRecord record;
      record.title = QStringLiteral("chat %1").arg(i);
      // Scrambled times so that id order and time order differ; pairs share a time (tie: newer id first).
      record.created_ms = record.updated_ms = 1'000'000 + ((i * 37) % count) / 2 * 1000;
      by_age_.append(InsertConversation(db, record));
    }
    transaction.Commit();
  }

  QList<qint64> ExpectedOrder(ConversationStore& store) {
    QList<std::pair<qint64, qint64>> keys;  // (updated, id)
    for (qint64 id : by_age_) {
      if (auto record = store.conversation(id)) keys.append({record->updated_ms, id});
    }
    std::sort(keys.begin(), keys.end(), [](auto a, auto b) { return a > b; });
    QList<qint64> ids;
    for (auto [updated, id] : keys) ids.append(id);
    return ids;
  }

 private slots:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void pagesNewestFirst() {
    ConversationStore store;
    QVERIFY(store.open(dir_.filePath(QStringLiteral("pages.sqlite"))));
    by_age_.clear();
    Fill(store, 120);
    ConversationListModel model;
    model.setPageSize(50);
    model.setStore(&store);
    QCOMPARE(model.rowCount(), 50);  // the first page only
    QVERIFY(model.canFetchMore(QModelIndex()));
    model.fetchMore(QModelIndex());
    QCOMPARE(model.rowCount(), 100);
    model.fetchMore(QModelIndex());
    QCOMPARE(model.rowCount(), 120);
    QVERIFY(!model.canFetchMore(QModelIndex()));
    QCOMPARE(Ids(model), ExpectedOrder(store));
    QCOMPARE(model.data(model.index(0), ConversationListModel::kTitleRole).toString(),
             store.conversationTitle(model.conversationIdAt(0)));
  }

  void followsTheStore() {
    ConversationStore store;
    store.setDeleteGraceMs(60 * 60 * 1000);
    QVERIFY(store.open(dir_.filePath(QStringLiteral("follow.sqlite"))));
    by_age_.clear();
    Fill(store, 30);
    ConversationListModel model;
    model.setPageSize(10);
    model.setStore(&store);
    QCOMPARE(model.rowCount(), 10);

    // A message in an old conversation not loaded yet brings it to the top, without duplicates later.
    const qint64 old = ExpectedOrder(store).back();
    QCOMPARE(model.rowOf(old), -1);
    store.addUserMessage(old, 0, QStringLiteral("revived"));
    QCOMPARE(model.conversationIdAt(0), old);
    QCOMPARE(model.rowCount(), 11);
    while (model.canFetchMore(QModelIndex())) model.fetchMore(QModelIndex());
    QCOMPARE(model.rowCount(), 30);
    QCOMPARE(Ids(model), ExpectedOrder(store));

    // A loaded one moves too.
    const qint64 middle = model.conversationIdAt(15);
    store.addUserMessage(middle, 0, QStringLiteral("hello again"));
    QCOMPARE(model.conversationIdAt(0), middle);
    QCOMPARE(Ids(model), ExpectedOrder(store));

    // A new one appears at the top.
    const qint64 fresh = store.createConversation();
    QCOMPARE(model.conversationIdAt(0), fresh);

    // Rename.
    QVERIFY(model.rename(1, QStringLiteral("Renamed by hand")));
    QCOMPARE(model.data(model.index(1), ConversationListModel::kTitleRole).toString(), QStringLiteral("Renamed by hand"));

    // Delete with undo: gone, back at its place, gone for good.
    const QList<qint64> before = Ids(model);
    const qint64 victim = model.conversationIdAt(5);
    model.remove(5);
    QCOMPARE(model.rowOf(victim), -1);
    QCOMPARE(model.rowCount(), before.size() - 1);
    model.undo();
    QCOMPARE(Ids(model), before);
    model.remove(5);
    store.commitPendingDeletes();
    QCOMPARE(model.rowOf(victim), -1);
    QVERIFY(!store.conversation(victim).has_value());

    QVERIFY(model.removeAll());
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!model.canFetchMore(QModelIndex()));
  }

  // The same changes under QAbstractItemModelTester (which itself calls fetchMore, so no page counts here).
  void keepsTheModelContract() {
    ConversationStore store;
    store.setDeleteGraceMs(60 * 60 * 1000);
    QVERIFY(store.open(dir_.filePath(QStringLiteral("tester.sqlite"))));
    by_age_.clear();
    Fill(store, 25);
    ConversationListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPageSize(7);
    model.setStore(&store);
    store.addUserMessage(by_age_.front(), 0, QStringLiteral("x"));
    by_age_.append(store.createConversation());
    model.rename(3, QStringLiteral("y"));
    model.remove(2);
    model.undo();
    model.remove(4);
    store.commitPendingDeletes();
    while (model.canFetchMore(QModelIndex())) model.fetchMore(QModelIndex());
    QCOMPARE(Ids(model), ExpectedOrder(store));
    QVERIFY(model.removeAll());
    QCOMPARE(model.rowCount(), 0);
  }
};

QTEST_MAIN(TestConversationListModel)
#include "tst_conversation_list_model.moc"
