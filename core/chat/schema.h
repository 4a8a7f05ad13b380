// The chat database's schema and its forward migrations. The version lives in PRAGMA user_version; each
// migration step N-1 -> N runs in one transaction, so a failed step leaves the database at N-1.
// Add a step: append to the list in schema.cpp, bump kSchemaVersion, add a fixture of the old version to
// tests/data/chat/ (see its README) and a test that migrates it.
#pragma once

#include <QSqlDatabase>
#include <QString>

namespace gemma {

// v1: conversations and the message tree. v2: FTS5 (trigram) indexes over titles and message text.
inline constexpr int kSchemaVersion = 2;

int SchemaVersion(QSqlDatabase& db);

// Brings db from its version up to target_version (the current one by default). An empty database is
// created from scratch by the same steps. A database newer than this app throws Error (the app must not
// touch it). Throws DbError on SQL failures.
void MigrateSchema(QSqlDatabase& db, int target_version = kSchemaVersion);

}  // namespace gemma
