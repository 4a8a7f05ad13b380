// Element types of the published checkpoint formats and their conversion to f32: bf16 and f16 (safetensors,
// GGUF) and GGUF's Q8_0 blocks. Inputs are raw little-endian bytes straight from a file, so no alignment is
// assumed.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gemma {

class PreadFile;

// The element types GemmaChat reads from checkpoints.
enum class ElementType { kF32, kF16, kBF16, kQ8_0 };
const char* ElementTypeName(ElementType type);  // "F32", "F16", "BF16", "Q8_0"

// Q8_0 (llama.cpp): blocks of 32 values, each an f16 scale d followed by 32 int8 q; value = d * q.
inline constexpr int kQ8_0BlockValues = 32;
inline constexpr int kQ8_0BlockBytes = 2 + kQ8_0BlockValues;

float Bf16ToF32(uint16_t bits);
float F16ToF32(uint16_t bits);  // IEEE half: subnormals, infinities and NaN included

// `count` elements from `in` (little-endian bytes) into `out`.
void ConvertF32(const uint8_t* in, size_t count, float* out);
void ConvertBf16(const uint8_t* in, size_t count, float* out);
void ConvertF16(const uint8_t* in, size_t count, float* out);
// `count` must be a multiple of kQ8_0BlockValues; reads count / 32 blocks.
void DequantizeQ8_0(const uint8_t* in, size_t count, float* out);
void ConvertToF32(ElementType type, const uint8_t* in, size_t count, float* out);

// Bytes that `count` elements occupy (count a multiple of 32 for Q8_0).
uint64_t ElementBytes(ElementType type, uint64_t count);

// Reads `count` elements stored at `offset` of `file` and converts them into `out`, through a bounded
// buffer: the extra memory is a few MB however many elements are asked for.
void ReadAsF32(const PreadFile& file, uint64_t offset, ElementType type, uint64_t count, float* out);

}  // namespace gemma
