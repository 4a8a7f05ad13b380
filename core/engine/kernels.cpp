// Kernel dispatch (which paths this CPU can run, GEMMA_KERNEL), the portable reference kernels every SIMD
// path is tested against, and DequantizeRow.
//
// The numbers every path must reproduce:
//  - quantize_rows is bit-identical on every path: per block of 64, amax = max|x|, scale = amax / 127,
//    inv = 127 / amax, q = round-half-even(x * inv) clamped to [-127, 127] (NaN -> -127, so even garbage in
//    gives the same bytes everywhere); an all-zero block gives scale 0 and q 0. Rows come out in the
//    interleaved layout of weights.h, as the weights are stored. Only IEEE single
//    multiplies and divides are involved, in the same order, so SIMD and scalar agree bit for bit.
//  - matmul_int8 computes each block's int32 dot exactly, then y = sum_b (xs * ws) * float(idot). Paths
//    differ only in the order (and fusing) of that float sum.
#include "core/engine/kernels.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "core/engine/error.h"
#include "core/engine/kernels_impl.h"

namespace gemma {
namespace kernels_detail {

void* KernelScratch(ScratchSlot slot, size_t bytes) {
  struct Buffer {
    std::unique_ptr<uint8_t[]> storage;
    size_t capacity = 0;
    uint8_t* aligned = nullptr;
  };
  thread_local Buffer buffers[static_cast<int>(ScratchSlot::kCount)];
  Buffer& b = buffers[static_cast<int>(slot)];
  if (bytes > b.capacity) {
    const size_t capacity = bytes + bytes / 4 + 64;  // grow with headroom so slowly growing n settles
    b.storage = std::make_unique<uint8_t[]>(capacity + 63);
    const auto address = reinterpret_cast<uintptr_t>(b.storage.get());
    b.aligned = b.storage.get() + ((64 - address % 64) % 64);
    b.capacity = capacity;
  }
  return b.aligned;
}

// Stores one block's 64 quantized values, given in order, where the interleaved layout puts them.
void StoreBlock(const int8_t* values, int64_t cols, int block, int8_t* row) {
  for (int word = 0; word < kQuantBlock / 4; ++word)
    std::memcpy(row + Int8StoredIndex(cols, int64_t(block) * kQuantBlock + 4 * word), values + 4 * word, 4);
}

// The largest |x| of a block; a NaN is skipped, as the SIMD paths' max skips it.
float BlockAbsMax(const float* xb) {
  float amax = 0.0f;
  for (int j = 0; j < kQuantBlock; ++j) {
    const float a = std::fabs(xb[j]);
    amax = a > amax ? a : amax;
  }
  return amax;
}

// A value already rounded to an integer, as int8 in [-127, 127]; written so NaN lands on -127, as the SIMD
// paths' saturating conversion does.
int8_t ClampToInt8(float rounded) {
  return static_cast<int8_t>(rounded > 127.0f ? 127 : (rounded >= -127.0f ? static_cast<int>(rounded) : -127));
}

void QuantizeRowsPortable(const float* x, int n, int cols, int8_t* q, float* scales) {
  const int blocks = cols / kQuantBlock;
  for (int64_t i = 0; i < n; ++i) {
    for (int b = 0; b < blocks; ++b) {
      const float* xb = x + i * cols + int64_t(b) * kQuantBlock;
      int8_t qb[kQuantBlock] = {};
      const float amax = BlockAbsMax(xb);
      scales[i * blocks + b] = amax / 127.0f;
      if (amax != 0.0f) {
        const float inv = 127.0f / amax;
        for (int j = 0; j < kQuantBlock; ++j) qb[j] = ClampToInt8(std::nearbyint(xb[j] * inv));
      }
      StoreBlock(qb, cols, b, q + i * cols);
    }
  }
}

// Each block's exact int32 dot, summed in float with the block's two scales. A block's 16 words sit at a
// stride of the group's block count (weights.h), the same in both operands.
void MatMulInt8Portable(const MatrixView& w, const int8_t* xq, const float* xs, int n, int row_begin,
                        int row_end, float* y, int ldy) {
  const int cols = w.cols;
  const int blocks = cols / kQuantBlock;
  for (int r = row_begin; r < row_end; ++r) {
    const int8_t* wr = w.q + int64_t(r) * cols;
    const uint16_t* wsr = w.scales + int64_t(r) * blocks;
    for (int64_t i = 0; i < n; ++i) {
      const int8_t* xr = xq + i * cols;
      const float* xsr = xs + i * blocks;
      float acc = 0.0f;
      for (int b = 0; b < blocks; ++b) {
        int32_t idot = 0;
        for (int word = 0; word < kQuantBlock / 4; ++word) {
          const int64_t at = Int8StoredIndex(cols, int64_t(b) * kQuantBlock + 4 * word);
          for (int t = 0; t < 4; ++t) idot += int32_t(wr[at + t]) * int32_t(xr[at + t]);
        }
        float ws;
        FloatsFromHalvesPortable(wsr + b, 1, &ws);
        acc += (xsr[b] * ws) * float(idot);
      }
      y[i * ldy + r] = acc;
    }
  }
}

void HalvesFromFloatsPortable(const float* in, int64_t n, uint16_t* out) {
  for (int64_t i = 0; i < n; ++i) {
    uint32_t x;
    std::memcpy(&x, in + i, sizeof x);
    const uint16_t sign = uint16_t((x >> 16) & 0x8000u);
    const uint32_t magnitude = x & 0x7FFFFFFFu;
    if (magnitude > 0x7F800000u) {  // NaN: quiet, with the top bits of its payload
      out[i] = uint16_t(sign | 0x7E00u | ((magnitude >> 13) & 0x3FFu));
    } else if (magnitude >= 0x477FF000u) {  // 65520 and up round to infinity (the largest half is 65504)
      out[i] = uint16_t(sign | 0x7C00u);
    } else if (magnitude >= 0x38800000u) {  // a normal half: rebias the exponent, round at bit 13 to even
      out[i] = uint16_t(sign | ((magnitude + 0xFFFu + ((magnitude >> 13) & 1u) - 0x38000000u) >> 13));
    } else {  // a subnormal half (or zero): units of 2^-24, rounded to nearest even
      const int exponent = int(magnitude >> 23);
      if (exponent < 102) {  // below 2^-25 (float subnormals included): rounds to zero
        out[i] = sign;
        continue;
      }
      const uint32_t mantissa = (magnitude & 0x7FFFFFu) | 0x800000u;
      const int shift = 126 - exponent;  // 14..24
      uint32_t q = mantissa >> shift;
      const uint32_t rest = mantissa & ((1u << shift) - 1), half_way = 1u << (shift - 1);
      if (rest > half_way || (rest == half_way && (q & 1u))) ++q;  // may carry into the smallest normal
      out[i] = uint16_t(sign | q);
    }
  }
}

void FloatsFromHalvesPortable(const uint16_t* in, int64_t n, float* out) {
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t h = in[i];
    const uint32_t sign = (h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1Fu;
    uint32_t mantissa = h & 0x3FFu;
    uint32_t x;
    if (exponent == 0x1F) {
      x = sign | 0x7F800000u | (mantissa << 13) | (mantissa ? 0x400000u : 0u);  // a NaN comes back quiet
    } else if (exponent != 0) {
      x = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
      x = sign;
    } else {  // subnormal: normalise
      uint32_t e = 113;
      while (!(mantissa & 0x400u)) mantissa <<= 1, --e;
      x = sign | (e << 23) | ((mantissa & 0x3FFu) << 13);
    }
    std::memcpy(out + i, &x, sizeof x);
  }
}

}  // namespace kernels_detail

namespace {

using namespace kernels_detail;

bool CpuRuns(KernelPath path) {
  __builtin_cpu_init();
  switch (path) {
    case KernelPath::kPortable:
      return true;
    case KernelPath::kAvx2:
      // kernels_avx2.cpp is built with -mavx2 -mfma -mf16c, so the compiler may use any of them.
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    case KernelPath::kAvx512Vnni:
      // kernels_avx512.cpp also has -mavx512dq and the AVX2 set. __builtin_cpu_supports checks that the OS
      // saves the zmm state too (XGETBV), not just the CPUID bits.
      return CpuRuns(KernelPath::kAvx2) && __builtin_cpu_supports("avx512f") &&
             __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
             __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vnni");
  }
  return false;
}

constexpr KernelPath kAllPaths[] = {KernelPath::kPortable, KernelPath::kAvx2, KernelPath::kAvx512Vnni};

}  // namespace

const char* KernelPathName(KernelPath path) {
  switch (path) {
    case KernelPath::kPortable:
      return "portable";
    case KernelPath::kAvx2:
      return "avx2";
    case KernelPath::kAvx512Vnni:
      return "avx512-vnni";
  }
  return "unknown";
}

std::vector<KernelPath> SupportedKernelPaths() {
  std::vector<KernelPath> paths;
  for (KernelPath p : kAllPaths)
    if (CpuRuns(p)) paths.push_back(p);
  return paths;
}

KernelPath BestKernelPath() {
  const std::vector<KernelPath> supported = SupportedKernelPaths();
  const char* forced = std::getenv("GEMMA_KERNEL");
  if (forced == nullptr || *forced == '\0') return supported.back();
  for (KernelPath p : kAllPaths) {
    if (std::strcmp(forced, KernelPathName(p)) != 0) continue;
    if (!CpuRuns(p))
      throw Error(std::string("GEMMA_KERNEL=") + forced + " asks for kernels this CPU cannot run: unset it, or "
                  "pick one of the paths it supports (the fastest, " + KernelPathName(supported.back()) +
                  ", is the default)");
    return p;
  }
  throw Error(std::string("GEMMA_KERNEL=") + forced +
              " is not a kernel path: use portable, avx2 or avx512-vnni, or unset it for the fastest");
}

const Kernels& KernelsFor(KernelPath path) {
  static const Kernels kPortable{KernelPath::kPortable, &QuantizeRowsPortable, &MatMulInt8Portable,
                                 &HalvesFromFloatsPortable, &FloatsFromHalvesPortable};
  static const Kernels kAvx2{KernelPath::kAvx2, &QuantizeRowsAvx2, &MatMulInt8Avx2, &HalvesFromFloatsF16c,
                             &FloatsFromHalvesF16c};
  static const Kernels kAvx512{KernelPath::kAvx512Vnni, &QuantizeRowsAvx512, &MatMulInt8Avx512,
                               &HalvesFromFloatsF16c, &FloatsFromHalvesF16c};
  if (!CpuRuns(path))
    throw Error(std::string("this CPU cannot run the ") + KernelPathName(path) + " kernels");
  switch (path) {
    case KernelPath::kPortable:
      return kPortable;
    case KernelPath::kAvx2:
      return kAvx2;
    case KernelPath::kAvx512Vnni:
      return kAvx512;
  }
  throw Error("unknown kernel path");
}

void DequantizeRow(const MatrixView& w, int row, float* out) {
  if (row < 0 || row >= w.rows)
    throw Error("row " + std::to_string(row) + " is outside a matrix of " + std::to_string(w.rows) + " rows");
  const int64_t cols = w.cols;
  if (w.type == WeightType::kF32) {
    if (w.f32 == nullptr) throw Error("DequantizeRow: the f32 matrix has no data");
    std::memcpy(out, w.f32 + row * cols, sizeof(float) * cols);
    return;
  }
  if (w.q == nullptr || w.scales == nullptr) throw Error("DequantizeRow: the int8 matrix has no data");
  if (cols % kQuantBlock != 0)
    throw Error("an int8 matrix needs a column count that is a multiple of " + std::to_string(kQuantBlock));
  const int8_t* q = w.q + row * cols;
  for (int64_t b = 0; b < cols / kQuantBlock; ++b) {
    float scale;
    FloatsFromHalvesPortable(w.scales + row * (cols / kQuantBlock) + b, 1, &scale);
    for (int64_t c = b * kQuantBlock; c < (b + 1) * kQuantBlock; ++c) out[c] = scale * float(q[Int8StoredIndex(cols, c)]);
  }
}

void QuantizeWeightRows(const float* x, int n, int cols, int8_t* q, uint16_t* scales) {
  constexpr uint16_t kLargestHalf = 0x7BFF;  // 65504
  const int blocks = cols / kQuantBlock;
  for (int64_t i = 0; i < n; ++i) {
    for (int b = 0; b < blocks; ++b) {
      const float* xb = x + i * cols + int64_t(b) * kQuantBlock;
      const float wanted = BlockAbsMax(xb) / 127.0f;
      uint16_t half;
      HalvesFromFloatsPortable(&wanted, 1, &half);
      if (half == 0x7C00) half = kLargestHalf;
      float scale;
      FloatsFromHalvesPortable(&half, 1, &scale);
      scales[i * blocks + b] = scale == 0.0f ? 0 : half;
      int8_t qb[kQuantBlock] = {};
      if (scale != 0.0f)
        for (int j = 0; j < kQuantBlock; ++j) qb[j] = ClampToInt8(std::nearbyint(xb[j] / scale));
      StoreBlock(qb, cols, b, q + i * cols);
    }
  }
}

}  // namespace gemma
