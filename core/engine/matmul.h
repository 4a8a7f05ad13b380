// Y = X W^T for any weight type, spread over the pool: int8 weights go through the dispatched int8 kernels
// (X quantized per block first), f32 weights through OpenBLAS.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels.h"
#include "thread_pool.h"
#include "weights.h"

namespace gemma {

// Scratch for quantized activations, kept across calls so decoding allocates nothing per token.
struct MatMulScratch {
  std::vector<int8_t> xq;
  std::vector<float> xs;
};

// x [n, w.cols] -> y [n, w.rows] (row stride ldy, 0 means w.rows).
void MatMul(const Kernels& kernels, ThreadPool& pool, const MatrixView& w, const float* x, int n, float* y,
            MatMulScratch& scratch, int ldy = 0);

}  // namespace gemma
