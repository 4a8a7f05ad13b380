// ExportController: the app's Export and Import menu items. It runs core/chat's Exporter (which works off
// the GUI thread on its own database connection) and says how each job ended in words for the user:
// "Saved to …", "Imported 3 conversations", or what went wrong. The methods take a format name and a URL,
// as the file dialogs give them, so tests drive them without any dialog.
#pragma once

#include <QObject>
#include <QPointer>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

#include "core/chat/exporter.h"

namespace gemma {

class ChatController;
class ConversationStore;

class ExportController : public QObject {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("AppController owns the export controller")
  // A job is running (the menu items are disabled meanwhile).
  Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
  // How the last job ended, in words for the user; empty before any (and after clearResult).
  Q_PROPERTY(QString message READ message NOTIFY resultChanged)
  // Whether the last job failed (message then says why).
  Q_PROPERTY(bool failed READ failed NOTIFY resultChanged)
  // The file or folder the last successful job wrote or read.
  Q_PROPERTY(QString lastPath READ lastPath NOTIFY resultChanged)

 public:
  ExportController(ConversationStore* store, ChatController* chat, QObject* parent = nullptr);
  ~ExportController() override;

  bool busy() const { return exporter_.busy(); }
  QString message() const { return message_; }
  bool failed() const { return failed_; }
  QString lastPath() const { return last_path_; }

  // The open conversation's current branch as format: "markdown", "json", "html", "pdf" or "text".
  // Returns false (message says why) if nothing could be started.
  Q_INVOKABLE bool exportConversation(const QString& format, const QUrl& file);
  // Every conversation: format "json" writes one file, "markdown" one .md file per conversation in a folder.
  Q_INVOKABLE bool exportAll(const QString& format, const QUrl& fileOrFolder);
  // Adds the conversations of a JSON export (all of them, or none if the file is not valid).
  Q_INVOKABLE bool importConversations(const QUrl& file);
  // A file name for the save dialog ("Title (12).md"), and the file extension (without the dot) of a format.
  Q_INVOKABLE QString suggestedFileName(const QString& format) const;
  Q_INVOKABLE QString extensionOf(const QString& format) const;
  // The folder the dialogs start in (the user's documents), as a URL.
  Q_INVOKABLE QUrl defaultFolder() const;
  Q_INVOKABLE void clearResult();
  // Waits for the running job (tests, and quitting).
  void WaitForFinished() { exporter_.waitForFinished(); }

 signals:
  void busyChanged();
  void resultChanged();
  // A job ended (after message and failed are set).
  void jobFinished(bool ok);

 private:
  enum class Job { kNone, kExport, kImport };
  bool Started(bool started, Job job);
  void SetResult(const QString& message, bool failed, const QString& path = QString());
  void OnFinished(const QString& path);
  void OnFailed(const QString& error);

  QPointer<ConversationStore> store_;
  QPointer<ChatController> chat_;
  mutable Exporter exporter_;  // suggestedFileName is a read but not const there
  Job job_ = Job::kNone;
  int imported_ = 0;
  QString message_;
  bool failed_ = false;
  QString last_path_;
};

}  // namespace gemma
