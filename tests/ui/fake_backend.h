// A scripted EngineBackend for the views' tests: its "model files" are small JSON files the tests write,
// its replies are the tokens a test sets, released one at a time (gated) or on a timer, and its imports
// step through progress the same way. So a test decides every token, every failure and every moment,
// and can check what the engine was asked (the conversation, the system prompt).
// QML reaches it as the singleton FakeEngine (module GemmaChatTest).
#pragma once

#include <QJsonObject>
#include <QMutex>
#include <QObject>
#include <QSemaphore>
#include <QStringList>
#include <QTemporaryDir>
#include <QVariantList>
#include <atomic>
#include <list>
#include <memory>

#include "ui/engine_backend.h"

namespace gemma::testing {

class FakeEngine : public QObject, public EngineBackend {
  Q_OBJECT
  // The tokens every reply streams, in order (then it ends with end-of-turn).
  Q_PROPERTY(QStringList tokens READ tokens WRITE setTokens NOTIFY changed)
  // true: each token waits for release(); false: one token every tokenDelayMs.
  Q_PROPERTY(bool gated READ gated WRITE setGated NOTIFY changed)
  Q_PROPERTY(int tokenDelayMs READ tokenDelayMs WRITE setTokenDelayMs NOTIFY changed)
  // Loading takes this long (checking the cancel flag), so the Loading state can be seen.
  Q_PROPERTY(int loadDelayMs READ loadDelayMs WRITE setLoadDelayMs NOTIFY changed)
  // Import steps (each waits for releaseImport() when gated, else importDelayMs).
  Q_PROPERTY(int importSteps READ importSteps WRITE setImportSteps NOTIFY changed)
  Q_PROPERTY(int importDelayMs READ importDelayMs WRITE setImportDelayMs NOTIFY changed)
  Q_PROPERTY(bool importGated READ importGated WRITE setImportGated NOTIFY changed)
  // What the last reply was asked: [{role, text}], and its system prompt and context.
  Q_PROPERTY(QVariantList lastConversation READ lastConversation NOTIFY replyRequested)
  Q_PROPERTY(QString lastSystemPrompt READ lastSystemPrompt NOTIFY replyRequested)
  Q_PROPERTY(int replyCount READ replyCount NOTIFY replyRequested)
  Q_PROPERTY(int loadCount READ loadCount NOTIFY changed)
  // Requests for a title (their last user message is the title instruction) stream these tokens instead
  // (none by default, so no title is suggested), and are counted here, not in replyCount/lastConversation.
  Q_PROPERTY(QStringList titleTokens READ titleTokens WRITE setTitleTokens NOTIFY changed)
  Q_PROPERTY(int titleRequestCount READ titleRequestCount NOTIFY replyRequested)
  // Title requests that ended cancelled (a user's message came first).
  Q_PROPERTY(int titleCancelCount READ titleCancelCount NOTIFY replyRequested)
  // What the last title request was asked.
  Q_PROPERTY(QVariantList lastTitleConversation READ lastTitleConversation NOTIFY replyRequested)

 public:
  FakeEngine();
  ~FakeEngine() override;

  // EngineBackend.
  ModelDescription Describe(const QString& model_file) override;
  bool Import(const QString& source, const QString& destination, const BackendProgressFn& progress) override;
  std::unique_ptr<LoadedModel> Load(const QString& path, int threads, const BackendProgressFn& progress) override;

  QStringList tokens() const;
  void setTokens(const QStringList& tokens);
  bool gated() const;
  void setGated(bool gated);
  int tokenDelayMs() const;
  void setTokenDelayMs(int ms);
  int loadDelayMs() const;
  void setLoadDelayMs(int ms);
  int importSteps() const;
  void setImportSteps(int steps);
  int importDelayMs() const;
  void setImportDelayMs(int ms);
  bool importGated() const;
  void setImportGated(bool gated);
  QVariantList lastConversation() const;
  QString lastSystemPrompt() const;
  int replyCount() const;
  int loadCount() const;
  QStringList titleTokens() const;
  void setTitleTokens(const QStringList& tokens);
  int titleRequestCount() const;
  int titleCancelCount() const;
  QVariantList lastTitleConversation() const;

  // Lets n more tokens out (gated mode).
  Q_INVOKABLE void release(int n = 1);
  Q_INVOKABLE void releaseImport(int n = 1);
  // Back to the defaults between tests; also unblocks anything waiting.
  Q_INVOKABLE void reset();

  // A fresh data folder that lives as long as the process.
  Q_INVOKABLE QString newDataDir();
  // Writes a fake model file <dir>/models/<name>.gemma. weightGb may be huge to make it not fit.
  Q_INVOKABLE QString writeModel(const QString& dataDir, const QString& name, const QString& variant = "2B",
                                 double weightGb = 0.001, bool instructionTuned = true);
  // A file that is not a model file, as a damaged download would be.
  Q_INVOKABLE QString writeDamagedModel(const QString& dataDir, const QString& name);
  // A fake checkpoint to import: a folder with config.json ("damaged" in the name makes it fail).
  Q_INVOKABLE QString makeCheckpointFolder(const QString& name);
  Q_INVOKABLE bool fileExists(const QString& path) const;

  // What a reply runs (called by the fake session on the worker thread).
  GenerationResult RunReply(std::span<const ChatMessage> conversation, std::string_view system_prompt,
                            const TokenCallback& on_token, const std::atomic<bool>* cancel, int* used);

 signals:
  void changed();
  void replyRequested();

 private:
  // Waits for one gated release or the delay; false if cancelled or reset meanwhile.
  bool WaitStep(QSemaphore& gate, bool gated, int delay_ms, const std::atomic<bool>* cancel);

  mutable QMutex mutex_;
  QStringList tokens_;
  bool gated_ = false;
  int token_delay_ms_ = 5;
  int load_delay_ms_ = 0;
  int import_steps_ = 5;
  int import_delay_ms_ = 10;
  bool import_gated_ = false;
  QVariantList last_conversation_;
  QString last_system_prompt_;
  int reply_count_ = 0;
  int load_count_ = 0;
  QStringList title_tokens_;
  int title_request_count_ = 0;
  int title_cancel_count_ = 0;
  QVariantList last_title_conversation_;
  std::atomic<int> generation_{0};  // bumped by reset(): waiting loops give up
  QSemaphore token_gate_;
  QSemaphore import_gate_;
  std::list<QTemporaryDir> dirs_;
};

}  // namespace gemma::testing
