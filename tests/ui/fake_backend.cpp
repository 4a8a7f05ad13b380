// FakeEngine: scripted model files, replies and imports for the views' tests.
#include "tests/ui/fake_backend.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>

#include "core/engine/error.h"
#include "ui/title_suggestion.h"

namespace gemma::testing {
namespace {

class FakeSession : public ChatSession {
 public:
  FakeSession(FakeEngine* engine, int context) : engine_(engine), context_(context) {}
  GenerationResult Reply(std::span<const ChatMessage> conversation, std::string_view system_prompt,
                         const GenerationOptions&, const TokenCallback& on_token,
                         const std::atomic<bool>* cancel) override {
    return engine_->RunReply(conversation, system_prompt, on_token, cancel, &used_);
  }
  int used() const override { return used_; }
  int context() const override { return context_; }

 private:
  FakeEngine* engine_;
  int context_;
  int used_ = 0;
};

class FakeModel : public LoadedModel {
 public:
  FakeModel(FakeEngine* engine, ModelDescription description) : engine_(engine), description_(std::move(description)) {}
  const ModelDescription& description() const override { return description_; }
  std::unique_ptr<ChatSession> NewSession(int context) override {
    return std::make_unique<FakeSession>(engine_, context > 0 ? context : description_.max_context);
  }

 private:
  FakeEngine* engine_;
  ModelDescription description_;
};

}  // namespace

FakeEngine::FakeEngine() { reset(); }

FakeEngine::~FakeEngine() { ++generation_; }

ModelDescription FakeEngine::Describe(const QString& model_file) {
  QFile file(model_file);
  if (!file.open(QIODevice::ReadOnly)) throw Error("cannot open " + model_file.toStdString());
  const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
  if (json.value(QStringLiteral("fake")).toString() != QLatin1String("model"))
    throw Error("this is not a GemmaChat model file (no magic at the start): import the model again");
  ModelDescription d;
  d.path = QFileInfo(model_file).absoluteFilePath();
  d.name = json.value(QStringLiteral("name")).toString();
  d.variant = json.value(QStringLiteral("variant")).toString();
  d.instruction_tuned = json.value(QStringLiteral("instructionTuned")).toBool(true);
  d.file_bytes = uint64_t(file.size());
  d.weight_bytes = uint64_t(json.value(QStringLiteral("weightGb")).toDouble() * 1024 * 1024 * 1024);
  d.kv_bytes_per_token = 1024;
  d.max_context = 8192;
  return d;
}

std::unique_ptr<LoadedModel> FakeEngine::Load(const QString& path, int, const BackendProgressFn& progress) {
  ModelDescription description = Describe(path);
  const int generation = generation_;
  {
    QMutexLocker lock(&mutex_);
    ++load_count_;
  }
  // Signals go to the GUI thread queued: QML bindings must never run on the worker thread.
  QMetaObject::invokeMethod(this, [this] { emit changed(); }, Qt::QueuedConnection);
  for (int waited = 0; waited < loadDelayMs(); waited += 5) {
    if (progress && !progress(uint64_t(waited), uint64_t(loadDelayMs()))) return nullptr;
    if (generation != generation_) return nullptr;
    QThread::msleep(5);
  }
  return std::make_unique<FakeModel>(this, std::move(description));
}

bool FakeEngine::WaitStep(QSemaphore& gate, bool gated, int delay_ms, const std::atomic<bool>* cancel) {
  const int generation = generation_;
  if (!gated) {
    QThread::msleep(ulong(delay_ms));
    return !(cancel && cancel->load()) && generation == generation_;
  }
  while (!gate.tryAcquire(1, 10)) {
    if (generation != generation_ || (cancel && cancel->load())) return false;
  }
  return generation == generation_;
}

GenerationResult FakeEngine::RunReply(std::span<const ChatMessage> conversation, std::string_view system_prompt,
                                      const TokenCallback& on_token, const std::atomic<bool>* cancel, int* used) {
  QStringList tokens;
  bool gated;
  int delay;
  const bool title = !conversation.empty() && conversation.back().text == kTitleInstruction;
  {
    QMutexLocker lock(&mutex_);
    QVariantList& asked = title ? last_title_conversation_ : last_conversation_;
    asked.clear();
    for (const ChatMessage& m : conversation) {
      asked.append(QVariantMap{{QStringLiteral("role"), m.role == Role::kUser ? "user" : "model"},
                               {QStringLiteral("text"), QString::fromStdString(m.text)}});
    }
    if (title) {
      ++title_request_count_;
      tokens = title_tokens_;
    } else {
      last_system_prompt_ = QString::fromUtf8(system_prompt.data(), qsizetype(system_prompt.size()));
      ++reply_count_;
      tokens = tokens_;
    }
    gated = gated_;
    delay = token_delay_ms_;
  }
  QMetaObject::invokeMethod(this, [this] { emit replyRequested(); }, Qt::QueuedConnection);
  GenerationResult result;
  result.stats.prompt_tokens = 0;
  for (const ChatMessage& m : conversation) result.stats.prompt_tokens += int(m.text.size()) / 4 + 4;
  result.stop = StopReason::kEndOfTurn;
  for (const QString& token : tokens) {
    // As the real session: the cancel flag is looked at before every token.
    if (!WaitStep(token_gate_, gated, delay, cancel) || (cancel && cancel->load())) {
      result.stop = StopReason::kCancelled;
      break;
    }
    const std::string piece = token.toStdString();
    result.text += piece;
    ++result.stats.generated_tokens;
    result.stats.decode_seconds += 0.05;
    if (on_token) on_token(piece, result.stats);
  }
  *used = result.stats.prompt_tokens + result.stats.generated_tokens;
  if (title && result.stop == StopReason::kCancelled) {
    {
      QMutexLocker lock(&mutex_);
      ++title_cancel_count_;
    }
    QMetaObject::invokeMethod(this, [this] { emit replyRequested(); }, Qt::QueuedConnection);
  }
  return result;
}

bool FakeEngine::Import(const QString& source, const QString& destination, const BackendProgressFn& progress) {
  if (source.contains(QStringLiteral("damaged")))
    throw Error("model-00001-of-00002.safetensors is truncated (1.2 GB of 2.0 GB): download it again");
  const int steps = importSteps();
  const int generation = generation_;
  for (int i = 1; i <= steps; ++i) {
    if (importGated()) {
      // Like the real importer, which asks after every chunk: keep asking whether to go on while waiting.
      while (!import_gate_.tryAcquire(1, 10)) {
        if (generation != generation_ || (progress && !progress(uint64_t(i - 1), uint64_t(steps)))) return false;
      }
    } else {
      QThread::msleep(ulong(importDelayMs()));
    }
    if (generation != generation_) return false;
    if (progress && !progress(uint64_t(i), uint64_t(steps))) return false;
  }
  QFile out(destination);
  if (!out.open(QIODevice::WriteOnly)) throw Error("cannot write " + destination.toStdString());
  const QString name = QFileInfo(destination).completeBaseName();
  out.write(QJsonDocument(QJsonObject{{"fake", "model"}, {"name", name}, {"variant", "2B"}, {"weightGb", 0.001},
                                      {"instructionTuned", true}})
                .toJson());
  return true;
}

QStringList FakeEngine::tokens() const { QMutexLocker l(&mutex_); return tokens_; }
void FakeEngine::setTokens(const QStringList& t) { { QMutexLocker l(&mutex_); tokens_ = t; } emit changed(); }
bool FakeEngine::gated() const { QMutexLocker l(&mutex_); return gated_; }
void FakeEngine::setGated(bool g) { { QMutexLocker l(&mutex_); gated_ = g; } emit changed(); }
int FakeEngine::tokenDelayMs() const { QMutexLocker l(&mutex_); return token_delay_ms_; }
void FakeEngine::setTokenDelayMs(int ms) { { QMutexLocker l(&mutex_); token_delay_ms_ = ms; } emit changed(); }
int FakeEngine::loadDelayMs() const { QMutexLocker l(&mutex_); return load_delay_ms_; }
void FakeEngine::setLoadDelayMs(int ms) { { QMutexLocker l(&mutex_); load_delay_ms_ = ms; } emit changed(); }
int FakeEngine::importSteps() const { QMutexLocker l(&mutex_); return import_steps_; }
void FakeEngine::setImportSteps(int s) { { QMutexLocker l(&mutex_); import_steps_ = s; } emit changed(); }
int FakeEngine::importDelayMs() const { QMutexLocker l(&mutex_); return import_delay_ms_; }
void FakeEngine::setImportDelayMs(int ms) { { QMutexLocker l(&mutex_); import_delay_ms_ = ms; } emit changed(); }
bool FakeEngine::importGated() const { QMutexLocker l(&mutex_); return import_gated_; }
void FakeEngine::setImportGated(bool g) { { QMutexLocker l(&mutex_); import_gated_ = g; } emit changed(); }
QVariantList FakeEngine::lastConversation() const { QMutexLocker l(&mutex_); return last_conversation_; }
QString FakeEngine::lastSystemPrompt() const { QMutexLocker l(&mutex_); return last_system_prompt_; }
int FakeEngine::replyCount() const { QMutexLocker l(&mutex_); return reply_count_; }
int FakeEngine::loadCount() const { QMutexLocker l(&mutex_); return load_count_; }
QStringList FakeEngine::titleTokens() const { QMutexLocker l(&mutex_); return title_tokens_; }
void FakeEngine::setTitleTokens(const QStringList& t) { { QMutexLocker l(&mutex_); title_tokens_ = t; } emit changed(); }
int FakeEngine::titleRequestCount() const { QMutexLocker l(&mutex_); return title_request_count_; }
int FakeEngine::titleCancelCount() const { QMutexLocker l(&mutex_); return title_cancel_count_; }
QVariantList FakeEngine::lastTitleConversation() const { QMutexLocker l(&mutex_); return last_title_conversation_; }

void FakeEngine::release(int n) { token_gate_.release(n); }
void FakeEngine::releaseImport(int n) { import_gate_.release(n); }

void FakeEngine::reset() {
  ++generation_;
  {
    QMutexLocker l(&mutex_);
    tokens_ = {QStringLiteral("Hello"), QStringLiteral(","), QStringLiteral(" world"), QStringLiteral("!")};
    gated_ = false;
    token_delay_ms_ = 5;
    load_delay_ms_ = 0;
    import_steps_ = 5;
    import_delay_ms_ = 10;
    import_gated_ = false;
    last_conversation_.clear();
    last_system_prompt_.clear();
    reply_count_ = 0;
    load_count_ = 0;
    title_tokens_.clear();
    title_request_count_ = 0;
    title_cancel_count_ = 0;
    last_title_conversation_.clear();
  }
  token_gate_.acquire(token_gate_.available());
  import_gate_.acquire(import_gate_.available());
  emit changed();
  emit replyRequested();
}

QString FakeEngine::newDataDir() {
  dirs_.emplace_back();
  return dirs_.back().path();
}

QString FakeEngine::writeModel(const QString& data_dir, const QString& name, const QString& variant, double weight_gb,
                               bool instruction_tuned) {
  QDir().mkpath(data_dir + QStringLiteral("/models"));
  const QString path = data_dir + QStringLiteral("/models/") + name + QStringLiteral(".gemma");
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return QString();
  file.write(QJsonDocument(QJsonObject{{"fake", "model"}, {"name", name}, {"variant", variant},
                                       {"weightGb", weight_gb}, {"instructionTuned", instruction_tuned}})
                 .toJson());
  return path;
}

QString FakeEngine::writeDamagedModel(const QString& data_dir, const QString& name) {
  QDir().mkpath(data_dir + QStringLiteral("/models"));
  const QString path = data_dir + QStringLiteral("/models/") + name + QStringLiteral(".gemma");
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return QString();
  file.write("not a model");
  return path;
}

QString FakeEngine::makeCheckpointFolder(const QString& name) {
  dirs_.emplace_back();
  const QString folder = dirs_.back().path() + QLatin1Char('/') + name;
  QDir().mkpath(folder);
  QFile config(folder + QStringLiteral("/config.json"));
  if (config.open(QIODevice::WriteOnly)) config.write("{\"model_type\": \"gemma\"}");
  return folder;
}

bool FakeEngine::fileExists(const QString& path) const { return QFileInfo::exists(path); }

}  // namespace gemma::testing
