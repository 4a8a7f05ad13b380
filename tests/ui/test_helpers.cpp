// TestHelpers: clipboard access and the Tab chain with accessible names.
#include "tests/ui/test_helpers.h"

#include <QAccessible>
#include <QClipboard>
#include <QGuiApplication>
#include <QQuickItem>
#include <QVariantMap>

namespace gemma::testing {

QString TestHelpers::clipboardText() const {
  QClipboard* clipboard = QGuiApplication::clipboard();
  return clipboard ? clipboard->text() : QString();
}

void TestHelpers::setClipboardText(const QString& text) const {
  if (QClipboard* clipboard = QGuiApplication::clipboard()) clipboard->setText(text);
}

QVariantList TestHelpers::tabChain(QQuickItem* from) const {
  QVariantList chain;
  if (!from) return chain;
  QQuickItem* item = from->nextItemInFocusChain(true);
  QQuickItem* first = item;
  for (int guard = 0; item && guard < 500; ++guard) {
    QString name;
    int role = 0;
    if (QAccessibleInterface* iface = QAccessible::queryAccessibleInterface(item)) {
      name = iface->text(QAccessible::Name);
      role = int(iface->role());
    }
    chain.append(QVariantMap{{QStringLiteral("objectName"), item->objectName()},
                             {QStringLiteral("className"), QString::fromLatin1(item->metaObject()->className())},
                             {QStringLiteral("accessibleName"), name},
                             {QStringLiteral("role"), role}});
    item = item->nextItemInFocusChain(true);
    if (item == first) break;
  }
  return chain;
}

}  // namespace gemma::testing
