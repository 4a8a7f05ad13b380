// MarkdownModel: a reply's segments (SplitMarkdown) as a list model for a Repeater. Setting new text
// updates rows in place and only appends or removes at the end, so a streaming reply re-renders only
// its last segment and code blocks above it keep their state (selection, scroll). Prose also comes as
// HTML (Qt's Markdown reader, then spacing between paragraphs, padded tables and shaded inline code,
// which Text.MarkdownText leaves out), made when the view first asks for it.
#pragma once

#include <QAbstractListModel>
#include <QColor>
#include <QtQml/qqmlregistration.h>

#include "ui/markdown_segments.h"

namespace gemma {

class MarkdownModel : public QAbstractListModel {
  Q_OBJECT
  QML_ELEMENT
  Q_PROPERTY(QString text READ text WRITE setText NOTIFY textChanged)
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
  // Colours of the HTML: inline code's background and table borders.
  Q_PROPERTY(QColor codeBackground READ codeBackground WRITE setCodeBackground NOTIFY styleChanged)
  Q_PROPERTY(QColor borderColor READ borderColor WRITE setBorderColor NOTIFY styleChanged)

 public:
  enum Roles { KindRole = Qt::UserRole + 1, SegmentTextRole, LanguageRole, ClosedRole, HtmlRole };

  explicit MarkdownModel(QObject* parent = nullptr);

  QString text() const { return text_; }
  void setText(const QString& text);
  QColor codeBackground() const { return code_background_; }
  void setCodeBackground(const QColor& color);
  QColor borderColor() const { return border_color_; }
  void setBorderColor(const QColor& color);

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

 signals:
  void textChanged();
  void countChanged();
  void styleChanged();

 private:
  void RestyleAll();

  QString text_;
  QList<MarkdownSegment> segments_;
  mutable QList<QString> html_;  // per segment; empty until asked for, or after its text changed
  QColor code_background_ = QColor(0, 0, 0, 20);
  QColor border_color_ = QColor(128, 128, 128);
};

// Prose Markdown as HTML for a rich-text view: paragraphs spaced, lists tight, tables padded with thin
// borders, inline code shaded.
QString MarkdownToHtml(const QString& markdown, const QColor& code_background, const QColor& border_color);

}  // namespace gemma
