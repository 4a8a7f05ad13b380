// A damaged database at open: garbage written over one page of a real database, and a file of random bytes.
// The store must keep a byte-exact copy aside, salvage what can be read (every salvaged row exactly as it
// was), say so in errorString, and be usable afterwards. The user's file is never simply deleted.
#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "core/chat/conversation_store.h"
#include "core/chat/sql_util.h"

using namespace gemma;

namespace {

constexpr int kConversations = 20;
constexpr int kMessagesEach = 60;

QString TextOf(int conversation, int message) {
  return QStringLiteral("conversation %1 message %2 ").arg(conversation).arg(message) +
         QStringLiteral("lorem ipsum dolor sit amet ").repeated(4);
}

QByteArray Sha256(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256)
                                        : QByteArray();
}

QByteArray RandomBytes(qsizetype size, quint32 seed) {
  QRandomGenerator random(seed);
  QByteArray bytes(size, Qt::Uninitialized);
  for (char& b : bytes) b = static_cast<char>(random.bounded(256));
  return bytes;
}

}  // namespace

class TestChatRecovery : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QHash<qint64, QString> texts_;    // message id -> text, as written
  QHash<qint64, qint64> parents_;   // message id -> parent id (0: a first message)

  void MakeDatabase(const QString& path) {
    texts_.clear();
    parents_.clear();
    ConversationStore store;
    QVERIFY(store.open(path));
    for (int c = 0; c < kConversations; ++c) {
      const qint64 id = store.createConversation();
      qint64 parent = 0;
      for (int m = 0; m < kMessagesEach; ++m) {
        const qint64 message = store.addUserMessage(id, parent, TextOf(c, m));
        texts_.insert(message, TextOf(c, m));
        parents_.insert(message, parent);
        parent = message;
      }
    }
    store.close();  // the last connection's close checkpoints the WAL into the file
    QVERIFY(!QFileInfo::exists(path + QStringLiteral("-wal")));
  }

  // A page of the messages table (not the first one, which holds the table's root in small tables).
  static int MessagesLeafPage(const QString& path, int* page_size) {
    int page = 0;
    {
      QSqlDatabase db = OpenSqlite(path, QStringLiteral("dbstat"));
      *page_size = QueryValue(db, QStringLiteral("PRAGMA page_size")).toInt();
      page = QueryValue(db, QStringLiteral("SELECT pageno FROM dbstat WHERE name = 'messages' AND pagetype = 'leaf' "
                                           "ORDER BY pageno LIMIT 1 OFFSET 10"))
                 .toInt();
    }
    CloseSqlite(QStringLiteral("dbstat"));
    return page;
  }

  static QString BackupOf(const QString& path) {
    const QFileInfo info(path);
    const QStringList backups =
        info.dir().entryList({info.fileName() + QStringLiteral(".damaged-*")}, QDir::Files, QDir::Name);
    return backups.isEmpty() ? QString() : info.dir().filePath(backups.first());
  }

 private slots:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void garbageOverAPageIsSalvaged() {
    const QString path = dir_.filePath(QStringLiteral("page.sqlite"));
    MakeDatabase(path);
    int page_size = 0;
    const int page = MessagesLeafPage(path, &page_size);
    QVERIFY(page > 1);
    {
      QFile file(path);
      QVERIFY(file.open(QIODevice::ReadWrite));
      QVERIFY(file.seek(qint64(page - 1) * page_size));
      QCOMPARE(file.write(RandomBytes(page_size, 7)), qint64(page_size));
    }
    const QByteArray damaged = Sha256(path);

    ConversationStore store;
    QSignalSpy checked(&store, &ConversationStore::healthChecked);
    QVERIFY2(store.open(path), qPrintable(store.errorString()));
    // Opening does not read that page: the background check finds the damage and recovers.
    QTRY_COMPARE_WITH_TIMEOUT(checked.count(), 1, 60000);
    QCOMPARE(checked.at(0).at(0).toBool(), false);
    QVERIFY(store.isOpen());
    QVERIFY2(store.errorString().contains(QStringLiteral("damaged")), qPrintable(store.errorString()));
    // The damaged file, byte for byte, is kept aside and named in the message.
    QVERIFY(!store.damagedBackupPath().isEmpty());
    QCOMPARE(store.damagedBackupPath(), BackupOf(path));
    QCOMPARE(Sha256(store.damagedBackupPath()), damaged);
    QVERIFY(store.errorString().contains(store.damagedBackupPath()));
    // The messages table was hit, not the conversations: every conversation is counted as recovered.
    QCOMPARE(store.recoveredConversations(), qint64(kConversations));
    QVERIFY(store.recoveredMessages() > 0);
    QVERIFY(store.recoveredMessages() < qint64(kConversations) * kMessagesEach);

    QSqlDatabase db = store.database();
    QCOMPARE(QueryValue(db, QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
    // Most rows are back, every one of them exactly; only about a page's worth is lost.
    QSqlQuery q = Exec(db, QStringLiteral("SELECT id, text, parent_id FROM messages"));
    int recovered = 0;
    QSet<qint64> ids;
    QHash<qint64, qint64> parents;
    while (q.next()) {
      const qint64 id = q.value(0).toLongLong();
      QVERIFY2(texts_.contains(id), qPrintable(QString::number(id)));
      QCOMPARE(q.value(1).toString(), texts_.value(id));
      ids.insert(id);
      parents.insert(id, q.value(2).isNull() ? 0 : q.value(2).toLongLong());
      ++recovered;
    }
    // The tree is kept wherever the parent survived (first messages stay first messages).
    for (qint64 id : ids) {
      const qint64 parent = parents_.value(id);
      if (parent == 0 || ids.contains(parent)) QCOMPARE(parents.value(id), parent);
    }
    const int total = kConversations * kMessagesEach;
    qInfo("recovered %d of %d messages", recovered, total);
    QVERIFY(recovered < total);
    // One page holds page_size / (the ~180 bytes of a row) rows; little beyond it may be lost.
    QVERIFY2(recovered >= total - page_size / 150 - 2, qPrintable(QString::number(recovered)));
    QCOMPARE(QueryValue(db, QStringLiteral("SELECT count(*) FROM conversations")).toInt(), kConversations);
    // Search works on the salvaged rows (the index was rebuilt), and the store accepts new messages.
    QVERIFY(!store.search(QStringLiteral("conversation 3 message 7 "), 5).isEmpty());
    const qint64 c = store.createConversation();
    QVERIFY(store.addUserMessage(c, 0, QStringLiteral("after recovery")) > 0);
    q = QSqlQuery();
    db = QSqlDatabase();  // no handle may outlive the connection
    store.close();

    // The next open is quiet: the new file is healthy.
    ConversationStore again;
    QSignalSpy checked_again(&again, &ConversationStore::healthChecked);
    QVERIFY(again.open(path));
    QTRY_COMPARE_WITH_TIMEOUT(checked_again.count(), 1, 60000);
    QCOMPARE(checked_again.at(0).at(0).toBool(), true);
    QVERIFY2(again.errorString().isEmpty(), qPrintable(again.errorString()));
  }

  void damageMetByAQueryIsRecovered() {
    const QString path = dir_.filePath(QStringLiteral("query.sqlite"));
    MakeDatabase(path);
    ConversationStore store;
    QSignalSpy checked(&store, &ConversationStore::healthChecked);
    QVERIFY(store.open(path));
    QTRY_COMPARE_WITH_TIMEOUT(checked.count(), 1, 60000);
    QCOMPARE(checked.at(0).at(0).toBool(), true);
    // Damage appears while the app runs (a failing disk): the next read of that page fails.
    int page_size = 0;
    const int page = MessagesLeafPage(path, &page_size);
    {
      QFile file(path);
      QVERIFY(file.open(QIODevice::ReadWrite));
      QVERIFY(file.seek(qint64(page - 1) * page_size));
      QCOMPARE(file.write(RandomBytes(page_size, 5)), qint64(page_size));
    }
    // Read every conversation: one of them touches the page and fails; the store then recovers by itself.
    for (qint64 id = 1; id <= kConversations && store.damagedBackupPath().isEmpty(); ++id) store.messages(id);
    QVERIFY2(store.errorString().contains(QStringLiteral("damaged")), qPrintable(store.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(!store.damagedBackupPath().isEmpty(), 60000);
    QVERIFY(store.isOpen());
    QSqlDatabase db = store.database();
    QCOMPARE(QueryValue(db, QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
    const int recovered = QueryValue(db, QStringLiteral("SELECT count(*) FROM messages")).toInt();
    QVERIFY(recovered > kConversations * kMessagesEach / 2);
    QVERIFY(recovered < kConversations * kMessagesEach);
  }

  void randomBytesAreKeptAndReplaced() {
    const QString path = dir_.filePath(QStringLiteral("random.sqlite"));
    {
      QFile file(path);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write(RandomBytes(64 * 1024, 11));
    }
    const QByteArray original = Sha256(path);
    ConversationStore store;
    QSignalSpy checked(&store, &ConversationStore::healthChecked);
    QVERIFY2(store.open(path), qPrintable(store.errorString()));
    // "file is not a database" at the first statement: recovered during open() itself.
    QVERIFY2(store.errorString().contains(QStringLiteral("damaged")), qPrintable(store.errorString()));
    QCOMPARE(Sha256(store.damagedBackupPath()), original);
    QTRY_COMPARE_WITH_TIMEOUT(checked.count(), 1, 60000);
    QCOMPARE(checked.at(0).at(0).toBool(), true);  // the new file is healthy
    QSqlDatabase db = store.database();
    QCOMPARE(QueryValue(db, QStringLiteral("SELECT count(*) FROM conversations")).toInt(), 0);
    QVERIFY(store.createConversation() > 0);
  }

  void unreadableFileIsNotTouched() {
    // Not damage: a folder where the file should be. Nothing is copied or replaced; the error says why.
    const QString path = dir_.filePath(QStringLiteral("folder.sqlite"));
    QVERIFY(QDir().mkpath(path));
    ConversationStore store;
    QVERIFY(!store.open(path));
    QVERIFY(!store.errorString().isEmpty());
    QVERIFY(BackupOf(path).isEmpty());
    QVERIFY(QFileInfo(path).isDir());
  }
};

QTEST_MAIN(TestChatRecovery)
#include "tst_chat_recovery.moc"
