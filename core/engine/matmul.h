// Y = X W^T for any weight type, spread over the pool: int8 weights go through the dispatched int8 kernels
// (X quantized per block first), f32 weights through OpenBLAS.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "kernels.h"
#include "row_claims.h"
#include "thread_pool.h"
#include "weights.h"

namespace gemma {

// Scratch for quantized activations and the split of rows, kept across calls so decoding allocates nothing
// per token.
struct MatMulScratch {
  std::vector<int8_t> xq;
  std::vector<float> xs;
  RowClaims claims;
};

// x [n, w.cols] -> y [n, w.rows] (row stride ldy, 0 means w.rows).
void MatMul(const Kernels& kernels, ThreadPool& pool, const MatrixView& w, const float* x, int n, float* y,
            MatMulScratch& scratch, int ldy = 0);

// One of several products of the same activations: y [n, w->rows] with row stride ldy (0: w->rows).
struct MatMulTarget {
  const MatrixView* w;
  float* y;
  int ldy = 0;
};

// Every target's product with the same x [n, cols] (q, k and v): x is quantized once and the rows of all the
// targets are split over the pool in one pass, so the threads meet once instead of once per matrix.
void MatMulEach(const Kernels& kernels, ThreadPool& pool, std::span<const MatMulTarget> targets, const float* x,
                int n, MatMulScratch& scratch);

// For targets with the same number of rows (gate and up): each thread computes rows [begin, end) of every
// target and then calls after_rows(begin, end) while they are still in its cache, so an element-wise step
// that combines them (GeGLU) needs no pass of its own.
void MatMulRowsTogether(const Kernels& kernels, ThreadPool& pool, std::span<const MatMulTarget> targets,
                        const float* x, int n, MatMulScratch& scratch,
                        const std::function<void(int64_t begin, int64_t end)>& after_rows);

}  // namespace gemma
