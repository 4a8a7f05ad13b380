// Schema migrations: every fixture of an older schema version (tests/data/chat/chat_v<N>.sqlite, see its
// README) opens with the current store with every row intact, and the newer features work on old rows.
// Also: a database from a newer app is left untouched, and a failing step leaves the old version intact.
#include <QCryptographicHash>
#include <QTemporaryDir>
#include <QtTest>

#include "core/chat/conversation_store.h"
#include "core/chat/message_list_model.h"
#include "core/chat/schema.h"
#include "core/chat/sql_util.h"

using namespace gemma;

namespace {

QString Fixture(int version) {
  return qEnvironmentVariable("GEMMA_TEST_DATA") + QStringLiteral("/chat/chat_v%1.sqlite").arg(version);
}

QByteArray Sha256(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

}  // namespace

class TestSchemaMigration : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;

  QString CopyOfFixture(int version, const char* name) {
    const QString path = dir_.filePath(QLatin1String(name));
    QFile::remove(path);
    if (!QFile::copy(Fixture(version), path)) return {};
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    return path;
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    // One fixture for every version older than the current one.
    for (int version = 1; version < kSchemaVersion; ++version) {
      QVERIFY2(QFileInfo::exists(Fixture(version)), qPrintable(Fixture(version)));
    }
  }

  void version1MigratesWithEveryRowIntact() {
    const QString path = CopyOfFixture(1, "v1.sqlite");
    QVERIFY(!path.isEmpty());
    const QByteArray original = Sha256(path);
    ConversationStore store;
    QVERIFY2(store.open(path), qPrintable(store.errorString()));
    QVERIFY2(store.errorString().isEmpty(), qPrintable(store.errorString()));
    QSqlDatabase db = store.database();
    QCOMPARE(SchemaVersion(db), kSchemaVersion);

    // A copy of the old file was kept before migrating.
    const QString backup = path + QStringLiteral(".v1.bak");
    QVERIFY(QFileInfo::exists(backup));
    {
      QSqlDatabase old = OpenSqlite(backup, QStringLiteral("backup_reader"), /*read_only=*/true);
      QCOMPARE(SchemaVersion(old), 1);
      QCOMPARE(QueryValue(old, QStringLiteral("SELECT count(*) FROM messages")).toInt(), 7);
    }
    CloseSqlite(QStringLiteral("backup_reader"));
    Q_UNUSED(original);

    const ConversationRecord trip = *store.conversation(1);
    QCOMPARE(trip.title, QStringLiteral("Trip to Seoul"));
    QCOMPARE(trip.title_source, TitleSource::kUser);
    QCOMPARE(trip.created_ms, 1700000000000);
    QCOMPARE(trip.updated_ms, 1700000900000);
    QCOMPARE(trip.model, QStringLiteral("gemma-2b-it"));
    QCOMPARE(trip.settings.value(QLatin1String("temperature")).toDouble(), 0.7);
    QCOMPARE(trip.settings.value(QLatin1String("top_k")).toInt(), 40);
    QCOMPARE(trip.settings.value(QLatin1String("system_prompt")).toString(), QStringLiteral("Answer briefly."));
    QCOMPARE(trip.settings.value(QLatin1String("context_size")).toInt(), 2048);

    const QList<MessageRecord> messages = store.messages(1);
    QCOMPARE(messages.size(), 5);
    QCOMPARE(messages[0].text, QStringLiteral("What should I see in Seoul?"));
    QCOMPARE(messages[1].parent_id, 1);
    QCOMPARE(messages[1].prompt_tokens, 18);
    QCOMPARE(messages[1].reply_tokens, 12);
    QCOMPARE(messages[1].tokens_per_second, 21.5);
    QCOMPARE(messages[2].text, QStringLiteral("경복궁과 북촌한옥마을을 추천합니다."));
    QCOMPARE(messages[2].state, MessageState::kStopped);
    QCOMPARE(messages[2].tokens_per_second, 19.25);
    QCOMPARE(messages[4].text, QStringLiteral("Take subway line 3 to Anguk"));
    QCOMPARE(messages[4].state, MessageState::kInterrupted);  // was 'streaming' in the old file
    const MessageRecord failed = *store.message(7);
    QCOMPARE(failed.state, MessageState::kError);
    QCOMPARE(failed.error_text, QStringLiteral("out of memory"));
    QCOMPARE(failed.model, QStringLiteral("gemma-7b-it"));
    QCOMPARE(store.conversation(2)->title_source, TitleSource::kNone);

    // The branch the user had chosen is still the current one.
    MessageListModel model;
    model.setStore(&store);
    model.setConversationId(1);
    QCOMPARE(model.count(), 4);
    QCOMPARE(model.messageIdAt(1), 2);
    QCOMPARE(model.data(model.index(1), MessageListModel::kBranchCountRole).toInt(), 2);

    // Version 2's full-text index covers the rows version 1 wrote.
    QList<SearchHit> hits = store.search(QStringLiteral("Gyeongbokgung"), 10);
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits[0].message_id, 2);
    hits = store.search(QStringLiteral("북촌한옥"), 10);
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits[0].message_id, 3);
    hits = store.search(QStringLiteral("Seoul"), 10);
    QVERIFY(!hits.isEmpty());
    QCOMPARE(hits[0].message_id, 0);  // the title
    QCOMPARE(hits[0].conversation_id, 1);
    // New rows are indexed by the triggers.
    const qint64 added = store.addUserMessage(2, 6, QStringLiteral("Namsan tower at night"));
    hits = store.search(QStringLiteral("Namsan"), 10);
    QCOMPARE(hits.size(), 2);  // the message, and the title it gave the untitled conversation
    QCOMPARE(hits[0].message_id, 0);
    QCOMPARE(hits[0].conversation_id, 2);
    QCOMPARE(hits[1].message_id, added);
    QCOMPARE(QueryValue(db, QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
  }

  void aNewerDatabaseIsNotTouched() {
    const QString path = CopyOfFixture(1, "newer.sqlite");
    {
      QSqlDatabase db = OpenSqlite(path, QStringLiteral("bump"));
      Exec(db, QStringLiteral("PRAGMA user_version = %1").arg(kSchemaVersion + 1));
      Exec(db, QStringLiteral("PRAGMA journal_mode = DELETE"));
    }
    CloseSqlite(QStringLiteral("bump"));
    const QByteArray before = Sha256(path);
    ConversationStore store;
    QVERIFY(!store.open(path));
    QVERIFY2(store.errorString().contains(QStringLiteral("newer version")), qPrintable(store.errorString()));
    QCOMPARE(Sha256(path), before);
  }

  void aFailingStepLeavesTheOldVersion() {
    const QString path = CopyOfFixture(1, "failing.sqlite");
    {
      // A table in the way of step 2 makes it fail half-way.
      QSqlDatabase db = OpenSqlite(path, QStringLiteral("sabotage"));
      Exec(db, QStringLiteral("CREATE TABLE conversations_fts (x)"));
    }
    CloseSqlite(QStringLiteral("sabotage"));
    ConversationStore store;
    QVERIFY(!store.open(path));
    QVERIFY(!store.errorString().isEmpty());
    QSqlDatabase db = OpenSqlite(path, QStringLiteral("after"));
    QCOMPARE(SchemaVersion(db), 1);
    // Step 2 creates messages_fts before it fails on conversations_fts: rolled back with it.
    QCOMPARE(QueryValue(db, QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'messages_fts'")).toInt(), 0);
    QCOMPARE(QueryValue(db, QStringLiteral("SELECT count(*) FROM messages")).toInt(), 7);
    db = QSqlDatabase();
    CloseSqlite(QStringLiteral("after"));
  }
};

QTEST_MAIN(TestSchemaMigration)
#include "tst_schema_migration.moc"
