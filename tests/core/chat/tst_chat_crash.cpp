// A crash while a reply streams: a child process (chat_crash_helper) writes into a store and is SIGKILLed
// at a random moment, 20 times into the same database. After each kill: every message committed before is
// intact, the partial reply is there (at most about a second behind what the child had) and is marked
// interrupted at the next open, and PRAGMA integrity_check is ok.
#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include "core/chat/conversation_store.h"
#include "core/chat/sql_util.h"

using namespace gemma;

namespace {

constexpr int kRuns = 20;
constexpr int kFlushIntervalMs = 1000;  // the store's default, which the helper uses
// Scheduling slack on a shared 2-core machine: the child's print and our read of it are not instant.
constexpr int kSlackMs = 1000;

QString ExpectedStream(int run, int tokens) {
  QString text;
  for (int k = 0; k < tokens; ++k) text += QStringLiteral("r%1t%2 ").arg(run).arg(k);
  return text;
}

}  // namespace

class TestChatCrash : public QObject {
  Q_OBJECT

 private slots:
  void survivesSigkillWhileStreaming() {
    const QString helper = QCoreApplication::applicationDirPath() + QStringLiteral("/chat_crash_helper");
    QVERIFY2(QFileInfo::exists(helper), qPrintable(helper));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("crash.sqlite"));
    const quint32 seed = QRandomGenerator::global()->generate();
    qInfo("kill-time seed %u", seed);
    QRandomGenerator random(seed);

    QHash<qint64, QString> must_exist;  // message id -> exact text, from every run so far
    int replies_checked = 0;
    for (int run = 0; run < kRuns; ++run) {
      QProcess child;
      child.setProcessChannelMode(QProcess::SeparateChannels);
      QElapsedTimer clock;
      child.start(helper, {path, QString::number(run)});
      QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));
      clock.start();
      const int kill_at_ms = random.bounded(100, 3000);
      struct Seen { qint64 at_ms; qsizetype length; };
      QList<Seen> appended;
      qint64 question = 0, reply = 0;
      QByteArray pending;
      auto parse = [&](bool stamp) {
        pending += child.readAllStandardOutput();
        qsizetype end;
        while ((end = pending.indexOf('\n')) >= 0) {
          const QList<QByteArray> words = pending.left(end).split(' ');
          pending.remove(0, end + 1);
          if (words[0] == "question") question = words[1].toLongLong();
          if (words[0] == "reply") reply = words[1].toLongLong();
          if (words[0] == "side") must_exist.insert(words[1].toLongLong(),
                                                    QStringLiteral("run %1 side %2").arg(run).arg(words[2].toInt()));
          // Lines read after the kill may be older than they look: only stamped lines set a lower bound.
          if (words[0] == "appended" && stamp) appended.append({clock.elapsed(), words[1].toLongLong()});
        }
      };
      while (clock.elapsed() < kill_at_ms && child.state() == QProcess::Running) {
        child.waitForReadyRead(5);
        parse(true);
      }
      QVERIFY2(child.state() == QProcess::Running, child.readAllStandardError().constData());
      const qint64 killed_at = clock.elapsed();
      child.kill();  // SIGKILL
      QVERIFY(child.waitForFinished(10000));
      parse(false);
      if (question != 0) must_exist.insert(question, QStringLiteral("run %1 question").arg(run));

      ConversationStore store;
      QVERIFY2(store.open(path), qPrintable(store.errorString()));
      QVERIFY2(store.errorString().isEmpty(), qPrintable(store.errorString()));
      QSqlDatabase db = store.database();
      QCOMPARE(QueryValue(db, QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
      QCOMPARE(QueryValue(db, QStringLiteral("SELECT count(*) FROM messages WHERE state = 'streaming'")).toInt(), 0);
      for (auto it = must_exist.constBegin(); it != must_exist.constEnd(); ++it) {
        std::optional<MessageRecord> m = store.message(it.key());
        QVERIFY2(m.has_value(), qPrintable(QStringLiteral("run %1: message %2 lost").arg(run).arg(it.key())));
        QCOMPARE(m->text, it.value());
      }
      if (reply != 0) {
        std::optional<MessageRecord> m = store.message(reply);
        QVERIFY(m.has_value());
        QCOMPARE(m->state, MessageState::kInterrupted);
        // Whole pieces of the stream, in order: a prefix made of complete tokens.
        const int tokens = static_cast<int>(m->text.count(QLatin1Char(' ')));
        QCOMPARE(m->text, ExpectedStream(run, tokens));
        // At most a flush interval (+ slack) behind: what the child had that long before the kill is saved.
        qsizetype must_have = 0;
        for (const Seen& seen : appended) {
          if (seen.at_ms <= killed_at - kFlushIntervalMs - kSlackMs) must_have = seen.length;
        }
        QVERIFY2(m->text.size() >= must_have, qPrintable(QStringLiteral("run %1: reply has %2 characters, the child "
                                                                        "had %3 more than %4 ms before the kill")
                                                             .arg(run).arg(m->text.size()).arg(must_have)
                                                             .arg(kFlushIntervalMs + kSlackMs)));
        must_exist.insert(reply, m->text);  // must stay exactly so from now on
        ++replies_checked;
      }
    }
    // The random kill times must have let most runs reach the streaming part, or this tested little.
    QVERIFY2(replies_checked >= kRuns / 2, qPrintable(QString::number(replies_checked)));
  }
};

QTEST_MAIN(TestChatCrash)
#include "tst_chat_crash.moc"
