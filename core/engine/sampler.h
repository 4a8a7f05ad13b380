// Picks the next token from logits: greedy, or temperature with top-k, top-p and min-p filters, after a
// repetition penalty. Seeded, so a seed reproduces a reply.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace gemma {

struct SamplingParams {
  float temperature = 0.0f;        // 0 = greedy
  int top_k = 0;                   // 0 = off
  float top_p = 1.0f;              // 1 = off
  float min_p = 0.0f;              // 0 = off; keeps tokens with p >= min_p * p(best)
  float repetition_penalty = 1.0f; // 1 = off; CTRL-style: positive logits divided, negative multiplied
  int repetition_window = 64;      // how many recent tokens the penalty looks at
  uint64_t seed = 0;
};

class Sampler {
 public:
  explicit Sampler(const SamplingParams& params);
  // Only ids below vocab_limit are candidates (the embedding may have padding rows past the tokenizer).
  // `recent` is the token history the repetition penalty looks at (its last repetition_window entries).
  // May modify logits in place.
  int Sample(std::span<float> logits, int vocab_limit, std::span<const int> recent);

 private:
  SamplingParams params_;
  std::mt19937_64 rng_;
  std::vector<int> candidates_;
  std::vector<float> probs_;
};

}  // namespace gemma
