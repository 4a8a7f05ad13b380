// The plainly written reference forward pass of Gemma 1, in double precision, straight from GEMMA.md and
// independent of the engine (no kernels, no quantization, no KV cache: every position recomputed). The engine
// is checked against it on every format, attention kind, kernel path and weight type.
#pragma once

#include <vector>

#include "tests/support/tiny_model.h"

namespace gemma::testing {

// Logits [tokens.size()][config.vocab_size] for every position of the sequence, positions starting at 0.
std::vector<std::vector<double>> ReferenceLogits(const TinyModel& model, const std::vector<int>& tokens);

}  // namespace gemma::testing
