// Made-up weights of any Gemma shape, generated per row on demand (see synthetic_checkpoint.h).
#include "core/model/synthetic_checkpoint.h"

#include <cctype>
#include <cmath>
#include <map>

#include "core/engine/error.h"

namespace gemma {
namespace {

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// An approximately standard normal value from one 64-bit hash: the sum of its four 16-bit lanes (Irwin-Hall
// with n = 4), centred and scaled to unit variance. Tails stop at about 3.5 sigma, which weights do not mind,
// and it costs one hash instead of a log and a cosine.
float NormalFromHash(uint64_t h) {
  const double sum = double(h & 0xffff) + double((h >> 16) & 0xffff) + double((h >> 32) & 0xffff) + double(h >> 48);
  constexpr double kMean = 4 * 65535.0 / 2;
  const double kStddev = std::sqrt(4 * (65536.0 * 65536.0 - 1) / 12);
  return float((sum - kMean) / kStddev);
}

class SyntheticCheckpoint : public CheckpointReader {
 public:
  SyntheticCheckpoint(const ModelConfig& config, uint64_t seed, std::string tokenizer_model)
      : config_(config), tokenizer_model_(std::move(tokenizer_model)) {
    ValidateConfig(config_);
    std::string variant = DescribeVariant(config_);
    for (char& c : variant) c = c == ' ' ? '-' : char(std::tolower(static_cast<unsigned char>(c)));
    info_.name = "synthetic-" + variant;
    info_.source = "synthetic random weights (seed " + std::to_string(seed) + ")";
    info_.instruction_tuned = true;
    uint64_t index = 0;
    for (const TensorSpec& spec : GemmaTensorSpecs(config_)) {
      Tensor t;
      t.rows = spec.shape.size() == 1 ? 1 : spec.shape[0];
      t.cols = spec.shape.back();
      t.is_norm = spec.shape.size() == 1;
      t.stddev = t.is_norm ? 0.1f : float(1.0 / std::sqrt(double(t.cols)));
      t.key = SplitMix64(seed ^ SplitMix64(++index));
      tensors_.emplace(spec.name, t);
    }
  }

  const ModelConfig& config() const override { return config_; }
  const std::string& tokenizer_model() const override { return tokenizer_model_; }
  const ModelInfo& info() const override { return info_; }

  void ReadRows(const std::string& name, int64_t first_row, int64_t row_count, float* out) override {
    const auto it = tensors_.find(name);
    if (it == tensors_.end()) throw Error("the synthetic checkpoint has no tensor " + name);
    const Tensor& t = it->second;
    if (first_row < 0 || row_count < 0 || first_row > t.rows || row_count > t.rows - first_row) {
      throw Error("rows out of range of " + name);
    }
    const uint64_t begin = uint64_t(first_row * t.cols), count = uint64_t(row_count * t.cols);
    for (uint64_t i = 0; i < count; ++i) {
      const float z = NormalFromHash(SplitMix64(t.key + begin + i));
      out[i] = t.is_norm ? 1.0f + t.stddev * z : t.stddev * z;
    }
  }

 private:
  struct Tensor {
    int64_t rows = 0, cols = 0;
    bool is_norm = false;
    float stddev = 0;
    uint64_t key = 0;
  };
  ModelConfig config_;
  std::string tokenizer_model_;
  ModelInfo info_;
  std::map<std::string, Tensor> tensors_;
};

}  // namespace

std::unique_ptr<CheckpointReader> MakeSyntheticCheckpoint(const ModelConfig& config, uint64_t seed,
                                                          std::string tokenizer_model) {
  return std::make_unique<SyntheticCheckpoint>(config, seed, std::move(tokenizer_model));
}

}  // namespace gemma
