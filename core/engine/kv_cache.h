// Keys and values of every cached position, per layer [position][kv_heads * head_dim], as IEEE halves.
// Halves take half the memory of floats and halve what attention reads per token: the 7B's keys and values
// over 4096 positions are 1.9 GB instead of 3.8 GB, read in full for every decoded token. A half keeps 11
// significant bits, more than the int8 weights and activations that produce them. Allocated once for the
// session's context; pages are only touched (and so only resident) as positions fill.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "model_config.h"

namespace gemma {

class KvCache {
 public:
  using Half = uint16_t;

  KvCache(const ModelConfig& config, int context);

  int context() const { return context_; }
  Half* keys(int layer, int position) { return keys_.get() + Offset(layer, position); }
  Half* values(int layer, int position) { return values_.get() + Offset(layer, position); }
  // Bytes the cache needs when full, for memory estimates before loading.
  static size_t BytesFor(const ModelConfig& config, int context);

 private:
  size_t Offset(int layer, int position) const { return (size_t(layer) * context_ + position) * kv_dim_; }

  int context_;
  int kv_dim_;
  std::unique_ptr<Half[]> keys_, values_;  // default-initialised: untouched pages cost no memory
};

}  // namespace gemma
