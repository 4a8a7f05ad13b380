// Everything the app asks of core/ (model files, the importer, the engine), behind one small interface.
// The app installs CoreBackend (core_backend.h), which runs Gemma; the views' tests install a scripted
// backend so they decide every token and every failure. Nothing above this file includes core/model.
//
// Which thread calls what: Describe and KvBytes from any thread (they read a header, a few KB); Import on
// the import thread; Load and everything of LoadedModel and ChatSession on the inference worker's thread.
// Failures throw gemma::Error with a message for the user.
#pragma once

#include <QString>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "core/engine/chat_template.h"
#include "core/engine/session.h"

namespace gemma {

// What the model list shows of a model file, read without touching the weights.
struct ModelDescription {
  QString path;
  QString name;                    // e.g. "gemma-2b-it"
  QString variant;                 // "2B", "7B", or e.g. "custom 2-layer"
  bool instruction_tuned = true;   // "-it": it chats; otherwise it continues text
  uint64_t file_bytes = 0;         // size on disk
  uint64_t weight_bytes = 0;       // memory the loaded weights and tokenizer take
  uint64_t kv_bytes_per_token = 0; // KV cache memory per context position
  int max_context = 0;             // the longest context the model was trained for

  // Memory the model needs loaded with this context: weights plus a full KV cache.
  uint64_t MemoryFor(int context) const { return weight_bytes + kv_bytes_per_token * uint64_t(context); }
};

// One conversation's generation state (token history and KV cache) on a loaded model.
class ChatSession {
 public:
  virtual ~ChatSession() = default;
  // As gemma::Session::Reply: streams pieces through on_token, stops within one token of *cancel.
  virtual GenerationResult Reply(std::span<const ChatMessage> conversation, std::string_view system_prompt,
                                 const GenerationOptions& options, const TokenCallback& on_token,
                                 const std::atomic<bool>* cancel) = 0;
  virtual int used() const = 0;     // context positions holding the conversation so far
  virtual int context() const = 0;  // context positions in all
};

class LoadedModel {
 public:
  virtual ~LoadedModel() = default;
  virtual const ModelDescription& description() const = 0;
  // context 0: the model's own maximum. Throws gemma::Error when the cache does not fit in memory.
  virtual std::unique_ptr<ChatSession> NewSession(int context) = 0;
};

// done and total in bytes of the output; returning false cancels.
using BackendProgressFn = std::function<bool(uint64_t done, uint64_t total)>;

class EngineBackend {
 public:
  virtual ~EngineBackend() = default;

  virtual ModelDescription Describe(const QString& model_file) = 0;
  // Imports a Hugging Face folder, a .gguf file or a model file (one of an earlier format: this converts it)
  // into a model file at destination (written atomically).
  // Returns false when progress asked to cancel; nothing is left behind then.
  virtual bool Import(const QString& source, const QString& destination, const BackendProgressFn& progress) = 0;
  // Loads a model file (or, slower, a checkpoint). threads 0: all cores. progress may be empty; it is only
  // called for checkpoints, which are quantized on the way. Returns null when progress asked to cancel.
  virtual std::unique_ptr<LoadedModel> Load(const QString& path, int threads, const BackendProgressFn& progress) = 0;
};

// The backend QML-created objects use unless given one. The app's main installs CoreBackend before it
// loads any QML; a test installs its own. Not thread-safe: install once, before use.
void InstallBackend(std::shared_ptr<EngineBackend> backend);
std::shared_ptr<EngineBackend> InstalledBackend();  // null if none was installed

}  // namespace gemma
