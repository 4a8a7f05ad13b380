// Generator of the old-schema fixtures in this folder: chat_v<N>.sqlite for every schema version N older
// than the current one, each made by the store's own migration steps up to N and filled with SQL that was
// valid at N (frozen here: never change what an existing version writes). See README.md.
// Usage: make_chat_fixtures <output folder>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <cstdio>

#include "core/chat/schema.h"
#include "core/chat/sql_util.h"

using namespace gemma;

namespace {

// Schema version 1: conversations and messages, no full-text index.
void FillVersion1(QSqlDatabase& db) {
  auto conversation = [&](qint64 id, const char* title, const char* source, qint64 created, qint64 updated,
                          const char* model, const char* settings) {
    Exec(db,
         QStringLiteral("INSERT INTO conversations (id, title, title_source, created, updated, model, settings) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)"),
         {id, QString::fromUtf8(title), QString::fromUtf8(source), created, updated, QString::fromUtf8(model),
          QString::fromUtf8(settings)});
  };
  auto message = [&](qint64 id, qint64 conversation_id, qint64 parent, const char* role, const char* text,
                     qint64 created, const char* model, qint64 prompt, qint64 reply, double speed,
                     const char* state, const char* error, qint64 selected) {
    Exec(db,
         QStringLiteral("INSERT INTO messages (id, conversation_id, parent_id, role, text, created, model, "
                        "prompt_tokens, reply_tokens, tokens_per_second, state, error_text, selected) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
         {id, conversation_id, parent == 0 ? QVariant(QMetaType::fromType<qint64>()) : QVariant(parent),
          QString::fromUtf8(role), QString::fromUtf8(text), created, QString::fromUtf8(model), prompt, reply, speed,
          QString::fromUtf8(state), QString::fromUtf8(error), selected});
  };
  conversation(1, "Trip to Seoul", "user", 1700000000000, 1700000900000, "gemma-2b-it",
               R"({"temperature":0.7,"top_k":40,"system_prompt":"Answer briefly.","context_size":2048})");
  message(1, 1, 0, "user", "What should I see in Seoul?", 1700000000000, "", 0, 0, 0, "complete", "", 1700000000000);
  message(2, 1, 1, "model", "Visit Gyeongbokgung Palace and Bukchon Hanok Village.", 1700000001000, "gemma-2b-it",
          18, 12, 21.5, "complete", "", 1700000001000);
  // Regenerate: a second reply to message 1, which the user then switched back away from.
  message(3, 1, 1, "model", "경복궁과 북촌한옥마을을 추천합니다.", 1700000002000, "gemma-2b-it", 18, 15, 19.25,
          "stopped", "", 1700000002000);
  message(4, 1, 2, "user", "How do I get there?", 1700000003000, "", 0, 0, 0, "complete", "", 1700000003000);
  // A reply that was streaming when the app died: the store must mark it interrupted.
  message(5, 1, 4, "model", "Take subway line 3 to Anguk", 1700000004000, "gemma-2b-it", 40, 7, 0, "streaming", "",
          1700000004000);
  Exec(db, QStringLiteral("UPDATE messages SET selected = 1700000005000 WHERE id = 2"));
  conversation(2, "", "none", 1690000000000, 1690000000000, "", "{}");
  message(6, 2, 0, "user", "Hello", 1690000000000, "", 0, 0, 0, "complete", "", 1690000000000);
  message(7, 2, 6, "model", "", 1690000000500, "gemma-7b-it", 5, 0, 0, "error", "out of memory", 1690000000500);
}

}  // namespace

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_chat_fixtures <output folder>\n");
    return 2;
  }
  const QDir out(QString::fromLocal8Bit(argv[1]));
  try {
    const QString path = out.filePath(QStringLiteral("chat_v1.sqlite"));
    QFile::remove(path);
    {
      QSqlDatabase db = OpenSqlite(path, QStringLiteral("fixture"));
      MigrateSchema(db, 1);
      FillVersion1(db);
      // One self-contained file in the repository: no WAL beside it.
      Exec(db, QStringLiteral("PRAGMA journal_mode = DELETE"));
      Exec(db, QStringLiteral("VACUUM"));
    }
    CloseSqlite(QStringLiteral("fixture"));
    std::printf("wrote %s\n", qPrintable(path));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_chat_fixtures: %s\n", e.what());
    return 1;
  }
  return 0;
}
