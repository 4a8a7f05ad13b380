// What the views' tests need that QML cannot do by itself: read the clipboard, walk the Tab focus chain
// asking each stop for the name a screen reader would say, read files, and damage or fill up the chat
// database the way disks do. QML reaches it as GemmaChatTest.Helpers.
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
  // A file's text ("" if it cannot be read), and the names of the files in a folder.
  Q_INVOKABLE QString readFile(const QString& path) const;
  Q_INVOKABLE QStringList filesIn(const QString& folder) const;
  Q_INVOKABLE bool fileExists(const QString& path) const;
  // Writes random bytes over one leaf page of the messages table of a closed chat database (as a bad
  // sector would); the conversations table stays readable. False if the file has no such page.
  Q_INVOKABLE bool damageDatabase(const QString& path) const;
  // The app's chat database may not grow (PRAGMA max_page_count at its size: the next page it needs fails
  // as a full disk does), or may again. app is an AppController.
  Q_INVOKABLE bool limitDatabaseGrowth(QObject* app, bool limit) const;
};

}  // namespace gemma::testing
