// Model files of format version 1, which the tests must make themselves now that the importer writes the
// current format: a current file rewritten as version 1 stored it (model_file.h lists the versions).
#pragma once

#include <filesystem>

#include "tests/support/tiny_model.h"

namespace gemma::testing {

// Rewrites the format-2 model file `current` as format 1 into `out`: the preamble's version and the header's
// "format_version" 1, every int8 row moved from the order of weights.h's Int8StoredIndex to plain order
// (value c at byte c), int8 scales as floats, and the arrays laid out again (64-byte aligned, in the same
// order) since the scales take more room. Everything else is copied as it is.
//
// With `quantize_from` null, the int8 values stay and each half scale becomes the float it equals: the same
// weights in format 1's encoding. With the model the file was imported from, the int8 tensors are quantized
// from its weights as format 1's importer did (per block scale = max|x| / 127 as a float, q =
// round-half-even(x * (127 / max|x|)), zeros for an all-zero block): a file as an earlier GemmaChat made it,
// whose scales are not halves. Throws std::runtime_error if `current` is not a format-2 file.
void WriteAsModelFileVersion1(const std::filesystem::path& current, const std::filesystem::path& out,
                              const TinyModel* quantize_from = nullptr);

// Format 1's quantization of one row (`cols` a multiple of 64): values in plain order, float scales.
void QuantizeAsVersion1(const float* x, int64_t cols, int8_t* q, float* scales);

}  // namespace gemma::testing
