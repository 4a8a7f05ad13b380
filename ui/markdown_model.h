// MarkdownModel: a reply's segments (SplitMarkdown) as a list model for a Repeater. Setting new text
// updates rows in place and only appends or removes at the end, so a streaming reply re-renders only
// its last segment and code blocks above it keep their state (selection, scroll).
#pragma once

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

#include "ui/markdown_segments.h"

namespace gemma {

class MarkdownModel : public QAbstractListModel {
  Q_OBJECT
  QML_ELEMENT
  Q_PROPERTY(QString text READ text WRITE setText NOTIFY textChanged)
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

 public:
  enum Roles { KindRole = Qt::UserRole + 1, SegmentTextRole, LanguageRole, ClosedRole };

  explicit MarkdownModel(QObject* parent = nullptr);

  QString text() const { return text_; }
  void setText(const QString& text);

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

 signals:
  void textChanged();
  void countChanged();

 private:
  QString text_;
  QList<MarkdownSegment> segments_;
};

}  // namespace gemma
