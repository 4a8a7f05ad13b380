// Salvage of a damaged chat database. Order matters for the user's data: first a verified copy aside, then
// a scratch copy to read from (reading may replay a WAL, so never the file kept aside), then the new file,
// which only replaces the original by an atomic rename once it is complete.
#include "core/chat/recovery.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonValue>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <cstdio>
#include <functional>

#include "core/chat/chat_types.h"
#include "core/chat/schema.h"
#include "core/chat/sql_util.h"

namespace gemma {
namespace {

QString UniqueConnectionName(const char* purpose) {
  static QAtomicInteger<quint64> counter;
  return QStringLiteral("gemma_chat_%1_%2").arg(QLatin1String(purpose)).arg(counter.fetchAndAddRelaxed(1));
}

void CopyVerified(const QString& from, const QString& to) {
  if (!QFile::copy(from, to) || QFileInfo(to).size() != QFileInfo(from).size()) {
    QFile::remove(to);
    throw Error(QStringLiteral("could not copy %1 to %2 (is the disk full?): the damaged chat database was "
                               "left as it is; free some space and restart GemmaChat")
                    .arg(from, to)
                    .toStdString());
  }
}

QString FreeName(const QString& base) {
  QString name = base;
  for (int n = 2; QFileInfo::exists(name) || QFileInfo::exists(name + QStringLiteral("-wal")); ++n) {
    name = base + QStringLiteral("-%1").arg(n);
  }
  return name;
}

// Calls row() for every row of table that can be read, in rowid order. A read error (a damaged page) makes
// it probe further and further ahead until reading works again, then search back for the first readable
// rowid, so a damaged page costs the rows on it and little more.
void ScanReadable(QSqlDatabase& db, const QString& table, const QStringList& columns,
                  const std::function<void(const QSqlQuery&)>& row) {
  const QString sql = QStringLiteral("SELECT rowid, %1 FROM %2 WHERE rowid > ? ORDER BY rowid")
                          .arg(columns.join(QStringLiteral(", ")), table);
  const QString point_sql =
      QStringLiteral("SELECT rowid, %1 FROM %2 WHERE rowid = ?").arg(columns.join(QStringLiteral(", ")), table);
  constexpr qint64 kMaxPointProbes = 100000;
  // Whether reading from after `cursor` works at least for the first row.
  auto readable_after = [&](qint64 cursor) {
    QSqlQuery probe(db);
    probe.setForwardOnly(true);
    if (!probe.prepare(sql)) return false;
    probe.addBindValue(cursor);
    if (!probe.exec()) return false;
    probe.next();
    return probe.lastError().type() == QSqlError::NoError;
  };
  qint64 cursor = std::numeric_limits<qint64>::min();
  for (int resumes = 0; resumes < 10000; ++resumes) {
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(sql)) return;  // the table itself is unreadable
    q.addBindValue(cursor);
    bool ok = q.exec();
    while (ok && q.next()) {
      cursor = q.value(0).toLongLong();
      row(q);
    }
    if (ok && q.lastError().type() == QSqlError::NoError) return;  // reached the end
    // Exponential probe ahead of the failure, then binary search back to the first readable start.
    qint64 bad = cursor;
    qint64 step = 1;
    qint64 good = bad;
    bool found = false;
    while (step > 0 && bad <= std::numeric_limits<qint64>::max() - step) {
      const qint64 candidate = bad + step;
      if (readable_after(candidate)) {
        good = candidate;
        found = true;
        break;
      }
      step = step > (std::numeric_limits<qint64>::max() >> 1) ? 0 : step * 2;
    }
    if (!found) return;
    qint64 lo = good - step;  // known unreadable (or the original failure point)
    while (good - lo > 1) {
      const qint64 mid = lo + (good - lo) / 2;
      (readable_after(mid) ? good : lo) = mid;
    }
    // A range scan cannot start inside the damaged page, but single rows beside it (and rows of a bad
    // page that are still intact) can be read one by one; in order, so parents come before children.
    if (good - bad <= kMaxPointProbes) {
      for (qint64 id = bad + 1; id <= good; ++id) {
        QSqlQuery point(db);
        point.setForwardOnly(true);
        if (point.prepare(point_sql)) {
          point.addBindValue(id);
          if (point.exec() && point.next()) row(point);
        }
      }
    }
    cursor = good;
  }
}

QStringList ConversationColumns() {
  return {QStringLiteral("id"),      QStringLiteral("title"), QStringLiteral("title_source"),
          QStringLiteral("created"), QStringLiteral("updated"), QStringLiteral("model"),
          QStringLiteral("settings")};
}

QStringList MessageColumns() {
  return {QStringLiteral("id"),           QStringLiteral("conversation_id"), QStringLiteral("parent_id"),
          QStringLiteral("role"),         QStringLiteral("text"),            QStringLiteral("created"),
          QStringLiteral("model"),        QStringLiteral("prompt_tokens"),   QStringLiteral("reply_tokens"),
          QStringLiteral("tokens_per_second"), QStringLiteral("state"),      QStringLiteral("error_text"),
          QStringLiteral("selected")};
}

QString InsertSql(const QString& table, const QStringList& columns) {
  QStringList marks;
  for (qsizetype i = 0; i < columns.size(); ++i) marks.append(QStringLiteral("?"));
  return QStringLiteral("INSERT OR IGNORE INTO %1 (%2) VALUES (%3)")
      .arg(table, columns.join(QStringLiteral(", ")), marks.join(QStringLiteral(", ")));
}

// Copies what can be read from source into dest (a fresh database at the current schema).
void Salvage(QSqlDatabase& source, QSqlDatabase& dest, RecoveryReport& report) {
  // A file whose schema cannot be read has nothing to salvage.
  {
    QSqlQuery q(source);
    if (!q.exec(QStringLiteral("SELECT count(*) FROM sqlite_schema")) || !q.next()) return;
  }
  report.schema_readable = true;
  Transaction transaction(dest);
  const QString insert_conversation = InsertSql(QStringLiteral("conversations"), ConversationColumns());
  QSet<qint64> conversations;
  ScanReadable(source, QStringLiteral("conversations"), ConversationColumns(), [&](const QSqlQuery& q) {
    QVariantList values;
    for (int i = 1; i <= ConversationColumns().size(); ++i) values.append(q.value(i));
    // A damaged row may break a CHECK (settings not JSON): keep the row with defaults rather than lose it.
    if (!QJsonValue::fromVariant(values[6]).isString()) values[6] = QStringLiteral("{}");
    try {
      Exec(dest, insert_conversation, values);
    } catch (const DbError&) {
      values[6] = QStringLiteral("{}");
      values[2] = QStringLiteral("none");
      try {
        Exec(dest, insert_conversation, values);
      } catch (const DbError&) {
        return;
      }
    }
    conversations.insert(values[0].toLongLong());
  });
  const QString insert_message = InsertSql(QStringLiteral("messages"), MessageColumns());
  QHash<qint64, qint64> last_in_conversation;  // to re-attach a message whose parent was lost
  QSet<qint64> messages;
  ScanReadable(source, QStringLiteral("messages"), MessageColumns(), [&](const QSqlQuery& q) {
    QVariantList values;
    for (int i = 1; i <= MessageColumns().size(); ++i) values.append(q.value(i));
    const qint64 id = values[0].toLongLong();
    const qint64 conversation = values[1].toLongLong();
    if (!conversations.contains(conversation)) {
      // The conversation's row was lost but its messages were not: give them a conversation again.
      try {
        Exec(dest, insert_conversation,
             {conversation, QStringLiteral("Recovered chat"), QStringLiteral("none"), values[5], values[5],
              QString(), QStringLiteral("{}")});
      } catch (const DbError&) {
        return;
      }
      conversations.insert(conversation);
    }
    const qint64 parent = values[2].toLongLong();
    if (!values[2].isNull() && !messages.contains(parent)) {
      values[2] = last_in_conversation.contains(conversation) ? QVariant(last_in_conversation[conversation])
                                                              : QVariant(QMetaType::fromType<qint64>());
    }
    try {
      Exec(dest, insert_message, values);
    } catch (const DbError&) {
      return;  // a row too damaged to satisfy the schema's CHECKs
    }
    messages.insert(id);
    last_in_conversation[conversation] = id;
  });
  transaction.Commit();
  report.conversations = conversations.size();
  report.messages = messages.size();
}

}  // namespace

QString QuickCheck(QSqlDatabase& db) {
  QSqlQuery q = Exec(db, QStringLiteral("PRAGMA quick_check"));
  QStringList problems;
  while (q.next()) {
    const QString line = q.value(0).toString();
    if (line != QLatin1String("ok")) problems.append(line);
    if (problems.size() >= 5) break;
  }
  ThrowIfError(q.lastError(), QStringLiteral("checking the chat database"));
  return problems.join(QLatin1Char('\n'));
}

RecoveryReport RecoverDatabase(const QString& path) {
  RecoveryReport report;
  const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
  const QString wal = path + QStringLiteral("-wal");
  const bool has_wal = QFileInfo::exists(wal);

  // 1. The damaged file, exactly as it is, aside: this is the user's data and is never removed.
  report.backup_path = FreeName(path + QStringLiteral(".damaged-") + stamp);
  CopyVerified(path, report.backup_path);
  if (has_wal) CopyVerified(wal, report.backup_path + QStringLiteral("-wal"));

  // 2. A scratch copy to read from, and a new database to fill.
  const QString scratch = FreeName(path + QStringLiteral(".reading-") + stamp);
  const QString fresh = FreeName(path + QStringLiteral(".new-") + stamp);
  CopyVerified(path, scratch);
  if (has_wal) CopyVerified(wal, scratch + QStringLiteral("-wal"));
  const QString source_name = UniqueConnectionName("salvage_source");
  const QString dest_name = UniqueConnectionName("salvage_dest");
  auto remove_files = [](const QString& file) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) QFile::remove(file + QLatin1String(suffix));
  };
  try {
    {
      QSqlDatabase dest = OpenSqlite(fresh, dest_name);
      EnableWal(dest);
      MigrateSchema(dest);
      {
        QSqlDatabase source = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), source_name);
        source.setDatabaseName(scratch);
        if (source.open()) Salvage(source, dest, report);
      }
      CloseSqlite(source_name);
      // Back to a single file so that the rename below moves everything.
      Exec(dest, QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    }  // Qt closes a connection only when no handle to it is left
    CloseSqlite(dest_name);
  } catch (...) {
    CloseSqlite(source_name);
    CloseSqlite(dest_name);
    remove_files(scratch);
    remove_files(fresh);
    throw;
  }
  remove_files(scratch);
  // 3. The stale WAL of the damaged file must not be applied to the new one (its copy is aside).
  QFile::remove(wal);
  QFile::remove(path + QStringLiteral("-shm"));
  QFile::remove(fresh + QStringLiteral("-wal"));
  QFile::remove(fresh + QStringLiteral("-shm"));
  if (std::rename(QFile::encodeName(fresh).constData(), QFile::encodeName(path).constData()) != 0) {
    throw Error(QStringLiteral("could not put the recovered chat database in place at %1; it is at %2 and the "
                               "damaged one at %3")
                    .arg(path, fresh, report.backup_path)
                    .toStdString());
  }
  return report;
}

}  // namespace gemma
