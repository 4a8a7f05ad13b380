// What a tiny model's weights become once stored in a lower precision (BF16, F16 or llama.cpp's Q8_0), so
// the reference forward pass can run on exactly the numbers a file holds and the engine be held to the
// f32 tolerance on every format. Written independently of core/model's decoders.
#pragma once

#include "tests/support/tiny_model.h"

namespace gemma::testing {

enum class StoredPrecision { kBF16, kF16, kQ8_0 };

// kBF16 / kF16 round every tensor (norm offsets too, as a Hugging Face file stores them). kQ8_0 rounds only
// the 2-D tensors, in blocks of 32 along each row (GGUF keeps 1-D norms in F32).
TinyModel RoundedAsStored(const TinyModel& model, StoredPrecision precision);

}  // namespace gemma::testing
