// Where each array of a model lives in one block of bytes (a model file, or an in-memory buffer), and the
// engine's views into such a block. One layout rule serves the file writer, the file reader's checks and
// the in-memory build, so the three can never disagree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/engine/model_config.h"
#include "core/engine/weights.h"
#include "core/model/checkpoint.h"

namespace gemma {

// Every array starts on a cache line: the kernels' vector loads never straddle two.
constexpr uint64_t kArrayAlignment = 64;

enum class TensorKind : uint8_t { kF32 = 0, kI8 = 1 };
const char* TensorKindName(TensorKind kind);  // "f32", "i8" (as written in the file header)

struct TensorEntry {
  std::string name;              // the Hugging Face name (see GemmaTensorSpecs)
  TensorKind kind = TensorKind::kF32;
  std::vector<int64_t> shape;    // [out, in], or [n] for a norm
  uint64_t offset = 0;           // values: f32 [rows, cols] or i8 [rows, cols]
  uint64_t bytes = 0;
  uint64_t scales_offset = 0;    // i8 only: IEEE halves [rows, cols / kQuantBlock] (format 1: f32)
  uint64_t scales_bytes = 0;

  int64_t rows() const { return shape.size() == 1 ? 1 : shape[0]; }
  int64_t cols() const { return shape.back(); }
};

struct ModelLayout {
  std::vector<TensorEntry> tensors;  // in GemmaTensorSpecs order
  uint64_t tokenizer_offset = 0;     // the serialized SentencePiece model (absent in memory: bytes 0)
  uint64_t tokenizer_bytes = 0;
  uint64_t end = 0;                  // one past the last byte of the last array
};

inline uint64_t AlignUp(uint64_t value, uint64_t alignment) { return (value + alignment - 1) / alignment * alignment; }

// The kind a tensor has in a model of this weight type: norms always f32 (they are tiny and exact),
// the embedding and every matrix in the weight type.
TensorKind ExpectedKind(const TensorSpec& spec, WeightType weight_type);
// Exact byte sizes of a tensor's values and (i8) scales; scales are halves, but 4-byte floats in format 1.
uint64_t ValueBytes(const TensorSpec& spec, TensorKind kind);
uint64_t ScaleBytes(const TensorSpec& spec, TensorKind kind, uint64_t bytes_per_scale = sizeof(uint16_t));

// Throws gemma::Error if int8 weights cannot represent this config (a matrix width that is not a
// multiple of kQuantBlock), saying to use f32 weights instead.
void CheckQuantizable(const ModelConfig& config, WeightType weight_type);

// The tokenizer first (when tokenizer_bytes > 0), then each tensor's values and scales, all aligned,
// starting at data_start (itself aligned).
ModelLayout PlanLayout(const ModelConfig& config, WeightType weight_type, uint64_t data_start,
                       uint64_t tokenizer_bytes);

// The engine's views of a layout whose arrays start at `base`. The layout must be one PlanLayout made or
// one a reader has checked against the config (names in spec order, shapes, kinds and sizes exact).
ModelWeights ViewWeights(const ModelConfig& config, const ModelLayout& layout, const uint8_t* base);

}  // namespace gemma
