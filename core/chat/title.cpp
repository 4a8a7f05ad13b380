// Title from the first message: short enough for the sidebar, never cut inside a word when avoidable.
#include "core/chat/title.h"

#include <QStringList>

namespace gemma {

QString TitleFromMessage(const QString& text) {
  QString line;
  for (const QString& candidate : text.split(QLatin1Char('\n'))) {
    line = candidate.simplified();
    if (!line.isEmpty()) break;
  }
  if (line.isEmpty()) return QStringLiteral("New chat");
  if (line.size() <= kMaxTitleLength) return line;
  QString cut = line.left(kMaxTitleLength);
  // Never split a surrogate pair (emoji, rare CJK).
  if (cut.back().isHighSurrogate()) cut.chop(1);
  const qsizetype space = cut.lastIndexOf(QLatin1Char(' '));
  if (space > kMaxTitleLength / 2) cut.truncate(space);
  return cut + QStringLiteral("…");
}

}  // namespace gemma
