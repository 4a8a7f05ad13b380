// Exports and imports as files, over any connection (the exporter runs these on its own connection off the
// GUI thread). Every file is written with QSaveFile: a failed export never leaves half a file behind or
// harms an older file of the same name. All throw Error with what went wrong.
#pragma once

#include <QList>
#include <QSqlDatabase>
#include <QString>

#include "core/chat/chat_types.h"

namespace gemma {

enum class ExportFormat { kMarkdown, kJson, kHtml, kPdf, kPlainText };

QString ExtensionOf(ExportFormat format);

// Writes bytes to path atomically.
void WriteFileAtomically(const QString& path, const QByteArray& bytes);

// A PDF of the conversation's current branch (QTextDocument + QPdfWriter; needs a QGuiApplication).
QByteArray RenderPdf(const ConversationData& data);

void ExportConversationFile(QSqlDatabase& db, qint64 conversation_id, ExportFormat format, const QString& path);
// Every conversation, every branch, in one JSON file.
void ExportAllJson(QSqlDatabase& db, const QString& path);
// One Markdown file per conversation in folder (created if needed); returns how many were written.
int ExportAllMarkdown(QSqlDatabase& db, const QString& folder);
// Imports a JSON export (one transaction: all or nothing); returns the new conversations' ids.
QList<qint64> ImportJsonFile(QSqlDatabase& db, const QString& path);

}  // namespace gemma
