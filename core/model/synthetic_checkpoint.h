// A checkpoint of any Gemma shape with made-up weights, generated on demand: to build model files of the
// published sizes for benchmarks and memory tests without downloading anything. Values come from a
// counter-based hash of (seed, tensor, position), so any row costs the same, nothing is stored, and the same
// seed always gives the same model. The weights are random, so the model's output is noise.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/model/checkpoint.h"

namespace gemma {

// Matrices (the embedding too) ~ N(0, 1/in) (standard deviation 1/sqrt(in)), norm multipliers 1 + N(0, 0.1^2).
// `tokenizer_model` is a serialized SentencePiece ModelProto (a tokenizer.model file's bytes); its piece count
// must not exceed config.vocab_size (checked when the model is imported or built). Throws gemma::Error for an
// invalid config.
std::unique_ptr<CheckpointReader> MakeSyntheticCheckpoint(const ModelConfig& config, uint64_t seed,
                                                          std::string tokenizer_model);

}  // namespace gemma
