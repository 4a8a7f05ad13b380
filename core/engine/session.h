// A generation session: the token history and KV cache of one conversation. A new turn reuses the longest
// prefix already in the cache, so turn N costs only its new tokens. This is the API the app, the CLI and
// the benchmarks use; keep it small and stable.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chat_template.h"
#include "model.h"
#include "runtime.h"
#include "sampler.h"

namespace gemma {

class KvCache;
class ForwardPass;

enum class StopReason {
  kEndOfTurn,      // <end_of_turn>
  kEndOfSequence,  // <eos>
  kMaxTokens,      // the reply reached GenerationOptions::max_tokens
  kContextFull,    // no room left in the context for another token
  kCancelled,      // the cancel flag was set
};
const char* StopReasonName(StopReason reason);

struct GenerationOptions {
  SamplingParams sampling;
  int max_tokens = 1024;
  bool keep_prompt_logits = false;  // fill GenerationResult::prompt_logits (last prompt position)
  bool ignore_stop_tokens = false;  // benchmarks: run max_tokens even past <end_of_turn>/<eos>
};

struct GenerationStats {
  int prompt_tokens = 0;     // the whole prompt, reused or not
  int reused_tokens = 0;     // prompt tokens whose K/V were already cached
  int prefill_tokens = 0;    // prompt tokens actually computed
  int generated_tokens = 0;
  int dropped_turns = 0;     // oldest turns dropped so the conversation fits the context
  double prefill_seconds = 0;
  double decode_seconds = 0;
  double prefill_tokens_per_second() const { return prefill_seconds > 0 ? prefill_tokens / prefill_seconds : 0; }
  double decode_tokens_per_second() const;
};

struct GenerationResult {
  std::vector<int> prompt;     // the prompt tokens as run (after the template and any dropped turns)
  std::string text;            // the reply, decoded (no stop token)
  std::vector<int> tokens;     // the sampled ids, the stop token included if one was sampled
  StopReason stop = StopReason::kMaxTokens;
  GenerationStats stats;
  std::vector<float> prompt_logits;  // only with keep_prompt_logits
};

// Called once per sampled token that adds text, with whole UTF-8 characters only (a piece may be empty).
using TokenCallback = std::function<void(std::string_view piece, const GenerationStats& so_far)>;

class Session {
 public:
  // context_tokens 0: the model's context length. The KV cache is allocated for that many positions.
  Session(std::shared_ptr<const Model> model, std::shared_ptr<Runtime> runtime, int context_tokens = 0);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The model's reply to a conversation ending with a user message: the chat template for an
  // instruction-tuned model (plain text for a pretrained one), the cached prefix reused, and the oldest whole
  // turns dropped (the first user turn's system prompt kept) when it does not fit; stats say how many.
  GenerationResult Reply(std::span<const ChatMessage> conversation, std::string_view system_prompt,
                         const GenerationOptions& options, const TokenCallback& on_token = {},
                         const std::atomic<bool>* cancel = nullptr);

  // Generates after exactly these prompt tokens (the caller includes BOS). Throws gemma::Error if the prompt
  // does not fit in the context.
  GenerationResult Generate(std::span<const int> prompt, const GenerationOptions& options,
                            const TokenCallback& on_token = {}, const std::atomic<bool>* cancel = nullptr);

  void Reset();  // forget the history (the cache memory stays allocated)
  const std::vector<int>& history() const { return history_; }  // tokens whose K/V are in the cache
  int context() const;
  const Model& model() const { return *model_; }

 private:
  std::shared_ptr<const Model> model_;
  std::shared_ptr<Runtime> runtime_;
  std::unique_ptr<KvCache> cache_;
  std::unique_ptr<ForwardPass> forward_;
  std::vector<int> history_;
  std::vector<float> logits_;
};

}  // namespace gemma
