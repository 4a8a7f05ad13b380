// Private to the kernels: the per-path entry points that kernels.cpp puts into its dispatch table, and the
// one helper the SIMD files borrow from portable code. Nothing outside kernels*.cpp includes this.
//
// The SIMD files are compiled with -mavx2 / -mavx512*, so any inline function or template they instantiate
// could be emitted as a weak symbol that the linker then also uses for portable callers, which would crash
// on CPUs without those instructions. So they use only intrinsics and their own static helpers, and get
// memory (which needs std::vector) from KernelScratch, compiled for baseline x86-64 here.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/engine/weights.h"

namespace gemma::kernels_detail {

// A 64-byte-aligned buffer of at least `bytes`, owned by the calling thread and reused by its next call
// with the same slot (it only grows, so steady-state calls allocate nothing).
enum class ScratchSlot { kPackedX = 0, kPackedScales = 1, kRowSums = 2, kPackedW = 3, kCount = 4 };
void* KernelScratch(ScratchSlot slot, size_t bytes);

void QuantizeRowsPortable(const float* x, int n, int cols, int8_t* q, float* scales);
void MatMulInt8Portable(const MatrixView& w, const int8_t* xq, const float* xs, int n, int row_begin,
                        int row_end, float* y, int ldy);

void HalvesFromFloatsPortable(const float* in, int64_t n, uint16_t* out);
void FloatsFromHalvesPortable(const uint16_t* in, int64_t n, float* out);

// F16C, which the AVX2 path requires; the AVX-512 path uses these too.
void HalvesFromFloatsF16c(const float* in, int64_t n, uint16_t* out);
void FloatsFromHalvesF16c(const uint16_t* in, int64_t n, float* out);

void QuantizeRowsAvx2(const float* x, int n, int cols, int8_t* q, float* scales);
void MatMulInt8Avx2(const MatrixView& w, const int8_t* xq, const float* xs, int n, int row_begin, int row_end,
                    float* y, int ldy);

void QuantizeRowsAvx512(const float* x, int n, int cols, int8_t* q, float* scales);
void MatMulInt8Avx512(const MatrixView& w, const int8_t* xq, const float* xs, int n, int row_begin,
                      int row_end, float* y, int ldy);

}  // namespace gemma::kernels_detail
