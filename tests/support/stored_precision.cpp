#include "tests/support/stored_precision.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

namespace gemma::testing {
namespace {

float RoundToBf16(float x) {  // nearest, ties to even
  const uint32_t bits = std::bit_cast<uint32_t>(x);
  const uint32_t rounded = (bits + 0x7fff + ((bits >> 16) & 1)) & 0xffff0000u;
  return std::bit_cast<float>(rounded);
}

float RoundToF16(float x) { return float(static_cast<_Float16>(x)); }

// llama.cpp's Q8_0: d = max|x| / 127; q = round(x * (1 / d)) half away from zero, with d as computed; the
// file stores d as f16, so the value read back is q * f16(d).
void RoundQ8_0Block(float* x, int n) {
  float amax = 0;
  for (int i = 0; i < n; ++i) amax = std::max(amax, std::abs(x[i]));
  const float d = amax / 127.0f;
  const float inverse = d != 0 ? 1.0f / d : 0.0f;
  const float stored_d = RoundToF16(d);
  for (int i = 0; i < n; ++i) x[i] = std::round(x[i] * inverse) * stored_d;
}

}  // namespace

TinyModel RoundedAsStored(const TinyModel& model, StoredPrecision precision) {
  TinyModel rounded = model;
  for (auto& [name, values] : rounded.tensors) {
    const auto& shape = rounded.shapes.at(name);
    if (precision == StoredPrecision::kQ8_0) {
      if (shape.size() != 2) continue;
      for (size_t start = 0; start < values.size(); start += 32)
        RoundQ8_0Block(values.data() + start, int(std::min<size_t>(32, values.size() - start)));
    } else {
      for (float& v : values) v = precision == StoredPrecision::kBF16 ? RoundToBf16(v) : RoundToF16(v);
    }
  }
  return rounded;
}

}  // namespace gemma::testing
