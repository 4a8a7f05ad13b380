#include "core/model/gguf_checkpoint.h"

#include <climits>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "core/engine/error.h"
#include "core/model/dtype.h"
#include "core/model/gguf.h"
#include "core/model/model_name.h"
#include "core/model/sentencepiece_proto.h"

namespace gemma {
namespace {

constexpr char kArch[] = "gemma";

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

bool ToElementType(uint32_t ggml_type, ElementType* type) {
  switch (GgmlType(ggml_type)) {
    case GgmlType::kF32: return *type = ElementType::kF32, true;
    case GgmlType::kF16: return *type = ElementType::kF16, true;
    case GgmlType::kBF16: return *type = ElementType::kBF16, true;
    case GgmlType::kQ8_0: return *type = ElementType::kQ8_0, true;
  }
  return false;
}

class GgufCheckpoint : public CheckpointReader {
 public:
  explicit GgufCheckpoint(const std::filesystem::path& path);

  const ModelConfig& config() const override { return config_; }
  const std::string& tokenizer_model() const override { return tokenizer_; }
  const ModelInfo& info() const override { return info_; }
  void ReadRows(const std::string& hf_name, int64_t first_row, int64_t row_count, float* out) override;

 private:
  struct Entry {
    const GgufTensorInfo* tensor;
    ElementType type;
    int64_t rows;
    int64_t row_elements;
  };
  void ReadConfig();
  void MapTensors();
  void BuildTokenizer();
  void DescribeModel();
  int Int(const std::string& key, std::optional<int> fallback) const;
  [[noreturn]] void Fail(const std::string& what) const;

  GgufFile gguf_;
  std::string where_;
  ModelConfig config_;
  std::string tokenizer_;
  ModelInfo info_;
  std::map<std::string, Entry> entries_;
};

GgufCheckpoint::GgufCheckpoint(const std::filesystem::path& path) : gguf_(path), where_(path.string()) {
  const auto arch = gguf_.GetString("general.architecture");
  if (!arch) Fail("it has no general.architecture, so it is not a model GGUF");
  if (*arch != kArch) {
    throw Error(where_ + ": this GGUF is a " + *arch + " model; GemmaChat runs Gemma 1 (2B/7B) only.");
  }
  ReadConfig();
  MapTensors();
  BuildTokenizer();
  DescribeModel();
}

void GgufCheckpoint::Fail(const std::string& what) const {
  throw Error(where_ + ": " + what + ". Convert the model again with llama.cpp's convert_hf_to_gguf.py, or "
              "import the Hugging Face folder instead.");
}

int GgufCheckpoint::Int(const std::string& key, std::optional<int> fallback) const {
  const auto value = gguf_.GetUint(key);
  if (!value) {
    if (fallback) return *fallback;
    Fail("it lacks the metadata " + key);
  }
  if (*value > uint64_t(INT_MAX)) Fail(key + " is " + std::to_string(*value) + ", far too large");
  return int(*value);
}

void GgufCheckpoint::ReadConfig() {
  const std::string p = std::string(kArch) + ".";
  const GgufTensorInfo* embedding = gguf_.FindTensor("token_embd.weight");
  if (!embedding) Fail("it has no token_embd.weight tensor");
  if (embedding->ne.size() != 2 || embedding->ne[1] > uint64_t(INT_MAX)) {
    Fail("token_embd.weight is not a [vocab, hidden] matrix");
  }
  config_.vocab_size = int(embedding->ne[1]);  // rows may exceed the tokenizer: padding is allowed
  config_.hidden = Int(p + "embedding_length", std::nullopt);
  config_.layers = Int(p + "block_count", std::nullopt);
  config_.ffn = Int(p + "feed_forward_length", std::nullopt);
  config_.heads = Int(p + "attention.head_count", std::nullopt);
  config_.kv_heads = Int(p + "attention.head_count_kv", config_.heads);
  config_.context = Int(p + "context_length", 8192);
  // head_dim is never hidden / heads for Gemma (7B: 3072 / 16 = 192, but 256). Without key_length take it
  // from the query projection's shape.
  std::optional<int> head_dim_from_q;
  if (const GgufTensorInfo* q = gguf_.FindTensor("blk.0.attn_q.weight");
      q && q->ne.size() == 2 && config_.heads > 0 && q->ne[1] % uint64_t(config_.heads) == 0 &&
      q->ne[1] / uint64_t(config_.heads) <= uint64_t(INT_MAX)) {
    head_dim_from_q = int(q->ne[1] / uint64_t(config_.heads));
  }
  config_.head_dim = Int(p + "attention.key_length", head_dim_from_q);
  if (Int(p + "attention.value_length", config_.head_dim) != config_.head_dim) {
    Fail("attention.value_length differs from attention.key_length, which Gemma 1 never has");
  }
  auto float_key = [&](const std::string& key, double fallback) {
    const double v = gguf_.GetFloat(key).value_or(fallback);
    if (!(std::fabs(v) <= 3.4e38)) Fail(key + " is not a finite number");
    return float(v);
  };
  config_.rms_eps = float_key(p + "attention.layer_norm_rms_epsilon", 1e-6);
  config_.rope_theta = float_key(p + "rope.freq_base", 10000.0);
  try {
    ValidateConfig(config_);
  } catch (const Error& e) {
    Fail(e.what());
  }
}

void GgufCheckpoint::MapTensors() {
  for (const TensorSpec& spec : GemmaTensorSpecs(config_)) {
    const std::string name = GgufTensorName(spec.name);
    const GgufTensorInfo* t = gguf_.FindTensor(name);
    if (!t) Fail("it has no tensor " + name + " (" + spec.name + "); the file is incomplete or not Gemma 1");
    std::vector<int64_t> shape(t->ne.rbegin(), t->ne.rend());  // ne is innermost first
    if (shape != spec.shape) {
      Fail("tensor " + name + " has the shape " + ShapeText(shape) + ", but the metadata implies " +
           ShapeText(spec.shape));
    }
    ElementType type;
    if (!ToElementType(t->type, &type)) {
      throw Error(where_ + ": tensor " + name + " is " + GgmlTypeName(t->type) +
                  ", which GemmaChat cannot import. Use a GGUF in F32, F16, BF16 or Q8_0, or the Hugging Face "
                  "folder.");
    }
    const bool is_norm = spec.shape.size() == 1;
    if (is_norm && type != ElementType::kF32) {
      Fail("norm tensor " + name + " is " + GgmlTypeName(t->type) + ", but llama.cpp stores norms as F32");
    }
    entries_[spec.name] = {t, type, is_norm ? 1 : spec.shape[0], spec.shape.back()};
  }
}

void GgufCheckpoint::BuildTokenizer() {
  const auto model = gguf_.GetString("tokenizer.ggml.model");
  if (!model) Fail("it has no tokenizer (tokenizer.ggml.model)");
  if (*model != "llama") {
    Fail("its tokenizer is \"" + *model + "\", but Gemma's is SentencePiece (\"llama\")");
  }
  const std::vector<std::string>* tokens = gguf_.GetStringArray("tokenizer.ggml.tokens");
  const std::vector<double>* scores = gguf_.GetFloatArray("tokenizer.ggml.scores");
  const std::vector<int64_t>* types = gguf_.GetIntArray("tokenizer.ggml.token_type");
  if (!tokens || tokens->empty()) Fail("it has no tokenizer.ggml.tokens");
  if (!scores) Fail("it has no tokenizer.ggml.scores, which a SentencePiece BPE tokenizer needs");
  const size_t n = tokens->size();
  if (scores->size() != n || (types && types->size() != n)) {
    Fail("its tokenizer arrays (tokens, scores, token_type) differ in length");
  }
  if (n > size_t(config_.vocab_size)) {
    throw Error(where_ + " does not hold a consistent model: the tokenizer has " + std::to_string(n) +
                " pieces but the embedding only " + std::to_string(config_.vocab_size) +
                " rows. Download the file again.");
  }
  auto id = [&](const char* key) {
    const auto v = gguf_.GetUint(std::string("tokenizer.ggml.") + key);
    if (v && *v >= n) Fail(std::string("tokenizer.ggml.") + key + " is past the end of the vocabulary");
    return v ? int(*v) : -1;
  };
  SentencePieceVocab vocab;
  vocab.pieces = *tokens;
  vocab.scores.reserve(n);
  for (double s : *scores) vocab.scores.push_back(std::isfinite(s) && std::fabs(s) <= 3.4e38 ? float(s) : 0.0f);
  vocab.unk_id = id("unknown_token_id");
  vocab.bos_id = id("bos_token_id");
  vocab.eos_id = id("eos_token_id");
  vocab.pad_id = id("padding_token_id");
  vocab.types.resize(n, PieceType::kNormal);
  bool has_unknown = false;
  for (size_t i = 0; i < n; ++i) {
    const int64_t t = types ? (*types)[i] : 0;
    if (t >= 1 && t <= 6) vocab.types[i] = PieceType(t);
    if (!types) {  // no types: infer what SentencePiece needs from the pieces and the special ids
      const std::string& piece = (*tokens)[i];
      if (piece.size() == 6 && piece.compare(0, 3, "<0x") == 0 && piece[5] == '>') vocab.types[i] = PieceType::kByte;
      if (int(i) == vocab.bos_id || int(i) == vocab.eos_id || int(i) == vocab.pad_id) {
        vocab.types[i] = PieceType::kControl;
      }
    }
    // Gemma's turn markers are matched inside text (SentencePiece does that only for user-defined pieces);
    // converters type them control or normal, so restore the type by piece string.
    if ((*tokens)[i] == "<start_of_turn>" || (*tokens)[i] == "<end_of_turn>") {
      vocab.types[i] = PieceType::kUserDefined;
    }
    has_unknown = has_unknown || vocab.types[i] == PieceType::kUnknown;
  }
  if (!has_unknown && vocab.unk_id >= 0) vocab.types[size_t(vocab.unk_id)] = PieceType::kUnknown;
  if (vocab.unk_id < 0) {
    for (size_t i = 0; i < n; ++i) {
      if (vocab.types[i] == PieceType::kUnknown) vocab.unk_id = int(i);
    }
  }
  tokenizer_ = BuildSentencePieceModel(vocab);
  SentencePiecePieceCount(tokenizer_, "the tokenizer in " + where_);
}

void GgufCheckpoint::DescribeModel() {
  const std::filesystem::path& path = gguf_.path();
  const auto name = gguf_.GetString("general.name");
  info_.name = name && !name->empty() ? *name : path.stem().string();
  const auto chat_template = gguf_.GetString("tokenizer.chat_template");
  info_.instruction_tuned = NameSaysInstructionTuned(info_.name) || (chat_template && !chat_template->empty());
  std::set<std::string> types;
  for (const auto& [hf_name, e] : entries_) {
    if (e.tensor->ne.size() == 2) types.insert(ElementTypeName(e.type));
  }
  std::string type_text;
  for (const auto& t : types) type_text += (type_text.empty() ? "" : "/") + t;
  info_.source = "GGUF v" + std::to_string(gguf_.version()) + " file " + path.string() + ", " +
                 (types.size() > 1 ? "mixed " : "") + type_text;
}

void GgufCheckpoint::ReadRows(const std::string& hf_name, int64_t first_row, int64_t row_count, float* out) {
  const auto it = entries_.find(hf_name);
  if (it == entries_.end()) throw Error("the checkpoint has no tensor " + hf_name);
  const Entry& e = it->second;
  if (first_row < 0 || row_count < 0 || first_row > e.rows || row_count > e.rows - first_row) {
    throw Error("rows [" + std::to_string(first_row) + ", " + std::to_string(first_row + row_count) +
                ") out of range for tensor " + hf_name + " with " + std::to_string(e.rows) + " rows");
  }
  const uint64_t row_bytes = ElementBytes(e.type, uint64_t(e.row_elements));
  ReadAsF32(gguf_.file(), e.tensor->offset + uint64_t(first_row) * row_bytes, e.type,
            uint64_t(row_count) * uint64_t(e.row_elements), out);
}

}  // namespace

std::string GgufTensorName(const std::string& hf_name) {
  static const std::map<std::string, std::string> kLayerTensors = {
      {"input_layernorm.weight", "attn_norm.weight"},
      {"self_attn.q_proj.weight", "attn_q.weight"},
      {"self_attn.k_proj.weight", "attn_k.weight"},
      {"self_attn.v_proj.weight", "attn_v.weight"},
      {"self_attn.o_proj.weight", "attn_output.weight"},
      {"post_attention_layernorm.weight", "ffn_norm.weight"},
      {"mlp.gate_proj.weight", "ffn_gate.weight"},
      {"mlp.up_proj.weight", "ffn_up.weight"},
      {"mlp.down_proj.weight", "ffn_down.weight"},
  };
  if (hf_name == "model.embed_tokens.weight") return "token_embd.weight";
  if (hf_name == "model.norm.weight") return "output_norm.weight";
  const std::string prefix = "model.layers.";
  if (hf_name.compare(0, prefix.size(), prefix) != 0) return "";
  const size_t dot = hf_name.find('.', prefix.size());
  if (dot == std::string::npos || dot == prefix.size()) return "";
  const std::string layer = hf_name.substr(prefix.size(), dot - prefix.size());
  if (layer.find_first_not_of("0123456789") != std::string::npos) return "";
  const auto it = kLayerTensors.find(hf_name.substr(dot + 1));
  return it == kLayerTensors.end() ? "" : "blk." + layer + "." + it->second;
}

std::unique_ptr<CheckpointReader> OpenGgufCheckpoint(const std::filesystem::path& path) {
  return std::make_unique<GgufCheckpoint>(path);
}

}  // namespace gemma
