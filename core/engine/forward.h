// The Gemma 1 forward pass (GEMMA.md), top to bottom as small named steps. It runs a batch of consecutive
// tokens (a prefill chunk, or one decoded token), appends their keys and values to the KV cache and returns
// logits. Scratch buffers are kept between calls so decoding allocates nothing.
#pragma once

#include <span>
#include <vector>

#include "kv_cache.h"
#include "matmul.h"
#include "model.h"
#include "runtime.h"

namespace gemma {

class ForwardPass {
 public:
  // Tokens per forward call at most; longer prompts are run in chunks of this size.
  static constexpr int kMaxBatch = 128;
  // Cached positions widened from halves to floats at a time in attention: 128 KB for the head_dim of 256.
  static constexpr int kKvTile = 128;

  ForwardPass(const Model& model, Runtime& runtime, int context);

  // Runs tokens at positions [start, start + tokens.size()), writing their K/V into cache. Logits go to
  // `logits`: [vocab] for the last token, or [tokens.size(), vocab] with all_positions; an empty span skips
  // the output head (a prefill chunk whose logits nobody reads). Chunks by itself.
  void Run(KvCache& cache, std::span<const int> tokens, int start, std::span<float> logits,
           bool all_positions = false);

 private:
  void RunBatch(KvCache& cache, std::span<const int> tokens, int start, float* logits, bool all_positions);
  void Embed(std::span<const int> tokens);
  void Attention(int layer, KvCache& cache, int n, int start);
  // Query rows of q_ that read one kv head: `count` rows from float offset `offset`, `stride` floats apart;
  // row i is row first + i of the attention's row numbering, which has `per_token` rows per token.
  struct QueryRows {
    int64_t offset;
    int stride, first, count, per_token;
  };
  void AttendRows(KvCache& cache, int layer, int start, int kv_head, const QueryRows& rows, int worker);
  void WidenTile(const KvCache::Half* head, int first, int count, float* tile) const;
  void Mlp(const LayerWeights& weights, int n);
  void ComputeRopeTable(int n, int start);

  const Model& model_;
  const ModelConfig& config_;
  Runtime& runtime_;
  MatMulScratch matmul_scratch_;
  std::vector<float> residual_, normed_, q_, k_, v_, attn_, proj_, gate_, up_;
  std::vector<float> rope_cos_, rope_sin_, inv_freq_;
  std::vector<std::vector<float>> scores_;    // per pool worker: [kMaxBatch, context]
  std::vector<std::vector<float>> kv_tiles_;  // per pool worker: [kKvTile, head_dim]
};

}  // namespace gemma
