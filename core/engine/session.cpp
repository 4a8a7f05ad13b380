#include "session.h"

#include <algorithm>
#include <chrono>

#include "error.h"
#include "forward.h"
#include "kv_cache.h"
#include "utf8_stream.h"

namespace gemma {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

size_t CommonPrefix(const std::vector<int>& a, std::span<const int> b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

}  // namespace

const char* StopReasonName(StopReason reason) {
  switch (reason) {
    case StopReason::kEndOfTurn: return "end_of_turn";
    case StopReason::kEndOfSequence: return "eos";
    case StopReason::kMaxTokens: return "max_tokens";
    case StopReason::kContextFull: return "context_full";
    case StopReason::kCancelled: return "cancelled";
  }
  return "unknown";
}

double GenerationStats::decode_tokens_per_second() const {
  // The first reply token comes from the prefill's logits; the decode time covers the tokens after it.
  return decode_seconds > 0 && generated_tokens > 1 ? (generated_tokens - 1) / decode_seconds : 0;
}

Session::Session(std::shared_ptr<const Model> model, std::shared_ptr<Runtime> runtime, int context_tokens)
    : model_(std::move(model)), runtime_(std::move(runtime)) {
  if (!model_ || !runtime_) throw Error("a session needs a model and a runtime");
  const int context = context_tokens > 0 ? std::min(context_tokens, model_->config().context)
                                         : model_->config().context;
  cache_ = std::make_unique<KvCache>(model_->config(), context);
  forward_ = std::make_unique<ForwardPass>(*model_, *runtime_, context);
  logits_.resize(model_->config().vocab_size);
}

Session::~Session() = default;

int Session::context() const { return cache_->context(); }

void Session::Reset() { history_.clear(); }

GenerationResult Session::Generate(std::span<const int> prompt, const GenerationOptions& options,
                                   const TokenCallback& on_token, const std::atomic<bool>* cancel) {
  if (prompt.empty()) throw Error("the prompt is empty");
  if (int(prompt.size()) >= context())
    throw Error("the prompt has " + std::to_string(prompt.size()) + " tokens but the context holds " +
                std::to_string(context()) + ": shorten it or choose a larger context");
  GenerationResult result;
  result.prompt.assign(prompt.begin(), prompt.end());
  GenerationStats& stats = result.stats;
  stats.prompt_tokens = int(prompt.size());

  // Reuse the cached prefix; the last prompt token is always run, since its logits start the reply.
  const size_t reused = std::min(CommonPrefix(history_, prompt), prompt.size() - 1);
  history_.resize(reused);
  stats.reused_tokens = int(reused);
  // Prefill chunk by chunk, checking the cancel flag between chunks so Stop is prompt even on a long prompt;
  // only the last chunk computes logits. history_ grows only by what the cache really holds.
  const auto prefill_start = Clock::now();
  while (history_.size() < prompt.size()) {
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      result.stop = StopReason::kCancelled;
      stats.prefill_tokens = int(history_.size() - reused);
      stats.prefill_seconds = SecondsSince(prefill_start);
      return result;
    }
    const size_t start = history_.size();
    const size_t count = std::min<size_t>(ForwardPass::kMaxBatch, prompt.size() - start);
    const bool last = start + count == prompt.size();
    forward_->Run(*cache_, prompt.subspan(start, count), int(start), last ? std::span<float>(logits_) : std::span<float>());
    history_.insert(history_.end(), prompt.begin() + start, prompt.begin() + start + count);
  }
  stats.prefill_tokens = int(prompt.size() - reused);
  stats.prefill_seconds = SecondsSince(prefill_start);
  if (options.keep_prompt_logits) result.prompt_logits = logits_;

  const Tokenizer& tokenizer = model_->tokenizer();
  Sampler sampler(options.sampling);
  Utf8Stream utf8;
  const auto decode_start = Clock::now();
  auto emit = [&](std::string piece) {
    result.text += piece;
    stats.decode_seconds = SecondsSince(decode_start);
    if (on_token) on_token(piece, stats);
  };
  while (true) {
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      result.stop = StopReason::kCancelled;
      break;
    }
    if (stats.generated_tokens >= options.max_tokens) {
      result.stop = StopReason::kMaxTokens;
      break;
    }
    const int window = std::min<int>(options.sampling.repetition_window, int(history_.size()));
    const int token = sampler.Sample(logits_, model_->sampleable_vocab(),
                                     std::span<const int>(history_).last(window));
    result.tokens.push_back(token);
    ++stats.generated_tokens;
    const bool stop_token = token == tokenizer.end_of_turn_id() || token == tokenizer.eos_id();
    if (stop_token && !options.ignore_stop_tokens) {
      result.stop = token == tokenizer.eos_id() ? StopReason::kEndOfSequence : StopReason::kEndOfTurn;
      break;
    }
    emit(utf8.Push(tokenizer.TokenBytes(token)));
    if (int(history_.size()) >= context()) {
      result.stop = StopReason::kContextFull;
      break;
    }
    // Feed the token: its K/V join the cache and its logits pick the next one.
    const int position = int(history_.size());
    history_.push_back(token);
    forward_->Run(*cache_, std::span<const int>(&history_.back(), 1), position, logits_);
  }
  if (std::string rest = utf8.Flush(); !rest.empty()) emit(std::move(rest));
  stats.decode_seconds = SecondsSince(decode_start);
  return result;
}

GenerationResult Session::Reply(std::span<const ChatMessage> conversation, std::string_view system_prompt,
                                const GenerationOptions& options, const TokenCallback& on_token,
                                const std::atomic<bool>* cancel) {
  const Tokenizer& tokenizer = model_->tokenizer();
  auto build = [&](std::span<const ChatMessage> messages) {
    if (model_->info().instruction_tuned) return ApplyChatTemplate(tokenizer, messages, system_prompt);
    std::string text(system_prompt);
    for (const ChatMessage& m : messages) text += (text.empty() ? "" : "\n") + m.text;
    return RawPrompt(tokenizer, text);
  };
  // Keep room for the reply; drop the oldest whole turns (a user message and its reply) until it fits. The
  // system prompt goes with whatever user turn comes first, so it is never dropped.
  const int room = std::min(options.max_tokens, context() / 2);
  std::span<const ChatMessage> kept = conversation;
  std::vector<int> prompt = build(kept);
  int dropped = 0;
  while (int(prompt.size()) + room > context() && kept.size() > 2) {
    kept = kept.subspan(2);
    ++dropped;
    prompt = build(kept);
  }
  if (int(prompt.size()) >= context())
    throw Error("the message is too long for the context of " + std::to_string(context()) +
                " tokens: shorten it or choose a larger context");
  GenerationResult result = Generate(prompt, options, on_token, cancel);
  result.stats.dropped_turns = dropped;
  return result;
}

}  // namespace gemma
