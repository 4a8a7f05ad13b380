// The engine's view of a model's weights: plain pointers into storage someone else owns (a memory-mapped
// model file, or buffers a test made). Matrices are row-major [out, in] as in Hugging Face checkpoints.
#pragma once

#include <cstdint>
#include <vector>

namespace gemma {

// Int8 weights carry one float scale per kQuantBlock consecutive values of a row (symmetric: max|w|/127).
// 64 keeps the error of a 2048-wide dot product well under 1e-2 relative and maps to one AVX-512 register.
constexpr int kQuantBlock = 64;

enum class WeightType : uint8_t { kF32 = 0, kInt8 = 1 };

struct MatrixView {
  WeightType type = WeightType::kF32;
  int rows = 0;
  int cols = 0;
  const float* f32 = nullptr;     // [rows, cols] when type == kF32
  const int8_t* q = nullptr;      // [rows, cols] when type == kInt8
  const float* scales = nullptr;  // [rows, cols / kQuantBlock] when type == kInt8

  int blocks_per_row() const { return cols / kQuantBlock; }
};

struct LayerWeights {
  const float* attn_norm = nullptr;  // [H] multiplier, i.e. (1 + w) of the Hugging Face checkpoint
  MatrixView q, k, v, o;             // [heads*hd, H], [kv*hd, H], [kv*hd, H], [H, heads*hd]
  const float* ffn_norm = nullptr;   // [H] multiplier: post_attention_layernorm, the norm before the MLP
  MatrixView gate, up, down;         // [I, H], [I, H], [H, I]
};

struct ModelWeights {
  MatrixView embedding;              // [vocab rows, H], tied to the output head
  std::vector<LayerWeights> layers;
  const float* final_norm = nullptr;  // [H] multiplier
};

}  // namespace gemma
