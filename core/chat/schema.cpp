// Schema steps of the chat database, oldest first. Never edit a step that has shipped: add a new one.
#include "core/chat/schema.h"

#include <QStringList>

#include "core/chat/sql_util.h"

namespace gemma {
namespace {

struct MigrationStep {
  int version;  // the version this step produces
  QStringList statements;
};

QList<MigrationStep> Steps() {
  return {
      {1,
       {
           QStringLiteral(
               "CREATE TABLE conversations ("
               " id INTEGER PRIMARY KEY,"
               " title TEXT NOT NULL DEFAULT '',"
               " title_source TEXT NOT NULL DEFAULT 'none',"
               " created INTEGER NOT NULL,"
               " updated INTEGER NOT NULL,"
               " model TEXT NOT NULL DEFAULT '',"
               " settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)))"),
           // The sidebar pages newest first by (updated, id): this index makes each page a range read.
           QStringLiteral("CREATE INDEX conversations_by_updated ON conversations (updated DESC, id DESC)"),
           QStringLiteral(
               "CREATE TABLE messages ("
               " id INTEGER PRIMARY KEY,"
               " conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,"
               " parent_id INTEGER REFERENCES messages (id) ON DELETE CASCADE,"
               " role TEXT NOT NULL CHECK (role IN ('user', 'model')),"
               " text TEXT NOT NULL DEFAULT '',"
               " created INTEGER NOT NULL,"
               " model TEXT NOT NULL DEFAULT '',"
               " prompt_tokens INTEGER NOT NULL DEFAULT 0,"
               " reply_tokens INTEGER NOT NULL DEFAULT 0,"
               " tokens_per_second REAL NOT NULL DEFAULT 0,"
               " state TEXT NOT NULL DEFAULT 'complete'"
               "   CHECK (state IN ('complete', 'streaming', 'stopped', 'interrupted', 'error')),"
               " error_text TEXT NOT NULL DEFAULT '',"
               " selected INTEGER NOT NULL DEFAULT 0)"),
           QStringLiteral("CREATE INDEX messages_by_conversation ON messages (conversation_id, id)"),
           // Foreign-key cascades look children up by parent: without this a delete scans the table.
           QStringLiteral("CREATE INDEX messages_by_parent ON messages (parent_id)"),
           // Only crashed replies are 'streaming' at open: a partial index finds them without a scan.
           QStringLiteral("CREATE INDEX messages_streaming ON messages (id) WHERE state = 'streaming'"),
       }},
      {2,
       {
           // trigram, not unicode61: unicode61 splits on spaces only, so a Korean word with its particle
           // (한국어를) is one token and a search for 한국어 finds nothing but prefixes; trigram matches
           // any substring of 3+ characters in every script. Shorter queries fall back to LIKE (search).
           QStringLiteral("CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages',"
                          " content_rowid='id', tokenize='trigram')"),
           QStringLiteral("CREATE VIRTUAL TABLE conversations_fts USING fts5(title, content='conversations',"
                          " content_rowid='id', tokenize='trigram')"),
           QStringLiteral("CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN"
                          " INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text); END"),
           QStringLiteral("CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN"
                          " INSERT INTO messages_fts (messages_fts, rowid, text)"
                          " VALUES ('delete', old.id, old.text); END"),
           QStringLiteral("CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN"
                          " INSERT INTO messages_fts (messages_fts, rowid, text)"
                          " VALUES ('delete', old.id, old.text);"
                          " INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text); END"),
           QStringLiteral("CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN"
                          " INSERT INTO conversations_fts (rowid, title) VALUES (new.id, new.title); END"),
           QStringLiteral("CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN"
                          " INSERT INTO conversations_fts (conversations_fts, rowid, title)"
                          " VALUES ('delete', old.id, old.title); END"),
           QStringLiteral("CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations"
                          " BEGIN INSERT INTO conversations_fts (conversations_fts, rowid, title)"
                          " VALUES ('delete', old.id, old.title);"
                          " INSERT INTO conversations_fts (rowid, title) VALUES (new.id, new.title); END"),
           // Index what version 1 stored.
           QStringLiteral("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')"),
           QStringLiteral("INSERT INTO conversations_fts (conversations_fts) VALUES ('rebuild')"),
       }},
  };
}

}  // namespace

int SchemaVersion(QSqlDatabase& db) { return QueryValue(db, QStringLiteral("PRAGMA user_version")).toInt(); }

void MigrateSchema(QSqlDatabase& db, int target_version) {
  const int current = SchemaVersion(db);
  if (current > kSchemaVersion) {
    throw Error(QStringLiteral("The chat database was written by a newer version of GemmaChat (schema %1, this "
                               "version knows %2). Update GemmaChat to open it; the file was not changed.")
                    .arg(current)
                    .arg(kSchemaVersion)
                    .toStdString());
  }
  for (const MigrationStep& step : Steps()) {
    if (step.version <= current || step.version > target_version) continue;
    Transaction transaction(db);
    for (const QString& statement : step.statements) Exec(db, statement);
    // PRAGMA takes no bound parameters; the value is our own integer.
    Exec(db, QStringLiteral("PRAGMA user_version = %1").arg(step.version));
    transaction.Commit();
  }
}

}  // namespace gemma
