// Y = X W^T over the pool. Int8 weights: the activations are quantized once (into the caller's scratch,
// so decoding allocates nothing per token), then the rows of W are split into contiguous chunks, one per
// thread, each streamed once. Float weights: one OpenBLAS call from the calling thread (never from inside
// the pool, so OpenBLAS's own threads and ours never run at the same time).
#include "core/engine/matmul.h"

#include <cblas.h>

#include <string>

#include "core/engine/error.h"

namespace gemma {
namespace {

// Chunks of rows start on a multiple of 16 so that, for n == 1, two threads never write the same 64-byte
// line of y (given a 64-byte aligned y), and the kernels' 4- and 8-row tiles stay whole.
constexpr int64_t kRowAlign = 16;
// Below this many activation values quantizing is cheaper than waking the workers.
constexpr int64_t kParallelQuantizeMin = int64_t(1) << 16;

void Check(bool ok, const char* what) {
  if (!ok) throw Error(std::string("MatMul: ") + what);
}

struct Int8Job {
  const Kernels* kernels;
  const MatrixView* w;
  const float* x;
  int8_t* xq;
  float* xs;
  int n;
  float* y;
  int ldy;
};

}  // namespace

void MatMul(const Kernels& kernels, ThreadPool& pool, const MatrixView& w, const float* x, int n, float* y,
            MatMulScratch& scratch, int ldy) {
  if (ldy == 0) ldy = w.rows;
  Check(n >= 0, "negative number of activation rows");
  Check(w.rows > 0 && w.cols > 0, "empty weight matrix");
  Check(ldy >= w.rows, "output row stride is smaller than the number of weight rows");
  if (n == 0) return;
  Check(x != nullptr && y != nullptr, "missing input or output buffer");

  if (w.type == WeightType::kF32) {
    Check(w.f32 != nullptr, "f32 weight matrix has no data");
    if (n == 1) {
      cblas_sgemv(CblasRowMajor, CblasNoTrans, w.rows, w.cols, 1.0f, w.f32, w.cols, x, 1, 0.0f, y, 1);
    } else {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, w.rows, w.cols, 1.0f, x, w.cols, w.f32, w.cols,
                  0.0f, y, ldy);
    }
    return;
  }

  Check(w.type == WeightType::kInt8, "unknown weight type");
  Check(w.q != nullptr && w.scales != nullptr, "int8 weight matrix has no data");
  Check(w.cols % kQuantBlock == 0, "int8 weights need a column count that is a multiple of 64");
  const int64_t values = int64_t(n) * w.cols;
  const int64_t blocks = values / kQuantBlock;
  if (int64_t(scratch.xq.size()) < values) scratch.xq.resize(values);
  if (int64_t(scratch.xs.size()) < blocks) scratch.xs.resize(blocks);

  // The job travels as one pointer so the std::function wrappers below fit their small-object buffer.
  Int8Job job{&kernels, &w, x, scratch.xq.data(), scratch.xs.data(), n, y, ldy};
  const Int8Job* j = &job;
  if (values >= kParallelQuantizeMin && pool.size() > 1) {
    pool.ParallelFor(n, 1, [j](int64_t begin, int64_t end, int) {
      const int64_t cols = j->w->cols;
      j->kernels->quantize_rows(j->x + begin * cols, int(end - begin), int(cols), j->xq + begin * cols,
                                j->xs + begin * (cols / kQuantBlock));
    });
  } else {
    kernels.quantize_rows(x, n, w.cols, job.xq, job.xs);
  }
  pool.ParallelFor(w.rows, kRowAlign, [j](int64_t begin, int64_t end, int) {
    j->kernels->matmul_int8(*j->w, j->xq, j->xs, j->n, int(begin), int(end), j->y, j->ldy);
  });
}

}  // namespace gemma
