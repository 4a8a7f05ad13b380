// MarkdownModel: minimal row updates between two splits of a growing text.
#include "ui/markdown_model.h"

namespace gemma {

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
  if (first_changed >= 0) emit dataChanged(index(first_changed), index(last_changed));
  if (next.size() > segments_.size()) {
    beginInsertRows(QModelIndex(), int(segments_.size()), int(next.size()) - 1);
    for (qsizetype i = segments_.size(); i < next.size(); ++i) segments_.append(next[i]);
    endInsertRows();
    emit countChanged();
  } else if (next.size() < segments_.size()) {
    beginRemoveRows(QModelIndex(), int(next.size()), int(segments_.size()) - 1);
    segments_.resize(next.size());
    endRemoveRows();
    emit countChanged();
  }
  emit textChanged();
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
  }
  return {};
}

QHash<int, QByteArray> MarkdownModel::roleNames() const {
  return {{KindRole, "kind"}, {SegmentTextRole, "segmentText"}, {LanguageRole, "language"}, {ClosedRole, "closed"}};
}

}  // namespace gemma
