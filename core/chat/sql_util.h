// Thin helpers over Qt SQL for the chat store: opening a QSQLITE connection with our pragmas, running a
// statement that throws a classified DbError on failure, and a transaction that rolls back unless committed.
#pragma once

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QVariant>
#include <initializer_list>

#include "core/engine/error.h"

namespace gemma {

// A failed database operation. kind tells the callers what they can do: kFull (the disk or the page limit
// is full: the transaction was rolled back, free space and retry), kCorrupt (the file is damaged or not a
// database: recovery), kOther.
class DbError : public Error {
 public:
  enum class Kind { kFull, kCorrupt, kBusy, kCantOpen, kOther };
  DbError(Kind kind, const std::string& message) : Error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// Classifies a Qt SQL error of the QSQLITE driver by SQLite's result code (nativeErrorCode) and, as a
// fallback, by SQLite's message text.
DbError::Kind ClassifySqlError(const QSqlError& error);

// Opens (creating if needed) the SQLite file at path as a new Qt connection named connection_name.
// Sets synchronous=NORMAL, foreign keys and a busy timeout; changes nothing in the file (so a database of
// a newer app can be looked at and left alone). Throws DbError.
QSqlDatabase OpenSqlite(const QString& path, const QString& connection_name, bool read_only = false);

// Switches the file to WAL journaling (persistent). Throws DbError.
void EnableWal(QSqlDatabase& db);

// Closes and removes a connection opened with OpenSqlite. Every QSqlQuery on it must be gone.
void CloseSqlite(const QString& connection_name);

// Prepares and runs sql with positional bindings; throws DbError with context in the message.
QSqlQuery Exec(QSqlDatabase& db, const QString& sql, std::initializer_list<QVariant> bindings = {});
QSqlQuery Exec(QSqlDatabase& db, const QString& sql, const QVariantList& bindings);

// Runs sql and returns the first column of the first row (an invalid QVariant when there is no row).
QVariant QueryValue(QSqlDatabase& db, const QString& sql, std::initializer_list<QVariant> bindings = {});

// BEGIN IMMEDIATE ... COMMIT; the destructor rolls back a transaction that was not committed, so an
// exception (a full disk) leaves the database as it was before.
class Transaction {
 public:
  explicit Transaction(QSqlDatabase& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();

 private:
  QSqlDatabase& db_;
  bool open_ = false;
};

// Throws DbError for a QSqlError that is set; context says what was being done.
void ThrowIfError(const QSqlError& error, const QString& context);

}  // namespace gemma
