// The engine's view of a model's weights: plain pointers into storage someone else owns (a memory-mapped
// model file, or buffers a test made). Matrices are row-major [out, in] as in Hugging Face checkpoints.
#pragma once

#include <cstdint>
#include <vector>

namespace gemma {

// Int8 weights carry one scale per kQuantBlock consecutive values of a row (symmetric: max|w|/127), as an
// IEEE half: decoding streams every weight once per token, and 2 bytes of scale instead of 4 per 64 values
// is 3% less to stream. Rounding the scale to a half moves it by at most 2^-11 of itself (less than 1/8 of
// an int8 step), and the values are quantized with the rounded scale. 64 values per block keeps the error of
// a 2048-wide dot product well under 1e-2 relative and maps to one AVX-512 register.
constexpr int kQuantBlock = 64;

// How an int8 row is stored: in groups of kGroupBlocks blocks (the last group of a row may have fewer), and
// inside a group the blocks' 4-byte words interleaved: word k (values 4k..4k+3) of the group's block j is
// word k * c + j of the group, where c is the group's block count. So one 64-byte vector holds the same word
// of 16 blocks, and a lane-wise int8 dot product keeps each block's sum in its own lane: decoding streams the
// weights with no horizontal sums, the work that kept one core below the memory's pace. Quantized activations
// use the same layout, so a kernel multiplies stored byte i of a weight row with stored byte i of an
// activation row and needs the layout only to know which block (which scales) a word belongs to.
constexpr int kGroupBlocks = 16;

// Where value `col` of an int8 row of `cols` values is stored in that row. Portable code and tests only: the
// SIMD kernels must not call inline functions from headers (core/engine/kernels_impl.h says why).
constexpr int64_t Int8StoredIndex(int64_t cols, int64_t col) {
  const int64_t block = col / kQuantBlock, group = block / kGroupBlocks, j = block % kGroupBlocks;
  const int64_t group_blocks = cols / kQuantBlock - group * kGroupBlocks;
  const int64_t c = group_blocks < kGroupBlocks ? group_blocks : kGroupBlocks;
  const int64_t word = (col % kQuantBlock) / 4;
  return group * kGroupBlocks * kQuantBlock + (word * c + j) * 4 + col % 4;
}

enum class WeightType : uint8_t { kF32 = 0, kInt8 = 1 };

struct MatrixView {
  WeightType type = WeightType::kF32;
  int rows = 0;
  int cols = 0;
  const float* f32 = nullptr;     // [rows, cols] when type == kF32
  const int8_t* q = nullptr;      // [rows, cols] when type == kInt8, each row stored as Int8StoredIndex says
  const uint16_t* scales = nullptr;  // [rows, cols / kQuantBlock] IEEE halves when type == kInt8

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
