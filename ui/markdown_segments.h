// Splits a reply's Markdown into prose and fenced code blocks, so the view renders prose with Qt's Markdown
// support (headings, lists, tables, emphasis) and each code block in its own monospace box with a Copy
// button. Tolerant of text still streaming in: an unclosed fence is a code block that runs to the end.
#pragma once

#include <QList>
#include <QString>

namespace gemma {

struct MarkdownSegment {
  enum class Kind { kText, kCode };
  Kind kind = Kind::kText;
  QString text;      // prose as Markdown; code without its fences, indentation or final newline
  QString language;  // a code block's info string's first word ("cpp", "python"), or empty
  bool closed = true;  // false for a code block whose closing fence has not arrived (yet)

  bool operator==(const MarkdownSegment&) const = default;
};

// Fences are ``` or ~~~ (three or more), indented by any amount (models often nest code in list items);
// a block closes at a line holding only the same character, at least as many times. A code line loses up
// to as much leading whitespace as its opening fence had. Prose segments that are only whitespace are
// dropped; CRLF is treated as LF.
QList<MarkdownSegment> SplitMarkdown(const QString& markdown);

}  // namespace gemma
