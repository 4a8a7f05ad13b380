// Random int8 matrices and activations for the kernel and MatMul tests, and a double-precision reference
// of what matmul_int8 must compute, written straight from the contract in core/engine/kernels.h.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "core/engine/kernels.h"
#include "core/engine/weights.h"

namespace gemma::testing {

// A weight scale as the IEEE half the kernels read, and back (the conversions have tests of their own).
inline uint16_t Half(float f) {
  uint16_t h;
  KernelsFor(KernelPath::kPortable).halves_from_floats(&f, 1, &h);
  return h;
}
inline float Float(uint16_t h) {
  float f;
  KernelsFor(KernelPath::kPortable).floats_from_halves(&h, 1, &f);
  return f;
}

struct Int8Matrix {
  int rows = 0, cols = 0;
  std::vector<int8_t> q;
  std::vector<uint16_t> scales;  // halves
  MatrixView view() const {
    MatrixView v;
    v.type = WeightType::kInt8;
    v.rows = rows;
    v.cols = cols;
    v.q = q.data();
    v.scales = scales.data();
    return v;
  }
};

// Values in [lo, hi] with the extremes over-represented, and positive scales of varied magnitude.
inline Int8Matrix RandomInt8Matrix(int rows, int cols, uint64_t seed, int lo = -127, int hi = 127) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> value(lo, hi), pick(0, 9);
  std::uniform_real_distribution<float> scale(0.001f, 0.1f);
  Int8Matrix m;
  m.rows = rows;
  m.cols = cols;
  m.q.resize(size_t(rows) * cols);
  for (int8_t& v : m.q) {
    const int p = pick(rng);
    v = static_cast<int8_t>(p == 0 ? lo : p == 1 ? hi : value(rng));
  }
  m.scales.resize(size_t(rows) * (cols / kQuantBlock));
  for (uint16_t& s : m.scales) s = Half(scale(rng));
  return m;
}

// Activations shaped like a transformer's: mostly small, a few large outliers, some all-zero blocks.
inline std::vector<float> RandomActivations(int n, int cols, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> pick(0, 99);
  std::vector<float> x(size_t(n) * cols);
  for (float& v : x) v = normal(rng) * (pick(rng) == 0 ? 40.0f : 1.0f);
  for (size_t b = 0; b < x.size() / kQuantBlock; ++b)
    if (pick(rng) < 3)
      for (int j = 0; j < kQuantBlock; ++j) x[b * kQuantBlock + j] = 0.0f;
  return x;
}

// y[i][r] in double, and the sum of |terms| that bounds the float rounding of any summation order. A term is
// the scaled dot of one stored 4-byte word: the unit vpdpbusd computes exactly in one int32 lane, which the
// kernels may sum in float (they all sum whole blocks exactly first). Rows are in the stored layout of
// weights.h, so value c of a row is byte Int8StoredIndex(cols, c), in the weights and the activations alike.
struct ReferenceResult {
  std::vector<double> y, magnitude;  // [n * rows]
};

inline ReferenceResult ReferenceMatMulInt8(const Int8Matrix& w, const std::vector<int8_t>& xq,
                                           const std::vector<float>& xs, int n) {
  const int blocks = w.cols / kQuantBlock;
  ReferenceResult out;
  out.y.assign(size_t(n) * w.rows, 0.0);
  out.magnitude.assign(size_t(n) * w.rows, 0.0);
  for (int i = 0; i < n; ++i) {
    for (int r = 0; r < w.rows; ++r) {
      double sum = 0, mag = 0;
      for (int b = 0; b < blocks; ++b) {
        const double scale = double(xs[size_t(i) * blocks + b]) * Float(w.scales[size_t(r) * blocks + b]);
        for (int g = 0; g < kQuantBlock; g += 4) {
          int64_t dot = 0;
          for (int j = g; j < g + 4; ++j) {
            const size_t c = size_t(Int8StoredIndex(w.cols, int64_t(b) * kQuantBlock + j));
            dot += int64_t(w.q[size_t(r) * w.cols + c]) * xq[size_t(i) * w.cols + c];
          }
          sum += scale * double(dot);
          mag += std::fabs(scale * double(dot));
        }
      }
      out.y[size_t(i) * w.rows + r] = sum;
      out.magnitude[size_t(i) * w.rows + r] = mag;
    }
  }
  return out;
}

}  // namespace gemma::testing
