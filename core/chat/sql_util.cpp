// Qt SQL helpers: connection set-up with the store's pragmas, error classification, transactions.
#include "core/chat/sql_util.h"

#include <QSqlDriver>
#include <QSqlError>

namespace gemma {
namespace {

// SQLite primary result codes (sqlite3.h); the QSQLITE driver reports them as nativeErrorCode.
constexpr int kSqliteBusy = 5;
constexpr int kSqliteLocked = 6;
constexpr int kSqliteCorrupt = 11;
constexpr int kSqliteFull = 13;
constexpr int kSqliteCantOpen = 14;
constexpr int kSqliteNotADb = 26;

std::string Describe(const QSqlError& error, const QString& context) {
  QString text = error.databaseText();
  if (text.isEmpty()) text = error.driverText();
  return (context + QStringLiteral(": ") + text).toStdString();
}

}  // namespace

DbError::Kind ClassifySqlError(const QSqlError& error) {
  bool ok = false;
  // Extended codes carry the primary code in their low byte.
  const int code = error.nativeErrorCode().toInt(&ok) & 0xff;
  if (ok) {
    switch (code) {
      case kSqliteFull: return DbError::Kind::kFull;
      case kSqliteCorrupt:
      case kSqliteNotADb: return DbError::Kind::kCorrupt;
      case kSqliteBusy:
      case kSqliteLocked: return DbError::Kind::kBusy;
      case kSqliteCantOpen: return DbError::Kind::kCantOpen;
      default: break;
    }
  }
  const QString text = error.databaseText() + QLatin1Char(' ') + error.driverText();
  if (text.contains(QLatin1String("disk is full"))) return DbError::Kind::kFull;
  if (text.contains(QLatin1String("malformed")) || text.contains(QLatin1String("not a database")))
    return DbError::Kind::kCorrupt;
  return DbError::Kind::kOther;
}

void ThrowIfError(const QSqlError& error, const QString& context) {
  if (error.type() == QSqlError::NoError) return;
  throw DbError(ClassifySqlError(error), Describe(error, context));
}

QSqlDatabase OpenSqlite(const QString& path, const QString& connection_name, bool read_only) {
  QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection_name);
  db.setDatabaseName(path);
  QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000");
  if (read_only) options += QStringLiteral(";QSQLITE_OPEN_READONLY");
  db.setConnectOptions(options);
  if (!db.open()) {
    const QSqlError error = db.lastError();
    throw DbError(DbError::Kind::kCantOpen,
                  Describe(error, QStringLiteral("cannot open the chat database %1").arg(path)));
  }
  // The first statement reads the header: a file that is not a database fails here, not at open().
  Exec(db, QStringLiteral("PRAGMA foreign_keys = ON"));
  if (!read_only) {
    // WAL + synchronous=NORMAL: a committed transaction survives a crash of this process (it is in the
    // WAL file, which the OS keeps); only an OS crash or power loss can lose the last few commits, never
    // corrupt the database. FULL would fsync on every commit, i.e. on every streamed second of a reply.
    Exec(db, QStringLiteral("PRAGMA synchronous = NORMAL"));
  }
  return db;
}

void EnableWal(QSqlDatabase& db) {
  // Persistent in the file: later connections open in WAL mode too. A commit appends to the -wal file
  // instead of rewriting pages in place, so readers (the exporter) never block the writer.
  const QString mode = QueryValue(db, QStringLiteral("PRAGMA journal_mode = WAL")).toString();
  if (mode != QLatin1String("wal")) {
    throw DbError(DbError::Kind::kOther,
                  QStringLiteral("the chat database cannot use WAL mode (got \"%1\"): is it on a network drive?")
                      .arg(mode)
                      .toStdString());
  }
}

void CloseSqlite(const QString& connection_name) {
  {
    QSqlDatabase db = QSqlDatabase::database(connection_name, false);
    if (db.isValid()) db.close();
  }
  QSqlDatabase::removeDatabase(connection_name);
}

QSqlQuery Exec(QSqlDatabase& db, const QString& sql, const QVariantList& bindings) {
  QSqlQuery query(db);
  query.setForwardOnly(true);
  if (!query.prepare(sql)) ThrowIfError(query.lastError(), QStringLiteral("preparing \"%1\"").arg(sql));
  for (const QVariant& value : bindings) {
    // Qt binds a null QString as SQL NULL; our text columns are NOT NULL and mean "" by it. A variant that
    // is itself null (a NULL read from a column) stays NULL.
    if (!value.isNull() && value.metaType().id() == QMetaType::QString && value.toString().isNull()) {
      query.addBindValue(QStringLiteral(""));
    } else {
      query.addBindValue(value);
    }
  }
  if (!query.exec()) ThrowIfError(query.lastError(), QStringLiteral("running \"%1\"").arg(sql));
  return query;
}

QSqlQuery Exec(QSqlDatabase& db, const QString& sql, std::initializer_list<QVariant> bindings) {
  return Exec(db, sql, QVariantList(bindings));
}

QVariant QueryValue(QSqlDatabase& db, const QString& sql, std::initializer_list<QVariant> bindings) {
  QSqlQuery query = Exec(db, sql, bindings);
  if (!query.next()) {
    ThrowIfError(query.lastError(), QStringLiteral("reading \"%1\"").arg(sql));
    return {};
  }
  return query.value(0);
}

Transaction::Transaction(QSqlDatabase& db) : db_(db) {
  // IMMEDIATE takes the write lock now, so a busy database fails here and not half-way through.
  Exec(db_, QStringLiteral("BEGIN IMMEDIATE"));
  open_ = true;
}

Transaction::~Transaction() {
  if (!open_) return;
  QSqlQuery rollback(db_);
  rollback.exec(QStringLiteral("ROLLBACK"));  // a failure here leaves SQLite's own automatic rollback
}

void Transaction::Commit() {
  Exec(db_, QStringLiteral("COMMIT"));
  open_ = false;
}

}  // namespace gemma
