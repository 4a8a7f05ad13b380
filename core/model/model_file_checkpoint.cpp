// A GemmaChat model file as a CheckpointReader: rows read with pread, int8 rows dequantized in their file
// version's order (see model_file_checkpoint.h and the version list in model_file.h).
#include "core/model/model_file_checkpoint.h"

#include <map>
#include <string>
#include <vector>

#include "core/engine/error.h"
#include "core/engine/kernels.h"
#include "core/engine/weights.h"
#include "core/model/model_file.h"
#include "core/model/model_layout.h"
#include "core/model/pread_file.h"

namespace gemma {
namespace {

// How format `version` orders an int8 row's values (model_file.h). Spelled out per version rather than
// taken from the engine: the engine follows the current format, and a file keeps the order of the version it
// was written in. A new version must add its order here. (The scales' type needs no list: the directory read
// checks each tensor's scales_bytes against its version's scale size, so the size tells the type.)
bool KnowsEncoding(uint32_t version) { return version == 1 || version == 2; }

std::vector<uint32_t> StoredOrder(uint32_t version, int64_t cols) {
  std::vector<uint32_t> order(size_t(cols), 0);
  for (int64_t c = 0; c < cols; ++c) order[size_t(c)] = uint32_t(version == 1 ? c : Int8StoredIndex(cols, c));
  return order;
}

// "GemmaChat model file F, format N; first imported from: S", S the origin the file itself recorded, so that
// converting a converted file names the original checkpoint once rather than a chain of conversions.
std::string DescribeSource(const std::filesystem::path& path, uint32_t version, const std::string& recorded) {
  static const std::string kFrom = "; first imported from: ";
  std::string origin = recorded;
  if (const size_t at = recorded.rfind(kFrom); at != std::string::npos) origin = recorded.substr(at + kFrom.size());
  std::string source = "GemmaChat model file " + path.string() + ", format " + std::to_string(version);
  if (!origin.empty()) source += kFrom + origin;
  return source;
}

class ModelFileCheckpoint : public CheckpointReader {
 public:
  explicit ModelFileCheckpoint(const std::filesystem::path& path) : file_(path) {
    // The file is opened first and the directory read after: a file replaced in between has another size,
    // and PreadFile refuses any read past the size it opened, so nothing can read out of bounds anyway.
    ModelFileDirectory directory = ReadModelFileDirectory(path);
    if (directory.header.file_size != file_.size()) {
      throw Error("cannot open model file " + path.string() + ": it changed while being opened; try again");
    }
    version_ = directory.header.format_version;
    if (!KnowsEncoding(version_)) {
      throw Error("cannot read model file " + path.string() + " as a checkpoint: this version does not know "
                  "how format " + std::to_string(version_) + " stores int8 rows");
    }
    config_ = directory.header.config;
    info_ = directory.header.info;
    info_.source = DescribeSource(path, version_, info_.source);
    tokenizer_ = file_.ReadString(directory.layout.tokenizer_offset, directory.layout.tokenizer_bytes);
    for (TensorEntry& e : directory.layout.tensors) {
      const std::string name = e.name;
      tensors_.emplace(name, std::move(e));
    }
  }

  const ModelConfig& config() const override { return config_; }
  const std::string& tokenizer_model() const override { return tokenizer_; }
  const ModelInfo& info() const override { return info_; }

  void ReadRows(const std::string& hf_name, int64_t first_row, int64_t row_count, float* out) override {
    const auto it = tensors_.find(hf_name);
    if (it == tensors_.end()) throw Error("the model file " + file_.path().string() + " has no tensor " + hf_name);
    const TensorEntry& e = it->second;
    const int64_t rows = e.rows(), cols = e.cols();
    if (first_row < 0 || row_count < 0 || first_row > rows || row_count > rows - first_row) {
      throw Error("rows " + std::to_string(first_row) + " to " + std::to_string(first_row + row_count) +
                  " of tensor " + hf_name + " are outside its " + std::to_string(rows) + " rows");
    }
    if (row_count == 0) return;
    if (e.kind == TensorKind::kF32) {
      file_.ReadAt(e.offset + uint64_t(first_row * cols) * sizeof(float), uint64_t(row_count * cols) * sizeof(float),
                   out);
      return;
    }
    const int64_t blocks = cols / kQuantBlock;
    q_.resize(size_t(row_count * cols));
    scales_.resize(size_t(row_count * blocks));
    file_.ReadAt(e.offset + uint64_t(first_row * cols), uint64_t(row_count * cols), q_.data());
    if (e.scales_bytes == uint64_t(rows * blocks) * sizeof(float)) {  // format 1
      file_.ReadAt(e.scales_offset + uint64_t(first_row * blocks) * sizeof(float),
                   uint64_t(row_count * blocks) * sizeof(float), scales_.data());
    } else {
      halves_.resize(size_t(row_count * blocks));
      file_.ReadAt(e.scales_offset + uint64_t(first_row * blocks) * sizeof(uint16_t),
                   uint64_t(row_count * blocks) * sizeof(uint16_t), halves_.data());
      // Exact, and the same floats on every kernel path (kernels.h), so the one DequantizeRow uses.
      KernelsFor(KernelPath::kPortable).floats_from_halves(halves_.data(), row_count * blocks, scales_.data());
    }
    auto order = orders_.find(cols);
    if (order == orders_.end()) order = orders_.emplace(cols, StoredOrder(version_, cols)).first;
    const uint32_t* stored = order->second.data();
    for (int64_t r = 0; r < row_count; ++r) {
      const int8_t* q = q_.data() + r * cols;
      const float* s = scales_.data() + r * blocks;
      float* y = out + r * cols;
      // The same product as DequantizeRow (scale times value, in that order), so both give the same floats.
      for (int64_t c = 0; c < cols; ++c) y[c] = s[c / kQuantBlock] * float(q[stored[c]]);
    }
  }

 private:
  PreadFile file_;
  uint32_t version_ = 0;
  ModelConfig config_;
  ModelInfo info_;
  std::string tokenizer_;
  std::map<std::string, TensorEntry> tensors_;
  std::map<int64_t, std::vector<uint32_t>> orders_;  // stored order by row width
  std::vector<int8_t> q_;
  std::vector<uint16_t> halves_;
  std::vector<float> scales_;
};

}  // namespace

std::unique_ptr<CheckpointReader> OpenModelFileCheckpoint(const std::filesystem::path& path) {
  return std::make_unique<ModelFileCheckpoint>(path);
}

}  // namespace gemma
