#include "tests/support/hf_writer.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "core/model/checkpoint.h"
#include "tests/support/half_float.h"

namespace gemma::testing {
namespace {

namespace fs = std::filesystem;

// Gemma's published chat template (tokenizer_config.json of google/gemma-2b-it).
constexpr char kGemmaChatTemplate[] =
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
    "{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}"
    "{% endif %}{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}";

std::string ConfigJson(const TinyModel& model, HfDtype dtype) {
  const ModelConfig& c = model.config;
  nlohmann::ordered_json j;
  j["architectures"] = {"GemmaForCausalLM"};
  j["attention_bias"] = false;
  j["attention_dropout"] = 0.0;
  j["bos_token_id"] = 2;
  j["eos_token_id"] = 1;
  j["head_dim"] = c.head_dim;
  j["hidden_act"] = "gelu";  // the original release's bug; readers must ignore it
  j["hidden_size"] = c.hidden;
  j["initializer_range"] = 0.02;
  j["intermediate_size"] = c.ffn;
  j["max_position_embeddings"] = c.context;
  j["model_type"] = "gemma";
  j["num_attention_heads"] = c.heads;
  j["num_hidden_layers"] = c.layers;
  j["num_key_value_heads"] = c.kv_heads;
  j["pad_token_id"] = 0;
  j["rms_norm_eps"] = c.rms_eps;
  j["rope_scaling"] = nullptr;
  j["rope_theta"] = c.rope_theta;
  j["torch_dtype"] = dtype == HfDtype::kBF16 ? "bfloat16" : dtype == HfDtype::kF16 ? "float16" : "float32";
  j["transformers_version"] = "4.38.0.dev0";
  j["use_cache"] = true;
  j["vocab_size"] = c.vocab_size;
  return j.dump(2);
}

std::string ShardName(int i, int n) {
  char name[64];
  std::snprintf(name, sizeof name, "model-%05d-of-%05d.safetensors", i + 1, n);
  return name;
}

std::string LayerOf(const std::string& name) {  // "model.layers.3." or "" for other tensors
  const std::string prefix = "model.layers.";
  if (name.compare(0, prefix.size(), prefix) != 0) return "";
  return name.substr(0, name.find('.', prefix.size()) + 1);
}

}  // namespace

const char* HfDtypeName(HfDtype dtype) {
  switch (dtype) {
    case HfDtype::kBF16: return "BF16";
    case HfDtype::kF16: return "F16";
    case HfDtype::kF32: return "F32";
  }
  return "?";
}

std::string EncodeTensor(const std::vector<float>& values, HfDtype dtype) {
  std::string out;
  for (float v : values) {
    if (dtype == HfDtype::kF32) {
      char b[4];
      std::memcpy(b, &v, 4);
      out.append(b, 4);
    } else {
      const uint16_t h = dtype == HfDtype::kBF16 ? F32ToBf16(v) : F32ToF16(v);
      out.push_back(char(h & 0xff));
      out.push_back(char(h >> 8));
    }
  }
  return out;
}

void WriteFileBytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string ReadFileBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteRawSafetensors(const fs::path& path, const std::string& header, const std::string& data) {
  std::string bytes(8, '\0');
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) bytes[size_t(i)] = char((n >> (8 * i)) & 0xff);
  WriteFileBytes(path, bytes + header + data);
}

void WriteSafetensors(const fs::path& path, const std::vector<SafetensorsEntry>& entries) {
  nlohmann::ordered_json header;
  header["__metadata__"] = {{"format", "pt"}};
  std::string data;
  for (const auto& e : entries) {
    header[e.name] = {{"dtype", e.dtype}, {"shape", e.shape}, {"data_offsets", {data.size(), data.size() + e.data.size()}}};
    data += e.data;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // as the safetensors library pads
  WriteRawSafetensors(path, text, data);
}

void WriteHfFolder(const fs::path& dir, const TinyModel& model, HfDtype dtype, int shards) {
  fs::create_directories(dir);
  WriteFileBytes(dir / "config.json", ConfigJson(model, dtype));
  WriteFileBytes(dir / "tokenizer.model", model.tokenizer_model);
  nlohmann::ordered_json tokenizer_config = {{"add_bos_token", true}, {"add_eos_token", false},
                                             {"bos_token", "<bos>"}, {"eos_token", "<eos>"},
                                             {"pad_token", "<pad>"}, {"unk_token", "<unk>"},
                                             {"tokenizer_class", "GemmaTokenizer"}};
  if (model.name.size() > 3 && model.name.compare(model.name.size() - 3, 3, "-it") == 0) tokenizer_config["chat_template"] = kGemmaChatTemplate;
  WriteFileBytes(dir / "tokenizer_config.json", tokenizer_config.dump(2));
  WriteFileBytes(dir / "generation_config.json",
                 R"({"_from_model_config": true, "bos_token_id": 2, "eos_token_id": 1, "pad_token_id": 0})");

  std::vector<SafetensorsEntry> all;
  uint64_t total = 0;
  for (const TensorSpec& spec : GemmaTensorSpecs(model.config)) {
    all.push_back({spec.name, HfDtypeName(dtype), model.shapes.at(spec.name), EncodeTensor(model.at(spec.name), dtype)});
    total += all.back().data.size();
  }
  if (shards <= 1) {
    WriteSafetensors(dir / "model.safetensors", all);
    return;
  }
  if (shards > int(all.size()) - 1) throw std::runtime_error("too many shards for this model");
  // Cut by size at tensor boundaries (index of each later shard's first tensor)...
  std::vector<size_t> cuts;
  uint64_t running = 0;
  for (size_t k = 1, i = 0; k < size_t(shards); ++k) {
    while (i < all.size() && running < total * k / uint64_t(shards)) running += all[i++].data.size();
    cuts.push_back(std::max(i, cuts.empty() ? size_t(1) : cuts.back() + 1));
  }
  // ...then make sure some layer spans two shards, as in the published 2B and 7B checkpoints.
  auto spans_layer = [&](size_t cut) {
    return !LayerOf(all[cut].name).empty() && LayerOf(all[cut].name) == LayerOf(all[cut - 1].name);
  };
  bool any = false;
  for (size_t cut : cuts) any = any || spans_layer(cut);
  if (!any) ++cuts[0];
  if (cuts.back() >= all.size() - 1 || (cuts.size() > 1 && cuts[0] >= cuts[1])) {
    throw std::runtime_error("cannot split this model into " + std::to_string(shards) + " shards");
  }

  std::vector<std::vector<SafetensorsEntry>> groups(static_cast<size_t>(shards));
  for (size_t i = 0, g = 0; i < all.size(); ++i) {
    while (g < cuts.size() && i >= cuts[g]) ++g;
    // The final norm is listed last but stored first: a tensor can be in any shard.
    groups[all[i].name == "model.norm.weight" ? 0 : g].push_back(all[i]);
  }
  for (const auto& group : groups) {
    if (group.empty()) throw std::runtime_error("cannot split this model into " + std::to_string(shards) + " shards");
  }
  nlohmann::ordered_json index;
  index["metadata"] = {{"total_size", total}};
  nlohmann::ordered_json weight_map;
  for (int s = 0; s < shards; ++s) {
    WriteSafetensors(dir / ShardName(s, shards), groups[size_t(s)]);
    for (const auto& e : groups[size_t(s)]) weight_map[e.name] = ShardName(s, shards);
  }
  index["weight_map"] = weight_map;
  WriteFileBytes(dir / "model.safetensors.index.json", index.dump(2));
}

}  // namespace gemma::testing
