#include "tests/support/tiny_checkpoint.h"

#include <algorithm>

#include "core/engine/error.h"

namespace gemma::testing {
namespace {

class TinyCheckpoint : public CheckpointReader {
 public:
  explicit TinyCheckpoint(const TinyModel& model) : model_(model) {
    info_.name = model.name;
    info_.source = "tiny model in memory";
    info_.instruction_tuned = true;
  }
  const ModelConfig& config() const override { return model_.config; }
  const std::string& tokenizer_model() const override { return model_.tokenizer_model; }
  const ModelInfo& info() const override { return info_; }

  void ReadRows(const std::string& name, int64_t first_row, int64_t row_count, float* out) override {
    const auto it = model_.tensors.find(name);
    if (it == model_.tensors.end()) throw Error("no tensor " + name);
    const auto& shape = model_.shapes.at(name);
    const int64_t rows = shape.size() == 1 ? 1 : shape[0];
    const int64_t cols = shape.size() == 1 ? shape[0] : shape[1];
    if (first_row < 0 || row_count < 0 || first_row + row_count > rows) throw Error("rows out of range: " + name);
    const float* src = it->second.data() + first_row * cols;
    const bool is_norm = shape.size() == 1;  // stored as the offset w; the convention is the multiplier 1 + w
    std::transform(src, src + row_count * cols, out, [&](float v) { return is_norm ? 1.0f + v : v; });
  }

 private:
  const TinyModel& model_;
  ModelInfo info_;
};

}  // namespace

std::unique_ptr<CheckpointReader> MakeTinyCheckpoint(const TinyModel& model) {
  return std::make_unique<TinyCheckpoint>(model);
}

}  // namespace gemma::testing
