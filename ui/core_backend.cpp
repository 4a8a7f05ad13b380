// CoreBackend: the app's one door into core/model and core/engine.
#include "ui/core_backend.h"

#include <filesystem>

#include "core/engine/error.h"
#include "core/engine/kv_cache.h"
#include "core/engine/runtime.h"
#include "core/model/checkpoint.h"
#include "core/model/importer.h"
#include "core/model/model_file.h"
#include "core/model/model_loader.h"

namespace gemma {
namespace {

std::filesystem::path ToPath(const QString& path) { return std::filesystem::path(path.toStdString()); }

ModelDescription DescribeModel(const QString& path, const ModelConfig& config, const ModelInfo& info,
                               uint64_t file_bytes, uint64_t weight_bytes) {
  ModelDescription d;
  d.path = path;
  d.name = QString::fromStdString(info.name);
  d.variant = QString::fromStdString(DescribeVariant(config));
  d.instruction_tuned = info.instruction_tuned;
  d.file_bytes = file_bytes;
  d.weight_bytes = weight_bytes;
  d.kv_bytes_per_token = KvCache::BytesFor(config, 1);
  d.max_context = config.context;
  return d;
}

class CoreChatSession : public ChatSession {
 public:
  CoreChatSession(std::shared_ptr<const Model> model, std::shared_ptr<Runtime> runtime, int context)
      : session_(std::move(model), std::move(runtime), context) {}

  GenerationResult Reply(std::span<const ChatMessage> conversation, std::string_view system_prompt,
                         const GenerationOptions& options, const TokenCallback& on_token,
                         const std::atomic<bool>* cancel) override {
    return session_.Reply(conversation, system_prompt, options, on_token, cancel);
  }
  int used() const override { return int(session_.history().size()); }
  int context() const override { return session_.context(); }

 private:
  Session session_;
};

class CoreLoadedModel : public LoadedModel {
 public:
  CoreLoadedModel(std::shared_ptr<Model> model, std::shared_ptr<Runtime> runtime, ModelDescription description)
      : model_(std::move(model)), runtime_(std::move(runtime)), description_(std::move(description)) {}

  const ModelDescription& description() const override { return description_; }
  std::unique_ptr<ChatSession> NewSession(int context) override {
    return std::make_unique<CoreChatSession>(model_, runtime_, context);
  }

 private:
  std::shared_ptr<Model> model_;
  std::shared_ptr<Runtime> runtime_;
  ModelDescription description_;
};

}  // namespace

ModelDescription CoreBackend::Describe(const QString& model_file) {
  const ModelFileHeader header = ReadModelFileHeader(ToPath(model_file));
  // A file of an earlier format is listed with the reason it cannot be loaded and how to convert it, not
  // offered for a load that would only fail then.
  CheckModelFileRunnable(header, ToPath(model_file));
  return DescribeModel(model_file, header.config, header.info, header.file_size, header.memory_bytes);
}

bool CoreBackend::Import(const QString& source, const QString& destination, const BackendProgressFn& progress) {
  std::unique_ptr<CheckpointReader> reader = OpenCheckpoint(ToPath(source));
  ImportOptions options;
  // A model file (one of an earlier format, to convert it) keeps its weight type; checkpoints become int8.
  options.weight_type = DefaultImportWeightType(ToPath(source));
  if (progress) {
    options.progress = [&progress](const ImportProgress& p) { return progress(p.bytes_done, p.bytes_total); };
  }
  try {
    ImportCheckpoint(*reader, ToPath(destination), options);
  } catch (const ImportCancelled&) {
    return false;
  }
  return true;
}

std::unique_ptr<LoadedModel> CoreBackend::Load(const QString& path, int threads, const BackendProgressFn& progress) {
  gemma::LoadOptions options;
  if (progress) {
    options.progress = [&progress](const ImportProgress& p) { return progress(p.bytes_done, p.bytes_total); };
  }
  std::shared_ptr<Model> model;
  try {
    model = LoadModel(ToPath(path), options);
  } catch (const ImportCancelled&) {
    return nullptr;
  }
  uint64_t file_bytes = 0, weight_bytes = 0;
  if (IsModelFile(ToPath(path))) {
    const ModelFileHeader header = ReadModelFileHeader(ToPath(path));
    file_bytes = header.file_size;
    weight_bytes = header.memory_bytes;
  }
  ModelDescription description = DescribeModel(path, model->config(), model->info(), file_bytes, weight_bytes);
  RuntimeOptions runtime_options;
  runtime_options.threads = threads;
  auto runtime = std::make_shared<Runtime>(runtime_options);
  return std::make_unique<CoreLoadedModel>(std::move(model), std::move(runtime), std::move(description));
}

}  // namespace gemma
