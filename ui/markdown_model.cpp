// MarkdownModel: minimal row updates between two splits of a growing text.
#include "ui/markdown_model.h"

#include <QRegularExpression>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextList>
#include <QTextTable>
#include <utility>
#include <vector>

namespace gemma {
namespace {

void StyleTables(QTextFrame* frame, const QColor& border_color) {
  for (QTextFrame* child : frame->childFrames()) {
    if (auto* table = qobject_cast<QTextTable*>(child)) {
      QTextTableFormat format = table->format();
      format.setBorder(1);
      format.setBorderBrush(border_color);
      format.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
      format.setBorderCollapse(true);
      format.setCellSpacing(0);
      format.setCellPadding(5);
      format.setBottomMargin(8);
      table->setFormat(format);
    }
    StyleTables(child, border_color);
  }
}

}  // namespace

QString MarkdownToHtml(const QString& markdown, const QColor& code_background, const QColor& border_color) {
  QTextDocument doc;
  doc.setMarkdown(markdown, QTextDocument::MarkdownDialectGitHub);
  std::vector<std::pair<int, int>> code_spans;
  for (QTextBlock block = doc.begin(); block.isValid(); block = block.next()) {
    QTextBlockFormat format = block.blockFormat();
    if (block.textList()) {
      const bool last_item = !block.next().isValid() || block.next().textList() != block.textList();
      format.setTopMargin(1);
      format.setBottomMargin(last_item ? 8 : 1);
    } else if (format.headingLevel() > 0) {
      format.setTopMargin(12);
      format.setBottomMargin(6);
    } else if (!block.text().isEmpty()) {
      format.setTopMargin(0);
      format.setBottomMargin(8);
    }
    QTextCursor(block).setBlockFormat(format);
    for (auto it = block.begin(); !it.atEnd(); ++it) {
      const QTextFragment fragment = it.fragment();
      if (fragment.isValid() && fragment.charFormat().fontFixedPitch()) {
        code_spans.emplace_back(fragment.position(), fragment.length());
      }
    }
  }
  QTextCharFormat shaded;
  shaded.setBackground(code_background);
  for (const auto& [position, length] : code_spans) {
    QTextCursor cursor(&doc);
    cursor.setPosition(position);
    cursor.setPosition(position + length, QTextCursor::KeepAnchor);
    cursor.mergeCharFormat(shaded);
  }
  StyleTables(doc.rootFrame(), border_color);
  // The body's font is the document's default (9 pt), not the view's: drop it, so the view's font holds.
  static const QRegularExpression body_style(QStringLiteral("<body style=\"[^\"]*\">"));
  return doc.toHtml().replace(body_style, QStringLiteral("<body>"));
}

MarkdownModel::MarkdownModel(QObject* parent) : QAbstractListModel(parent) {}

void MarkdownModel::setText(const QString& text) {
  if (text == text_) return;
  text_ = text;
  QList<MarkdownSegment> next = SplitMarkdown(text_);
  const int common = int(std::min(next.size(), segments_.size()));
  int first_changed = -1, last_changed = -1;
  for (int i = 0; i < common; ++i) {
    if (segments_[i] == next[i]) continue;
    segments_[i] = next[i];
    if (first_changed < 0) first_changed = i;
    last_changed = i;
  }
  html_.resize(segments_.size());
  for (int i = std::max(first_changed, 0); i <= last_changed; ++i) html_[i].clear();
  if (first_changed >= 0) emit dataChanged(index(first_changed), index(last_changed));
  if (next.size() > segments_.size()) {
    beginInsertRows(QModelIndex(), int(segments_.size()), int(next.size()) - 1);
    for (qsizetype i = segments_.size(); i < next.size(); ++i) segments_.append(next[i]);
    html_.resize(segments_.size());
    endInsertRows();
    emit countChanged();
  } else if (next.size() < segments_.size()) {
    beginRemoveRows(QModelIndex(), int(next.size()), int(segments_.size()) - 1);
    segments_.resize(next.size());
    html_.resize(segments_.size());
    endRemoveRows();
    emit countChanged();
  }
  emit textChanged();
}

void MarkdownModel::setCodeBackground(const QColor& color) {
  if (color == code_background_) return;
  code_background_ = color;
  RestyleAll();
}

void MarkdownModel::setBorderColor(const QColor& color) {
  if (color == border_color_) return;
  border_color_ = color;
  RestyleAll();
}

void MarkdownModel::RestyleAll() {
  for (QString& html : html_) html.clear();
  if (!segments_.isEmpty()) emit dataChanged(index(0), index(int(segments_.size()) - 1), {HtmlRole});
  emit styleChanged();
}

int MarkdownModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : int(segments_.size());
}

QVariant MarkdownModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= segments_.size()) return {};
  const MarkdownSegment& s = segments_[index.row()];
  switch (role) {
    case KindRole: return s.kind == MarkdownSegment::Kind::kCode ? QStringLiteral("code") : QStringLiteral("text");
    case SegmentTextRole: return s.text;
    case LanguageRole: return s.language;
    case ClosedRole: return s.closed;
    case HtmlRole:
      if (s.kind != MarkdownSegment::Kind::kText) return QString();
      if (html_[index.row()].isEmpty()) html_[index.row()] = MarkdownToHtml(s.text, code_background_, border_color_);
      return html_[index.row()];
  }
  return {};
}

QHash<int, QByteArray> MarkdownModel::roleNames() const {
  return {{KindRole, "kind"}, {SegmentTextRole, "segmentText"}, {LanguageRole, "language"}, {ClosedRole, "closed"}, {HtmlRole, "html"}};
}

}  // namespace gemma
