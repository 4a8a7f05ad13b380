// Scale benchmark of the chat store (run by hand, not by ctest): 10,000 conversations with 200,000
// messages, one of them 2,000 messages long. Measures, warm cache, median of repeats:
//   open the store + first sidebar page (goal < 100 ms), open the 2,000-message conversation (< 200 ms),
//   full-text searches (< 50 ms), and the database's size.
// Usage: bench_chat_scale [database path (default: a temporary file)] [repeats (default 7)]
// An existing database at the path is reused (generation takes a while).
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QGuiApplication>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <functional>

#include "core/chat/chat_repository.h"
#include "core/chat/conversation_list_model.h"
#include "core/chat/conversation_store.h"
#include "core/chat/message_list_model.h"
#include "core/chat/schema.h"
#include "core/chat/sql_util.h"

using namespace gemma;

namespace {

constexpr int kConversations = 10000;
constexpr int kMessages = 200000;
constexpr int kBigConversation = 2000;

// A vocabulary with a long tail, as real chats have: frequent words ("the", "model", ...) and ~20,000
// synthetic ones drawn with Zipf-like frequencies, plus Korean words.
const char* const kCommon[] = {"the", "model", "answer", "question", "because", "python", "function", "memory",
                               "kubernetes", "cluster", "recipe", "garlic", "travel", "weather", "summary",
                               "한국어를", "공부하고", "날씨는", "여행을", "서울에서", "감사합니다"};

class Vocabulary {
 public:
  explicit Vocabulary(QRandomGenerator& random) {
    const QString letters = QStringLiteral("abcdefghijklmnoprstuvwy");
    for (int i = 0; i < 20000; ++i) {
      QString word;
      const int length = random.bounded(3, 11);
      for (int k = 0; k < length; ++k) word += letters[random.bounded(int(letters.size()))];
      words_.append(word);
    }
  }
  QString Pick(QRandomGenerator& random) const {
    if (random.bounded(4) == 0) return QString::fromUtf8(kCommon[random.bounded(int(std::size(kCommon)))]);
    // Zipf-like: the rank is the square of a uniform draw, so low ranks are much more frequent.
    const double u = random.generateDouble();
    return words_[static_cast<int>(u * u * u * (words_.size() - 1))];
  }

 private:
  QStringList words_;
};

QString RandomText(QRandomGenerator& random, const Vocabulary& vocabulary) {
  const int words = random.bounded(8, 120);  // ~50 to ~900 characters
  QString text;
  for (int i = 0; i < words; ++i) {
    if (i) text += QLatin1Char(' ');
    text += vocabulary.Pick(random);
  }
  return text;
}

void Generate(const QString& path) {
  std::printf("generating %d conversations, %d messages at %s ...\n", kConversations, kMessages, qPrintable(path));
  std::fflush(stdout);
  QElapsedTimer timer;
  timer.start();
  QRandomGenerator random(42);
  const Vocabulary vocabulary(random);
  {
    QSqlDatabase db = OpenSqlite(path, QStringLiteral("generate"));
    EnableWal(db);
    MigrateSchema(db);
    Transaction transaction(db);
    const qint64 start = 1'600'000'000'000;
    int remaining = kMessages;
    for (int c = 0; c < kConversations; ++c) {
      const int count = c == 0 ? kBigConversation : (remaining - (kConversations - c - 1) * 0) / (kConversations - c);
      ConversationRecord record;
      record.created_ms = start + qint64(c) * 60'000;
      record.updated_ms = record.created_ms + count * 1000;
      record.title = RandomText(random, vocabulary).left(40);
      record.title_source = TitleSource::kFirstMessage;
      record.settings = QJsonObject{{QStringLiteral("temperature"), 0.7}};
      const qint64 id = InsertConversation(db, record);
      qint64 parent = 0;
      for (int m = 0; m < count; ++m) {
        MessageRecord message;
        message.conversation_id = id;
        message.parent_id = parent;
        message.role = m % 2 ? MessageRole::kModel : MessageRole::kUser;
        message.text = RandomText(random, vocabulary);
        message.created_ms = message.selected_ms = record.created_ms + m * 1000;
        message.tokens_per_second = m % 2 ? 20.0 : 0;
        parent = InsertMessage(db, message);
      }
      remaining -= count;
    }
    transaction.Commit();
    Exec(db, QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    Exec(db, QStringLiteral("PRAGMA optimize"));
  }
  CloseSqlite(QStringLiteral("generate"));
  std::printf("generated in %.1f s\n", timer.elapsed() / 1000.0);
}

// run() returns the milliseconds of the part it times (set-up and tear-down outside it).
double MedianOf(int repeats, const std::function<double()>& run) {
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) times.push_back(run());
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

double MedianMs(int repeats, const std::function<void()>& run) {
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    QElapsedTimer timer;
    timer.start();
    run();
    times.push_back(timer.nsecsElapsed() / 1e6);
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  QGuiApplication app(argc, argv);
  QTemporaryDir dir;
  const QString path = argc > 1 ? QString::fromLocal8Bit(argv[1]) : dir.filePath(QStringLiteral("scale.sqlite"));
  const int repeats = argc > 2 ? std::max(1, atoi(argv[2])) : 7;
  if (!QFileInfo::exists(path)) Generate(path);

  qint64 big = 0;
  int first_page = 0;
  double check_ms = 0;
  const double open_ms = MedianOf(repeats, [&] {
    ConversationStore store;
    ConversationListModel sidebar;
    QElapsedTimer timer;
    timer.start();
    store.open(path);
    sidebar.setStore(&store);
    first_page = sidebar.rowCount();
    const double ms = timer.nsecsElapsed() / 1e6;
    // The background health check, until it reports (the app would be usable meanwhile).
    QEventLoop loop;
    QObject::connect(&store, &ConversationStore::healthChecked, &loop, &QEventLoop::quit);
    loop.exec();
    check_ms = timer.nsecsElapsed() / 1e6;
    return ms;
  });
  ConversationStore store;
  if (!store.open(path) || !store.errorString().isEmpty()) {
    std::fprintf(stderr, "open failed: %s\n", qPrintable(store.errorString()));
    return 1;
  }
  {
    QSqlDatabase db = store.database();
    big = QueryValue(db, QStringLiteral("SELECT conversation_id FROM messages GROUP BY conversation_id "
                                        "ORDER BY count(*) DESC LIMIT 1"))
              .toLongLong();
  }
  const double quick_check_ms = MedianMs(repeats, [&] {
    QSqlDatabase db = store.database();
    QueryValue(db, QStringLiteral("PRAGMA quick_check"));
  });
  int big_rows = 0;
  const double conversation_ms = MedianMs(repeats, [&] {
    MessageListModel model;
    model.setStore(&store);
    model.setConversationId(big);
    big_rows = model.rowCount();
  });
  std::printf("\n%-52s %10s\n", "measure (median of repeats, warm cache)", "ms");
  std::printf("%-52s %10.1f   (first page: %d rows; goal < 100)\n", "open store + first sidebar page", open_ms,
              first_page);
  std::printf("%-52s %10.1f   (in the background, from open() on; last repeat)\n",
              "background health check done after", check_ms);
  std::printf("%-52s %10.1f   (on the GUI connection, for reference)\n", "PRAGMA quick_check alone", quick_check_ms);
  std::printf("%-52s %10.1f   (%d rows; goal < 200)\n", "open the 2,000-message conversation", conversation_ms,
              big_rows);
  for (const char* query : {"kubernetes", "garlic recipe", "감사합니다", "서울 여행", "zzzz-no-match", "공부", "zq"}) {
    int hits = 0;
    const double ms = MedianMs(repeats, [&] { hits = static_cast<int>(store.search(QString::fromUtf8(query), 50).size()); });
    std::printf("search %-45s %10.1f   (%d hits; goal < 50)\n", (QStringLiteral("\"") + QString::fromUtf8(query) +
                                                                  QStringLiteral("\"")).toUtf8().constData(),
                ms, hits);
  }
  const qint64 size = QFileInfo(path).size() + QFileInfo(path + QStringLiteral("-wal")).size();
  QSqlDatabase db = store.database();
  std::printf("%-52s %10.1f MiB (%lld conversations, %lld messages)\n", "database size", size / 1048576.0,
              QueryValue(db, QStringLiteral("SELECT count(*) FROM conversations")).toLongLong(),
              QueryValue(db, QStringLiteral("SELECT count(*) FROM messages")).toLongLong());
  return 0;
}
