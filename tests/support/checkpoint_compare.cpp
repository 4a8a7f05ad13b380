#include "tests/support/checkpoint_compare.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "tests/support/tiny_checkpoint.h"

namespace gemma::testing {
namespace {

// The largest error rounding can cause for `expected`, given the other values of its Q8_0 block.
double Tolerance(Precision p, double expected, double block_max) {
  switch (p) {
    case Precision::kExact: return 0;
    case Precision::kBf16: return std::ldexp(std::fabs(expected), -8) + 1e-30;   // 8-bit mantissa, half-ulp 2^-9
    case Precision::kF16: return std::ldexp(std::fabs(expected), -10) + std::ldexp(1.0, -24);
    // half a step of d = max/127, plus d's own f16 rounding times |q| <= 127.
    case Precision::kQ8_0: return 0.5 * block_max / 127 * (1 + 1e-3) + block_max * std::ldexp(1.0, -11) + 1e-30;
  }
  return 0;
}

}  // namespace

std::string CompareWithTinyModel(CheckpointReader& reader, const TinyModel& model, Precision matrices,
                                 Precision norms, int chunk_rows) {
  if (!(reader.config() == model.config)) return "config() differs from the model's";
  if (reader.tokenizer_model() != model.tokenizer_model) return "tokenizer_model() differs from the model's";
  auto expected_reader = MakeTinyCheckpoint(model);
  for (const TensorSpec& spec : GemmaTensorSpecs(model.config)) {
    const bool is_norm = spec.shape.size() == 1;
    const int64_t rows = is_norm ? 1 : spec.shape[0];
    const int64_t cols = spec.shape.back();
    std::vector<float> expected(size_t(rows * cols)), actual(size_t(rows * cols), NAN);
    expected_reader->ReadRows(spec.name, 0, rows, expected.data());
    for (int64_t r = 0; r < rows; r += chunk_rows) {
      const int64_t n = std::min<int64_t>(chunk_rows, rows - r);
      reader.ReadRows(spec.name, r, n, actual.data() + r * cols);
    }
    const Precision p = is_norm ? norms : matrices;
    for (int64_t i = 0; i < rows * cols; ++i) {
      double block_max = 0;
      if (p == Precision::kQ8_0) {
        const int64_t start = i / 32 * 32;  // rows are multiples of 32 long, so blocks never straddle rows
        for (int64_t k = start; k < start + 32; ++k) block_max = std::max(block_max, std::fabs(double(expected[k])));
      }
      const double e = expected[size_t(i)], a = actual[size_t(i)];
      if (!(std::fabs(a - e) <= Tolerance(p, e, block_max))) {
        return spec.name + " [" + std::to_string(i / cols) + ", " + std::to_string(i % cols) + "]: expected " +
               std::to_string(e) + ", got " + std::to_string(a);
      }
    }
  }
  return "";
}

}  // namespace gemma::testing
