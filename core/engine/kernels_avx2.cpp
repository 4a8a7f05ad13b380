// AVX2 kernels (avx2, fma, f16c), used only after kernels.cpp checked the CPU. Same math and the same two
// kernel shapes as kernels_avx512.cpp, with 8 lanes and without VNNI: a stored 16-block group's word k
// (weights.h) is two ymm, blocks 0-7 and 8-15, and each lane keeps its block's dot.
//
// AVX2 multiplies bytes with vpmaddubsw (unsigned x signed -> int16 pairs, saturating), so here we use the
// sign trick: |w| (unsigned) times x with w's sign applied (vpsignb). Every pair sum is at most
// 2 * 128 * 127 = 32512 < 32767, so nothing saturates and the dot is exact, also for a weight of -128
// (|-128| is 128 as an unsigned byte). It needs x in [-127, 127], which quantize_rows guarantees.
// (The +128 bias of the AVX-512 path would saturate here: 255 * 127 * 2 > 32767.)
//
// GCC 12 warns about the deliberately undefined vectors inside its own intrinsic headers; not our code.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include <cstring>

#include "core/engine/kernels_impl.h"

namespace gemma::kernels_detail {
namespace {

constexpr int kBlock = kQuantBlock;  // 64 bytes: two ymm of int8
static_assert(kBlock == 64, "the AVX2 kernels assume two ymm per quantization block");

constexpr int kLanesMinRows = 16;  // activation rows from which the lanes kernel wins (tests/bench)
constexpr int kTileRows = 4;      // weight rows per lanes-kernel tile (16 ymm registers)
constexpr int kLanes = 8;         // activation rows per ymm in the lanes kernel
// Decode prefetches: the weights into L2 8 KB ahead, and the activation row into L1, for every 64 bytes. Unlike
// the AVX-512 kernel (one line in four), this loop wants every line: one in two halved a decoded token's pace
// on one core, and 8 KB ahead beat 16 KB by 2-3% and 4 KB by 20% (in-process A/B over a 2B token's matrices).
constexpr int kPrefetchWeights = 8192;
constexpr int kPrefetchActivations = 512;

// Prefetches may point past the end of the data (they never fault); the address is formed as an integer so
// that no out-of-range pointer is ever formed either.
template <int kHint>
inline void Prefetch(const void* base, int64_t offset) {
  _mm_prefetch(reinterpret_cast<const char*>(reinterpret_cast<uintptr_t>(base) + uintptr_t(offset)),
               static_cast<_mm_hint>(kHint));
}

inline int32_t Load32(const void* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Exact int32 dot of 32 signed bytes as 8 partial sums: |w| * (x with w's sign).
inline __m256i Dot32(__m256i w, __m256i x) {
  const __m256i products = _mm256_maddubs_epi16(_mm256_abs_epi8(w), _mm256_sign_epi8(x, w));
  return _mm256_madd_epi16(products, _mm256_set1_epi16(1));
}

inline __m256i FirstLanesMask(int count) {
  const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), index);
}

// Blocks in the group that starts at block b0 of a row of `blocks` blocks: 16 but in a row's last group.
inline int GroupBlocks(int blocks, int b0) { return blocks - b0 < 16 ? blocks - b0 : 16; }

constexpr int64_t kGroupBytes = 16 * kBlock;

// Word `word` of blocks 8h..8h+7 of a group of `count` blocks (lanes past count are zero). In a row's last,
// shorter group the words are `count` apart.
inline __m256i LoadWordHalf(const int8_t* group, int count, int word, int h) {
  if (count == 16) return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(group + word * 64 + 32 * h));
  return _mm256_maskload_epi32(reinterpret_cast<const int*>(group + 4 * (word * count + 8 * h)),
                               FirstLanesMask(count - 8 * h));
}

// ---- rows kernel ---------------------------------------------------------------------------------------

// One group's exact block dots: acc[h] lane j holds block 8h + j's int32 dot (lanes past count stay 0). A full
// group loads plainly; a row's last, shorter group through masks. Only the first activation row prefetches
// (later rows find the weights in cache). Both choices are template parameters, not tests in the loop: with
// that and the 8 KB distance, a decoded 2B token's matrices ran 10-13% faster on one core (1-7% on two).
template <bool kFullGroup, bool kPrefetch>
inline void GroupDot(const int8_t* wg, const int8_t* xg, int count, __m256i acc[2]) {
#pragma GCC unroll 16
  for (int k = 0; k < 16; ++k) {
    if (kPrefetch) {
      Prefetch<_MM_HINT_T1>(wg, k * 64 + kPrefetchWeights);
      Prefetch<_MM_HINT_T0>(xg, k * 64 + kPrefetchActivations);
    }
#pragma GCC unroll 2
    for (int h = 0; h < 2; ++h) {
      const __m256i wv = kFullGroup ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wg + k * 64 + 32 * h))
                                    : LoadWordHalf(wg, count, k, h);
      const __m256i xv = kFullGroup ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xg + k * 64 + 32 * h))
                                    : LoadWordHalf(xg, count, k, h);
      acc[h] = _mm256_add_epi32(acc[h], Dot32(wv, xv));
    }
  }
}

// facc += the group's block dots times their weight scales (halves, 16 of them readable) and activation
// scales (masked to count).
inline __m256 AddScaledGroup(const __m256i acc[2], const uint16_t* halves, const float* xs, int count, __m256 facc) {
#pragma GCC unroll 2
  for (int h = 0; h < 2; ++h) {
    const __m256 ws = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(halves + 8 * h)));
    const __m256 d = _mm256_mul_ps(_mm256_maskload_ps(xs + 8 * h, FirstLanesMask(count - 8 * h)), ws);
    facc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(acc[h]), d, facc);
  }
  return facc;
}

template <bool kPrefetch>
float RowTimesRow(const int8_t* wr, const uint16_t* wsr, int blocks, const int8_t* xr, const float* xsr) {
  __m256 facc = _mm256_setzero_ps();
  int b0 = 0;
  for (; b0 + 16 <= blocks; b0 += 16) {
    __m256i acc[2] = {_mm256_setzero_si256(), _mm256_setzero_si256()};
    GroupDot<true, kPrefetch>(wr + int64_t(b0) * kBlock, xr + int64_t(b0) * kBlock, 16, acc);
    facc = AddScaledGroup(acc, wsr + b0, xsr + b0, 16, facc);
  }
  if (b0 < blocks) {
    // The last, shorter group; its scales through a zero-padded copy (AVX2 has no 16-bit masked load).
    const int count = blocks - b0;
    __m256i acc[2] = {_mm256_setzero_si256(), _mm256_setzero_si256()};
    GroupDot<false, kPrefetch>(wr + int64_t(b0) * kBlock, xr + int64_t(b0) * kBlock, count, acc);
    uint16_t padded[16] = {};
    std::memcpy(padded, wsr + b0, sizeof(uint16_t) * size_t(count));
    facc = AddScaledGroup(acc, padded, xsr + b0, count, facc);
  }
  const __m128 h = _mm_add_ps(_mm256_castps256_ps128(facc), _mm256_extractf128_ps(facc, 1));
  const __m128 q = _mm_add_ps(h, _mm_movehl_ps(h, h));
  return _mm_cvtss_f32(_mm_add_ss(q, _mm_movehdup_ps(q)));
}

void RowsKernel(const MatrixView& w, const int8_t* xq, const float* xs, int n, int row_begin, int row_end,
                float* y, int ldy) {
  const int cols = w.cols;
  const int blocks = cols / kBlock;
  for (int r = row_begin; r < row_end; ++r) {
    const int8_t* wr = w.q + int64_t(r) * cols;
    const uint16_t* wsr = w.scales + int64_t(r) * blocks;
    for (int i = 0; i < n; ++i) {
      y[int64_t(i) * ldy + r] =
          i == 0 ? RowTimesRow<true>(wr, wsr, blocks, xq, xs)
                 : RowTimesRow<false>(wr, wsr, blocks, xq + int64_t(i) * cols, xs + int64_t(i) * blocks);
    }
  }
}

// ---- lanes kernel --------------------------------------------------------------------------------------

// Packed activations: group g holds rows [8g, 8g + 8); for block b and step k (bytes 4k..4k+3 of the block)
// one 32-byte vector whose lane l is those 4 bytes of row 8g + l. Rows past n are zeros with scale 0.
struct PackedX {
  const int8_t* q;   // [groups][blocks][16 steps][8 lanes][4]
  const float* s;    // [groups][blocks][8 lanes]
  int groups;
};

PackedX PackActivations(const int8_t* xq, const float* xs, int n, int cols) {
  const int blocks = cols / kBlock;
  const int groups = (n + kLanes - 1) / kLanes;
  const int64_t group_bytes = int64_t(blocks) * kBlock * kLanes;
  auto* q = static_cast<int32_t*>(KernelScratch(ScratchSlot::kPackedX, group_bytes * groups));
  auto* s = static_cast<float*>(KernelScratch(ScratchSlot::kPackedScales, sizeof(float) * blocks * kLanes * groups));
  for (int g = 0; g < groups; ++g) {
    for (int l = 0; l < kLanes; ++l) {
      const int row = g * kLanes + l;
      int32_t* dst = q + (g * group_bytes) / 4 + l;
      float* sdst = s + int64_t(g) * blocks * kLanes + l;
      const int8_t* src = xq + int64_t(row) * cols;
      for (int b = 0; b < blocks; ++b) {  // word k of block b = 16g + j is word k * count + j of group g
        const int j = b % 16, count = GroupBlocks(blocks, b - j);
        const int8_t* group = src + int64_t(b - j) * kBlock;
        for (int k = 0; k < 16; ++k)
          dst[(int64_t(b) * 16 + k) * kLanes] = row < n ? Load32(group + 4 * (k * count + j)) : 0;
        sdst[b * kLanes] = row < n ? xs[int64_t(row) * blocks + b] : 0.0f;
      }
    }
  }
  return {reinterpret_cast<const int8_t*>(q), s, groups};
}

// kTileRows weight rows, then the same rows as |w|, per 16-block group one after another
// ([group][2 * kTileRows rows][16 words][16 blocks][4 bytes], as stored, a row's last, shorter group widened
// to 16 with zeros), so one pointer walks them all and the inner loop needs no vpabsb; rows past the matrix
// are zero. scales is [block][row].
struct PackedTile {
  int8_t* q;
  float* scales;
};

PackedTile PackTile(const MatrixView& w, int r0, int rows) {
  const int cols = w.cols;
  const int blocks = cols / kBlock;
  const int groups = (blocks + 15) / 16;
  const int64_t q_bytes = int64_t(groups) * 2 * kTileRows * kGroupBytes;
  auto* base = static_cast<uint8_t*>(KernelScratch(ScratchSlot::kPackedW, q_bytes + int64_t(blocks) * kTileRows * 4));
  PackedTile t{reinterpret_cast<int8_t*>(base), reinterpret_cast<float*>(base + q_bytes)};
  for (int rr = 0; rr < kTileRows; ++rr) {
    const int8_t* src = w.q + int64_t(r0 + rr) * cols;
    for (int g = 0; g < groups; ++g) {
      const int count = GroupBlocks(blocks, 16 * g);
      int8_t* dst = t.q + (int64_t(g) * 2 * kTileRows + rr) * kGroupBytes;
      for (int k = 0; k < 16; ++k) {
        for (int h = 0; h < 2; ++h) {
          const __m256i v = rr < rows ? LoadWordHalf(src + g * kGroupBytes, count, k, h) : _mm256_setzero_si256();
          _mm256_store_si256(reinterpret_cast<__m256i*>(dst + k * 64 + 32 * h), v);
          _mm256_store_si256(reinterpret_cast<__m256i*>(dst + kTileRows * kGroupBytes + k * 64 + 32 * h),
                             _mm256_abs_epi8(v));
        }
      }
    }
    for (int b = 0; b < blocks; ++b)
      t.scales[b * kTileRows + rr] = rr < rows ? _cvtsh_ss(w.scales[int64_t(r0 + rr) * blocks + b]) : 0.0f;
  }
  return t;
}

// acc[rr] lane l is y[l][rr]: one (masked) 4-float store per activation row.
inline void StoreTransposed(const __m256 acc[4], float* y, int64_t ldy, int lanes, int rows) {
  const __m256 t0 = _mm256_unpacklo_ps(acc[0], acc[1]), t1 = _mm256_unpackhi_ps(acc[0], acc[1]);
  const __m256 t2 = _mm256_unpacklo_ps(acc[2], acc[3]), t3 = _mm256_unpackhi_ps(acc[2], acc[3]);
  // Per 128-bit half H, u[m] holds rows 0-3 of lane l = 4H + m.
  const __m256 u[4] = {_mm256_shuffle_ps(t0, t2, 0x44), _mm256_shuffle_ps(t0, t2, 0xEE),
                       _mm256_shuffle_ps(t1, t3, 0x44), _mm256_shuffle_ps(t1, t3, 0xEE)};
  const __m128i row_mask = _mm_cmpgt_epi32(_mm_set1_epi32(rows), _mm_setr_epi32(0, 1, 2, 3));
  for (int m = 0; m < 4; ++m) {
    if (m < lanes) _mm_maskstore_ps(y + m * ldy, row_mask, _mm256_castps256_ps128(u[m]));
    if (4 + m < lanes) _mm_maskstore_ps(y + (4 + m) * ldy, row_mask, _mm256_extractf128_ps(u[m], 1));
  }
}

void LanesTile(const PackedTile& t, int blocks, const PackedX& x, int n, int r0, int rows, float* y, int ldy) {
  constexpr int R = kTileRows;
  const __m256i ones = _mm256_set1_epi16(1);
  for (int g = 0; g < x.groups; ++g) {
    const int8_t* xb = x.q + int64_t(g) * blocks * kBlock * kLanes;
    const float* sg = x.s + int64_t(g) * blocks * kLanes;
    __m256 facc[R];
#pragma GCC unroll 8
    for (int rr = 0; rr < R; ++rr) facc[rr] = _mm256_setzero_ps();
    for (int b = 0; b < blocks; ++b, xb += kBlock * kLanes) {
      // Word k of block b for tile row rr: group b / 16, row rr (|w|: R + rr), word k, lane b % 16.
      const int8_t* wb = t.q + int64_t(b / 16) * 2 * R * kGroupBytes + (b % 16) * 4;
      __m256i acc[R];
#pragma GCC unroll 8
      for (int rr = 0; rr < R; ++rr) acc[rr] = _mm256_setzero_si256();
#pragma GCC unroll 16
      for (int k = 0; k < 16; ++k) {
        const __m256i xv = _mm256_load_si256(reinterpret_cast<const __m256i*>(xb + k * 32));
#pragma GCC unroll 8
        for (int rr = 0; rr < R; ++rr) {
          const __m256i wv = _mm256_set1_epi32(Load32(wb + rr * kGroupBytes + k * 64));
          const __m256i wabs = _mm256_set1_epi32(Load32(wb + (R + rr) * kGroupBytes + k * 64));
          const __m256i products = _mm256_maddubs_epi16(wabs, _mm256_sign_epi8(xv, wv));
          acc[rr] = _mm256_add_epi32(acc[rr], _mm256_madd_epi16(products, ones));
        }
        // Keeps GCC from re-associating the 16 adds into a tree of temporaries that spill (16 ymm only).
#pragma GCC unroll 8
        for (int rr = 0; rr < R; ++rr) asm("" : "+x"(acc[rr]));
      }
      const __m256 xscale = _mm256_load_ps(sg + b * kLanes);
#pragma GCC unroll 8
      for (int rr = 0; rr < R; ++rr) {
        const __m256 d = _mm256_mul_ps(xscale, _mm256_set1_ps(t.scales[b * R + rr]));
        facc[rr] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(acc[rr]), d, facc[rr]);
      }
    }
    const int valid = n - g * kLanes < kLanes ? n - g * kLanes : kLanes;
    StoreTransposed(facc, y + int64_t(g) * kLanes * ldy + r0, ldy, valid, rows);
  }
}

void LanesKernel(const MatrixView& w, const int8_t* xq, const float* xs, int n, int row_begin, int row_end,
                 float* y, int ldy) {
  const int blocks = w.cols / kBlock;
  const PackedX x = PackActivations(xq, xs, n, w.cols);
  for (int r0 = row_begin; r0 < row_end; r0 += kTileRows) {
    const int rows = row_end - r0 < kTileRows ? row_end - r0 : kTileRows;
    LanesTile(PackTile(w, r0, rows), blocks, x, n, r0, rows, y, ldy);
  }
}

}  // namespace

void QuantizeRowsAvx2(const float* x, int n, int cols, int8_t* q, float* scales) {
  const int blocks = cols / kBlock;
  const __m256 sign = _mm256_set1_ps(-0.0f);
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  const __m256i lo = _mm256_set1_epi32(-127), hi = _mm256_set1_epi32(127);
  for (int64_t i = 0; i < n; ++i) {
    for (int b = 0; b < blocks; ++b) {
      const float* xb = x + i * cols + int64_t(b) * kBlock;
      alignas(32) int8_t qb[kBlock] = {};  // the block in order (all zero if amax is 0); stored interleaved below
      __m256 v[8];
      // max(a, m) returns m when a is NaN, so NaNs are skipped as in the portable kernel.
      __m256 m = _mm256_setzero_ps();
      for (int j = 0; j < 8; ++j) {
        v[j] = _mm256_loadu_ps(xb + 8 * j);
        m = _mm256_max_ps(_mm256_andnot_ps(sign, v[j]), m);
      }
      __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
      m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
      const float amax = _mm_cvtss_f32(_mm_max_ss(m4, _mm_movehdup_ps(m4)));
      scales[i * blocks + b] = amax / 127.0f;
      const __m256 inv = _mm256_set1_ps(127.0f / amax);
      for (int h = 0; amax != 0.0f && h < 2; ++h) {
        __m256i r[4];
        for (int j = 0; j < 4; ++j) {
          // cvtps rounds half to even (the default MXCSR mode, as nearbyint); NaN becomes INT_MIN -> -127.
          r[j] = _mm256_cvtps_epi32(_mm256_mul_ps(v[4 * h + j], inv));
          r[j] = _mm256_min_epi32(_mm256_max_epi32(r[j], lo), hi);
        }
        // The packs work per 128-bit half; the permute puts the four 8-value groups back in order.
        const __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(r[0], r[1]), _mm256_packs_epi32(r[2], r[3]));
        _mm256_store_si256(reinterpret_cast<__m256i*>(qb + 32 * h), _mm256_permutevar8x32_epi32(bytes, order));
      }
      // Word k of block b = 16g + j goes to word k * count + j of group g (weights.h).
      const int j = b % 16, count = GroupBlocks(blocks, b - j);
      int8_t* group = q + i * cols + int64_t(b - j) * kBlock;
      for (int k = 0; k < 16; ++k) std::memcpy(group + 4 * (k * count + j), qb + 4 * k, 4);
    }
  }
}

void MatMulInt8Avx2(const MatrixView& w, const int8_t* xq, const float* xs, int n, int row_begin, int row_end,
                    float* y, int ldy) {
  if (row_begin >= row_end || n <= 0) return;
  if (n >= kLanesMinRows)
    LanesKernel(w, xq, xs, n, row_begin, row_end, y, ldy);
  else
    RowsKernel(w, xq, xs, n, row_begin, row_end, y, ldy);
}

// F16C converts 8 values per instruction, rounding to nearest even (the immediate, not MXCSR); a tail of
// fewer than 8 goes through a small zero-padded buffer.
void HalvesFromFloatsF16c(const float* in, int64_t n, uint16_t* out) {
  constexpr int kRound = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm256_cvtps_ph(_mm256_loadu_ps(in + i), kRound));
  if (i == n) return;
  float tail[8] = {};
  uint16_t halves[8];
  std::memcpy(tail, in + i, sizeof(float) * size_t(n - i));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(halves), _mm256_cvtps_ph(_mm256_loadu_ps(tail), kRound));
  std::memcpy(out + i, halves, sizeof(uint16_t) * size_t(n - i));
}

void FloatsFromHalvesF16c(const uint16_t* in, int64_t n, float* out) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i))));
  if (i == n) return;
  uint16_t tail[8] = {};
  float floats[8];
  std::memcpy(tail, in + i, sizeof(uint16_t) * size_t(n - i));
  _mm256_storeu_ps(floats, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(tail))));
  std::memcpy(out + i, floats, sizeof(float) * size_t(n - i));
}

}  // namespace gemma::kernels_detail
