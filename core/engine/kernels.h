// Int8 and float matrix kernels, chosen at run time for the CPU. Every path computes the same math as the
// portable one (tests compare them); only speed differs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "weights.h"

namespace gemma {

enum class KernelPath { kPortable = 0, kAvx2 = 1, kAvx512Vnni = 2 };

const char* KernelPathName(KernelPath path);  // "portable", "avx2", "avx512-vnni"
std::vector<KernelPath> SupportedKernelPaths();  // what this CPU can run, portable first
// The fastest supported path; GEMMA_KERNEL=portable|avx2|avx512-vnni in the environment forces a slower one.
KernelPath BestKernelPath();

struct Kernels {
  KernelPath path;
  // x [n, cols] -> q [n, cols] int8 and scales [n, cols / kQuantBlock]; cols % kQuantBlock == 0.
  // Symmetric per block: scale = max|x| / 127, q = round(x / scale) (0 and scale 0 for an all-zero block).
  // Each row of q is stored in the interleaved layout of weights.h (Int8StoredIndex), as weights are.
  void (*quantize_rows)(const float* x, int n, int cols, int8_t* q, float* scales);
  // y[i * ldy + r] = sum_c W[r, c] * X[i, c] for r in [row_begin, row_end), i in [0, n), with W int8
  // (w.type == kInt8, half scales) and X given quantized as above (xq [n, w.cols], float xs [n, w.cols / 64]).
  void (*matmul_int8)(const MatrixView& w, const int8_t* xq, const float* xs, int n, int row_begin, int row_end,
                      float* y, int ldy);
  // IEEE half precision, the KV cache's format. To halves: round to nearest even, too large to infinity, NaN
  // to a quiet NaN. To floats: exact (a NaN comes back quiet). Bit-identical on every path.
  void (*halves_from_floats)(const float* in, int64_t n, uint16_t* out);
  void (*floats_from_halves)(const uint16_t* in, int64_t n, float* out);
};

const Kernels& KernelsFor(KernelPath path);  // throws gemma::Error if this CPU cannot run it

// Writes row `row` of w as floats (either weight type) into out[0, w.cols).
void DequantizeRow(const MatrixView& w, int row, float* out);

// How weights are quantized (at import; portable, not dispatched): per block, scale = half(max|x| / 127)
// rounded to nearest even, q = round-half-even(x / float(scale)) clamped to [-127, 127], in the layout of
// weights.h. A block whose scale is 0 as a half (all zero, or max|x| below ~4e-6) gets q 0; one too large for
// a half (max|x| above ~8e6) gets the largest half and saturates. NaN values give -127, as in quantize_rows.
void QuantizeWeightRows(const float* x, int n, int cols, int8_t* q, uint16_t* scales);

}  // namespace gemma
