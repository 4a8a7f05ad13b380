// f32 -> bf16 / f16 encoding for the test writers, written independently of the readers in core/model so a
// shared mistake cannot hide: both round to nearest, ties to even, like torch and numpy.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

namespace gemma::testing {

inline uint16_t F32ToBf16(float value) {
  const uint32_t bits = std::bit_cast<uint32_t>(value);
  if ((bits & 0x7fffffff) > 0x7f800000) return uint16_t((bits >> 16) | 0x40);  // quiet NaN
  const uint32_t rounding = 0x7fff + ((bits >> 16) & 1);
  return uint16_t((bits + rounding) >> 16);
}

inline uint16_t F32ToF16(float value) {
  const uint32_t bits = std::bit_cast<uint32_t>(value);
  const uint16_t sign = uint16_t((bits >> 16) & 0x8000);
  const uint32_t magnitude = bits & 0x7fffffff;
  if (magnitude > 0x7f800000) return sign | 0x7e00;                  // NaN
  if (magnitude >= 0x477ff000) return sign | 0x7c00;                 // >= 65520 rounds to infinity
  if (magnitude < 0x38800000) {                                      // below 2^-14: subnormal or zero
    const float scaled = std::bit_cast<float>(magnitude) * 16777216.0f;  // in units of 2^-24, exact
    return sign | uint16_t(std::nearbyint(scaled));                  // 0x400 becomes the smallest normal
  }
  const uint32_t exponent = (magnitude >> 23) - 127 + 15;
  const uint32_t mantissa = magnitude & 0x7fffff;
  uint32_t half = (exponent << 10) | (mantissa >> 13);
  const uint32_t rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1))) ++half;       // carries into the exponent correctly
  return sign | uint16_t(half);
}

// Decoding for tests' expectations (the inverse of the above, exact).
inline float Bf16BitsToF32(uint16_t bits) { return std::bit_cast<float>(uint32_t(bits) << 16); }
inline float F16BitsToF32(uint16_t bits) {
  const float sign = (bits & 0x8000) ? -1.0f : 1.0f;
  const int exponent = (bits >> 10) & 0x1f;
  const int mantissa = bits & 0x3ff;
  if (exponent == 0) return sign * std::ldexp(float(mantissa), -24);
  if (exponent == 31) return mantissa ? NAN : sign * INFINITY;
  return sign * std::ldexp(float(1024 + mantissa), exponent - 25);
}

}  // namespace gemma::testing
