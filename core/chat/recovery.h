// What the store does with a damaged database file: keep a byte-exact copy of it aside (never delete the
// user's data), salvage every row SQLite can still read into a fresh database, and put that in its place.
// SQLite's .recover is not reachable through Qt SQL, so this reads table by table, skipping over rowid
// ranges that fail to read.
#pragma once

#include <QSqlDatabase>
#include <QString>

namespace gemma {

struct RecoveryReport {
  QString backup_path;  // the damaged file, copied aside with a timestamp ("<db>.damaged-<yyyyMMdd-HHmmss>")
  qint64 conversations = 0;  // rows salvaged
  qint64 messages = 0;
  bool schema_readable = false;  // false: nothing could be read (e.g. not a database at all)
};

// PRAGMA quick_check on an open connection: an empty string if the file is healthy, else SQLite's first
// complaints. Throws DbError (kCorrupt) when the check itself cannot read the file.
QString QuickCheck(QSqlDatabase& db);

// Copies path (and its -wal) aside, builds a salvaged database at path. No connection to path may be open.
// Throws Error if the copy aside fails; then path is untouched.
RecoveryReport RecoverDatabase(const QString& path);

}  // namespace gemma
