// One conversation's current branch as Markdown, self-contained HTML, or plain text: what the user sees,
// ready to share. (JSON, in json_format.h, is the complete one with every branch.)
#pragma once

#include <QString>

#include "core/chat/chat_types.h"

namespace gemma {

QString ToMarkdown(const ConversationData& data);
QString ToPlainText(const ConversationData& data);

// A complete HTML document with inline CSS and no external resources; everything the user or the model
// wrote is escaped (a <script> in a message is shown, never run), and a Content-Security-Policy forbids
// scripts and remote loads besides. for_qt_rich_text: the subset QTextDocument renders (used for PDF).
QString ToHtml(const ConversationData& data, bool for_qt_rich_text = false);

// A file name for an export of this conversation: the title without characters file systems reject.
QString SafeFileName(const QString& title, qint64 id, const QString& extension);

}  // namespace gemma
