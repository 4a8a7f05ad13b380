// Keys and values of every cached position, f32, per layer [position][kv_heads * head_dim]. Allocated once
// for the session's context; pages are only touched (and so only resident) as positions fill.
#pragma once

#include <cstddef>
#include <memory>

#include "model_config.h"

namespace gemma {

class KvCache {
 public:
  KvCache(const ModelConfig& config, int context);

  int context() const { return context_; }
  int row_stride() const { return kv_dim_; }
  float* keys(int layer, int position) { return keys_.get() + Offset(layer, position); }
  float* values(int layer, int position) { return values_.get() + Offset(layer, position); }
  // Bytes the cache needs when full, for memory estimates before loading.
  static size_t BytesFor(const ModelConfig& config, int context);

 private:
  size_t Offset(int layer, int position) const { return (size_t(layer) * context_ + position) * kv_dim_; }

  int context_;
  int kv_dim_;
  std::unique_ptr<float[]> keys_, values_;  // default-initialised: untouched pages cost no memory
};

}  // namespace gemma
