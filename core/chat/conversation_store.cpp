// The GUI thread's chat store: open/migrate/recover, streamed writes with a throttle, deletes with undo.
#include "core/chat/conversation_store.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonObject>
#include <QStandardPaths>
#include <QtConcurrent>

#include "core/chat/recovery.h"
#include "core/chat/schema.h"
#include "core/chat/sql_util.h"
#include "core/chat/title.h"

namespace gemma {
namespace {

QString NewConnectionName() {
  static QAtomicInteger<quint64> counter;
  return QStringLiteral("gemma_chat_store_%1").arg(counter.fetchAndAddRelaxed(1));
}

// A name for a copy that does not exist yet.
QString FreePath(const QString& base) {
  QString name = base;
  for (int n = 2; QFileInfo::exists(name); ++n) name = base + QStringLiteral("-%1").arg(n);
  return name;
}

// The value of `selected` that makes a message the chosen one among its siblings (strictly above theirs,
// even when the clock has not moved or went back).
qint64 WinningSelected(QSqlDatabase& db, qint64 conversation_id, qint64 parent_id, qint64 now) {
  const QVariant top =
      parent_id == 0
          ? QueryValue(db,
                       QStringLiteral("SELECT max(selected) FROM messages WHERE conversation_id = ? AND "
                                      "parent_id IS NULL"),
                       {conversation_id})
          : QueryValue(db, QStringLiteral("SELECT max(selected) FROM messages WHERE parent_id = ?"), {parent_id});
  return top.isNull() ? now : std::max(now, top.toLongLong() + 1);
}

}  // namespace

ConversationStore::ConversationStore(QObject* parent) : QObject(parent) {
  flush_timer_.setSingleShot(true);
  connect(&flush_timer_, &QTimer::timeout, this, &ConversationStore::FlushStreaming);
  delete_timer_.setSingleShot(true);
  connect(&delete_timer_, &QTimer::timeout, this, &ConversationStore::commitPendingDeletes);
  connect(&health_check_, &QFutureWatcher<QString>::finished, this, &ConversationStore::OnHealthChecked);
}

ConversationStore::~ConversationStore() { close(); }

QString ConversationStore::defaultPath() {
  const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
  QDir().mkpath(dir);
  return QDir(dir).filePath(QStringLiteral("conversations.sqlite"));
}

QSqlDatabase ConversationStore::database() const { return QSqlDatabase::database(connection_, false); }

qint64 ConversationStore::Now() const { return QDateTime::currentMSecsSinceEpoch(); }

bool ConversationStore::open(const QString& path) {
  close();
  ++open_generation_;
  path_ = path.isEmpty() ? defaultPath() : path;
  damaged_backup_.clear();
  recovered_conversations_ = recovered_messages_ = 0;
  QDir().mkpath(QFileInfo(path_).absolutePath());
  const bool ok = OpenOnce(/*allow_recovery=*/true);
  emit openChanged();
  emit conversationsReset();
  if (ok) StartHealthCheck();
  return ok;
}

// Opens, checks the version, migrates, fixes crashed replies. A file that is not a database or whose schema
// is damaged fails here, and is recovered at once; damage deeper in the file is found by the health check.
bool ConversationStore::OpenOnce(bool allow_recovery) {
  connection_ = NewConnectionName();
  QString damage;
  try {
    QSqlDatabase db = OpenSqlite(path_, connection_);
    const int version = SchemaVersion(db);
    if (version > kSchemaVersion) MigrateSchema(db);  // throws: this app must not touch the file
    EnableWal(db);
    if (version > 0 && version < kSchemaVersion) {
      // Keep the chats as the older version wrote them before changing anything.
      const QString backup = FreePath(path_ + QStringLiteral(".v%1.bak").arg(version));
      Exec(db, QStringLiteral("VACUUM INTO ?"), {backup});
    }
    MigrateSchema(db);
    MarkStreamingInterrupted(db);
    open_ = true;
    return true;
  } catch (const DbError& e) {
    if (e.kind() != DbError::Kind::kCorrupt) {
      CloseSqlite(connection_);
      SetError(QStringLiteral("Could not open the chat database %1: %2").arg(path_, QString::fromStdString(e.what())));
      return false;
    }
    damage = QString::fromStdString(e.what());
  } catch (const Error& e) {
    CloseSqlite(connection_);
    SetError(QString::fromStdString(e.what()));
    return false;
  }
  CloseSqlite(connection_);
  if (!allow_recovery) {
    SetError(QStringLiteral("The chat database %1 is damaged and could not be repaired: %2").arg(path_, damage));
    return false;
  }
  return Recover(damage);
}

bool ConversationStore::Recover(const QString& damage) {
  RecoveryReport report;
  try {
    report = RecoverDatabase(path_);
  } catch (const Error& e) {
    SetError(QStringLiteral("The chat database is damaged (%1) and could not be repaired: %2")
                 .arg(damage, QString::fromStdString(e.what())));
    return false;
  }
  damaged_backup_ = report.backup_path;
  recovered_conversations_ = report.conversations;
  recovered_messages_ = report.messages;
  if (!OpenOnce(/*allow_recovery=*/false)) return false;
  SetError(QStringLiteral("Your chat database was damaged (%1). The damaged file was kept at %2. %3 conversations "
                          "and %4 messages could be recovered; anything else may still be in the kept copy.")
               .arg(damage.section(QLatin1Char('\n'), 0, 0), report.backup_path)
               .arg(report.conversations)
               .arg(report.messages));
  return true;
}

void ConversationStore::StartHealthCheck() {
  check_generation_ = open_generation_;
  // PRAGMA quick_check reads every page: ~0.6 s for 200,000 messages (see bench_chat_scale), too slow for
  // start-up, so it runs on its own read-only connection beside the GUI's (WAL lets both read). It checks
  // structure, not the cross-checks of integrity_check between tables and indexes.
  const QString path = path_;
  static QAtomicInteger<quint64> counter;
  const QString name = QStringLiteral("gemma_chat_check_%1").arg(counter.fetchAndAddRelaxed(1));
  health_check_.setFuture(QtConcurrent::run([path, name]() {
    QString damage;
    try {
      QSqlDatabase db = OpenSqlite(path, name, /*read_only=*/true);
      damage = QuickCheck(db);
    } catch (const DbError& e) {
      if (e.kind() == DbError::Kind::kCorrupt) damage = QString::fromStdString(e.what());
    }
    CloseSqlite(name);
    return damage;
  }));
}

void ConversationStore::OnHealthChecked() {
  const QString damage = health_check_.result();
  // A check of a file that has since been closed or replaced says nothing about the current one.
  if (!open_ || check_generation_ != open_generation_) return;
  if (damage.isEmpty()) {
    emit healthChecked(true);
    return;
  }
  RecoverWhileOpen(damage);
  emit healthChecked(false);
}

void ConversationStore::RecoverWhileOpen(const QString& damage) {
  if (!open_) return;
  recovery_scheduled_ = true;  // failures while flushing below must not schedule another round
  ++open_generation_;
  FlushStreaming();  // what can still be written is written
  CloseSqlite(connection_);
  open_ = false;
  Recover(damage);
  recovery_scheduled_ = false;
  emit openChanged();
  emit conversationsReset();
}

void ConversationStore::close() {
  health_check_.waitForFinished();
  if (!open_) return;
  FlushStreaming();
  commitPendingDeletes();
  streaming_.clear();
  flush_timer_.stop();
  CloseSqlite(connection_);
  open_ = false;
  emit openChanged();
}

void ConversationStore::SetError(const QString& message) {
  error_ = message;
  emit errorChanged();
}

void ConversationStore::clearError() {
  if (error_.isEmpty()) return;
  error_.clear();
  emit errorChanged();
}

void ConversationStore::Wrote() {
  if (write_failure_ == NoWriteFailure) return;
  write_failure_ = NoWriteFailure;
  write_failure_detail_.clear();
  emit writeFailureChanged();
}

void ConversationStore::Fail(const std::exception& error, const QString& what, bool write) {
  const QString detail = QString::fromStdString(error.what());
  const auto* db_error = dynamic_cast<const DbError*>(&error);
  const DbError::Kind kind = db_error ? db_error->kind() : DbError::Kind::kOther;
  if (write) {
    write_failure_ = kind == DbError::Kind::kFull ? DiskFull : WriteError;
    write_failure_detail_ = detail;
    emit writeFailureChanged();
  }
  switch (kind) {
    case DbError::Kind::kFull:
      SetError(QStringLiteral("The disk is full: %1 was not saved. Free some disk space; everything saved "
                              "before is safe.")
                   .arg(what));
      break;
    case DbError::Kind::kCorrupt:
      SetError(QStringLiteral("The chat database is damaged: %1 failed (%2).").arg(what, detail));
      // Not from inside the caller's use of the connection: recover once control is back in the event loop.
      if (!recovery_scheduled_) {
        recovery_scheduled_ = true;
        QMetaObject::invokeMethod(
            this, [this, detail] { RecoverWhileOpen(detail); }, Qt::QueuedConnection);
      }
      break;
    case DbError::Kind::kBusy:
      SetError(QStringLiteral("The chat database is busy (is another GemmaChat running?): %1 failed.").arg(what));
      break;
    default:
      SetError(QStringLiteral("Could not save: %1 failed (%2).").arg(what, detail));
  }
}

void ConversationStore::setFlushIntervalMs(int ms) {
  ms = std::max(0, ms);
  if (ms == flush_interval_ms_) return;
  flush_interval_ms_ = ms;
  emit flushIntervalMsChanged();
}

void ConversationStore::setDeleteGraceMs(int ms) {
  ms = std::max(0, ms);
  if (ms == delete_grace_ms_) return;
  delete_grace_ms_ = ms;
  emit deleteGraceMsChanged();
}

qint64 ConversationStore::createConversation(const QString& model, const QVariantMap& settings) {
  if (!open_) return 0;
  try {
    QSqlDatabase db = database();
    ConversationRecord record;
    record.created_ms = record.updated_ms = Now();
    record.model = model;
    record.settings = QJsonObject::fromVariantMap(settings);
    const qint64 id = InsertConversation(db, record);
    Wrote();
    emit conversationCreated(id);
    return id;
  } catch (const std::exception& e) {
    Fail(e, QStringLiteral("the new conversation"));
    return 0;
  }
}

bool ConversationStore::renameConversation(qint64 id, const QString& title) {
  if (!open_) return false;
  try {
    QSqlDatabase db = database();
    SetTitle(db, id, title.simplified(), TitleSource::kUser);
    Wrote();
    emit conversationChanged(id);
    return true;
  } catch (const std::exception& e) {
    Fail(e, QStringLiteral("the new title"));
    return false;
  }
}

bool ConversationStore::setSuggestedTitle(qint64 id, const QString& title) {
  if (!open_ || title.simplified().isEmpty()) return false;
  try {
    QSqlDatabase db = database();
    std::optional<ConversationRecord> record = ReadConversation(db, id);
    if (!record || record->title_source == TitleSource::kUser) return false;
    SetTitle(db, id, title.simplified(), TitleSource::kModel);
    Wrote();
    emit conversationChanged(id);
    return true;
  } catch (const std::exception& e) {
    Fail(e, QStringLiteral("the suggested title"));
    return false;
  }
}

QString ConversationStore::conversationTitle(qint64 id) {
  std::optional<ConversationRecord> record = conversation(id);
  return record ? record->title : QString();
}

QVariantMap ConversationStore::conversationSettings(qint64 id) {
  std::optional<ConversationRecord> record = conversation(id);
  return record ? record->settings.toVariantMap() : QVariantMap();
}

bool ConversationStore::setConversationSettings(qint64 id, const QVariantMap& settings) {
  if (!open_) return false;
  try {
    QSqlDatabase db = database();
    SetSettings(db, id, QJsonObject::fromVariantMap(settings));
    Wrote();
    emit conversationChanged(id);
    return true;
  } catch (const std::exception& e) {
    Fail(e, QStringLiteral("the conversation's settings"));
    return false;
  }
}

bool ConversationStore::setConversationModel(qint64 id, const QString& model) {
  if (!open_) return false;
  try {
    QSqlDatabase db = database();
    SetConversationModel(db, id, model);
    Wrote();
    emit conversationChanged(id);
    return true;
  } catch (const std::exception& e) {
    Fail(e, QStringLiteral("the conversation's model"));
    return false;
  }
}

void ConversationStore::deleteConversation(qint64 id) {
  if (!open_ || pending_delete_.contains(id)) return;
  commitPendingDeletes();  // one level of undo: the previous delete becomes final
  pending_delete_ = {id};
  emit conversationsRemoved(pending_delete_);
  emit pendingDeleteChanged();
  delete_timer_.start(delete_grace_ms_);
}

void ConversationStore::undoDelete() {
  if (pending_delete_.isEmpty()) return;
  const QList<qint64> ids = pending_delete_;
  pending_delete_.clear();
  delete_timer_.stop();
  emit conversationsRestored(ids);
  emit pendingDeleteChanged();
}

void ConversationStore::commitPendingDeletes() {
  if (pending_delete_.isEmpty()) return;
  const QList<qint64> ids = pending_delete_;
  pending_delete_.clear();
  delete_timer_.stop();
  try {
    QSqlDatabase db = database();
    DeleteConversations(db, ids);
    Wrote();
    for (auto it = streaming_.begin(); it != streaming_.end();) {
      it = ids.contains(it->conversation_id) ? streaming_.erase(it) : std::next(it);
    }
  } catch (const std::exception& e) {
    Fail(e, QStringLiteral("deleting the conversation"));
    emit conversationsRestored(ids);  // it is still there: show it again
  }
  emit pendingDeleteChanged();
}

bool ConversationStore::deleteAllConversations() {
  if (!open_) return false;
  pending_delete_.clear();
  delete_timer_.stop();
  try {
    QSqlDatabase db = database();
    DeleteAllConversations(db);
    Wrote();
    streaming_.clear();
    emit pendingDeleteChanged();
    emit conversationsReset();
    return true;
  } catch (const std::exception& e) {
    Fail(e, QStringLiteral("deleting all conversations"));
    emit pendingDeleteChanged();
    emit conversationsReset();
    return false;
  }
}

int ConversationStore::conversationCount() {
  if (!open_) return 0;
  try {
    QSqlDatabase db = database();
    const int all = QueryValue(db, QStringLiteral("SELECT count(*) FROM conversations")).toInt();
    return std::max(0, all - int(pending_delete_.size()));
  } catch (const std::exception& e) {
    Fail(e, QStringLiteral("counting the conversations"), /*write=*/false);
    return 0;
  }
}

qint64 ConversationStore::addUserMessage(qint64 conversationId, qint64 parentId, const QString& text) {
  if (!open_) return 0;
  try {
    QSqlDatabase db = database();
    Transaction transaction(db);
    std::optional<ConversationRecord> record = ReadConversation(db, conversationId);
    if (!record) throw Error(QStringLiteral("conversation %1 does not exist").arg(conversationId).toStdString());
    MessageRecord message;
    message.conversation_id = conversationId;
    message.parent_id = parentId;
    message.role = MessageRole::kUser;
    message.text = text;
    message.created_ms = Now();
    message.selected_ms = WinningSelected(db, conversationId, parentId, message.created_ms);
    message.state = MessageState::kComplete;
    const qint64 id = InsertMessage(db, message);
    if (record->title_source == TitleSource::kNone) {
      SetTitle(db, conversationId, TitleFromMessage(text), TitleSource::kFirstMessage);
    }
    TouchConversation(db, conversationId, message.created_ms);
    transaction.Commit();
    Wrote();
    emit messageAdded(conversationId, id);
    emit conversationChanged(conversationId);
    return id;
  } catch (const std::exception& e) {
    Fail(e, QStringLiteral("your message"));
    return 0;
  }
}

qint64 ConversationStore::beginModelMessage(qint64 conversationId, qint64 parentId, const QString& model) {
  if (!open_) return 0;
  try {
    QSqlDatabase db = database();
    Transaction transaction(db);
    MessageRecord message;
    message.conversation_id = conversationId;
    message.parent_id = parentId;
    message.role = MessageRole::kModel;
    message.created_ms = Now();
    message.model = model;
    message.state = MessageState::kStreaming;
    message.selected_ms = WinningSelected(db, conversationId, parentId, message.created_ms);
    const qint64 id = InsertMessage(db, message);
    if (!model.isEmpty()) SetConversationModel(db, conversationId, model);
    TouchConversation(db, conversationId, message.created_ms);
    transaction.Commit();
    Wrote();
    streaming_.insert(id, Streaming{conversationId, QString(), false});
    emit messageAdded(conversationId, id);
    emit conversationChanged(conversationId);
    return id;
  } catch (const std::exception& e) {
    Fail(e, QStringLiteral("the reply"));
    return 0;
  }
}

void ConversationStore::appendToStreamingMessage(qint64 messageId, const QString& piece) {
  auto it = streaming_.find(messageId);
  if (it == streaming_.end() || piece.isEmpty()) return;
  it->text += piece;
  it->dirty = true;
  const qint64 conversation_id = it->conversation_id;
  emit messageChanged(conversation_id, messageId);
  const qint64 elapsed = since_flush_.isValid() ? since_flush_.elapsed() : flush_interval_ms_;
  if (elapsed >= flush_interval_ms_) {
    FlushStreaming();
  } else if (!flush_timer_.isActive()) {
    // Tokens may stop coming (a slow prompt, a stall): the timer writes the pending text in time anyway.
    flush_timer_.start(static_cast<int>(flush_interval_ms_ - elapsed));
  }
}

void ConversationStore::FlushStreaming() {
  flush_timer_.stop();
  since_flush_.start();
  if (!open_) return;
  QSqlDatabase db = database();
  for (auto it = streaming_.begin(); it != streaming_.end(); ++it) {
    if (!it->dirty) continue;
    try {
      UpdateMessageText(db, it.key(), it->text);
      Wrote();
      it->dirty = false;
    } catch (const std::exception& e) {
      Fail(e, QStringLiteral("the reply being written"));  // kept in memory; retried at the next flush
    }
  }
}

void ConversationStore::flush() { FlushStreaming(); }

bool ConversationStore::finishMessage(qint64 messageId, const QString& state, qint64 promptTokens,
                                      qint64 replyTokens, double tokensPerSecond, const QString& errorText) {
  std::optional<MessageState> parsed = StateFromName(state);
  if (!parsed || *parsed == MessageState::kStreaming) {
    SetError(QStringLiteral("finishMessage: \"%1\" is not a final state (complete, stopped, interrupted, error)")
                 .arg(state));
    return false;
  }
  return finishMessage(messageId, *parsed, ReplyStats{promptTokens, replyTokens, tokensPerSecond}, errorText);
}

bool ConversationStore::finishMessage(qint64 message_id, MessageState state, const ReplyStats& stats,
                                      const QString& error_text) {
  if (!open_) return false;
  try {
    QSqlDatabase db = database();
    auto it = streaming_.find(message_id);
    std::optional<MessageRecord> stored;
    if (it == streaming_.end()) {
      stored = ReadMessage(db, message_id);
      if (!stored) return false;
    }
    const QString text = it != streaming_.end() ? it->text : stored->text;
    const qint64 conversation_id = it != streaming_.end() ? it->conversation_id : stored->conversation_id;
    Transaction transaction(db);
    FinishMessage(db, message_id, text, state, stats, error_text);
    TouchConversation(db, conversation_id, Now());
    transaction.Commit();
    Wrote();
    streaming_.remove(message_id);
    emit messageChanged(conversation_id, message_id);
    emit conversationChanged(conversation_id);
    return true;
  } catch (const std::exception& e) {
    Fail(e, QStringLiteral("the end of the reply"));  // the text stays in memory and is written at the next flush
    return false;
  }
}

bool ConversationStore::selectMessage(qint64 messageId) {
  if (!open_) return false;
  try {
    QSqlDatabase db = database();
    Transaction transaction(db);
    std::optional<MessageRecord> message = ReadMessage(db, messageId);
    if (!message) return false;
    const qint64 conversation_id = message->conversation_id;
    const qint64 now = Now();
    // The message and each ancestor must win among their siblings, else the branch would not show it.
    for (int depth = 0; message && depth < 1000000; ++depth) {
      SetSelected(db, message->id, WinningSelected(db, conversation_id, message->parent_id, now));
      message = message->parent_id ? ReadMessage(db, message->parent_id) : std::nullopt;
    }
    transaction.Commit();
    Wrote();
    emit branchChanged(conversation_id);
    return true;
  } catch (const std::exception& e) {
    Fail(e, QStringLiteral("the chosen alternative"));
    return false;
  }
}

std::optional<ConversationRecord> ConversationStore::conversation(qint64 id) {
  if (!open_) return std::nullopt;
  try {
    QSqlDatabase db = database();
    return ReadConversation(db, id);
  } catch (const std::exception& e) {
    Fail(e, QStringLiteral("reading the conversation"), /*write=*/false);
    return std::nullopt;
  }
}

QList<ConversationSummary> ConversationStore::conversationPage(std::optional<PageCursor> after, int limit) {
  if (!open_) return {};
  try {
    QSqlDatabase db = database();
    return ReadConversationPage(db, after, limit);
  } catch (const std::exception& e) {
    Fail(e, QStringLiteral("reading the conversation list"), /*write=*/false);
    return {};
  }
}

QList<MessageRecord> ConversationStore::messages(qint64 conversation_id) {
  if (!open_) return {};
  try {
    QSqlDatabase db = database();
    QList<MessageRecord> list = ReadMessages(db, conversation_id);
    for (MessageRecord& m : list) {
      auto it = streaming_.constFind(m.id);
      if (it != streaming_.constEnd()) m.text = it->text;
    }
    return list;
  } catch (const std::exception& e) {
    Fail(e, QStringLiteral("reading the messages"), /*write=*/false);
    return {};
  }
}

std::optional<MessageRecord> ConversationStore::message(qint64 id) {
  if (!open_) return std::nullopt;
  try {
    QSqlDatabase db = database();
    std::optional<MessageRecord> m = ReadMessage(db, id);
    auto it = streaming_.constFind(id);
    if (m && it != streaming_.constEnd()) m->text = it->text;
    return m;
  } catch (const std::exception& e) {
    Fail(e, QStringLiteral("reading a message"), /*write=*/false);
    return std::nullopt;
  }
}

QList<SearchHit> ConversationStore::search(const QString& query, int limit) {
  if (!open_) return {};
  try {
    QSqlDatabase db = database();
    return SearchConversations(db, query, limit, QSet<qint64>(pending_delete_.begin(), pending_delete_.end()));
  } catch (const std::exception& e) {
    Fail(e, QStringLiteral("searching"), /*write=*/false);
    return {};
  }
}

void ConversationStore::notifyConversationsImported(const QList<qint64>& ids) {
  for (qint64 id : ids) emit conversationCreated(id);
}

}  // namespace gemma
