// ExportController: format names and URLs in, Exporter jobs out, and the end of each job in words.
#include "ui/export_controller.h"

#include <QDir>
#include <QStandardPaths>

#include "core/chat/conversation_store.h"
#include "ui/chat_controller.h"

namespace gemma {
namespace {

std::optional<Exporter::Format> FormatNamed(const QString& name) {
  if (name == QLatin1String("markdown")) return Exporter::Markdown;
  if (name == QLatin1String("json")) return Exporter::Json;
  if (name == QLatin1String("html")) return Exporter::Html;
  if (name == QLatin1String("pdf")) return Exporter::Pdf;
  if (name == QLatin1String("text")) return Exporter::PlainText;
  return std::nullopt;
}

QString LocalPath(const QUrl& url) { return url.isLocalFile() ? url.toLocalFile() : url.toString(); }

}  // namespace

ExportController::ExportController(ConversationStore* store, ChatController* chat, QObject* parent)
    : QObject(parent), store_(store), chat_(chat) {
  exporter_.setStore(store);
  connect(&exporter_, &Exporter::busyChanged, this, &ExportController::busyChanged);
  connect(&exporter_, &Exporter::imported, this, [this](const QList<qint64>& ids) { imported_ = int(ids.size()); });
  connect(&exporter_, &Exporter::finished, this, &ExportController::OnFinished);
  connect(&exporter_, &Exporter::failed, this, &ExportController::OnFailed);
}

ExportController::~ExportController() { exporter_.waitForFinished(); }

bool ExportController::exportConversation(const QString& format, const QUrl& file) {
  const std::optional<Exporter::Format> parsed = FormatNamed(format);
  const qint64 id = chat_ ? chat_->conversationId() : 0;
  if (!parsed || file.isEmpty()) return false;
  if (id == 0) {
    SetResult(tr("There is no conversation to export yet: send a message first."), true);
    return false;
  }
  return Started(exporter_.exportConversation(id, *parsed, LocalPath(file)), Job::kExport);
}

bool ExportController::exportAll(const QString& format, const QUrl& file_or_folder) {
  if (file_or_folder.isEmpty()) return false;
  if (format == QLatin1String("json")) {
    return Started(exporter_.exportAllJson(LocalPath(file_or_folder)), Job::kExport);
  }
  if (format == QLatin1String("markdown")) {
    return Started(exporter_.exportAllMarkdown(LocalPath(file_or_folder)), Job::kExport);
  }
  return false;
}

bool ExportController::importConversations(const QUrl& file) {
  if (file.isEmpty()) return false;
  imported_ = 0;
  return Started(exporter_.importJson(LocalPath(file)), Job::kImport);
}

bool ExportController::Started(bool started, Job job) {
  if (!started) {
    SetResult(busy() ? tr("Another export is still running. Try again when it is done.")
                     : tr("The conversation database is not open, so there is nothing to export."),
              true);
    return false;
  }
  job_ = job;
  SetResult(QString(), false);
  return true;
}

void ExportController::OnFinished(const QString& path) {
  const QString shown = QDir::toNativeSeparators(path);
  if (job_ == Job::kImport) {
    // Singular and plural spelled out: the app ships no English translation to resolve a %n plural.
    QString text = imported_ == 0   ? tr("%1 holds no conversations to import.").arg(shown)
                   : imported_ == 1 ? tr("Imported 1 conversation from %1.").arg(shown)
                                    : tr("Imported %2 conversations from %1.").arg(shown).arg(imported_);
    SetResult(text, false, path);
  } else {
    SetResult(tr("Saved to %1").arg(shown), false, path);
  }
  job_ = Job::kNone;
  emit jobFinished(true);
}

void ExportController::OnFailed(const QString& error) {
  SetResult(job_ == Job::kImport ? tr("Could not import the conversations: %1").arg(error)
                                 : tr("Could not export: %1").arg(error),
            true);
  job_ = Job::kNone;
  emit jobFinished(false);
}

void ExportController::SetResult(const QString& message, bool failed, const QString& path) {
  message_ = message;
  failed_ = failed;
  if (!failed && !path.isEmpty()) last_path_ = path;
  emit resultChanged();
}

void ExportController::clearResult() { SetResult(QString(), false); }

QString ExportController::suggestedFileName(const QString& format) const {
  const std::optional<Exporter::Format> parsed = FormatNamed(format);
  const qint64 id = chat_ ? chat_->conversationId() : 0;
  if (!parsed || id == 0) return QString();
  return exporter_.suggestedFileName(id, *parsed);
}

QString ExportController::extensionOf(const QString& format) const {
  const std::optional<Exporter::Format> parsed = FormatNamed(format);
  return parsed ? ExtensionOf(static_cast<ExportFormat>(*parsed)) : QString();
}

QUrl ExportController::defaultFolder() const {
  QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
  if (folder.isEmpty()) folder = QDir::homePath();
  return QUrl::fromLocalFile(folder);
}

}  // namespace gemma
