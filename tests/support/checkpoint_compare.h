// Compares what a CheckpointReader returns with a TinyModel's values as MakeTinyCheckpoint gives them (the
// convention: HF names, [out, in], f32, norms as 1 + w), within the precision of the format it came from.
#pragma once

#include <string>

#include "core/model/checkpoint.h"
#include "tests/support/tiny_model.h"

namespace gemma::testing {

// How a tensor was stored: exactly (F32), rounded to bf16 or f16, or quantized to Q8_0 blocks of 32.
enum class Precision { kExact, kBf16, kF16, kQ8_0 };

// Empty if every tensor of GemmaTensorSpecs(model.config) matches, else a description of the first mismatch.
// Tensors are read in chunks of `chunk_rows` rows, as an importer does. Also checks config() and
// tokenizer_model() against the model.
std::string CompareWithTinyModel(CheckpointReader& reader, const TinyModel& model, Precision matrices,
                                 Precision norms, int chunk_rows = 7);

}  // namespace gemma::testing
