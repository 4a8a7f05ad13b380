#include "core/model/dtype.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/model/pread_file.h"

namespace gemma {

// Checkpoints are little-endian; so is every machine GemmaChat targets, which lets us memcpy values.
static_assert(std::endian::native == std::endian::little, "the checkpoint readers assume a little-endian CPU");

namespace {

uint16_t LoadU16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

}  // namespace

float Bf16ToF32(uint16_t bits) { return std::bit_cast<float>(uint32_t(bits) << 16); }

float F16ToF32(uint16_t bits) {
  const uint32_t sign = uint32_t(bits & 0x8000) << 16;
  const uint32_t exponent = (bits >> 10) & 0x1f;
  const uint32_t mantissa = bits & 0x3ff;
  if (exponent == 0) {  // zero or subnormal: mantissa * 2^-24, exact in f32
    const float magnitude = std::ldexp(float(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 31) return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));  // inf / NaN
  return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

void ConvertF32(const uint8_t* in, size_t count, float* out) { std::memcpy(out, in, count * sizeof(float)); }

// Both conversions go through blocks of fixed size so the compiler vectorizes the inner loops at -O2.
constexpr size_t kBlock = 256;

void ConvertBf16(const uint8_t* in, size_t count, float* out) {
  uint16_t halves[kBlock] = {};  // the tail of the last block is converted but not copied out
  uint32_t words[kBlock];
  for (size_t done = 0; done < count; done += kBlock) {
    const size_t n = std::min(kBlock, count - done);
    std::memcpy(halves, in + 2 * done, 2 * n);
    for (size_t i = 0; i < kBlock; ++i) words[i] = uint32_t(halves[i]) << 16;
    std::memcpy(out + done, words, 4 * n);
  }
}

namespace {

// All 65536 halves decoded once: exact, and much faster than decoding (subnormals especially).
const float* F16Table() {
  static const std::vector<float> table = [] {
    std::vector<float> t(65536);
    for (uint32_t bits = 0; bits < 65536; ++bits) t[bits] = F16ToF32(uint16_t(bits));
    return t;
  }();
  return table.data();
}

}  // namespace

void ConvertF16(const uint8_t* in, size_t count, float* out) {
  const float* table = F16Table();
  for (size_t i = 0; i < count; ++i) out[i] = table[LoadU16(in + 2 * i)];
}

void DequantizeQ8_0(const uint8_t* in, size_t count, float* out) {
  for (size_t block = 0; block < count / kQ8_0BlockValues; ++block) {
    const uint8_t* b = in + block * kQ8_0BlockBytes;
    const float d = F16ToF32(LoadU16(b));
    const auto* q = reinterpret_cast<const int8_t*>(b + 2);
    for (int i = 0; i < kQ8_0BlockValues; ++i) out[block * kQ8_0BlockValues + i] = d * float(q[i]);
  }
}

const char* ElementTypeName(ElementType type) {
  switch (type) {
    case ElementType::kF32: return "F32";
    case ElementType::kF16: return "F16";
    case ElementType::kBF16: return "BF16";
    case ElementType::kQ8_0: return "Q8_0";
  }
  return "?";
}

void ConvertToF32(ElementType type, const uint8_t* in, size_t count, float* out) {
  switch (type) {
    case ElementType::kF32: return ConvertF32(in, count, out);
    case ElementType::kF16: return ConvertF16(in, count, out);
    case ElementType::kBF16: return ConvertBf16(in, count, out);
    case ElementType::kQ8_0: return DequantizeQ8_0(in, count, out);
  }
}

uint64_t ElementBytes(ElementType type, uint64_t count) {
  switch (type) {
    case ElementType::kF32: return count * 4;
    case ElementType::kF16:
    case ElementType::kBF16: return count * 2;
    case ElementType::kQ8_0: return count / kQ8_0BlockValues * kQ8_0BlockBytes;
  }
  return 0;
}

void ReadAsF32(const PreadFile& file, uint64_t offset, ElementType type, uint64_t count, float* out) {
  if (type == ElementType::kF32) return file.ReadAt(offset, count * 4, out);  // already the output layout
  // Whole Q8_0 blocks per step; 2^20 elements is 2 MB of bf16/f16.
  constexpr uint64_t kStep = uint64_t(1) << 20;
  static_assert(kStep % kQ8_0BlockValues == 0);
  std::vector<uint8_t> buffer(size_t(ElementBytes(type, std::min(count, kStep))));
  for (uint64_t done = 0; done < count;) {
    const uint64_t n = std::min(count - done, kStep);
    const uint64_t bytes = ElementBytes(type, n);
    file.ReadAt(offset, bytes, buffer.data());
    ConvertToF32(type, buffer.data(), size_t(n), out + done);
    offset += bytes;
    done += n;
  }
}

}  // namespace gemma
