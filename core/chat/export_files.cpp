// File exports: each format rendered in memory, then written with QSaveFile.
#include "core/chat/export_files.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextDocument>
#include <algorithm>

#include "core/chat/chat_repository.h"
#include "core/chat/json_format.h"
#include "core/chat/sql_util.h"
#include "core/chat/text_formats.h"

namespace gemma {

QString ExtensionOf(ExportFormat format) {
  switch (format) {
    case ExportFormat::kMarkdown: return QStringLiteral("md");
    case ExportFormat::kJson: return QStringLiteral("json");
    case ExportFormat::kHtml: return QStringLiteral("html");
    case ExportFormat::kPdf: return QStringLiteral("pdf");
    case ExportFormat::kPlainText: return QStringLiteral("txt");
  }
  return QStringLiteral("txt");
}

void WriteFileAtomically(const QString& path, const QByteArray& bytes) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
    throw Error(QStringLiteral("could not write %1: %2 (is the folder writable and is there space?)")
                    .arg(path, file.errorString())
                    .toStdString());
  }
}

QByteArray RenderPdf(const ConversationData& data) {
  QByteArray bytes;
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::WriteOnly);
  {
    QPdfWriter writer(&buffer);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
    writer.setTitle(data.info.title);
    writer.setCreator(QStringLiteral("GemmaChat"));
    QTextDocument document;
    document.setHtml(ToHtml(data, /*for_qt_rich_text=*/true));
    document.print(&writer);
  }
  if (!bytes.startsWith("%PDF")) throw Error("could not render the PDF (no output from QPdfWriter)");
  return bytes;
}

void ExportConversationFile(QSqlDatabase& db, qint64 conversation_id, ExportFormat format, const QString& path) {
  const ConversationData data = ReadConversationData(db, conversation_id);
  QByteArray bytes;
  switch (format) {
    case ExportFormat::kMarkdown: bytes = ToMarkdown(data).toUtf8(); break;
    case ExportFormat::kJson: bytes = ConversationsToJson({data}); break;
    case ExportFormat::kHtml: bytes = ToHtml(data).toUtf8(); break;
    case ExportFormat::kPdf: bytes = RenderPdf(data); break;
    case ExportFormat::kPlainText: bytes = ToPlainText(data).toUtf8(); break;
  }
  WriteFileAtomically(path, bytes);
}

void ExportAllJson(QSqlDatabase& db, const QString& path) {
  QList<ConversationData> all;
  for (qint64 id : AllConversationIds(db)) all.append(ReadConversationData(db, id));
  WriteFileAtomically(path, ConversationsToJson(all));
}

int ExportAllMarkdown(QSqlDatabase& db, const QString& folder) {
  if (!QDir().mkpath(folder)) {
    throw Error(QStringLiteral("could not create the folder %1 for the export").arg(folder).toStdString());
  }
  int written = 0;
  for (qint64 id : AllConversationIds(db)) {
    const ConversationData data = ReadConversationData(db, id);
    WriteFileAtomically(QDir(folder).filePath(SafeFileName(data.info.title, id, QStringLiteral("md"))),
                        ToMarkdown(data).toUtf8());
    ++written;
  }
  return written;
}

QList<qint64> ImportJsonFile(QSqlDatabase& db, const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) {
    throw Error(QStringLiteral("could not read %1: %2").arg(path, file.errorString()).toStdString());
  }
  const QList<ConversationData> conversations = ConversationsFromJson(file.readAll());
  QList<qint64> ids;
  Transaction transaction(db);
  // Oldest first, so that among equal times the newer conversation gets the larger id, as it had.
  for (auto it = conversations.crbegin(); it != conversations.crend(); ++it) {
    ids.prepend(InsertConversationData(db, *it));
  }
  transaction.Commit();
  return ids;
}

}  // namespace gemma
