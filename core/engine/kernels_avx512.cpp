// AVX-512 VNNI kernels (avx512f/bw/vl/dq/vnni), used only after kernels.cpp checked the CPU.
//
// vpdpbusd multiplies unsigned bytes by signed bytes. Our int8 values are signed on both sides, so one side
// is biased by +128 (a XOR with 0x80) and the exact correction 128 * sum(other side) is subtracted per block
// in int32. We use the bias rather than the sign trick (|x| times w with x's sign) because:
//  - AVX-512 has no vpsignb: applying a sign costs a masked subtract per multiply, whereas the bias is one
//    XOR per loaded weight block (decode) or is folded into the packed activations (prefill), and the
//    correction sums are computed once per block, not once per multiply;
//  - it is exact for every int8 on both sides, -128 included (the sign trick overflows on -128).
// Everything stays exact in int32: |sum of 64 (w + 128) * x| <= 64 * 255 * 128 < 2^21, so both kernels
// convert a whole block's exact dot to float (exactly: it is below 2^24) before scaling it.
//
// Two kernels:
//  - Rows (small n, decode): each weight row is streamed once, in order (one sequential stream per
//    thread is what the memory system serves best). Rows are stored in 16-block groups with the blocks'
//    words interleaved (weights.h), so each 64-byte load holds one word of 16 blocks and vpdpbusd keeps
//    every block's dot in its own lane: per loaded vector one XOR and one vpdpbusd, then per group one
//    conversion and one FMA. No horizontal sums.
//  - Lanes (prefill): the activations are repacked so that one zmm holds 4 consecutive bytes of 16 different
//    activation rows; a weight's 4 bytes are broadcast, so each vpdpbusd advances 16 activation rows at
//    once and a block's dots come out already one per lane, with no horizontal sums. A tile of 8 weight
//    rows shares every activation load; the weights of a tile stay in L1/L2 while all activation groups
//    stream past. The tile keeps the stored interleaving, so packing it is a copy.
// GCC 12 warns about the deliberately undefined vectors inside its own avx512fintrin.h; not our code.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include <cstring>

#include "core/engine/kernels_impl.h"

namespace gemma::kernels_detail {
namespace {

constexpr int kBlock = kQuantBlock;  // 64 bytes: one zmm of int8
static_assert(kBlock == 64, "the AVX-512 kernels assume one zmm per quantization block");

// Activation rows from which the lanes kernel beats the rows kernel (measured with tests/bench).
constexpr int kLanesMinRows = 8;
constexpr int kTileRows = 8;   // weight rows per lanes-kernel tile
constexpr int kLanes = 16;     // activation rows per zmm in the lanes kernel

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

inline __mmask16 FirstLanes(int count) { return count >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << count) - 1); }

// Blocks in the group that starts at block b0 of a row of `blocks` blocks: 16 but in a row's last group.
inline int GroupBlocks(int blocks, int b0) { return blocks - b0 < 16 ? blocks - b0 : 16; }

// Word `word` of the first `count` blocks of a group (lanes past count are zero). In a full group it is one
// plain 64-byte vector; in a row's last, shorter group the words are `count` apart.
inline __m512i LoadWord(const int8_t* group, int count, int word) {
  return count == 16 ? _mm512_loadu_si512(group + word * 64)
                     : _mm512_maskz_loadu_epi32(FirstLanes(count), group + word * 4 * count);
}

// out[b] = 128 * (sum of the 64 signed bytes of block b) for every block of a stored row.
void BlockSums128(const int8_t* row, int blocks, int32_t* out) {
  const __m512i ones = _mm512_set1_epi8(1);
  for (int b0 = 0; b0 < blocks; b0 += 16) {
    const int count = GroupBlocks(blocks, b0);
    const int8_t* group = row + int64_t(b0) * kBlock;
    __m512i acc = _mm512_setzero_si512();
    for (int k = 0; k < 16; ++k) acc = _mm512_dpbusd_epi32(acc, ones, LoadWord(group, count, k));
    _mm512_mask_storeu_epi32(out + b0, FirstLanes(count), _mm512_slli_epi32(acc, 7));
  }
}

// ---- rows kernel ---------------------------------------------------------------------------------------

// One weight row against one activation row, a group of 16 blocks at a time: per stored word one XOR (the
// +128 bias) and one vpdpbusd into the lanes of its 16 blocks, two accumulators in turn so that consecutive
// vpdpbusd do not wait for each other; the accumulators start from the bias corrections, so their sum is
// each block's exact int32 dot; then one conversion and one FMA by the 16 blocks' scale products.
//
// Why this shape: decoding streams each weight once, and on Zen 4 a core streams slower the more vector
// work hangs off each loaded vector, even far below its arithmetic peak. The plain row layout needed a
// 16-way transpose tree per 16 blocks to bring each block's sum into one lane, three times the vector work
// per byte. Against it, through MatMul on one core (tests/bench/bench_kernels, alternating runs), the down
// projection's 16 KB rows went from 17.5-18.4 to 21.6-22.8 GB/s and the 2 KB rows gained 0-5%; a whole
// decoded 2B token on one core 5-10%. Two cores were at the memory's limit before and stay there. The
// prefetch and the row's last, shorter group are decided at compile time: a branch per prefetch alone cost
// the 2 KB rows 5-10%.
// A sparse software prefetch, one line in four, into L2, keeps the stream ahead where the hardware
// prefetcher stops at each 4 KB page (~15% from 4 KB pages). With the lighter loop, 8 KB ahead beat 4 KB
// from 2 MB pages too: a decoded 2B token on one core 8.02 against 7.66 tokens/s (medians of 4 alternating
// runs; 16 KB: 7.86), and on two cores the same or better at the same bandwidth.
constexpr int kPrefetchAhead = 8192;
constexpr int kPrefetchEvery = 4;  // vectors

template <bool kFullGroup, bool kPrefetch>
inline __m512i GroupDot(const int8_t* wg, const int8_t* xg, int count, __m512i corrections) {
  const __m512i bias = _mm512_set1_epi8(char(0x80));
  __m512i acc[2] = {corrections, _mm512_setzero_si512()};
  #pragma GCC unroll 16
  for (int k = 0; k < 16; ++k) {
    if (kPrefetch && k % kPrefetchEvery == 0) Prefetch<_MM_HINT_T1>(wg, k * 64 + kPrefetchAhead);
    const __m512i wv = kFullGroup ? _mm512_loadu_si512(wg + k * 64) : LoadWord(wg, count, k);
    const __m512i xv = kFullGroup ? _mm512_loadu_si512(xg + k * 64) : LoadWord(xg, count, k);
    acc[k % 2] = _mm512_dpbusd_epi32(acc[k % 2], _mm512_xor_si512(wv, bias), xv);
  }
  return _mm512_add_epi32(acc[0], acc[1]);
}

template <bool kPrefetch>
float RowTimesRow(const int8_t* wr, const uint16_t* wsr, int blocks, const int8_t* xr, const float* xsr,
                  const int32_t* corr) {
  __m512 acc = _mm512_setzero_ps();
  int b0 = 0;
  for (; b0 + 16 <= blocks; b0 += 16) {
    const int64_t offset = int64_t(b0) * kBlock;
    const __m512i exact = GroupDot<true, kPrefetch>(wr + offset, xr + offset, 16, _mm512_loadu_si512(corr + b0));
    const __m512 scale = _mm512_mul_ps(_mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(wsr + b0))),
                                       _mm512_loadu_ps(xsr + b0));
    acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(exact), scale, acc);
  }
  if (b0 < blocks) {  // a row's last, shorter group: masked-off lanes multiply 0x80 ^ 0 by 0 and add nothing
    const int count = blocks - b0;
    const __mmask16 valid = FirstLanes(count);
    const int64_t offset = int64_t(b0) * kBlock;
    const __m512i exact = GroupDot<false, kPrefetch>(wr + offset, xr + offset, count,
                                                     _mm512_maskz_loadu_epi32(valid, corr + b0));
    const __m512 scale = _mm512_mul_ps(_mm512_cvtph_ps(_mm256_maskz_loadu_epi16(valid, wsr + b0)),
                                       _mm512_maskz_loadu_ps(valid, xsr + b0));
    acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(exact), scale, acc);
  }
  return _mm512_reduce_add_ps(acc);
}

// Bias corrections the rows kernel keeps on its stack: 32 KB, enough for every Gemma shape (at most 7
// activation rows of 384 blocks). Decoding hands pieces of rows to whichever thread is free (RowClaims), so a
// thread-local buffer grown on first need would allocate whenever a thread first met a wider matrix, at a
// moment that depends on timing; only wider inputs fall back to one.
constexpr int kStackCorrections = 8192;

void RowsKernel(const MatrixView& w, const int8_t* xq, const float* xs, int n, int row_begin, int row_end,
                float* y, int ldy) {
  const int cols = w.cols;
  const int blocks = cols / kBlock;
  // corr[i * blocks + b] = -128 * (sum of block b of activation row i): vpdpbusd's +128 bias on the weights.
  alignas(64) int32_t stack_corr[kStackCorrections];
  int32_t* corr = int64_t(n) * blocks <= kStackCorrections
                      ? stack_corr
                      : static_cast<int32_t*>(KernelScratch(ScratchSlot::kRowSums, sizeof(int32_t) * n * blocks));
  for (int i = 0; i < n; ++i) {
    int32_t* c = corr + int64_t(i) * blocks;
    BlockSums128(xq + int64_t(i) * cols, blocks, c);
    for (int b = 0; b < blocks; ++b) c[b] = -c[b];
  }
  for (int r = row_begin; r < row_end; ++r) {
    // Later activation rows find this weight row in cache; only the first pass prefetches.
    for (int i = 0; i < n; ++i) {
      const int8_t* wr = w.q + int64_t(r) * cols;
      const uint16_t* wsr = w.scales + int64_t(r) * blocks;
      y[int64_t(i) * ldy + r] =
          i == 0 ? RowTimesRow<true>(wr, wsr, blocks, xq, xs, corr)
                 : RowTimesRow<false>(wr, wsr, blocks, xq + int64_t(i) * cols, xs + int64_t(i) * blocks,
                                      corr + int64_t(i) * blocks);
    }
  }
}

// ---- lanes kernel --------------------------------------------------------------------------------------

// Packed activations: group g holds rows [16g, 16g + 16); for block b and step k (bytes 4k..4k+3 of the
// block) one 64-byte vector whose lane l is those 4 bytes of row 16g + l, biased by +128. Rows past n are
// zeros (128 biased) with scale 0, so they contribute nothing and are never stored.
struct PackedX {
  const uint8_t* q;   // [groups][blocks][16 steps][16 lanes][4]
  const float* s;     // [groups][blocks][16 lanes]
  int groups;
};

PackedX PackActivations(const int8_t* xq, const float* xs, int n, int cols) {
  const int blocks = cols / kBlock;
  const int groups = (n + kLanes - 1) / kLanes;
  const int64_t group_bytes = int64_t(blocks) * kBlock * kLanes;
  auto* q = static_cast<uint32_t*>(KernelScratch(ScratchSlot::kPackedX, group_bytes * groups));
  auto* s = static_cast<float*>(KernelScratch(ScratchSlot::kPackedScales, sizeof(float) * blocks * kLanes * groups));
  for (int g = 0; g < groups; ++g) {
    for (int l = 0; l < kLanes; ++l) {
      const int row = g * kLanes + l;
      uint32_t* dst = q + (g * group_bytes) / 4 + l;
      float* sdst = s + int64_t(g) * blocks * kLanes + l;
      if (row >= n) {
        for (int64_t k = 0; k < int64_t(blocks) * 16; ++k) dst[k * kLanes] = 0x80808080u;
        for (int b = 0; b < blocks; ++b) sdst[b * kLanes] = 0.0f;
        continue;
      }
      const int8_t* src = xq + int64_t(row) * cols;
      for (int b = 0; b < blocks; ++b) {  // word k of block b = 16g + j is word k * count + j of group g
        const int j = b % 16, count = GroupBlocks(blocks, b - j);
        const int8_t* group = src + int64_t(b - j) * kBlock;
        for (int k = 0; k < 16; ++k)
          dst[(int64_t(b) * 16 + k) * kLanes] = uint32_t(Load32(group + 4 * (k * count + j))) ^ 0x80808080u;
        sdst[b * kLanes] = xs[int64_t(row) * blocks + b];
      }
    }
  }
  return {reinterpret_cast<const uint8_t*>(q), s, groups};
}

// A tile of kTileRows weight rows, repacked so the inner loop needs one pointer: per 16-block group the
// rows' stored groups one after another ([group][row][16 words][16 blocks][4 bytes], a row's last, shorter
// group widened to 16 with zeros), each block's accumulator start value -128 * sum(w) (which cancels the
// +128 bias of the activations exactly) and the scales ([block][row]). Rows past the matrix are zero.
struct PackedTile {
  int8_t* q;
  int32_t* start;
  float* scales;
};

constexpr int64_t kGroupBytes = 16 * kBlock;

PackedTile PackTile(const MatrixView& w, int r0, int rows) {
  const int cols = w.cols;
  const int blocks = cols / kBlock;
  const int groups = (blocks + 15) / 16;
  const int64_t q_bytes = int64_t(groups) * kTileRows * kGroupBytes;
  auto* base = static_cast<uint8_t*>(KernelScratch(ScratchSlot::kPackedW, q_bytes + int64_t(blocks) * kTileRows * 8));
  PackedTile t{reinterpret_cast<int8_t*>(base), nullptr, nullptr};
  t.start = reinterpret_cast<int32_t*>(base + q_bytes);
  t.scales = reinterpret_cast<float*>(t.start + blocks * kTileRows);
  int32_t* sums = static_cast<int32_t*>(KernelScratch(ScratchSlot::kRowSums, sizeof(int32_t) * blocks));
  for (int rr = 0; rr < kTileRows; ++rr) {
    const int8_t* src = rr < rows ? w.q + int64_t(r0 + rr) * cols : nullptr;
    for (int g = 0; g < groups; ++g) {
      const int count = GroupBlocks(blocks, 16 * g);
      int8_t* dst = t.q + (int64_t(g) * kTileRows + rr) * kGroupBytes;
      for (int k = 0; k < 16; ++k)
        _mm512_store_si512(dst + k * 64, src ? LoadWord(src + g * kGroupBytes, count, k) : _mm512_setzero_si512());
    }
    if (src) BlockSums128(src, blocks, sums);
    for (int b = 0; b < blocks; ++b) {
      t.start[b * kTileRows + rr] = src ? -sums[b] : 0;
      t.scales[b * kTileRows + rr] = src ? _cvtsh_ss(w.scales[int64_t(r0 + rr) * blocks + b]) : 0.0f;
    }
  }
  return t;
}

// acc[rr] lane l is y[l][rr]: writes the 8 x 16 block transposed, as one (masked) 8-float store per
// activation row instead of 128 scattered scalar stores.
inline void StoreTransposed(const __m512 acc[8], float* y, int64_t ldy, int lanes, int rows) {
  // t: per 128-bit lane L, pairs of rows interleaved; u[m]: rows 0-3 (u[4 + m]: rows 4-7) of lane l = 4L + m.
  __m512 t[8], u[8];
#pragma GCC unroll 4
  for (int p = 0; p < 4; ++p) {
    t[2 * p] = _mm512_unpacklo_ps(acc[2 * p], acc[2 * p + 1]);
    t[2 * p + 1] = _mm512_unpackhi_ps(acc[2 * p], acc[2 * p + 1]);
  }
#pragma GCC unroll 2
  for (int h = 0; h < 2; ++h) {
    u[4 * h + 0] = _mm512_shuffle_ps(t[4 * h + 0], t[4 * h + 2], 0x44);
    u[4 * h + 1] = _mm512_shuffle_ps(t[4 * h + 0], t[4 * h + 2], 0xEE);
    u[4 * h + 2] = _mm512_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0x44);
    u[4 * h + 3] = _mm512_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0xEE);
  }
  const __mmask8 row_mask = rows >= 8 ? __mmask8(0xFF) : __mmask8((1u << rows) - 1);
#pragma GCC unroll 4
  for (int m = 0; m < 4; ++m) {
    // [u[m].L0, u[m].L1, u[4+m].L0, u[4+m].L1] -> [u[m].L0, u[4+m].L0 | u[m].L1, u[4+m].L1]: lanes m, 4 + m.
#pragma GCC unroll 2
    for (int half = 0; half < 2; ++half) {
      // Two calls, each with a literal immediate: without optimisation a conditional is no constant.
      const __m512 v = half == 0 ? _mm512_shuffle_f32x4(u[m], u[4 + m], _MM_SHUFFLE(1, 0, 1, 0))
                                 : _mm512_shuffle_f32x4(u[m], u[4 + m], _MM_SHUFFLE(3, 2, 3, 2));
      const __m512 pairs = _mm512_shuffle_f32x4(v, v, _MM_SHUFFLE(3, 1, 2, 0));
      const int l0 = 8 * half + m, l1 = 8 * half + 4 + m;
      if (l0 < lanes) _mm256_mask_storeu_ps(y + l0 * ldy, row_mask, _mm512_castps512_ps256(pairs));
      if (l1 < lanes) _mm256_mask_storeu_ps(y + l1 * ldy, row_mask, _mm512_extractf32x8_ps(pairs, 1));
    }
  }
}

// The tile's rows against every activation group.
void LanesTile(const PackedTile& t, int blocks, const PackedX& x, int n, int r0, int rows, float* y, int ldy) {
  constexpr int R = kTileRows;
  for (int g = 0; g < x.groups; ++g) {
    const uint8_t* xb = x.q + int64_t(g) * blocks * kBlock * kLanes;
    const float* sg = x.s + int64_t(g) * blocks * kLanes;
    __m512 facc[R];
#pragma GCC unroll 16
    for (int rr = 0; rr < R; ++rr) facc[rr] = _mm512_setzero_ps();
    for (int b = 0; b < blocks; ++b, xb += kBlock * kLanes) {
      // Word k of block b for tile row rr: group b / 16, row rr, word k, lane b % 16.
      const int8_t* wb = t.q + int64_t(b / 16) * R * kGroupBytes + (b % 16) * 4;
      __m512i acc[R];
#pragma GCC unroll 16
      for (int rr = 0; rr < R; ++rr) acc[rr] = _mm512_set1_epi32(t.start[b * R + rr]);
#pragma GCC unroll 16
      for (int k = 0; k < 16; ++k) {
        const __m512i xv = _mm512_load_si512(xb + k * 64);
        Prefetch<_MM_HINT_T0>(xb, 2 * kBlock * kLanes + k * 64);
#pragma GCC unroll 16
        for (int rr = 0; rr < R; ++rr)
          acc[rr] = _mm512_dpbusd_epi32(acc[rr], xv, _mm512_set1_epi32(Load32(wb + rr * kGroupBytes + k * 64)));
      }
      const __m512 xscale = _mm512_load_ps(sg + b * kLanes);
#pragma GCC unroll 16
      for (int rr = 0; rr < R; ++rr) {
        const __m512 d = _mm512_mul_ps(xscale, _mm512_set1_ps(t.scales[b * R + rr]));
        facc[rr] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc[rr]), d, facc[rr]);
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

void QuantizeRowsAvx512(const float* x, int n, int cols, int8_t* q, float* scales) {
  const int blocks = cols / kBlock;
  for (int64_t i = 0; i < n; ++i) {
    for (int b = 0; b < blocks; ++b) {
      const float* xb = x + i * cols + int64_t(b) * kBlock;
      __m512 v[4];
      // max(a, m) returns m when a is NaN, so NaNs are skipped as in the portable kernel.
      __m512 m = _mm512_setzero_ps();
      #pragma GCC unroll 16
      for (int j = 0; j < 4; ++j) {
        v[j] = _mm512_loadu_ps(xb + 16 * j);
        m = _mm512_max_ps(_mm512_abs_ps(v[j]), m);
      }
      const float amax = _mm512_reduce_max_ps(m);
      scales[i * blocks + b] = amax / 127.0f;
      __m512i words = _mm512_setzero_si512();  // the block's 16 words in order
      if (amax != 0.0f) {
        const __m512 inv = _mm512_set1_ps(127.0f / amax);
        const __m512i lo = _mm512_set1_epi32(-127), hi = _mm512_set1_epi32(127);
        #pragma GCC unroll 16
        for (int j = 0; j < 4; ++j) {
          // cvtps rounds half to even (the default MXCSR mode, as nearbyint); NaN becomes INT_MIN -> -127.
          __m512i r = _mm512_cvtps_epi32(_mm512_mul_ps(v[j], inv));
          r = _mm512_min_epi32(_mm512_max_epi32(r, lo), hi);
          words = _mm512_inserti32x4(words, _mm512_cvtepi32_epi8(r), 0);
          words = _mm512_alignr_epi32(words, words, 4);  // after four rounds, chunk j sits in lanes 4j..4j+3
        }
      }
      // Word k of block b = 16g + j goes to word k * count + j of group g (weights.h): a scatter with
      // stride count.
      const int j = b % 16, count = GroupBlocks(blocks, b - j);
      int8_t* group = q + i * cols + int64_t(b - j) * kBlock;
      const __m512i index = _mm512_add_epi32(_mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                                                _mm512_set1_epi32(count)),
                                             _mm512_set1_epi32(j));
      _mm512_i32scatter_epi32(group, index, words, 4);
    }
  }
}

void MatMulInt8Avx512(const MatrixView& w, const int8_t* xq, const float* xs, int n, int row_begin, int row_end,
                      float* y, int ldy) {
  if (row_begin >= row_end || n <= 0) return;
  if (n >= kLanesMinRows)
    LanesKernel(w, xq, xs, n, row_begin, row_end, y, ldy);
  else
    RowsKernel(w, xq, xs, n, row_begin, row_end, y, ldy);
}

}  // namespace gemma::kernels_detail
