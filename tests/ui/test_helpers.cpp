// TestHelpers: clipboard access, the Tab chain with accessible names, files, and a damaged or full database.
#include "tests/ui/test_helpers.h"

#include <QAccessible>
#include <QClipboard>
#include <QGuiApplication>
#include <QQuickItem>
#include <QVariantMap>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include "core/chat/conversation_store.h"
#include "core/chat/sql_util.h"
#include "ui/app_controller.h"

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

QString TestHelpers::readFile(const QString& path) const {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

QStringList TestHelpers::filesIn(const QString& folder) const {
  return QDir(folder).entryList(QDir::Files, QDir::Name);
}

bool TestHelpers::fileExists(const QString& path) const { return QFileInfo::exists(path); }

bool TestHelpers::damageDatabase(const QString& path) const {
  const QString connection = QStringLiteral("test_helpers_dbstat");
  int page = 0;
  int page_size = 0;
  try {
    QSqlDatabase db = OpenSqlite(path, connection);
    page_size = QueryValue(db, QStringLiteral("PRAGMA page_size")).toInt();
    page = QueryValue(db, QStringLiteral("SELECT pageno FROM dbstat WHERE name = 'messages' AND pagetype = 'leaf' "
                                         "ORDER BY pageno DESC LIMIT 1"))
               .toInt();
  } catch (const std::exception& e) {
    qWarning("damageDatabase: %s", e.what());
  }
  CloseSqlite(connection);
  if (page <= 1 || page_size <= 0) return false;
  QFile file(path);
  if (!file.open(QIODevice::ReadWrite) || !file.seek(qint64(page - 1) * page_size)) return false;
  QByteArray bytes(page_size, Qt::Uninitialized);
  QRandomGenerator random(7);
  for (char& b : bytes) b = static_cast<char>(random.bounded(256));
  return file.write(bytes) == page_size;
}

bool TestHelpers::limitDatabaseGrowth(QObject* app, bool limit) const {
  auto* controller = qobject_cast<AppController*>(app);
  if (!controller || !controller->store()) return false;
  QSqlDatabase db = controller->store()->database();
  try {
    const int pages = limit ? QueryValue(db, QStringLiteral("PRAGMA page_count")).toInt() : 1073741823;
    Exec(db, QStringLiteral("PRAGMA max_page_count = %1").arg(pages));
    return true;
  } catch (const std::exception& e) {
    qWarning("limitDatabaseGrowth: %s", e.what());
    return false;
  }
}

}  // namespace gemma::testing
