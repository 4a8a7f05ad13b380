// Exporter: runs exports and imports off the GUI thread (QtConcurrent) with its own read connection, and
// reports the end with finished() or failed() on the GUI thread. One job at a time (busy).
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>

#include "core/chat/conversation_store.h"
#include "core/chat/export_files.h"

namespace gemma {

class Exporter : public QObject {
  Q_OBJECT
  Q_PROPERTY(gemma::ConversationStore* store READ store WRITE setStore NOTIFY storeChanged)
  Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)

 public:
  enum Format { Markdown, Json, Html, Pdf, PlainText };
  Q_ENUM(Format)

  explicit Exporter(QObject* parent = nullptr);
  ~Exporter() override;

  ConversationStore* store() const { return store_; }
  void setStore(ConversationStore* store);
  bool busy() const { return watcher_.isRunning(); }

  // Each returns false (and emits nothing) when busy or there is no open store.
  Q_INVOKABLE bool exportConversation(qint64 conversationId, gemma::Exporter::Format format, const QString& path);
  Q_INVOKABLE bool exportAllJson(const QString& path);
  Q_INVOKABLE bool exportAllMarkdown(const QString& folder);
  Q_INVOKABLE bool importJson(const QString& path);
  // "Title (id).md" and the like, for a save dialog's default name.
  Q_INVOKABLE QString suggestedFileName(qint64 conversationId, gemma::Exporter::Format format);
  // Waits for the running job (for tests and for quitting).
  void waitForFinished();

 signals:
  void storeChanged();
  void busyChanged();
  void finished(const QString& path);
  void failed(const QString& message);
  void imported(const QList<qint64>& conversationIds);

 private:
  struct Result {
    QString path;
    QString error;
    QList<qint64> imported;
  };
  using Job = std::function<void(QSqlDatabase&, Result&)>;
  bool Start(const QString& path, Job job);
  void OnFinished();

  QPointer<ConversationStore> store_;
  QFutureWatcher<Result> watcher_;
};

}  // namespace gemma
