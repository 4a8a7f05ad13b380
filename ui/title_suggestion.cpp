// Cleaning a model's answer into a title: pure string work, so it is tested on its own.
#include "ui/title_suggestion.h"

#include <QRegularExpression>
#include <QStringList>

#include "core/chat/title.h"

namespace gemma {
namespace {

// Quotes and brackets a model puts around a title, as opening/closing pairs.
const QString kOpeners = QStringLiteral("\"'“‘«「『([<");
const QString kClosers = QStringLiteral("\"'”’»」』)]>");
// Trailing punctuation that ends a sentence rather than belongs to a title. A question mark stays: "Why is
// the sky blue?" is a good title.
const QString kTrailing = QStringLiteral(".,;:!。、…-–—");

bool HasLetterOrDigit(const QString& text) {
  for (const QChar c : text) {
    if (c.isLetterOrNumber()) return true;
  }
  return false;
}

QString CleanLine(QString line) {
  static const QRegularExpression kListMarker(QStringLiteral("^(#+|[-*+•]|\\d+[.)])\\s+"));
  static const QRegularExpression kTitlePrefix(QStringLiteral("^(title|제목)\\s*[:：-]\\s*"),
                                               QRegularExpression::CaseInsensitiveOption);
  line.remove(QLatin1Char('*')).remove(QLatin1Char('`'));
  line = line.simplified();
  for (QString previous; previous != line;) {
    previous = line;
    line.remove(kListMarker);
    line.remove(kTitlePrefix);
    while (!line.isEmpty() && (line.front() == QLatin1Char('_') || line.front() == QLatin1Char('#'))) line.remove(0, 1);
    while (!line.isEmpty() && (line.back() == QLatin1Char('_') || kTrailing.contains(line.back()))) line.chop(1);
    line = line.trimmed();
    // A quote or bracket around the whole title (or left dangling at one end) goes.
    if (!line.isEmpty() && kOpeners.contains(line.front())) {
      const QChar closer = kClosers.at(kOpeners.indexOf(line.front()));
      if (line.size() > 1 && line.back() == closer) {
        line.chop(1);
        line.remove(0, 1);
      } else if (line.indexOf(closer, 1) < 0) {
        line.remove(0, 1);
      }
    }
    if (!line.isEmpty() && kClosers.contains(line.back())) {
      const qsizetype open_at = line.indexOf(kOpeners.at(kClosers.indexOf(line.back())));
      if (open_at < 0 || open_at == line.size() - 1) line.chop(1);
    }
    line = line.trimmed();
  }
  return line;
}

}  // namespace

QString CleanSuggestedTitle(const QString& reply) {
  QString title;
  const QStringList lines = reply.split(QLatin1Char('\n'));
  for (qsizetype i = 0; i < lines.size(); ++i) {
    const QString raw = lines[i].trimmed();
    // A lead-in ("Here is a title:") is not the title; the title follows it.
    if (raw.endsWith(QLatin1Char(':')) && i + 1 < lines.size()) continue;
    const QString line = CleanLine(raw);
    // A line of only markup ("---", "**") is skipped too; the first line with words is the title.
    if (HasLetterOrDigit(line)) {
      title = line;
      break;
    }
  }
  if (title.isEmpty()) return QString();
  if (title.size() > kMaxTitleLength) {
    QString cut = title.left(kMaxTitleLength);
    if (cut.back().isHighSurrogate()) cut.chop(1);
    const qsizetype space = cut.lastIndexOf(QLatin1Char(' '));
    if (space > kMaxTitleLength / 2) cut.truncate(space);
    while (!cut.isEmpty() && kTrailing.contains(cut.back())) cut.chop(1);
    title = cut.trimmed();
  }
  return title;
}

}  // namespace gemma
