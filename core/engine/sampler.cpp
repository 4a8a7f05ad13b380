// Next-token choice: repetition penalty, then greedy or temperature softmax with top-k, top-p and min-p.
// Everything reuses the members' storage, so after the first call sampling allocates nothing.
#include "core/engine/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/engine/error.h"

namespace gemma {
namespace {

constexpr float kMinusInfinity = -std::numeric_limits<float>::infinity();

void Validate(const SamplingParams& p) {
  auto fail = [](const std::string& what) {
    throw Error("Invalid sampling setting: " + what + ". Reset the generation settings to their defaults.");
  };
  // Written so that NaN fails every check.
  if (!(p.temperature >= 0 && std::isfinite(p.temperature))) fail("temperature must be 0 (greedy) or more");
  if (p.top_k < 0) fail("top-k must be 0 (off) or more");
  if (!(p.top_p > 0 && p.top_p <= 1)) fail("top-p must be above 0 and at most 1");
  if (!(p.min_p >= 0 && p.min_p <= 1)) fail("min-p must be between 0 and 1");
  if (!(p.repetition_penalty > 0 && std::isfinite(p.repetition_penalty))) {
    fail("the repetition penalty must be above 0 (1 is off)");
  }
  if (p.repetition_window < 0) fail("the repetition window must be 0 or more");
}

// A double in [0, 1) from the top 53 bits of one draw: the same on every standard library, unlike
// std::uniform_real_distribution, so a seed reproduces a reply anywhere.
double UniformUnit(std::mt19937_64& rng) { return double(rng() >> 11) * 0x1.0p-53; }

[[noreturn]] void NoCandidate() {
  throw Error("The model produced no usable scores (every logit is NaN or -infinity): the model file may be "
              "damaged; import it again.");
}

}  // namespace

Sampler::Sampler(const SamplingParams& params) : params_(params), rng_(params.seed) { Validate(params_); }

int Sampler::Sample(std::span<float> logits, int vocab_limit, std::span<const int> recent) {
  const int n = int(std::min<int64_t>(vocab_limit, int64_t(logits.size())));
  if (n <= 0) throw Error("Cannot sample from an empty vocabulary: the model has no output scores.");
  logits = logits.first(size_t(n));

  // CTRL's penalty (Keskar et al. 2019), once per distinct recent id: making a positive logit smaller and
  // a negative one more negative always makes the token less likely. The distinct ids are found by sorting
  // them in candidates_, which is free again before the sampling below needs it.
  if (params_.repetition_penalty != 1.0f && params_.repetition_window > 0) {
    const std::span<const int> window =
        recent.last(std::min(recent.size(), size_t(params_.repetition_window)));
    candidates_.assign(window.begin(), window.end());
    std::sort(candidates_.begin(), candidates_.end());
    candidates_.erase(std::unique(candidates_.begin(), candidates_.end()), candidates_.end());
    for (int id : candidates_) {
      if (id < 0 || id >= n) continue;
      float& l = logits[size_t(id)];
      l = l > 0 ? l / params_.repetition_penalty : l * params_.repetition_penalty;
    }
  }

  float max_logit = kMinusInfinity;  // NaN never compares greater, so it is never chosen
  int best = -1;
  for (int i = 0; i < n; ++i) {
    if (logits[size_t(i)] > max_logit) max_logit = logits[size_t(i)], best = i;
  }
  if (best < 0) NoCandidate();
  if (params_.temperature == 0.0f) return best;  // the first maximum: ties go to the lowest id

  // Most likely first, equal logits by id: a total order, so the candidate set and its order (and so a
  // seeded draw) are fully determined. Probabilities follow the same order, the exponential being monotone.
  const auto more_likely = [&logits](int a, int b) {
    const float la = logits[size_t(a)], lb = logits[size_t(b)];
    return la > lb || (la == lb && a < b);
  };
  candidates_.clear();
  if (params_.top_k > 0 && params_.top_k < n) {
    // One pass with a heap of the k best so far (its top the least likely of them): most tokens lose a
    // single comparison, far cheaper than partitioning all 256000.
    const size_t k = size_t(params_.top_k);
    for (int i = 0; i < n; ++i) {
      if (!(logits[size_t(i)] > kMinusInfinity)) continue;  // NaN and -infinity are never candidates
      if (candidates_.size() < k) {
        candidates_.push_back(i);
        std::push_heap(candidates_.begin(), candidates_.end(), more_likely);
      } else if (more_likely(i, candidates_.front())) {
        std::pop_heap(candidates_.begin(), candidates_.end(), more_likely);
        candidates_.back() = i;
        std::push_heap(candidates_.begin(), candidates_.end(), more_likely);
      }
    }
  } else {
    for (int i = 0; i < n; ++i) {
      if (logits[size_t(i)] > kMinusInfinity) candidates_.push_back(i);
    }
  }

  // Unnormalized probabilities, relative to the best token (which gets 1). Tokens whose probability
  // underflows to 0 can never be drawn, so they leave the candidates before the top-p selection.
  probs_.resize(size_t(n));
  const float inverse_temperature = 1.0f / params_.temperature;
  const bool infinite = std::isinf(max_logit);  // +infinity: the infinite logits share everything
  candidates_.erase(std::remove_if(candidates_.begin(), candidates_.end(),
                                   [&](int id) {
                                     const float l = logits[size_t(id)];
                                     const float p = infinite ? float(l == max_logit)
                                                              : std::exp((l - max_logit) * inverse_temperature);
                                     probs_[size_t(id)] = p;
                                     return !(p > 0);
                                   }),
                    candidates_.end());

  if (params_.top_p < 1.0f) {
    // The smallest most-likely set whose probability (within the top-k) reaches top_p. Sorting 256000
    // candidates would cost more than all the rest, so: bucket the probability mass by -log p (the buckets
    // follow the token order), find the bucket where the mass reaches top_p, and order only that bucket,
    // by a quickselect on mass that narrows it to a few tokens before sorting them.
    double total = 0;
    for (int id : candidates_) total += probs_[size_t(id)];
    const double target = double(params_.top_p) * total;
    constexpr int kBuckets = 1024;  // over -log p in [0, 104): a float probability underflows past that
    constexpr float kBucketsPerUnit = kBuckets / 104.0f;
    const auto bucket_of = [&](int id) {
      const float minus_log_p = infinite ? 0.0f : (max_logit - logits[size_t(id)]) * inverse_temperature;
      return int(std::min(minus_log_p * kBucketsPerUnit, float(kBuckets - 1)));
    };
    double mass[kBuckets] = {};  // on the stack: no allocation
    for (int id : candidates_) mass[bucket_of(id)] += probs_[size_t(id)];
    double mass_before = 0;  // of every candidate more likely than those still undecided
    int crossing = 0;
    while (crossing < kBuckets - 1 && mass_before + mass[crossing] < target) mass_before += mass[crossing++];
    const auto in_earlier = std::partition(candidates_.begin(), candidates_.end(),
                                           [&](int id) { return bucket_of(id) < crossing; });
    const auto in_crossing = std::partition(in_earlier, candidates_.end(),
                                            [&](int id) { return bucket_of(id) == crossing; });
    size_t low = size_t(in_earlier - candidates_.begin()), high = size_t(in_crossing - candidates_.begin());
    while (high - low > 32) {
      const size_t middle = low + (high - low) / 2;
      std::nth_element(candidates_.begin() + low, candidates_.begin() + middle, candidates_.begin() + high,
                       more_likely);
      double upper = 0;
      for (size_t i = low; i < middle; ++i) upper += probs_[size_t(candidates_[i])];
      if (mass_before + upper >= target) {
        high = middle;  // the set ends inside [low, middle)
      } else {
        mass_before += upper;
        low = middle;
      }
    }
    std::sort(candidates_.begin() + low, candidates_.begin() + high, more_likely);
    size_t keep = high;  // if rounding keeps the sum short of the target, all of [low, high) is needed
    for (size_t i = low; i < high; ++i) {
      mass_before += probs_[size_t(candidates_[i])];
      if (mass_before >= target) {
        keep = i + 1;
        break;
      }
    }
    candidates_.resize(std::max<size_t>(keep, 1));
  }

  if (params_.min_p > 0.0f) {
    // The best token survives every filter above and has probability 1 here.
    const float threshold = params_.min_p;
    candidates_.erase(std::remove_if(candidates_.begin(), candidates_.end(),
                                     [&](int id) { return probs_[size_t(id)] < threshold; }),
                      candidates_.end());
  }

  double total = 0;
  for (int id : candidates_) total += probs_[size_t(id)];
  const double u = UniformUnit(rng_) * total;
  double cumulative = 0;
  for (int id : candidates_) {
    cumulative += probs_[size_t(id)];
    if (u < cumulative) return id;
  }
  return candidates_.back();  // u fell past the sum by rounding
}

}  // namespace gemma
