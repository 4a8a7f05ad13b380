#include "kv_cache.h"

#include "error.h"

namespace gemma {

KvCache::KvCache(const ModelConfig& config, int context) : context_(context), kv_dim_(config.kv_dim()) {
  if (context <= 0) throw Error("the context size must be positive");
  const size_t count = size_t(config.layers) * context * kv_dim_;
  try {
    keys_.reset(new Half[count]);
    values_.reset(new Half[count]);
  } catch (const std::bad_alloc&) {
    throw Error("not enough memory for a " + std::to_string(context) +
                "-token context: choose a smaller context size");
  }
}

size_t KvCache::BytesFor(const ModelConfig& config, int context) {
  return 2 * size_t(config.layers) * context * config.kv_dim() * sizeof(Half);
}

}  // namespace gemma
