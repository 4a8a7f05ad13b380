// ConversationStore: create/read/update/delete, titles, settings, streamed replies (flushed at the end,
// marked interrupted when left streaming), delete with undo, delete-all, the pragmas, and a full disk.
#include <QSignalSpy>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "core/chat/chat_repository.h"
#include "core/chat/conversation_store.h"
#include "core/chat/sql_util.h"

using namespace gemma;

class TestConversationStore : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString Path(const char* name) const { return dir_.filePath(QLatin1String(name)); }

  // Reads a message straight from the file with a separate connection: what a crash would leave.
  static MessageRecord ReadOnDisk(const QString& path, qint64 id) {
    const QString name = QStringLiteral("on_disk_reader");
    MessageRecord result;
    {
      QSqlDatabase db = OpenSqlite(path, name);
      result = ReadMessage(db, id).value_or(MessageRecord{});
    }
    CloseSqlite(name);
    return result;
  }

 private slots:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void createsConversationsAndMessages() {
    ConversationStore store;
    QVERIFY2(store.open(Path("crud.sqlite")), qPrintable(store.errorString()));
    QVERIFY(store.errorString().isEmpty());
    QSignalSpy created(&store, &ConversationStore::conversationCreated);
    const qint64 id = store.createConversation(QStringLiteral("gemma-2b"),
                                               {{QStringLiteral("temperature"), 0.7},
                                                {QStringLiteral("system_prompt"), QStringLiteral("Be brief.")}});
    QVERIFY2(id > 0, qPrintable(store.errorString()));
    QCOMPARE(created.count(), 1);
    const qint64 question = store.addUserMessage(id, 0, QStringLiteral("What is the capital of France?\nThanks"));
    QVERIFY(question > 0);
    const qint64 reply = store.beginModelMessage(id, question, QStringLiteral("gemma-2b-it"));
    QVERIFY(reply > 0);
    store.appendToStreamingMessage(reply, QStringLiteral("Paris"));
    store.appendToStreamingMessage(reply, QStringLiteral(" is the capital."));
    QVERIFY(store.finishMessage(reply, QStringLiteral("complete"), 12, 5, 20.5));

    const ConversationRecord record = *store.conversation(id);
    QCOMPARE(record.title, QStringLiteral("What is the capital of France?"));
    QCOMPARE(record.title_source, TitleSource::kFirstMessage);
    QCOMPARE(record.model, QStringLiteral("gemma-2b-it"));
    QCOMPARE(record.settings.value(QLatin1String("system_prompt")).toString(), QStringLiteral("Be brief."));
    QCOMPARE(store.conversationSettings(id).value(QStringLiteral("temperature")).toDouble(), 0.7);

    const QList<MessageRecord> messages = store.messages(id);
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages[0].role, MessageRole::kUser);
    QCOMPARE(messages[0].parent_id, 0);
    QCOMPARE(messages[1].role, MessageRole::kModel);
    QCOMPARE(messages[1].parent_id, question);
    QCOMPARE(messages[1].text, QStringLiteral("Paris is the capital."));
    QCOMPARE(messages[1].state, MessageState::kComplete);
    QCOMPARE(messages[1].prompt_tokens, 12);
    QCOMPARE(messages[1].reply_tokens, 5);
    QCOMPARE(messages[1].tokens_per_second, 20.5);
    store.close();

    // Everything is on disk, and reads back the same after reopening.
    ConversationStore again;
    QVERIFY(again.open(Path("crud.sqlite")));
    QCOMPARE(again.messages(id), messages);
    QCOMPARE(again.conversation(id)->title, record.title);
  }

  void defaultPathIsInTheAppDataFolder() {
    QStandardPaths::setTestModeEnabled(true);  // never the real user's folder
    const QString path = ConversationStore::defaultPath();
    QVERIFY(path.startsWith(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QLatin1Char('/')));
    QVERIFY(path.endsWith(QStringLiteral(".sqlite")));
    QVERIFY(QFileInfo(path).dir().exists());
  }

  void pragmasAreSet() {
    ConversationStore store;
    QVERIFY(store.open(Path("pragmas.sqlite")));
    QSqlDatabase db = store.database();
    QCOMPARE(QueryValue(db, QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
    QCOMPARE(QueryValue(db, QStringLiteral("PRAGMA foreign_keys")).toInt(), 1);
    QCOMPARE(QueryValue(db, QStringLiteral("PRAGMA synchronous")).toInt(), 1);  // NORMAL
    QCOMPARE(QueryValue(db, QStringLiteral("PRAGMA user_version")).toInt(), 2);
  }

  void titlesFollowTheirSource() {
    ConversationStore store;
    QVERIFY(store.open(Path("titles.sqlite")));
    const qint64 id = store.createConversation();
    const QString long_text = QStringLiteral("  \n  Please help me plan a three week trip through the mountains of "
                                             "northern Italy in late spring");
    store.addUserMessage(id, 0, long_text);
    const QString auto_title = store.conversationTitle(id);
    QVERIFY2(auto_title.startsWith(QStringLiteral("Please help me plan")), qPrintable(auto_title));
    QVERIFY(auto_title.endsWith(QStringLiteral("…")));
    QVERIFY(auto_title.size() <= 61);
    // A second message does not retitle.
    const qint64 second = store.addUserMessage(id, 0, QStringLiteral("Another first message"));
    QVERIFY(second > 0);
    QCOMPARE(store.conversationTitle(id), auto_title);
    QVERIFY(store.setSuggestedTitle(id, QStringLiteral("Italy trip")));
    QCOMPARE(store.conversationTitle(id), QStringLiteral("Italy trip"));
    QVERIFY(store.renameConversation(id, QStringLiteral("My trip")));
    QCOMPARE(store.conversation(id)->title_source, TitleSource::kUser);
    // The model's later suggestion must not override the user's name.
    QVERIFY(!store.setSuggestedTitle(id, QStringLiteral("Mountain holiday")));
    QCOMPARE(store.conversationTitle(id), QStringLiteral("My trip"));
  }

  void settingsAreAJsonObject() {
    ConversationStore store;
    QVERIFY(store.open(Path("settings.sqlite")));
    const qint64 id = store.createConversation();
    const QVariantMap settings{{QStringLiteral("temperature"), 0.25},
                               {QStringLiteral("top_k"), 40},
                               {QStringLiteral("context_size"), 4096},
                               {QStringLiteral("model_id"), QStringLiteral("gemma-7b-it")},
                               {QStringLiteral("system_prompt"), QStringLiteral("Antworte auf Deutsch. \"Bitte\"")}};
    QVERIFY(store.setConversationSettings(id, settings));
    QSqlDatabase db = store.database();
    const QString raw = QueryValue(db, QStringLiteral("SELECT settings FROM conversations WHERE id = ?"), {id}).toString();
    QCOMPARE(QueryValue(db, QStringLiteral("SELECT json_type(?)"), {raw}).toString(), QStringLiteral("object"));
    QCOMPARE(QueryValue(db, QStringLiteral("SELECT json_extract(?, '$.top_k')"), {raw}).toInt(), 40);
    const QVariantMap back = store.conversationSettings(id);
    QCOMPARE(back.value(QStringLiteral("system_prompt")).toString(), settings.value(QStringLiteral("system_prompt")).toString());
    QCOMPARE(back.value(QStringLiteral("temperature")).toDouble(), 0.25);
    QCOMPARE(back.value(QStringLiteral("model_id")).toString(), QStringLiteral("gemma-7b-it"));
  }

  void streamingTextIsWrittenByTheThrottleAndAtTheEnd() {
    const QString path = Path("stream.sqlite");
    ConversationStore store;
    store.setFlushIntervalMs(60 * 60 * 1000);  // no timed write during this test: only the first and the end
    QVERIFY(store.open(path));
    const qint64 id = store.createConversation();
    const qint64 question = store.addUserMessage(id, 0, QStringLiteral("Count"));
    const qint64 reply = store.beginModelMessage(id, question, QStringLiteral("m"));
    QCOMPARE(ReadOnDisk(path, reply).state, MessageState::kStreaming);
    store.appendToStreamingMessage(reply, QStringLiteral("one"));  // first piece after a long idle: written
    QCOMPARE(ReadOnDisk(path, reply).text, QStringLiteral("one"));
    store.appendToStreamingMessage(reply, QStringLiteral(" two"));  // within the interval: memory only
    QCOMPARE(ReadOnDisk(path, reply).text, QStringLiteral("one"));
    QCOMPARE(store.message(reply)->text, QStringLiteral("one two"));  // readers see the overlay
    store.flush();
    QCOMPARE(ReadOnDisk(path, reply).text, QStringLiteral("one two"));
    store.appendToStreamingMessage(reply, QStringLiteral(" three"));
    QVERIFY(store.finishMessage(reply, MessageState::kStopped, ReplyStats{3, 3, 7.5}));
    const MessageRecord on_disk = ReadOnDisk(path, reply);
    QCOMPARE(on_disk.text, QStringLiteral("one two three"));
    QCOMPARE(on_disk.state, MessageState::kStopped);
    QCOMPARE(on_disk.tokens_per_second, 7.5);
  }

  void timerWritesAPendingPiece() {
    const QString path = Path("stream_timer.sqlite");
    ConversationStore store;
    store.setFlushIntervalMs(50);
    QVERIFY(store.open(path));
    const qint64 id = store.createConversation();
    const qint64 reply = store.beginModelMessage(id, store.addUserMessage(id, 0, QStringLiteral("q")), QString());
    store.appendToStreamingMessage(reply, QStringLiteral("a"));
    store.appendToStreamingMessage(reply, QStringLiteral("b"));
    // No further token comes: the store's timer must still write "ab" without another call.
    QTRY_COMPARE_WITH_TIMEOUT(ReadOnDisk(path, reply).text, QStringLiteral("ab"), 10000);
  }

  void streamingLeftByACrashIsInterruptedAtOpen() {
    const QString path = Path("crashed.sqlite");
    qint64 reply = 0;
    {
      // Simulate the crash: write a streaming row directly and never finish it.
      QSqlDatabase db;
      ConversationStore store;
      QVERIFY(store.open(path));
      const qint64 id = store.createConversation();
      reply = store.beginModelMessage(id, store.addUserMessage(id, 0, QStringLiteral("q")), QString());
      store.appendToStreamingMessage(reply, QStringLiteral("partial"));
      QCOMPARE(ReadOnDisk(path, reply).state, MessageState::kStreaming);
      store.close();  // close flushes but must not finish the reply
    }
    QCOMPARE(ReadOnDisk(path, reply).state, MessageState::kStreaming);
    ConversationStore store;
    QVERIFY(store.open(path));
    const MessageRecord m = *store.message(reply);
    QCOMPARE(m.state, MessageState::kInterrupted);
    QCOMPARE(m.text, QStringLiteral("partial"));
  }

  void deleteHasUndoAndThenDeletes() {
    ConversationStore store;
    store.setDeleteGraceMs(60 * 60 * 1000);
    QVERIFY(store.open(Path("delete.sqlite")));
    const qint64 a = store.createConversation();
    const qint64 b = store.createConversation();
    store.addUserMessage(a, 0, QStringLiteral("hello in a"));
    QSignalSpy removed(&store, &ConversationStore::conversationsRemoved);
    QSignalSpy restored(&store, &ConversationStore::conversationsRestored);
    store.deleteConversation(a);
    QCOMPARE(removed.count(), 1);
    QVERIFY(store.canUndoDelete());
    QVERIFY(store.search(QStringLiteral("hello"), 10).isEmpty());  // hidden from search during the grace
    store.undoDelete();
    QCOMPARE(restored.count(), 1);
    QVERIFY(store.conversation(a).has_value());
    QCOMPARE(store.search(QStringLiteral("hello"), 10).size(), 2);  // its title and its message

    store.deleteConversation(a);
    store.deleteConversation(b);  // makes the first final
    QVERIFY(!store.conversation(a).has_value());
    QVERIFY(store.conversation(b).has_value());
    store.close();  // closing commits the pending one
    ConversationStore again;
    QVERIFY(again.open(Path("delete.sqlite")));
    QVERIFY(!again.conversation(b).has_value());
    QSqlDatabase db = again.database();
    QCOMPARE(QueryValue(db, QStringLiteral("SELECT count(*) FROM messages")).toInt(), 0);  // cascaded
  }

  void deleteAfterTheGracePeriod() {
    ConversationStore store;
    store.setDeleteGraceMs(10);
    QVERIFY(store.open(Path("grace.sqlite")));
    const qint64 a = store.createConversation();
    store.deleteConversation(a);
    QTRY_VERIFY_WITH_TIMEOUT(!store.canUndoDelete(), 10000);
    QVERIFY(!store.conversation(a).has_value());
  }

  void deleteAllRemovesEverything() {
    ConversationStore store;
    QVERIFY(store.open(Path("delete_all.sqlite")));
    for (int i = 0; i < 5; ++i) {
      const qint64 id = store.createConversation();
      store.addUserMessage(id, 0, QStringLiteral("message %1").arg(i));
    }
    QSignalSpy reset(&store, &ConversationStore::conversationsReset);
    QVERIFY(store.deleteAllConversations());
    QCOMPARE(reset.count(), 1);
    QSqlDatabase db = store.database();
    QCOMPARE(QueryValue(db, QStringLiteral("SELECT count(*) FROM conversations")).toInt(), 0);
    QCOMPARE(QueryValue(db, QStringLiteral("SELECT count(*) FROM messages")).toInt(), 0);
    QVERIFY(store.search(QStringLiteral("message"), 10).isEmpty());
  }

  void aReplyInAnotherConversationIsRejected() {
    ConversationStore store;
    QVERIFY(store.open(Path("foreign.sqlite")));
    const qint64 a = store.createConversation();
    const qint64 b = store.createConversation();
    const qint64 in_a = store.addUserMessage(a, 0, QStringLiteral("in a"));
    QCOMPARE(store.addUserMessage(b, in_a, QStringLiteral("wrong parent")), 0);
    QVERIFY(!store.errorString().isEmpty());
  }

  void fullDiskIsReportedAndHarmsNothing() {
    const QString path = Path("full.sqlite");
    ConversationStore store;
    QVERIFY(store.open(path));
    const qint64 id = store.createConversation();
    QList<qint64> saved;
    qint64 parent = 0;
    for (int i = 0; i < 20; ++i) {
      parent = store.addUserMessage(id, parent, QStringLiteral("saved message %1 ").arg(i).repeated(20));
      saved.append(parent);
    }
    QSqlDatabase db = store.database();
    // The database may not grow any more: the next page it needs fails with SQLITE_FULL.
    const int pages = QueryValue(db, QStringLiteral("PRAGMA page_count")).toInt();
    Exec(db, QStringLiteral("PRAGMA max_page_count = %1").arg(pages));
    QSignalSpy error(&store, &ConversationStore::errorChanged);
    qint64 failed_parent = parent;
    qint64 result = 1;
    for (int i = 0; i < 200 && result != 0; ++i) {
      result = store.addUserMessage(id, failed_parent, QStringLiteral("x").repeated(5000));
      if (result != 0) saved.append(failed_parent = result);
    }
    QCOMPARE(result, 0);
    QVERIFY(error.count() >= 1);
    // Reported as a failed write the app can name (a full disk), until a write goes through.
    QCOMPARE(store.writeFailure(), ConversationStore::DiskFull);
    QVERIFY(store.conversationTitle(id).size() > 0);  // reads still work and do not end it
    QCOMPARE(store.writeFailure(), ConversationStore::DiskFull);
    QVERIFY2(store.errorString().contains(QStringLiteral("disk is full")), qPrintable(store.errorString()));
    // A reply that cannot be written keeps its text in memory and reports.
    store.clearError();
    const qint64 reply = saved.size() > 0 ? store.beginModelMessage(id, saved.back(), QString()) : 0;
    if (reply != 0) {
      store.appendToStreamingMessage(reply, QStringLiteral("y").repeated(100000));
      store.flush();
      QVERIFY(store.errorString().contains(QStringLiteral("disk is full")));
      QCOMPARE(store.message(reply)->text.size(), 100000);
    }
    // The failed transaction left nothing half-done, and everything before is intact.
    QCOMPARE(QueryValue(db, QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
    Exec(db, QStringLiteral("PRAGMA max_page_count = 1073741823"));
    QSignalSpy write_failure(&store, &ConversationStore::writeFailureChanged);
    QVERIFY(store.renameConversation(id, QStringLiteral("Room again")));
    QCOMPARE(store.writeFailure(), ConversationStore::NoWriteFailure);
    QCOMPARE(write_failure.count(), 1);
    store.close();
    ConversationStore again;
    QVERIFY(again.open(path));
    const QList<MessageRecord> messages = again.messages(id);
    QList<qint64> ids;
    for (const MessageRecord& m : messages) {
      if (m.role == MessageRole::kUser) ids.append(m.id);
    }
    QCOMPARE(ids, saved);
    QCOMPARE(messages.first().text, QStringLiteral("saved message 0 ").repeated(20));
  }
};

QTEST_MAIN(TestConversationStore)
#include "tst_conversation_store.moc"
