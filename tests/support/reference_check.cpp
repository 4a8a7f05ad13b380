#include "tests/support/reference_check.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/engine/forward.h"
#include "core/engine/kv_cache.h"

namespace gemma::testing {
namespace {

double MaxAbs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

}  // namespace

std::string CheckLogits(WeightType weights, const float* logits, const std::vector<double>& reference,
                        int position) {
  const std::string where = "position " + std::to_string(position) + ": ";
  if (weights == WeightType::kF32) {
    const double tolerance = 1e-4 * MaxAbs(reference);
    for (size_t v = 0; v < reference.size(); ++v)
      if (!(std::abs(logits[v] - reference[v]) <= tolerance))
        return where + "logit " + std::to_string(v) + " is " + std::to_string(logits[v]) + ", the reference " +
               std::to_string(reference[v]) + " (tolerance " + std::to_string(tolerance) + ")";
    return {};
  }
  double dot = 0, engine_norm = 0, reference_norm = 0;
  for (size_t v = 0; v < reference.size(); ++v) {
    dot += logits[v] * reference[v];
    engine_norm += double(logits[v]) * logits[v];
    reference_norm += reference[v] * reference[v];
  }
  const double cosine = dot / std::sqrt(engine_norm * reference_norm);
  if (!(cosine >= 0.99)) return where + "cosine similarity " + std::to_string(cosine) + " < 0.99";
  std::vector<int> order(reference.size());
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + 2, order.end(),
                    [&](int a, int b) { return reference[a] > reference[b]; });
  const bool clear = reference[order[0]] - reference[order[1]] > 0.02 * MaxAbs(reference);
  const int engine_best = int(std::max_element(logits, logits + reference.size()) - logits);
  if (clear && engine_best != order[0])
    return where + "greedy token " + std::to_string(engine_best) + ", the reference's " + std::to_string(order[0]);
  return {};
}

std::string CheckAllLogits(WeightType weights, std::span<const float> logits,
                           const std::vector<std::vector<double>>& reference) {
  const size_t vocab = reference.front().size();
  if (logits.size() != reference.size() * vocab) return "logits and reference differ in size";
  for (size_t t = 0; t < reference.size(); ++t)
    if (std::string error = CheckLogits(weights, logits.data() + t * vocab, reference[t], int(t)); !error.empty())
      return error;
  return {};
}

std::vector<float> EngineLogits(const Model& model, Runtime& runtime, const std::vector<int>& tokens) {
  const int context = int(tokens.size());
  KvCache cache(model.config(), context);
  ForwardPass forward(model, runtime, context);
  std::vector<float> logits(tokens.size() * size_t(model.config().vocab_size));
  forward.Run(cache, tokens, 0, logits, /*all_positions=*/true);
  return logits;
}

}  // namespace gemma::testing
