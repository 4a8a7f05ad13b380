// Markdown, HTML and plain-text renderings of a conversation's current branch.
#include "core/chat/text_formats.h"

#include <QDateTime>
#include <QJsonObject>
#include <QStringList>

#include "core/chat/message_tree.h"

namespace gemma {
namespace {

QString When(qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm")); }

QString Speaker(const MessageRecord& m) {
  if (m.role == MessageRole::kUser) return QStringLiteral("You");
  return m.model.isEmpty() ? QStringLiteral("Gemma") : QStringLiteral("Gemma (%1)").arg(m.model);
}

// What a reader should know about a reply beyond its text: that it was cut short, failed, its speed.
QString Note(const MessageRecord& m) {
  QStringList parts;
  switch (m.state) {
    case MessageState::kStopped: parts << QStringLiteral("stopped"); break;
    case MessageState::kInterrupted: parts << QStringLiteral("interrupted"); break;
    case MessageState::kStreaming: parts << QStringLiteral("still being written"); break;
    case MessageState::kError: parts << QStringLiteral("error: %1").arg(m.error_text); break;
    case MessageState::kComplete: break;
  }
  if (m.role == MessageRole::kModel && m.tokens_per_second > 0) {
    parts << QStringLiteral("%1 tokens, %2 tokens/s").arg(m.reply_tokens).arg(m.tokens_per_second, 0, 'f', 1);
  }
  return parts.join(QStringLiteral(", "));
}

QList<MessageRecord> Branch(const ConversationData& data) {
  QList<MessageRecord> branch;
  for (const PathEntry& entry : CurrentBranch(data.messages)) branch.append(data.messages[entry.index]);
  return branch;
}

QString SystemPrompt(const ConversationData& data) {
  return data.info.settings.value(QLatin1String("system_prompt")).toString();
}

}  // namespace

QString ToMarkdown(const ConversationData& data) {
  QString out = QStringLiteral("# %1\n\n").arg(data.info.title);
  out += QStringLiteral("*%1").arg(When(data.info.created_ms));
  if (!data.info.model.isEmpty()) out += QStringLiteral(" · %1").arg(data.info.model);
  out += QStringLiteral("*\n\n");
  const QString system = SystemPrompt(data);
  if (!system.isEmpty()) {
    out += QStringLiteral("> **System prompt:** ") + QString(system).replace(QLatin1Char('\n'), QStringLiteral("\n> ")) +
           QStringLiteral("\n\n");
  }
  for (const MessageRecord& m : Branch(data)) {
    out += QStringLiteral("### %1 · %2\n\n").arg(Speaker(m), When(m.created_ms));
    out += m.text;  // model replies are Markdown already
    out += QStringLiteral("\n\n");
    const QString note = Note(m);
    if (!note.isEmpty()) out += QStringLiteral("*(%1)*\n\n").arg(note);
  }
  return out;
}

QString ToPlainText(const ConversationData& data) {
  QString out = data.info.title + QLatin1Char('\n') + QString(data.info.title.size(), QLatin1Char('=')) +
                QStringLiteral("\n\n");
  const QString system = SystemPrompt(data);
  if (!system.isEmpty()) out += QStringLiteral("System prompt: %1\n\n").arg(system);
  for (const MessageRecord& m : Branch(data)) {
    out += QStringLiteral("%1, %2:\n%3\n").arg(Speaker(m), When(m.created_ms), m.text);
    const QString note = Note(m);
    if (!note.isEmpty()) out += QStringLiteral("(%1)\n").arg(note);
    out += QLatin1Char('\n');
  }
  return out;
}

QString ToHtml(const ConversationData& data, bool for_qt_rich_text) {
  auto esc = [](const QString& s) { return s.toHtmlEscaped(); };
  QString out;
  out += QStringLiteral("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n");
  if (!for_qt_rich_text) {
    out += QStringLiteral(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
  }
  out += QStringLiteral("<title>%1</title>\n").arg(esc(data.info.title));
  out += QStringLiteral(
      "<style>\n"
      "body { font-family: sans-serif; max-width: 50em; margin: 2em auto; padding: 0 1em; color: #222; }\n"
      ".meta { color: #666; font-size: small; }\n"
      ".message { margin: 1em 0; padding: 0.5em 1em; border-radius: 8px; }\n"
      ".user { background: #eef3fb; }\n"
      ".model { background: #f6f6f6; }\n"
      ".text { white-space: pre-wrap; }\n"
      "</style></head><body>\n");
  out += QStringLiteral("<h1>%1</h1>\n").arg(esc(data.info.title));
  QString header = esc(When(data.info.created_ms));
  if (!data.info.model.isEmpty()) header += QStringLiteral(" · ") + esc(data.info.model);
  out += QStringLiteral("<p class=\"meta\">%1</p>\n").arg(header);
  const QString system = SystemPrompt(data);
  if (!system.isEmpty()) {
    out += QStringLiteral("<p class=\"meta\">System prompt:</p><p class=\"text\">%1</p>\n").arg(esc(system));
  }
  for (const MessageRecord& m : Branch(data)) {
    const QString role = m.role == MessageRole::kUser ? QStringLiteral("user") : QStringLiteral("model");
    QString meta = esc(Speaker(m)) + QStringLiteral(" · ") + esc(When(m.created_ms));
    const QString note = Note(m);
    if (!note.isEmpty()) meta += QStringLiteral(" · ") + esc(note);
    // QTextDocument keeps line breaks only inside <pre>-like white-space: pre-wrap on the block itself.
    const QString text_tag = for_qt_rich_text ? QStringLiteral("p style=\"white-space: pre-wrap\"")
                                              : QStringLiteral("div class=\"text\"");
    const QString text_end = for_qt_rich_text ? QStringLiteral("p") : QStringLiteral("div");
    out += QStringLiteral("<div class=\"message %1\"><p class=\"meta\">%2</p><%3>%4</%5></div>\n")
               .arg(role, meta, text_tag, esc(m.text), text_end);
  }
  out += QStringLiteral("</body></html>\n");
  return out;
}

QString SafeFileName(const QString& title, qint64 id, const QString& extension) {
  QString name;
  for (const QChar c : title) {
    if (c.unicode() < 0x20 || QStringLiteral("/\\:*?\"<>|").contains(c)) {
      name += QLatin1Char(' ');
    } else {
      name += c;
    }
  }
  name = name.simplified();
  while (name.startsWith(QLatin1Char('.'))) name.remove(0, 1);  // no hidden files, no ".."
  if (name.size() > 80) name.truncate(80);
  if (!name.isEmpty() && name.back().isHighSurrogate()) name.chop(1);
  if (name.isEmpty()) name = QStringLiteral("Chat");
  return QStringLiteral("%1 (%2).%3").arg(name.trimmed()).arg(id).arg(extension);
}

}  // namespace gemma
