// The int8 kernels: dispatch and GEMMA_KERNEL, quantize_rows against the rule in kernels.h (and bit for bit
// across paths), matmul_int8 against a double-precision reference on odd shapes, row ranges and strides,
// on every path this CPU can run.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <utility>
#include <vector>

#include "core/engine/error.h"
#include "core/engine/kernels.h"
#include "tests/core/engine/int8_test_data.h"

using namespace gemma;
using namespace gemma::testing;

namespace {

// The quantization rule, restated from kernels.h in the most literal scalar form, each value stored where
// weights.h's layout puts it.
void ReferenceQuantize(const float* x, int cols, int8_t* q, float* scales) {
  for (int b = 0; b < cols / kQuantBlock; ++b) {
    float amax = 0;
    for (int j = 0; j < kQuantBlock; ++j) amax = std::max(amax, std::fabs(x[b * kQuantBlock + j]));
    scales[b] = amax / 127.0f;
    for (int j = 0; j < kQuantBlock; ++j) {
      const int c = b * kQuantBlock + j;
      q[Int8StoredIndex(cols, c)] = amax == 0 ? 0 : static_cast<int8_t>(std::lrint(x[c] * (127.0f / amax)));
    }
  }
}

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old, had_ = true;
    if (value) setenv(name, value, 1); else unsetenv(name);
  }
  ~ScopedEnv() { if (had_) setenv(name_, old_.c_str(), 1); else unsetenv(name_); }
 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

struct Case {
  int rows, cols, n, row_begin, row_end, ldy;
};

}  // namespace

class TestKernels : public QObject {
  Q_OBJECT

 private slots:
  void pathNamesAreTheDocumentedOnes() {
    QCOMPARE(QString(KernelPathName(KernelPath::kPortable)), QString("portable"));
    QCOMPARE(QString(KernelPathName(KernelPath::kAvx2)), QString("avx2"));
    QCOMPARE(QString(KernelPathName(KernelPath::kAvx512Vnni)), QString("avx512-vnni"));
  }

  void supportedPathsStartWithPortableAndEachIsRunnable() {
    const auto paths = SupportedKernelPaths();
    QVERIFY(!paths.empty());
    QCOMPARE(int(paths.front()), int(KernelPath::kPortable));
    for (KernelPath p : paths) QCOMPARE(int(KernelsFor(p).path), int(p));
    qInfo() << "paths on this CPU:";
    for (KernelPath p : paths) qInfo() << "  " << KernelPathName(p);
  }

  void bestPathIsTheFastestUnlessForced() {
    const auto paths = SupportedKernelPaths();
    {
      ScopedEnv env("GEMMA_KERNEL", nullptr);
      QCOMPARE(int(BestKernelPath()), int(paths.back()));
    }
    for (KernelPath p : paths) {
      ScopedEnv env("GEMMA_KERNEL", KernelPathName(p));
      QCOMPARE(int(BestKernelPath()), int(p));
    }
    {
      ScopedEnv env("GEMMA_KERNEL", "sse9");
      QVERIFY_THROWS_EXCEPTION(Error, BestKernelPath());
    }
  }

  void unsupportedPathIsAnError() {
    const auto paths = SupportedKernelPaths();
    for (KernelPath p : {KernelPath::kAvx2, KernelPath::kAvx512Vnni}) {
      if (std::find(paths.begin(), paths.end(), p) != paths.end()) continue;
      QVERIFY_THROWS_EXCEPTION(Error, KernelsFor(p));
      ScopedEnv env("GEMMA_KERNEL", KernelPathName(p));
      QVERIFY_THROWS_EXCEPTION(Error, BestKernelPath());
    }
  }

  void storedLayoutInterleavesTheWordsOfSixteenBlocks() {
    // Worked out by hand from weights.h: word k of block j of a group of c blocks is word k * c + j.
    struct At { int64_t cols, col, stored; };
    const At cases[] = {
        {2048, 0, 0},       {2048, 3, 3},       {2048, 4, 64},      {2048, 63, 15 * 64 + 3},
        {2048, 64, 4},      {2048, 69, 64 + 4 + 1}, {2048, 15 * 64 + 60, 15 * 64 + 15 * 4},
        {2048, 1024, 1024}, {2048, 1024 + 4, 1024 + 64},  // the second group starts afresh
        {192, 4, 12},       {192, 64, 4},       {192, 130, 8 + 2},  // one short group of 3 blocks
        {1088, 1024, 1024}, {1088, 1028, 1028}, {1088, 1087, 1087},  // a last group of one block is plain
        {1088, 4, 64},      {64, 37, 37},
    };
    for (const At& a : cases)
      QVERIFY2(Int8StoredIndex(a.cols, a.col) == a.stored,
               qPrintable(QString("cols %1, value %2: stored at %3, want %4").arg(a.cols).arg(a.col)
                              .arg(Int8StoredIndex(a.cols, a.col)).arg(a.stored)));
    // Every value has its own place in the row.
    for (int64_t cols : {64, 192, 1024, 1088, 2368, 4096}) {
      std::vector<int> hits(size_t(cols), 0);
      for (int64_t c = 0; c < cols; ++c) ++hits[size_t(Int8StoredIndex(cols, c))];
      QVERIFY(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
    }
  }

  void quantizeRoundsHalfToEvenOnHandPickedValues() {
    // amax = 127 makes the multiplier exactly 1, so q is x rounded half to even.
    std::vector<float> x(kQuantBlock, 0.0f);
    const float in[] = {127.0f, 2.5f, 3.5f, -2.5f, -3.5f, 0.5f, -0.5f, 1.49f, -126.5f, 0.0f};
    const int8_t want[] = {127, 2, 4, -2, -4, 0, 0, 1, -126, 0};
    std::copy(std::begin(in), std::end(in), x.begin());
    for (KernelPath p : SupportedKernelPaths()) {
      std::vector<int8_t> q(kQuantBlock, 99);
      float scale = -1;
      KernelsFor(p).quantize_rows(x.data(), 1, kQuantBlock, q.data(), &scale);
      QCOMPARE(scale, 1.0f);
      for (size_t j = 0; j < std::size(want); ++j) QCOMPARE(int(q[j]), int(want[j]));
    }
  }

  void quantizeZeroBlockGivesZeroScaleAndZeros() {
    std::vector<float> x(3 * kQuantBlock, 0.0f);
    x[2 * kQuantBlock + 5] = -0.25f;  // only the third block is non-zero
    for (KernelPath p : SupportedKernelPaths()) {
      std::vector<int8_t> q(x.size(), 99);
      std::vector<float> s(3, -1);
      KernelsFor(p).quantize_rows(x.data(), 1, int(x.size()), q.data(), s.data());
      QCOMPARE(s[0], 0.0f);
      QCOMPARE(s[1], 0.0f);
      QCOMPARE(s[2], 0.25f / 127.0f);
      for (int c = 0; c < int(x.size()); ++c)
        QCOMPARE(int(q[Int8StoredIndex(int64_t(x.size()), c)]), c == 2 * kQuantBlock + 5 ? -127 : 0);
    }
  }

  void quantizeFollowsTheRuleAndIsBitIdenticalOnEveryPath() {
    for (int cols : {64, 128, 320, 2048, 2368, 4096}) {
      for (int n : {1, 2, 3, 5, 17}) {
        std::vector<float> x = RandomActivations(n, cols, 1000 + cols + n);
        std::vector<int8_t> want_q(x.size());
        std::vector<float> want_s(x.size() / kQuantBlock);
        for (int i = 0; i < n; ++i)
          ReferenceQuantize(&x[size_t(i) * cols], cols, &want_q[size_t(i) * cols],
                            &want_s[size_t(i) * (cols / kQuantBlock)]);
        for (KernelPath p : SupportedKernelPaths()) {
          std::vector<int8_t> q(x.size() + 64, 99);  // one guard block past the end
          std::vector<float> s(want_s.size() + 1, -1);
          KernelsFor(p).quantize_rows(x.data(), n, cols, q.data(), s.data());
          QVERIFY2(std::equal(want_q.begin(), want_q.end(), q.begin()), KernelPathName(p));
          QVERIFY2(std::memcmp(want_s.data(), s.data(), want_s.size() * sizeof(float)) == 0, KernelPathName(p));
          QCOMPARE(int(q[x.size()]), 99);
          QCOMPARE(s[want_s.size()], -1.0f);
        }
        // The rule itself: every value within half a step, and each non-zero block reaches +-127.
        for (size_t c = 0; c < x.size(); ++c) {
          const float s = want_s[c / kQuantBlock];
          const size_t row = c / cols, stored = row * cols + size_t(Int8StoredIndex(cols, int64_t(c % cols)));
          QVERIFY(std::fabs(x[c] - s * want_q[stored]) <= 0.5f * s * 1.0001f);
        }
        for (int8_t v : want_q) QVERIFY(v != -128);
      }
    }
  }

  void quantizeNonFiniteInputIsTheSameEverywhere() {
    std::vector<float> x(2 * kQuantBlock, 1.0f);
    x[3] = std::numeric_limits<float>::quiet_NaN();
    x[kQuantBlock + 1] = std::numeric_limits<float>::infinity();
    std::vector<int8_t> want_q(x.size());
    std::vector<float> want_s(2);
    KernelsFor(KernelPath::kPortable).quantize_rows(x.data(), 1, int(x.size()), want_q.data(), want_s.data());
    for (KernelPath p : SupportedKernelPaths()) {
      std::vector<int8_t> q(x.size());
      std::vector<float> s(2);
      KernelsFor(p).quantize_rows(x.data(), 1, int(x.size()), q.data(), s.data());
      QVERIFY2(q == want_q, KernelPathName(p));
      for (int8_t v : q) QVERIFY(v >= -127 && v <= 127);
    }
  }

  void weightsQuantizeWithTheirScaleRoundedToAHalf() {
    // The rule of kernels.h, restated literally: half scale, values divided by the rounded scale.
    for (int cols : {64, 1088, 2048}) {
      std::vector<float> x = RandomActivations(3, cols, 500 + cols);
      x[7] = 1e-7f;  // keep some blocks' extremes away from round numbers
      std::vector<int8_t> q(x.size() + 64, 99);
      std::vector<uint16_t> scales(x.size() / kQuantBlock + 1, 0x1234);
      QuantizeWeightRows(x.data(), 3, cols, q.data(), scales.data());
      QCOMPARE(int(q[x.size()]), 99);  // nothing written past the end
      QCOMPARE(scales.back(), uint16_t(0x1234));
      for (size_t b = 0; b < x.size() / kQuantBlock; ++b) {
        float amax = 0;
        for (int j = 0; j < kQuantBlock; ++j) amax = std::max(amax, std::fabs(x[b * kQuantBlock + j]));
        const uint16_t want_half = Half(amax / 127.0f);
        QCOMPARE(scales[b], want_half);
        const float s = Float(want_half);
        const size_t row = b * kQuantBlock / cols;
        for (int j = 0; j < kQuantBlock; ++j) {
          const size_t c = b * kQuantBlock + j;
          const int8_t got = q[row * cols + size_t(Int8StoredIndex(cols, int64_t(c % cols)))];
          const long want = s == 0 ? 0 : std::clamp(std::lrint(x[c] / s), -127L, 127L);
          QCOMPARE(int(got), int(want));
          // Within half a step of the value, plus what rounding the scale down cost at the block's extreme.
          QVERIFY(std::fabs(x[c] - s * got) <= 0.5f * s * 1.0001f + std::max(0.0f, amax - 127 * s));
        }
      }
    }
    // Hand-picked blocks: amax 127 (scale exactly 1), a block too small for a half scale (zeros), one too
    // large (the largest half, saturated), and NaN (skipped by the max, -127 itself).
    std::vector<float> x(4 * kQuantBlock, 0.0f);
    x[0] = 127.0f, x[1] = 2.5f, x[2] = -3.5f;
    x[kQuantBlock] = 1e-7f;
    x[2 * kQuantBlock] = 1e9f, x[2 * kQuantBlock + 1] = -1e5f;
    x[3 * kQuantBlock] = std::numeric_limits<float>::quiet_NaN(), x[3 * kQuantBlock + 1] = 1.27f;
    std::vector<int8_t> q(x.size());
    std::vector<uint16_t> scales(4);
    QuantizeWeightRows(x.data(), 1, int(x.size()), q.data(), scales.data());
    auto at = [&](int c) { return int(q[Int8StoredIndex(int64_t(x.size()), c)]); };
    QCOMPARE(scales[0], uint16_t(0x3C00));
    QCOMPARE(at(0), 127);
    QCOMPARE(at(1), 2);
    QCOMPARE(at(2), -4);
    QCOMPARE(scales[1], uint16_t(0));
    QCOMPARE(at(kQuantBlock), 0);
    QCOMPARE(scales[2], uint16_t(0x7BFF));
    QCOMPARE(at(2 * kQuantBlock), 127);
    QCOMPARE(at(2 * kQuantBlock + 1), -2);  // -1e5 / 65504 rounds to -2
    QCOMPARE(scales[3], Half(1.27f / 127.0f));
    QCOMPARE(at(3 * kQuantBlock), -127);
    QCOMPARE(at(3 * kQuantBlock + 1), 127);
  }

  void halvesRoundToNearestEvenOnHandPickedValues() {
    const float inf = std::numeric_limits<float>::infinity();
    const std::pair<float, uint16_t> cases[] = {
        {1.0f, 0x3C00},           {-2.0f, 0xC000},           {0.0f, 0x0000},
        {-0.0f, 0x8000},          {65504.0f, 0x7BFF},        {65519.99f, 0x7BFF},
        {65520.0f, 0x7C00},       {1e10f, 0x7C00},           {inf, 0x7C00},
        {-inf, 0xFC00},           {std::ldexp(1.0f, -14), 0x0400},  // the smallest normal
        {std::ldexp(1.0f, -24), 0x0001},                            // the smallest subnormal
        {std::ldexp(1.0f, -25), 0x0000},                            // half of it: a tie, to even
        {std::ldexp(1.5f, -25), 0x0001},          {std::ldexp(3.0f, -25), 0x0002},  // 1.5 units: tie, to even
        {std::ldexp(2047.0f, -25), 0x0400},       // 1023.5 units: tie, to even, which is the smallest normal
        {1.0f + std::ldexp(1.0f, -11), 0x3C00},   // halfway between 1 and the next half: to even
        {1.0f + std::ldexp(3.0f, -11), 0x3C02},   // halfway between 0x3C01 and 0x3C02: to even
        {1.0f + std::ldexp(1.1f, -11), 0x3C01},   // past halfway: up
        {1e-9f, 0x0000},                          {-1e-9f, 0x8000},
    };
    for (KernelPath p : SupportedKernelPaths()) {
      for (const auto& [value, want] : cases) {
        uint16_t got = 0;
        KernelsFor(p).halves_from_floats(&value, 1, &got);
        QVERIFY2(got == want, qPrintable(QString("%1: %2 -> 0x%3, want 0x%4").arg(KernelPathName(p))
                                             .arg(double(value), 0, 'g', 10).arg(got, 4, 16).arg(want, 4, 16)));
      }
      uint16_t nan = 0;
      const float quiet_nan = std::numeric_limits<float>::quiet_NaN();
      KernelsFor(p).halves_from_floats(&quiet_nan, 1, &nan);
      QVERIFY((nan & 0x7C00) == 0x7C00 && (nan & 0x03FF) != 0);
    }
  }

  void everyHalfWidensExactlyAndNarrowsBackOnEveryPath() {
    std::vector<uint16_t> all(65536);
    for (int h = 0; h < 65536; ++h) all[h] = uint16_t(h);
    std::vector<float> want(all.size());
    KernelsFor(KernelPath::kPortable).floats_from_halves(all.data(), int64_t(all.size()), want.data());
    for (int h = 0; h < 65536; ++h) {
      const bool nan = (h & 0x7C00) == 0x7C00 && (h & 0x03FF) != 0;
      if (nan) {
        QVERIFY(std::isnan(want[h]));
        continue;
      }
      // The value itself: sign, exponent and mantissa of the half, subnormals included.
      const int exponent = (h >> 10) & 0x1F, mantissa = h & 0x3FF;
      const double magnitude = exponent == 0x1F ? std::numeric_limits<double>::infinity()
                               : exponent == 0  ? std::ldexp(double(mantissa), -24)
                                                : std::ldexp(1.0 + mantissa / 1024.0, exponent - 15);
      QCOMPARE(double(want[h]), (h & 0x8000) ? -magnitude : magnitude);
    }
    for (KernelPath p : SupportedKernelPaths()) {
      std::vector<float> floats(all.size() + 1, 7.0f);  // one guard value past the end
      KernelsFor(p).floats_from_halves(all.data(), int64_t(all.size()) - 3, floats.data());  // a ragged tail
      KernelsFor(p).floats_from_halves(all.data() + all.size() - 3, 3, floats.data() + all.size() - 3);
      QVERIFY2(std::memcmp(floats.data(), want.data(), want.size() * sizeof(float)) == 0, KernelPathName(p));
      QCOMPARE(floats.back(), 7.0f);
      std::vector<uint16_t> back(all.size() + 1, 0x1234);
      KernelsFor(p).halves_from_floats(want.data(), int64_t(want.size()), back.data());
      for (int h = 0; h < 65536; ++h) {
        const bool nan = (h & 0x7C00) == 0x7C00 && (h & 0x03FF) != 0;
        QCOMPARE(back[h], nan ? uint16_t(h | 0x0200) : uint16_t(h));  // a NaN comes back quiet
      }
      QCOMPARE(back.back(), uint16_t(0x1234));
    }
  }

  void halvesFromFloatsIsBitIdenticalOnEveryPath() {
    std::mt19937 rng(5);
    std::vector<float> x(1003);  // not a multiple of any vector width
    for (float& v : x) {
      // Every exponent from far below the subnormal halves to far above the largest, random mantissas.
      const uint32_t bits = (rng() & 0x807FFFFFu) | ((0x60u + rng() % 0x50u) << 23);
      std::memcpy(&v, &bits, sizeof v);
    }
    std::vector<uint16_t> want(x.size());
    KernelsFor(KernelPath::kPortable).halves_from_floats(x.data(), int64_t(x.size()), want.data());
    for (KernelPath p : SupportedKernelPaths()) {
      std::vector<uint16_t> got(x.size() + 1, 0x4321);
      KernelsFor(p).halves_from_floats(x.data(), int64_t(x.size()), got.data());
      QVERIFY2(std::equal(want.begin(), want.end(), got.begin()), KernelPathName(p));
      QCOMPARE(got.back(), uint16_t(0x4321));
    }
  }

  void matmulOnHandComputedValues() {
    // Two rows, two blocks; y = sum_b xs*ws*dot, worked out by hand.
    Int8Matrix w;
    w.rows = 2;
    w.cols = 128;
    w.q.assign(256, 0);
    w.scales = {0x3800, 0x4000, 0x3C00, 0x3400};  // 0.5, 2, 1, 0.25 as halves
    auto at = [](int col) { return Int8StoredIndex(128, col); };  // where value col of a row is stored
    w.q[at(0)] = 3, w.q[at(63)] = -2, w.q[at(64)] = 10;  // row 0
    w.q[128 + at(0)] = -127, w.q[128 + at(127)] = 127;   // row 1
    std::vector<int8_t> xq(128, 0);
    xq[at(0)] = 4, xq[at(63)] = 5, xq[at(64)] = -1, xq[at(127)] = 127;
    const std::vector<float> xs = {0.125f, 4.0f};
    // row 0: block 0 dot = 12 - 10 = 2 -> 0.125*0.5*2 = 0.125; block 1 dot = -10 -> 4*2*-10 = -80
    // row 1: block 0 dot = -508 -> 0.125*1*-508 = -63.5; block 1 dot = 16129 -> 4*0.25*16129 = 16129
    const float want[] = {-79.875f, 16065.5f};
    for (KernelPath p : SupportedKernelPaths()) {
      float y[2] = {0, 0};
      KernelsFor(p).matmul_int8(w.view(), xq.data(), xs.data(), 1, 0, 2, y, 2);
      QCOMPARE(y[0], want[0]);
      QCOMPARE(y[1], want[1]);
    }
  }

  void matmulMatchesReferenceAndPortableOnOddShapes() {
    std::vector<Case> cases;
    // Rows of whole 16-block groups, of one short group, and of whole groups and a short one (1088, 1984,
    // 2368: the last group has 1, 15 and 5 blocks).
    for (int cols : {64, 128, 192, 320, 576, 1024, 1088, 1984, 2048, 2368, 4096})
      for (int n : {1, 2, 3, 4, 5, 8, 15, 16, 17, 33})
        for (int rows : {1, 3, 13, 37}) cases.push_back({rows, cols, n, 0, rows, rows});
    // Row ranges that start and end mid-matrix, and strides wider than the matrix.
    for (int n : {1, 2, 5, 17, 40}) {
      cases.push_back({45, 256, n, 7, 38, 45});
      cases.push_back({45, 256, n, 3, 4, 50});
      cases.push_back({64, 1024, n, 17, 63, 71});
      cases.push_back({100, 640, n, 33, 99, 128});
    }
    // Rows as long as Gemma's down projection (kernels may take several such rows per pass), with row
    // counts that leave every kind of remainder.
    for (int n : {1, 2, 3, 9})
      for (int rows : {7, 10}) cases.push_back({rows, 16384, n, 1, rows, rows + 1});
    // Rows wider than any Gemma matrix, with up to 7 activation rows: past what the AVX-512 rows kernel keeps
    // on its stack (7 x 1200 blocks of corrections).
    for (int n : {1, 7}) cases.push_back({3, 76800, n, 0, 3, 3});
    int checked = 0;
    for (const Case& c : cases) {
      const Int8Matrix w = RandomInt8Matrix(c.rows, c.cols, 7 * c.rows + c.cols + c.n);
      const std::vector<float> x = RandomActivations(c.n, c.cols, 99 + c.n + c.cols);
      std::vector<int8_t> xq(x.size());
      std::vector<float> xs(x.size() / kQuantBlock);
      KernelsFor(KernelPath::kPortable).quantize_rows(x.data(), c.n, c.cols, xq.data(), xs.data());
      const ReferenceResult ref = ReferenceMatMulInt8(w, xq, xs, c.n);
      const float sentinel = -12345.0f;
      std::vector<float> portable;
      for (KernelPath p : SupportedKernelPaths()) {
        std::vector<float> y(size_t(c.n) * c.ldy, sentinel);
        KernelsFor(p).matmul_int8(w.view(), xq.data(), xs.data(), c.n, c.row_begin, c.row_end, y.data(), c.ldy);
        for (int i = 0; i < c.n; ++i) {
          for (int r = 0; r < c.ldy; ++r) {
            const float got = y[size_t(i) * c.ldy + r];
            if (r < c.row_begin || r >= c.row_end) {
              if (got != sentinel)
                QFAIL(qPrintable(QString("%1 wrote outside rows [%2, %3): i=%4 r=%5 (rows=%6 cols=%7 n=%8)")
                                     .arg(KernelPathName(p)).arg(c.row_begin).arg(c.row_end).arg(i).arg(r)
                                     .arg(c.rows).arg(c.cols).arg(c.n)));
              continue;
            }
            const double want = ref.y[size_t(i) * c.rows + r];
            const double tol = 1e-5 * ref.magnitude[size_t(i) * c.rows + r] + 1e-30;
            const double other = portable.empty() ? got : portable[size_t(i) * c.ldy + r];
            if (!(std::fabs(got - want) <= tol) || !(std::fabs(got - other) <= 2 * tol))
              QFAIL(qPrintable(QString("%1: y[%2][%3] = %4, reference %5, portable %6 (rows=%7 cols=%8 n=%9)")
                                   .arg(KernelPathName(p)).arg(i).arg(r).arg(got, 0, 'g', 9).arg(want, 0, 'g', 9)
                                   .arg(other, 0, 'g', 9).arg(c.rows).arg(c.cols).arg(c.n)));
            ++checked;
          }
        }
        if (p == KernelPath::kPortable) portable = y;
      }
    }
    QVERIFY(checked > 0);
  }

  void matmulIsExactForWeightsOfMinus128() {
    // Our quantizer never makes -128, but a weight file might hold it; every path must still be exact.
    const Int8Matrix w = RandomInt8Matrix(9, 192, 5, -128, 127);
    const std::vector<float> x = RandomActivations(6, 192, 6);
    std::vector<int8_t> xq(x.size());
    std::vector<float> xs(x.size() / kQuantBlock);
    KernelsFor(KernelPath::kPortable).quantize_rows(x.data(), 6, 192, xq.data(), xs.data());
    const ReferenceResult ref = ReferenceMatMulInt8(w, xq, xs, 6);
    for (KernelPath p : SupportedKernelPaths()) {
      std::vector<float> y(6 * 9);
      KernelsFor(p).matmul_int8(w.view(), xq.data(), xs.data(), 6, 0, 9, y.data(), 9);
      for (size_t k = 0; k < y.size(); ++k)
        QVERIFY2(std::fabs(y[k] - ref.y[k]) <= 1e-5 * ref.magnitude[k] + 1e-30, KernelPathName(p));
    }
  }

  void emptyRowRangeWritesNothing() {
    const Int8Matrix w = RandomInt8Matrix(8, 64, 1);
    std::vector<int8_t> xq(64, 1);
    std::vector<float> xs(1, 1.0f);
    for (KernelPath p : SupportedKernelPaths()) {
      std::vector<float> y(8, 7.0f);
      KernelsFor(p).matmul_int8(w.view(), xq.data(), xs.data(), 1, 4, 4, y.data(), 8);
      for (float v : y) QCOMPARE(v, 7.0f);
    }
  }

  void dequantizeRowGivesScaleTimesValue() {
    const Int8Matrix w = RandomInt8Matrix(3, 128, 11);
    std::vector<float> out(128);
    DequantizeRow(w.view(), 2, out.data());
    for (int c = 0; c < 128; ++c)
      QCOMPARE(out[c], Float(w.scales[2 * 2 + c / 64]) * float(w.q[2 * 128 + Int8StoredIndex(128, c)]));
    std::vector<float> f = {1, 2, 3, 4, 5, 6};
    MatrixView fv;
    fv.type = WeightType::kF32;
    fv.rows = 2;
    fv.cols = 3;
    fv.f32 = f.data();
    DequantizeRow(fv, 1, out.data());
    QCOMPARE(out[0], 4.0f);
    QCOMPARE(out[2], 6.0f);
    QVERIFY_THROWS_EXCEPTION(Error, DequantizeRow(fv, 2, out.data()));
    QVERIFY_THROWS_EXCEPTION(Error, DequantizeRow(w.view(), -1, out.data()));
  }
};

QTEST_APPLESS_MAIN(TestKernels)
#include "tst_kernels.moc"
