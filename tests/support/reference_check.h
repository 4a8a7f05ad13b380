// Comparing the engine's logits with the reference forward pass, by the rules the engine is held to:
// f32 weights within 1e-4 of the reference's largest logit at every position; int8 weights with cosine
// similarity >= 0.99 and the same greedy token wherever the reference's top two are clearly apart.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/engine/model.h"
#include "core/engine/runtime.h"
#include "core/engine/weights.h"

namespace gemma::testing {

// Empty when the position passes; otherwise what differs, for the test's failure message.
std::string CheckLogits(WeightType weights, const float* logits, const std::vector<double>& reference,
                        int position);

// Every position's check over a whole sequence; stops at the first failure.
std::string CheckAllLogits(WeightType weights, std::span<const float> logits,
                           const std::vector<std::vector<double>>& reference);

// Logits [tokens.size(), vocab] of every position, from one prefill through the engine's ForwardPass.
std::vector<float> EngineLogits(const Model& model, Runtime& runtime, const std::vector<int>& tokens);

}  // namespace gemma::testing
