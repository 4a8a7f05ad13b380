// What the views' tests need that QML cannot do by itself: read the clipboard, and walk the Tab focus
// chain asking each stop for the name a screen reader would say. QML reaches it as GemmaChatTest.Helpers.
#pragma once

#include <QObject>
#include <QStringList>
#include <QVariantList>

class QQuickItem;

namespace gemma::testing {

class TestHelpers : public QObject {
  Q_OBJECT

 public:
  Q_INVOKABLE QString clipboardText() const;
  Q_INVOKABLE void setClipboardText(const QString& text) const;
  // The items Tab visits starting from `from` (one full round), as
  // [{objectName, className, accessibleName, role}].
  Q_INVOKABLE QVariantList tabChain(QQuickItem* from) const;
};

}  // namespace gemma::testing
