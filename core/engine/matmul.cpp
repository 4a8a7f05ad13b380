// Y = X W^T over the pool: the rows of W are split into contiguous shares, one per thread, each streamed once
// (for a few activation rows, a thread done early takes pieces from the back of another's share: RowClaims).
// Int8 weights: the activations are quantized once first (into the caller's scratch, so decoding allocates
// nothing per token). Float weights: each piece is one single-threaded OpenBLAS call (Runtime keeps OpenBLAS
// at one thread, so the pool's threads are the only ones).
#include "core/engine/matmul.h"

#include <cblas.h>

#include <algorithm>
#include <string>

#include "core/engine/error.h"

namespace gemma {
namespace {

// Chunks of rows start on a multiple of 16 so that, for n == 1, two threads never write the same 64-byte
// line of y (given a 64-byte aligned y), and the kernels' 4- and 8-row tiles stay whole.
constexpr int64_t kRowAlign = 16;
// Below this many activation values quantizing is cheaper than waking the workers.
constexpr int64_t kParallelQuantizeMin = int64_t(1) << 16;
// Decoding (few activation rows): each share is handed out in this many pieces, so a thread done early can
// help a slower one. Pieces are kept large because every kernel call prepares its activations again (the
// int8 kernels' bias corrections); with many activation rows (prefill) the kernels repack them per call, so
// each share stays one piece there.
constexpr int kPiecesPerShare = 8;
constexpr int kFewActivationRows = 8;

void Check(bool ok, const char* what) {
  if (!ok) throw Error(std::string("MatMul: ") + what);
}

int OutputStride(const MatMulTarget& t) { return t.ldy == 0 ? t.w->rows : t.ldy; }

// Checks the targets against x and each other; true when they are int8 (all of them must be one type).
bool CheckTargets(std::span<const MatMulTarget> targets, const float* x, int n) {
  Check(!targets.empty(), "no weight matrix");
  Check(n >= 0, "negative number of activation rows");
  const MatrixView& first = *targets.front().w;
  for (const MatMulTarget& t : targets) {
    const MatrixView& w = *t.w;
    Check(w.rows > 0 && w.cols > 0, "empty weight matrix");
    Check(w.cols == first.cols, "weight matrices of one input differ in width");
    Check(w.type == first.type, "weight matrices of one input differ in type");
    Check(OutputStride(t) >= w.rows, "output row stride is smaller than the number of weight rows");
    if (w.type == WeightType::kF32) {
      Check(w.f32 != nullptr, "f32 weight matrix has no data");
    } else {
      Check(w.type == WeightType::kInt8, "unknown weight type");
      Check(w.q != nullptr && w.scales != nullptr, "int8 weight matrix has no data");
      Check(w.cols % kQuantBlock == 0, "int8 weights need a column count that is a multiple of 64");
    }
    Check(n == 0 || t.y != nullptr, "missing output buffer");
  }
  Check(n == 0 || x != nullptr, "missing input buffer");
  return first.type == WeightType::kInt8;
}

// Rows [begin, end) of one f32 product, through single-threaded OpenBLAS (the pool does the splitting).
void F32Rows(const MatMulTarget& t, const float* x, int n, int64_t begin, int64_t end) {
  const MatrixView& w = *t.w;
  const float* rows = w.f32 + begin * w.cols;
  if (n == 1) {
    cblas_sgemv(CblasRowMajor, CblasNoTrans, int(end - begin), w.cols, 1.0f, rows, w.cols, x, 1, 0.0f, t.y + begin, 1);
  } else {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, int(end - begin), w.cols, 1.0f, x, w.cols, rows, w.cols,
                0.0f, t.y + begin, OutputStride(t));
  }
}

struct QuantizedX {
  const int8_t* q = nullptr;
  const float* scales = nullptr;
};

QuantizedX QuantizeActivations(const Kernels& kernels, ThreadPool& pool, const float* x, int n, int cols,
                               MatMulScratch& scratch) {
  const int64_t values = int64_t(n) * cols;
  const int64_t blocks = values / kQuantBlock;
  // On a cache-line boundary: the rows kernel loads 64 bytes of x with every 64 bytes of weights, and a load
  // that straddles two lines costs both (~10% of a decoded token on one core, measured).
  if (int64_t(scratch.xq.size()) < values + 63) scratch.xq.resize(values + 63);
  if (int64_t(scratch.xs.size()) < blocks) scratch.xs.resize(blocks);
  int8_t* q = scratch.xq.data() + (64 - reinterpret_cast<uintptr_t>(scratch.xq.data()) % 64) % 64;
  float* s = scratch.xs.data();
  if (values >= kParallelQuantizeMin && pool.size() > 1) {
    // Only for prefill-sized inputs, so the capture's allocation (if any) is not per decoded token.
    pool.ParallelFor(n, 1, [&](int64_t begin, int64_t end, int) {
      kernels.quantize_rows(x + begin * cols, int(end - begin), cols, q + begin * cols,
                            s + begin * (cols / kQuantBlock));
    });
  } else {
    kernels.quantize_rows(x, n, cols, q, s);
  }
  return {q, s};
}

// What the pool's workers need, passed as one pointer: a lambda capturing only that fits std::function's
// small-object buffer, so a decoded token allocates nothing.
struct Job {
  const Kernels* kernels;
  std::span<const MatMulTarget> targets;
  const float* x;     // f32 weights: the activations as they are
  QuantizedX xq;      // int8 weights: the activations quantized
  int n;
  const std::function<void(int64_t, int64_t)>* after_rows;
  RowClaims* claims;

  // Rows [begin, end) of one product.
  void Rows(const MatMulTarget& t, int64_t begin, int64_t end) const {
    if (t.w->type == WeightType::kF32)
      F32Rows(t, x, n, begin, end);
    else
      kernels->matmul_int8(*t.w, xq.q, xq.scales, n, int(begin), int(end), t.y, OutputStride(t));
  }
};

// Splits `rows` over the pool through `claims` and runs fn(job, begin, end) on every piece.
template <typename Fn>
void ForEachPiece(ThreadPool& pool, const Job& job, int64_t rows, Fn fn) {
  const int workers = int(std::min<int64_t>(pool.size(), (rows + kRowAlign - 1) / kRowAlign));
  const bool balance = workers > 1 && job.n < kFewActivationRows;
  job.claims->Reset(workers, rows, kRowAlign, balance ? kPiecesPerShare : 1);
  pool.ParallelFor(workers, 1, [j = &job, fn](int64_t worker, int64_t, int) {
    int64_t begin, end;
    while (j->claims->Next(int(worker), begin, end)) fn(*j, begin, end);
  });
}

}  // namespace

void MatMul(const Kernels& kernels, ThreadPool& pool, const MatrixView& w, const float* x, int n, float* y,
            MatMulScratch& scratch, int ldy) {
  const MatMulTarget target{&w, y, ldy};
  MatMulEach(kernels, pool, std::span(&target, 1), x, n, scratch);
}

void MatMulEach(const Kernels& kernels, ThreadPool& pool, std::span<const MatMulTarget> targets, const float* x,
                int n, MatMulScratch& scratch) {
  const bool int8 = CheckTargets(targets, x, n);
  if (n == 0) return;
  const QuantizedX xq =
      int8 ? QuantizeActivations(kernels, pool, x, n, targets.front().w->cols, scratch) : QuantizedX{};
  int64_t total_rows = 0;
  for (const MatMulTarget& t : targets) total_rows += t.w->rows;
  // The targets' rows one after the other; a piece may span several targets.
  const Job job{&kernels, targets, x, xq, n, nullptr, &scratch.claims};
  ForEachPiece(pool, job, total_rows, [](const Job& j, int64_t begin, int64_t end) {
    int64_t offset = 0;
    for (const MatMulTarget& t : j.targets) {
      const int64_t first = std::max(begin, offset), last = std::min(end, offset + t.w->rows);
      if (first < last) j.Rows(t, first - offset, last - offset);
      offset += t.w->rows;
    }
  });
}

void MatMulRowsTogether(const Kernels& kernels, ThreadPool& pool, std::span<const MatMulTarget> targets,
                        const float* x, int n, MatMulScratch& scratch,
                        const std::function<void(int64_t begin, int64_t end)>& after_rows) {
  const bool int8 = CheckTargets(targets, x, n);
  const int rows = targets.front().w->rows;
  for (const MatMulTarget& t : targets) Check(t.w->rows == rows, "matrices computed together differ in rows");
  if (n == 0) return;
  const QuantizedX xq =
      int8 ? QuantizeActivations(kernels, pool, x, n, targets.front().w->cols, scratch) : QuantizedX{};
  const Job job{&kernels, targets, x, xq, n, &after_rows, &scratch.claims};
  ForEachPiece(pool, job, rows, [](const Job& j, int64_t begin, int64_t end) {
    for (const MatMulTarget& t : j.targets) j.Rows(t, begin, end);
    (*j.after_rows)(begin, end);
  });
}

}  // namespace gemma
