// Background exports: the job opens its own SQLite connection in the worker thread (a Qt SQL connection may
// only be used by the thread that made it), reads a consistent snapshot (WAL lets it read while the GUI
// thread writes), and closes it before returning.
#include "core/chat/exporter.h"

#include <QAtomicInteger>
#include <QtConcurrent>

#include "core/chat/sql_util.h"
#include "core/chat/text_formats.h"

namespace gemma {

Exporter::Exporter(QObject* parent) : QObject(parent) {
  connect(&watcher_, &QFutureWatcher<Result>::finished, this, &Exporter::OnFinished);
}

Exporter::~Exporter() { watcher_.waitForFinished(); }

void Exporter::setStore(ConversationStore* store) {
  if (store == store_) return;
  store_ = store;
  emit storeChanged();
}

void Exporter::waitForFinished() { watcher_.waitForFinished(); }

bool Exporter::Start(const QString& path, Job job) {
  if (busy() || !store_ || !store_->isOpen()) return false;
  store_->flush();  // the export must contain what is on screen, including a reply still streaming
  const QString database_path = store_->path();
  static QAtomicInteger<quint64> counter;
  const QString connection = QStringLiteral("gemma_chat_export_%1").arg(counter.fetchAndAddRelaxed(1));
  watcher_.setFuture(QtConcurrent::run([database_path, connection, path, job]() {
    Result result;
    result.path = path;
    try {
      QSqlDatabase db = OpenSqlite(database_path, connection);
      job(db, result);
    } catch (const std::exception& e) {
      result.error = QString::fromStdString(e.what());
    }
    CloseSqlite(connection);
    return result;
  }));
  emit busyChanged();
  return true;
}

void Exporter::OnFinished() {
  const Result result = watcher_.result();
  emit busyChanged();
  if (!result.error.isEmpty()) {
    emit failed(result.error);
    return;
  }
  if (!result.imported.isEmpty()) {
    if (store_) store_->notifyConversationsImported(result.imported);
    emit imported(result.imported);
  }
  emit finished(result.path);
}

bool Exporter::exportConversation(qint64 conversationId, Format format, const QString& path) {
  return Start(path, [conversationId, format, path](QSqlDatabase& db, Result&) {
    ExportConversationFile(db, conversationId, static_cast<ExportFormat>(format), path);
  });
}

bool Exporter::exportAllJson(const QString& path) {
  return Start(path, [path](QSqlDatabase& db, Result&) { ExportAllJson(db, path); });
}

bool Exporter::exportAllMarkdown(const QString& folder) {
  return Start(folder, [folder](QSqlDatabase& db, Result&) { ExportAllMarkdown(db, folder); });
}

bool Exporter::importJson(const QString& path) {
  return Start(path, [path](QSqlDatabase& db, Result& result) { result.imported = ImportJsonFile(db, path); });
}

QString Exporter::suggestedFileName(qint64 conversationId, Format format) {
  const QString title = store_ ? store_->conversationTitle(conversationId) : QString();
  return SafeFileName(title, conversationId, ExtensionOf(static_cast<ExportFormat>(format)));
}

}  // namespace gemma
