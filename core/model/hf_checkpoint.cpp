#include "core/model/hf_checkpoint.h"

#include <algorithm>
#include <cfloat>
#include <climits>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "core/engine/error.h"
#include "core/model/model_name.h"
#include "core/model/pread_file.h"
#include "core/model/safetensors.h"
#include "core/model/sentencepiece_proto.h"

namespace gemma {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kMaxJsonBytes = 64ull << 20;       // config, index, tokenizer_config: KB in practice
constexpr uint64_t kMaxTokenizerBytes = 64ull << 20;  // Gemma's tokenizer.model is 4.2 MB

nlohmann::json ParseJson(const std::string& text, const std::string& where) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(where + " is not valid JSON (" + e.what() + "). Download it again.");
  }
}

int RequireInt(const nlohmann::json& config, const char* key, const std::string& where) {
  const auto it = config.find(key);
  if (it == config.end()) {
    throw Error(where + " has no \"" + key + "\": it is not a complete Gemma config.json. Download it again.");
  }
  if (!it->is_number_integer() || it->get<int64_t>() < INT_MIN || it->get<int64_t>() > INT_MAX) {
    throw Error(where + ": \"" + key + "\" must be an integer, not " + it->dump());
  }
  return int(it->get<int64_t>());
}

int OptionalInt(const nlohmann::json& config, const char* key, int fallback, const std::string& where) {
  const auto it = config.find(key);
  return it == config.end() || it->is_null() ? fallback : RequireInt(config, key, where);
}

float OptionalFloat(const nlohmann::json& config, const char* key, float fallback, const std::string& where) {
  const auto it = config.find(key);
  if (it == config.end() || it->is_null()) return fallback;
  if (!it->is_number() || !(std::fabs(it->get<double>()) <= FLT_MAX)) {
    throw Error(where + ": \"" + key + "\" must be a number, not " + it->dump());
  }
  return float(it->get<double>());
}

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

class HfCheckpoint : public CheckpointReader {
 public:
  explicit HfCheckpoint(const fs::path& folder);

  const ModelConfig& config() const override { return config_; }
  const std::string& tokenizer_model() const override { return tokenizer_; }
  const ModelInfo& info() const override { return info_; }
  void ReadRows(const std::string& hf_name, int64_t first_row, int64_t row_count, float* out) override;

 private:
  struct Entry {
    const SafetensorsFile* file;
    const SafetensorsTensor* tensor;
    bool is_norm;
  };
  void OpenShards();
  void MapTensors();
  void DescribeModel();

  fs::path folder_;
  std::string where_;  // the folder, for messages
  ModelConfig config_;
  std::string tokenizer_;
  ModelInfo info_;
  std::vector<std::unique_ptr<SafetensorsFile>> shards_;
  std::map<std::string, const SafetensorsFile*> weight_map_;  // only with an index
  std::map<std::string, Entry> entries_;
};

HfCheckpoint::HfCheckpoint(const fs::path& folder) : folder_(folder), where_(folder.string()) {
  const fs::path config_path = folder / "config.json";
  if (!fs::exists(config_path)) {
    throw Error(where_ + " has no config.json: it is not a complete Hugging Face model folder. Download the "
                "whole folder (config.json, tokenizer.model and the .safetensors files).");
  }
  config_ = ParseHfConfig(ReadSmallFile(config_path, kMaxJsonBytes), config_path.string());

  const fs::path tokenizer_path = folder / "tokenizer.model";
  if (!fs::exists(tokenizer_path)) {
    throw Error(where_ + " has no tokenizer.model (the SentencePiece tokenizer). Download it from the model's "
                "page into this folder.");
  }
  tokenizer_ = ReadSmallFile(tokenizer_path, kMaxTokenizerBytes);
  const int pieces = SentencePiecePieceCount(tokenizer_, tokenizer_path.string());
  if (pieces > config_.vocab_size) {
    throw Error(tokenizer_path.string() + " does not match the model: the tokenizer has " +
                std::to_string(pieces) + " pieces but the embedding only " + std::to_string(config_.vocab_size) +
                " rows. Download the tokenizer.model that belongs to this model.");
  }
  OpenShards();
  MapTensors();
  DescribeModel();
}

void HfCheckpoint::OpenShards() {
  const fs::path index_path = folder_ / "model.safetensors.index.json";
  if (fs::exists(index_path)) {
    const std::string where = index_path.string();
    const nlohmann::json index = ParseJson(ReadSmallFile(index_path, kMaxJsonBytes), where);
    const auto map = index.is_object() ? index.find("weight_map") : index.end();
    if (map == index.end() || !map->is_object()) {
      throw Error(where + " has no \"weight_map\" object. Download it again.");
    }
    std::map<std::string, const SafetensorsFile*> by_file;
    for (const auto& [tensor, file] : map->items()) {
      if (!file.is_string()) throw Error(where + ": the shard of \"" + tensor + "\" is not a file name");
      const std::string name = file.get<std::string>();
      // A shard is a file beside the index: never follow a path out of the folder.
      if (name.empty() || name.find('/') != std::string::npos || name.find('\\') != std::string::npos ||
          name == "." || name == "..") {
        throw Error(where + " names the shard \"" + name + "\", which is not a file name in this folder.");
      }
      auto it = by_file.find(name);
      if (it == by_file.end()) {
        const fs::path shard = folder_ / name;
        if (!fs::exists(shard)) {
          throw Error(where + " lists the shard " + name + ", which is missing from the folder. Download " +
                      name + " into " + where_ + ".");
        }
        shards_.push_back(std::make_unique<SafetensorsFile>(shard));
        it = by_file.emplace(name, shards_.back().get()).first;
      }
      weight_map_[tensor] = it->second;
    }
    return;
  }
  const fs::path single = folder_ / "model.safetensors";
  if (fs::exists(single)) {
    shards_.push_back(std::make_unique<SafetensorsFile>(single));
    return;
  }
  std::vector<fs::path> safetensors;
  bool has_bin = false;
  for (const auto& entry : fs::directory_iterator(folder_)) {
    const std::string ext = entry.path().extension().string();
    if (ext == ".safetensors") safetensors.push_back(entry.path());
    if (ext == ".bin" || ext == ".pt" || ext == ".pth") has_bin = true;
  }
  if (safetensors.size() == 1) {
    shards_.push_back(std::make_unique<SafetensorsFile>(safetensors.front()));
  } else if (safetensors.size() > 1) {
    throw Error(where_ + " has several .safetensors files but no model.safetensors.index.json saying which "
                "tensor is where. Download the index file too.");
  } else if (has_bin) {
    throw Error(where_ + " holds PyTorch .bin weights only; GemmaChat reads .safetensors. Download the "
                ".safetensors files of the model.");
  } else {
    throw Error(where_ + " has no weights (no .safetensors files). Download the whole model folder.");
  }
}

void HfCheckpoint::MapTensors() {
  for (const TensorSpec& spec : GemmaTensorSpecs(config_)) {
    const SafetensorsFile* file = nullptr;
    if (!weight_map_.empty()) {
      const auto it = weight_map_.find(spec.name);
      if (it == weight_map_.end()) {
        throw Error(where_ + ": model.safetensors.index.json has no tensor " + spec.name +
                    ". The checkpoint is incomplete or not a Gemma 1 model.");
      }
      file = it->second;
    } else {
      file = shards_.front().get();
    }
    const SafetensorsTensor* tensor = file->Find(spec.name);
    if (!tensor) {
      throw Error(file->path().string() + " has no tensor " + spec.name +
                  ". The checkpoint is incomplete or not a Gemma 1 model: download it again.");
    }
    if (tensor->shape != spec.shape) {
      throw Error(file->path().string() + ": tensor " + spec.name + " has the shape " + ShapeText(tensor->shape) +
                  ", but config.json implies " + ShapeText(spec.shape) +
                  ". config.json does not belong to these weights.");
    }
    if (tensor->dtype != "BF16" && tensor->dtype != "F16" && tensor->dtype != "F32") {
      throw Error(file->path().string() + ": tensor " + spec.name + " is " + tensor->dtype +
                  ", which GemmaChat cannot import. Use a checkpoint in BF16, F16 or F32.");
    }
    entries_[spec.name] = {file, tensor, spec.shape.size() == 1};
  }
}

void HfCheckpoint::DescribeModel() {
  fs::path normal = fs::absolute(folder_).lexically_normal();
  if (normal.filename().empty()) normal = normal.parent_path();  // "…/gemma-2b-it/"
  info_.name = normal.filename().string();

  bool chat_template = false;
  const fs::path tokenizer_config = folder_ / "tokenizer_config.json";
  if (fs::exists(tokenizer_config)) {
    const nlohmann::json j = ParseJson(ReadSmallFile(tokenizer_config, kMaxJsonBytes), tokenizer_config.string());
    const auto it = j.is_object() ? j.find("chat_template") : j.end();
    chat_template = it != j.end() && ((it->is_string() && !it->get<std::string>().empty()) ||
                                      (it->is_array() && !it->empty()));
  }
  info_.instruction_tuned = NameSaysInstructionTuned(info_.name) || chat_template;

  std::set<std::string> dtypes;
  for (const auto& [name, entry] : entries_) dtypes.insert(Lower(entry.tensor->dtype));
  std::string dtype_text;
  for (const auto& d : dtypes) dtype_text += (dtype_text.empty() ? "" : "/") + d;
  info_.source = "Hugging Face folder " + normal.string() + ", " + (dtypes.size() > 1 ? "mixed " : "") +
                 dtype_text + ", " +
                 (shards_.size() == 1 ? std::string("1 file") : std::to_string(shards_.size()) + " shards");
}

void HfCheckpoint::ReadRows(const std::string& hf_name, int64_t first_row, int64_t row_count, float* out) {
  const auto it = entries_.find(hf_name);
  if (it == entries_.end()) throw Error("the checkpoint has no tensor " + hf_name);
  const Entry& e = it->second;
  e.file->ReadRows(*e.tensor, first_row, row_count, out);
  if (e.is_norm) {  // stored as the offset w; the convention is the multiplier 1 + w
    const int64_t n = row_count * e.tensor->row_elements();
    for (int64_t i = 0; i < n; ++i) out[i] += 1.0f;
  }
}

}  // namespace

ModelConfig ParseHfConfig(const std::string& json_text, const std::string& where) {
  const nlohmann::json j = ParseJson(json_text, where);
  if (!j.is_object()) throw Error(where + " is not a JSON object. Download it again.");
  if (const auto type = j.find("model_type"); type != j.end()) {
    if (!type->is_string() || type->get<std::string>() != "gemma") {
      throw Error(where + " describes a " + (type->is_string() ? type->get<std::string>() : type->dump()) +
                  " model; GemmaChat runs Gemma 1 (2B/7B) only.");
    }
  }
  ModelConfig c;
  c.hidden = RequireInt(j, "hidden_size", where);
  c.ffn = RequireInt(j, "intermediate_size", where);
  c.layers = RequireInt(j, "num_hidden_layers", where);
  c.heads = RequireInt(j, "num_attention_heads", where);
  c.vocab_size = RequireInt(j, "vocab_size", where);
  c.kv_heads = OptionalInt(j, "num_key_value_heads", c.heads, where);
  c.head_dim = OptionalInt(j, "head_dim", 256, where);
  c.context = OptionalInt(j, "max_position_embeddings", 8192, where);
  c.rms_eps = OptionalFloat(j, "rms_norm_eps", 1e-6f, where);
  c.rope_theta = OptionalFloat(j, "rope_theta", 10000.0f, where);
  try {
    ValidateConfig(c);
  } catch (const Error& e) {
    throw Error(where + ": " + e.what());
  }
  return c;
}

std::unique_ptr<CheckpointReader> OpenHfCheckpoint(const std::filesystem::path& folder) {
  return std::make_unique<HfCheckpoint>(folder);
}

}  // namespace gemma
