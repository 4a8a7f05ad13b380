// SplitMarkdown: a line scanner for fenced code blocks (CommonMark's fences, made lenient about indentation).
#include "ui/markdown_segments.h"

#include <QStringList>

namespace gemma {
namespace {

struct Fence {
  int indent = 0;
  QChar ch;
  int length = 0;
  QString info;
};

int LeadingSpaces(const QString& line) {
  int i = 0;
  while (i < line.size() && (line[i] == u' ' || line[i] == u'\t')) ++i;
  return i;
}

// An opening fence: indentation, three or more ` or ~, then an info string (no backtick in it for `).
bool ParseOpeningFence(const QString& line, Fence* fence) {
  const int indent = LeadingSpaces(line);
  if (indent >= line.size()) return false;
  const QChar ch = line[indent];
  if (ch != u'`' && ch != u'~') return false;
  int end = indent;
  while (end < line.size() && line[end] == ch) ++end;
  if (end - indent < 3) return false;
  const QString info = line.mid(end).trimmed();
  if (ch == u'`' && info.contains(u'`')) return false;
  fence->indent = indent;
  fence->ch = ch;
  fence->length = end - indent;
  fence->info = info;
  return true;
}

bool IsClosingFence(const QString& line, const Fence& open) {
  const QString trimmed = line.trimmed();
  if (trimmed.size() < open.length) return false;
  for (QChar c : trimmed) {
    if (c != open.ch) return false;
  }
  return true;
}

// Removes up to `indent` leading whitespace characters, as CommonMark does for fenced code.
QString Unindent(const QString& line, int indent) {
  int i = 0;
  while (i < indent && i < line.size() && (line[i] == u' ' || line[i] == u'\t')) ++i;
  return line.mid(i);
}

void AddText(QList<MarkdownSegment>* out, const QStringList& lines) {
  const QString text = lines.join(u'\n');
  if (text.trimmed().isEmpty()) return;
  MarkdownSegment segment;
  segment.text = text;
  out->append(segment);
}

}  // namespace

QList<MarkdownSegment> SplitMarkdown(const QString& markdown) {
  QString normalized = markdown;
  normalized.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
  const QStringList lines = normalized.split(u'\n');

  QList<MarkdownSegment> out;
  QStringList prose;
  QStringList code;
  Fence fence;
  bool in_code = false;
  for (const QString& line : lines) {
    if (!in_code) {
      if (ParseOpeningFence(line, &fence)) {
        AddText(&out, prose);
        prose.clear();
        code.clear();
        in_code = true;
      } else {
        prose.append(line);
      }
      continue;
    }
    if (IsClosingFence(line, fence)) {
      MarkdownSegment segment;
      segment.kind = MarkdownSegment::Kind::kCode;
      segment.text = code.join(u'\n');
      segment.language = fence.info.section(u' ', 0, 0);
      out.append(segment);
      in_code = false;
      continue;
    }
    code.append(Unindent(line, fence.indent));
  }
  if (in_code) {
    // Still streaming (or never closed): show what there is as code. A trailing empty line is the one
    // the next token will continue, not part of the code.
    if (!code.isEmpty() && code.last().isEmpty()) code.removeLast();
    MarkdownSegment segment;
    segment.kind = MarkdownSegment::Kind::kCode;
    segment.text = code.join(u'\n');
    segment.language = fence.info.section(u' ', 0, 0);
    segment.closed = false;
    out.append(segment);
  } else {
    AddText(&out, prose);
  }
  return out;
}

}  // namespace gemma
