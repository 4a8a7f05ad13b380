// MatMul and Runtime: int8 weights against a double reference of the unquantized product (the whole chain:
// quantize, dispatch, split over threads), identical results for any pool size, float weights through
// OpenBLAS, strides, scratch reuse, several products of one input (q/k/v, gate/up), and errors for bad shapes.
#include <QtTest>

#include <cblas.h>

#include <atomic>
#include <cmath>

#include "core/engine/error.h"
#include "core/engine/matmul.h"
#include "core/engine/runtime.h"
#include "tests/core/engine/int8_test_data.h"

using namespace gemma;
using namespace gemma::testing;

namespace {

// y[i][r] = sum_c W[r][c] * x[i][c] in double, W given as floats.
std::vector<double> ReferenceProduct(const std::vector<float>& w, int rows, int cols, const std::vector<float>& x,
                                     int n) {
  std::vector<double> y(size_t(n) * rows);
  for (int i = 0; i < n; ++i)
    for (int r = 0; r < rows; ++r) {
      double s = 0;
      for (int c = 0; c < cols; ++c) s += double(w[size_t(r) * cols + c]) * x[size_t(i) * cols + c];
      y[size_t(i) * rows + r] = s;
    }
  return y;
}

std::vector<float> Dequantized(const Int8Matrix& m) {
  std::vector<float> out(size_t(m.rows) * m.cols);
  for (int r = 0; r < m.rows; ++r) DequantizeRow(m.view(), r, &out[size_t(r) * m.cols]);
  return out;
}

double Norm(const std::vector<double>& v, size_t begin, size_t count) {
  double s = 0;
  for (size_t k = begin; k < begin + count; ++k) s += v[k] * v[k];
  return std::sqrt(s);
}

}  // namespace

class TestMatMul : public QObject {
  Q_OBJECT

 private slots:
  void int8MatchesTheUnquantizedProductOnEveryPath() {
    const int rows = 77, cols = 512;
    const Int8Matrix w = RandomInt8Matrix(rows, cols, 3);
    const std::vector<float> wf = Dequantized(w);
    for (int n : {1, 2, 5, 17, 40}) {
      const std::vector<float> x = RandomActivations(n, cols, 40 + n);
      const std::vector<double> want = ReferenceProduct(wf, rows, cols, x, n);
      for (KernelPath p : SupportedKernelPaths()) {
        Runtime runtime({.threads = 2, .kernels = &KernelsFor(p)});
        MatMulScratch scratch;
        std::vector<float> y(size_t(n) * rows);
        MatMul(runtime.kernels(), runtime.pool(), w.view(), x.data(), n, y.data(), scratch);
        // Quantizing x moves each value by at most half its block's step amax / 127, so each output may
        // move by at most sum_b step_b / 2 * sum_{c in b} |W[r][c]| (a wrong kernel misses by far more).
        for (int i = 0; i < n; ++i)
          for (int r = 0; r < rows; ++r) {
            double bound = 0;
            for (int b = 0; b < cols / kQuantBlock; ++b) {
              double amax = 0, wsum = 0;
              for (int c = b * kQuantBlock; c < (b + 1) * kQuantBlock; ++c) {
                amax = std::max(amax, double(std::fabs(x[size_t(i) * cols + c])));
                wsum += std::fabs(wf[size_t(r) * cols + c]);
              }
              bound += amax / 127 / 2 * wsum;
            }
            const double got = y[size_t(i) * rows + r], expected = want[size_t(i) * rows + r];
            QVERIFY2(std::fabs(got - expected) <= bound * 1.001 + 1e-5 * std::fabs(expected),
                     qPrintable(QString("%1 n=%2 y[%3][%4] = %5, want %6 +- %7").arg(KernelPathName(p)).arg(n)
                                    .arg(i).arg(r).arg(got).arg(expected).arg(bound)));
          }
        // And on the whole, the error is small against the output itself.
        for (int i = 0; i < n; ++i) {
          double err = 0;
          for (int r = 0; r < rows; ++r) err += std::pow(y[size_t(i) * rows + r] - want[size_t(i) * rows + r], 2);
          QVERIFY(std::sqrt(err) / Norm(want, size_t(i) * rows, rows) < 0.05);
        }
      }
    }
  }

  void int8ResultDoesNotDependOnThePoolSize() {
    const int rows = 300, cols = 384, n = 6;
    const Int8Matrix w = RandomInt8Matrix(rows, cols, 8);
    const std::vector<float> x = RandomActivations(n, cols, 9);
    for (KernelPath p : SupportedKernelPaths()) {
      std::vector<float> first;
      for (int threads : {1, 2, 3, 5}) {
        ThreadPool pool(threads);
        MatMulScratch scratch;
        std::vector<float> y(size_t(n) * rows);
        MatMul(KernelsFor(p), pool, w.view(), x.data(), n, y.data(), scratch);
        if (first.empty())
          first = y;
        else
          QVERIFY2(y == first, qPrintable(QString("%1 with %2 threads").arg(KernelPathName(p)).arg(threads)));
      }
    }
  }

  void largeBatchQuantizesInParallelToTheSameResult() {
    // n * cols above the threshold where MatMul quantizes over the pool.
    const int rows = 40, cols = 2048, n = 40;
    const Int8Matrix w = RandomInt8Matrix(rows, cols, 21);
    const std::vector<float> x = RandomActivations(n, cols, 22);
    const Kernels& k = KernelsFor(KernelPath::kPortable);
    std::vector<int8_t> xq(x.size());
    std::vector<float> xs(x.size() / kQuantBlock);
    k.quantize_rows(x.data(), n, cols, xq.data(), xs.data());
    std::vector<float> want(size_t(n) * rows);
    k.matmul_int8(w.view(), xq.data(), xs.data(), n, 0, rows, want.data(), rows);
    ThreadPool pool(3);
    MatMulScratch scratch;
    std::vector<float> y(size_t(n) * rows);
    MatMul(k, pool, w.view(), x.data(), n, y.data(), scratch);
    QVERIFY(y == want);
  }

  void outputStrideLeavesTheGapAlone() {
    const int rows = 33, cols = 128, n = 3, ldy = 40;
    const Int8Matrix w = RandomInt8Matrix(rows, cols, 4);
    const std::vector<float> x = RandomActivations(n, cols, 5);
    ThreadPool pool(2);
    MatMulScratch scratch;
    std::vector<float> strided(size_t(n) * ldy, 42.0f), packed(size_t(n) * rows);
    MatMul(KernelsFor(KernelPath::kPortable), pool, w.view(), x.data(), n, strided.data(), scratch, ldy);
    MatMul(KernelsFor(KernelPath::kPortable), pool, w.view(), x.data(), n, packed.data(), scratch);
    for (int i = 0; i < n; ++i)
      for (int r = 0; r < ldy; ++r) {
        const float got = strided[size_t(i) * ldy + r];
        QCOMPARE(got, r < rows ? packed[size_t(i) * rows + r] : 42.0f);
      }
  }

  void floatWeightsGoThroughBlas() {
    const int rows = 37, cols = 70;  // f32 weights need no block multiple
    std::vector<float> wf(size_t(rows) * cols);
    for (size_t k = 0; k < wf.size(); ++k) wf[k] = float(std::sin(0.37 * k));
    MatrixView w;
    w.type = WeightType::kF32;
    w.rows = rows;
    w.cols = cols;
    w.f32 = wf.data();
    Runtime runtime({.threads = 2});
    for (int n : {1, 4}) {
      const std::vector<float> x = RandomActivations(n, cols + 64, 1);  // any values; use the first cols
      std::vector<float> xx(size_t(n) * cols);
      for (int i = 0; i < n; ++i) std::copy_n(&x[size_t(i) * (cols + 64)], cols, &xx[size_t(i) * cols]);
      const std::vector<double> want = ReferenceProduct(wf, rows, cols, xx, n);
      const int ldy = rows + 3;
      std::vector<float> y(size_t(n) * ldy, 42.0f);
      MatMulScratch scratch;
      MatMul(runtime.kernels(), runtime.pool(), w, xx.data(), n, y.data(), scratch, ldy);
      for (int i = 0; i < n; ++i)
        for (int r = 0; r < ldy; ++r) {
          const float got = y[size_t(i) * ldy + r];
          if (r >= rows) {
            QCOMPARE(got, 42.0f);
            continue;
          }
          QVERIFY(std::fabs(got - want[size_t(i) * rows + r]) <= 1e-4 * (1 + std::fabs(want[size_t(i) * rows + r])));
        }
    }
  }

  void scratchIsReusedNotReallocated() {
    const Int8Matrix w = RandomInt8Matrix(16, 256, 1);
    const std::vector<float> x = RandomActivations(8, 256, 2);
    ThreadPool pool(2);
    MatMulScratch scratch;
    std::vector<float> y(8 * 16);
    MatMul(KernelsFor(KernelPath::kPortable), pool, w.view(), x.data(), 8, y.data(), scratch);
    const int8_t* q = scratch.xq.data();
    const float* s = scratch.xs.data();
    for (int n : {1, 3, 8}) MatMul(KernelsFor(KernelPath::kPortable), pool, w.view(), x.data(), n, y.data(), scratch);
    QVERIFY(scratch.xq.data() == q);
    QVERIFY(scratch.xs.data() == s);
  }

  void badShapesAreErrors() {
    ThreadPool pool(1);
    MatMulScratch scratch;
    const Kernels& k = KernelsFor(KernelPath::kPortable);
    std::vector<float> x(1000), y(1000);
    std::vector<int8_t> q(1000);
    std::vector<uint16_t> h(100);
    MatrixView w;
    w.type = WeightType::kInt8;
    w.rows = 2;
    w.cols = 96;  // not a multiple of 64
    w.q = q.data();
    w.scales = h.data();
    QVERIFY_THROWS_EXCEPTION(Error, MatMul(k, pool, w, x.data(), 1, y.data(), scratch));
    w.cols = 64;
    QVERIFY_THROWS_EXCEPTION(Error, MatMul(k, pool, w, x.data(), 1, y.data(), scratch, 1));  // ldy < rows
    QVERIFY_THROWS_EXCEPTION(Error, MatMul(k, pool, w, x.data(), -1, y.data(), scratch));
    w.q = nullptr;
    QVERIFY_THROWS_EXCEPTION(Error, MatMul(k, pool, w, x.data(), 1, y.data(), scratch));
    MatrixView f;
    f.type = WeightType::kF32;
    f.rows = 2;
    f.cols = 3;
    QVERIFY_THROWS_EXCEPTION(Error, MatMul(k, pool, f, x.data(), 1, y.data(), scratch));  // no data
  }

  // q, k and v in one pass: each output equals its own MatMul exactly (same kernel on the same rows), for
  // any pool size, with strides respected and the gaps left alone, on every path.
  void matMulEachEqualsSeparateProducts() {
    const int cols = 256, ldk = 40;
    const Int8Matrix q = RandomInt8Matrix(48, cols, 31), k = RandomInt8Matrix(16, cols, 32),
                     v = RandomInt8Matrix(23, cols, 33);  // 23: a chunk boundary falls inside a matrix
    for (int n : {1, 3, 9, 20}) {
      const std::vector<float> x = RandomActivations(n, cols, 34 + n);
      for (KernelPath p : SupportedKernelPaths()) {
        const Kernels& kernels = KernelsFor(p);
        ThreadPool one(1);
        MatMulScratch scratch;
        std::vector<float> want_q(size_t(n) * 48), want_k(size_t(n) * 16), want_v(size_t(n) * 23);
        MatMul(kernels, one, q.view(), x.data(), n, want_q.data(), scratch);
        MatMul(kernels, one, k.view(), x.data(), n, want_k.data(), scratch);
        MatMul(kernels, one, v.view(), x.data(), n, want_v.data(), scratch);
        for (int threads : {1, 2, 3, 5}) {
          ThreadPool pool(threads);
          std::vector<float> yq(size_t(n) * 48, 7.0f), yk(size_t(n) * ldk, 7.0f), yv(size_t(n) * 23, 7.0f);
          const MatrixView qv = q.view(), kv = k.view(), vv = v.view();
          const MatMulTarget targets[] = {{&qv, yq.data()}, {&kv, yk.data(), ldk}, {&vv, yv.data()}};
          MatMulEach(kernels, pool, targets, x.data(), n, scratch);
          const QString where = QString("%1, n %2, %3 threads").arg(KernelPathName(p)).arg(n).arg(threads);
          QVERIFY2(yq == want_q, qPrintable(where));
          QVERIFY2(yv == want_v, qPrintable(where));
          for (int i = 0; i < n; ++i)
            for (int r = 0; r < ldk; ++r)
              QVERIFY2(yk[size_t(i) * ldk + r] == (r < 16 ? want_k[size_t(i) * 16 + r] : 7.0f), qPrintable(where));
        }
      }
    }
  }

  // gate and up together: the products equal separate MatMuls, and after_rows sees every row exactly once,
  // after both products of those rows were written (it checks them itself), for int8 and f32 weights.
  void matMulRowsTogetherCallsBackOnFinishedRows() {
    const int rows = 70, cols = 128;
    const Int8Matrix a = RandomInt8Matrix(rows, cols, 41), b = RandomInt8Matrix(rows, cols, 42);
    const std::vector<float> af = Dequantized(a), bf = Dequantized(b);
    MatrixView fa, fb;
    fa.type = fb.type = WeightType::kF32;
    fa.rows = fb.rows = rows;
    fa.cols = fb.cols = cols;
    fa.f32 = af.data();
    fb.f32 = bf.data();
    for (bool int8 : {true, false}) {
      const MatrixView wa = int8 ? a.view() : fa, wb = int8 ? b.view() : fb;
      for (int n : {1, 4}) {
        const std::vector<float> x = RandomActivations(n, cols, 43 + n);
        for (int threads : {1, 2, 3}) {
          Runtime runtime({.threads = threads});
          MatMulScratch scratch;
          std::vector<float> want_a(size_t(n) * rows), want_b(size_t(n) * rows);
          MatMul(runtime.kernels(), runtime.pool(), wa, x.data(), n, want_a.data(), scratch);
          MatMul(runtime.kernels(), runtime.pool(), wb, x.data(), n, want_b.data(), scratch);
          std::vector<float> ya(size_t(n) * rows, 0.0f), yb(size_t(n) * rows, 0.0f);
          std::vector<std::atomic<int>> seen(rows);
          std::atomic<bool> ready{true};
          const MatMulTarget targets[] = {{&wa, ya.data()}, {&wb, yb.data()}};
          MatMulRowsTogether(runtime.kernels(), runtime.pool(), targets, x.data(), n, scratch,
                             [&](int64_t begin, int64_t end) {
                               for (int64_t r = begin; r < end; ++r) {
                                 ++seen[r];
                                 for (int i = 0; i < n; ++i)
                                   if (ya[size_t(i) * rows + r] != want_a[size_t(i) * rows + r] ||
                                       yb[size_t(i) * rows + r] != want_b[size_t(i) * rows + r])
                                     ready = false;
                               }
                             });
          QVERIFY(ready);
          for (int r = 0; r < rows; ++r) QCOMPARE(seen[r].load(), 1);
          QVERIFY(ya == want_a);
          QVERIFY(yb == want_b);
        }
      }
    }
  }

  void sharedInputTargetsMustAgree() {
    ThreadPool pool(2);
    MatMulScratch scratch;
    const Kernels& k = KernelsFor(KernelPath::kPortable);
    const Int8Matrix a = RandomInt8Matrix(16, 128, 1), wide = RandomInt8Matrix(16, 192, 2), tall = RandomInt8Matrix(32, 128, 3);
    const MatrixView av = a.view(), wv = wide.view(), tv = tall.view();
    std::vector<float> x(192 * 2), y1(64), y2(64);
    const MatMulTarget different_widths[] = {{&av, y1.data()}, {&wv, y2.data()}};
    QVERIFY_THROWS_EXCEPTION(Error, MatMulEach(k, pool, different_widths, x.data(), 1, scratch));
    const MatMulTarget different_rows[] = {{&av, y1.data()}, {&tv, y2.data()}};
    QVERIFY_THROWS_EXCEPTION(Error, MatMulRowsTogether(k, pool, different_rows, x.data(), 1, scratch,
                                                       [](int64_t, int64_t) {}));
    QVERIFY_THROWS_EXCEPTION(Error, MatMulEach(k, pool, std::span<const MatMulTarget>(), x.data(), 1, scratch));
  }

  void runtimeSetsUpPoolKernelsAndBlasThreads() {
    Runtime runtime({.threads = 2});
    QCOMPARE(runtime.threads(), 2);
    QCOMPARE(runtime.pool().size(), 2);
    QCOMPARE(int(runtime.kernels().path), int(BestKernelPath()));
    QCOMPARE(openblas_get_num_threads(), 1);  // the pool splits the work; OpenBLAS runs inside its jobs
    Runtime portable({.threads = 1, .kernels = &KernelsFor(KernelPath::kPortable)});
    QCOMPARE(int(portable.kernels().path), int(KernelPath::kPortable));
    QCOMPARE(openblas_get_num_threads(), 1);
  }
};

QTEST_APPLESS_MAIN(TestMatMul)
#include "tst_matmul.moc"
