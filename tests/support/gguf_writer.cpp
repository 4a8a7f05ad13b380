#include "tests/support/gguf_writer.h"

#include <sentencepiece_processor.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <stdexcept>

#include "core/model/checkpoint.h"
#include "tests/support/half_float.h"
#include "tests/support/hf_writer.h"

namespace gemma::testing {
namespace {

// GGUF metadata value types.
constexpr uint32_t kUint32 = 4, kInt32 = 5, kFloat32 = 6, kBool = 7, kString = 8, kArray = 9, kUint64 = 10;

template <typename T>
void Put(std::string& out, T value) {
  char b[sizeof(T)];
  std::memcpy(b, &value, sizeof(T));
  out.append(b, sizeof(T));
}

void PutString(std::string& out, const std::string& s) {
  Put<uint64_t>(out, s.size());
  out += s;
}

std::string Typed(uint32_t type, const std::string& bytes) {
  std::string out;
  Put<uint32_t>(out, type);
  return out + bytes;
}

// llama.cpp's (gguf-py) rounding: half away from zero.
float RoundHalfAway(float x) { return std::round(x); }

// Gemma's published chat template, as convert_hf_to_gguf.py copies it from tokenizer_config.json.
constexpr char kChatTemplate[] =
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
    "{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}"
    "{% endif %}{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}";

// The writer's own copy of llama.cpp's Gemma tensor names.
std::string GgufName(const std::string& hf) {
  static const std::map<std::string, std::string> layer = {
      {"input_layernorm", "attn_norm"}, {"self_attn.q_proj", "attn_q"},  {"self_attn.k_proj", "attn_k"},
      {"self_attn.v_proj", "attn_v"},   {"self_attn.o_proj", "attn_output"}, {"post_attention_layernorm", "ffn_norm"},
      {"mlp.gate_proj", "ffn_gate"},    {"mlp.up_proj", "ffn_up"},        {"mlp.down_proj", "ffn_down"}};
  if (hf == "model.embed_tokens.weight") return "token_embd.weight";
  if (hf == "model.norm.weight") return "output_norm.weight";
  const size_t start = std::strlen("model.layers.");
  const size_t dot = hf.find('.', start);
  const std::string n = hf.substr(start, dot - start);
  const std::string module = hf.substr(dot + 1, hf.size() - dot - 1 - std::strlen(".weight"));
  return "blk." + n + "." + layer.at(module) + ".weight";
}

}  // namespace

std::string EncodeGgml(const std::vector<float>& values, uint32_t ggml_type) {
  switch (ggml_type) {
    case kGgmlF32: return EncodeTensor(values, HfDtype::kF32);
    case kGgmlF16: return EncodeTensor(values, HfDtype::kF16);
    case kGgmlBF16: return EncodeTensor(values, HfDtype::kBF16);
    case kGgmlQ8_0: {
      if (values.size() % 32 != 0) throw std::runtime_error("Q8_0 needs rows of multiples of 32");
      std::string out;
      for (size_t b = 0; b < values.size(); b += 32) {
        float amax = 0;
        for (size_t i = 0; i < 32; ++i) amax = std::max(amax, std::fabs(values[b + i]));
        const float d = amax / 127.0f;
        const float id = d != 0 ? 1.0f / d : 0.0f;
        Put<uint16_t>(out, F32ToF16(d));
        for (size_t i = 0; i < 32; ++i) {
          out.push_back(char(int8_t(std::clamp(RoundHalfAway(values[b + i] * id), -127.0f, 127.0f))));
        }
      }
      return out;
    }
  }
  throw std::runtime_error("EncodeGgml: unsupported type");
}

void GgufBuilder::AddUint32(const std::string& k, uint32_t v) { std::string b; Put(b, v); AddRaw(k, kUint32, b); }
void GgufBuilder::AddInt32(const std::string& k, int32_t v) { std::string b; Put(b, v); AddRaw(k, kInt32, b); }
void GgufBuilder::AddUint64(const std::string& k, uint64_t v) { std::string b; Put(b, v); AddRaw(k, kUint64, b); }
void GgufBuilder::AddFloat32(const std::string& k, float v) { std::string b; Put(b, v); AddRaw(k, kFloat32, b); }
void GgufBuilder::AddBool(const std::string& k, bool v) { AddRaw(k, kBool, std::string(1, v ? 1 : 0)); }
void GgufBuilder::AddString(const std::string& k, const std::string& v) { std::string b; PutString(b, v); AddRaw(k, kString, b); }

void GgufBuilder::AddStringArray(const std::string& k, const std::vector<std::string>& v) {
  std::string b;
  Put<uint32_t>(b, kString);
  Put<uint64_t>(b, v.size());
  for (const auto& s : v) PutString(b, s);
  AddRaw(k, kArray, b);
}

void GgufBuilder::AddFloat32Array(const std::string& k, const std::vector<float>& v) {
  std::string b;
  Put<uint32_t>(b, kFloat32);
  Put<uint64_t>(b, v.size());
  for (float f : v) Put(b, f);
  AddRaw(k, kArray, b);
}

void GgufBuilder::AddInt32Array(const std::string& k, const std::vector<int32_t>& v) {
  std::string b;
  Put<uint32_t>(b, kInt32);
  Put<uint64_t>(b, v.size());
  for (int32_t i : v) Put(b, i);
  AddRaw(k, kArray, b);
}

void GgufBuilder::AddRaw(const std::string& key, uint32_t type, const std::string& value_bytes) {
  Remove(key);
  metadata_.emplace_back(key, Typed(type, value_bytes));
}

void GgufBuilder::Remove(const std::string& key) {
  std::erase_if(metadata_, [&](const auto& kv) { return kv.first == key; });
}

void GgufBuilder::AddTensor(const std::string& name, std::vector<uint64_t> ne, uint32_t ggml_type, std::string data,
                            std::optional<uint64_t> offset) {
  tensors_.push_back({name, std::move(ne), ggml_type, std::move(data), offset});
}

std::string GgufBuilder::Build(uint32_t version, uint32_t alignment) const {
  std::string out = "GGUF";
  Put<uint32_t>(out, version);
  Put<uint64_t>(out, tensors_.size());
  Put<uint64_t>(out, metadata_.size());
  for (const auto& [key, value] : metadata_) {
    PutString(out, key);
    out += value;
  }
  auto align = [&](uint64_t v) { return (v + alignment - 1) / alignment * alignment; };
  std::vector<uint64_t> offsets;
  uint64_t next = 0;
  for (const Tensor& t : tensors_) {
    offsets.push_back(t.offset.value_or(next));
    next = align(next + t.data.size());
    PutString(out, t.name);
    Put<uint32_t>(out, uint32_t(t.ne.size()));
    for (uint64_t d : t.ne) Put<uint64_t>(out, d);
    Put<uint32_t>(out, t.type);
    Put<uint64_t>(out, offsets.back());
  }
  out.resize(align(out.size()), '\0');
  const size_t data_start = out.size();
  for (size_t i = 0; i < tensors_.size(); ++i) {
    if (tensors_[i].offset) continue;  // overridden offsets point wherever the test wants; write nothing there
    out.resize(std::max(out.size(), data_start + offsets[i]), '\0');
    out.replace(data_start + offsets[i], tensors_[i].data.size(), tensors_[i].data);
  }
  out.resize(align(out.size()), '\0');
  return out;
}

void GgufBuilder::Write(const std::filesystem::path& path, uint32_t version, uint32_t alignment) const {
  WriteFileBytes(path, Build(version, alignment));
}

void BuildGguf(GgufBuilder& b, const TinyModel& model, GgufType type, const GgufWriteOptions& options) {
  const ModelConfig& c = model.config;
  const std::string a = options.architecture;
  const uint32_t ggml_type = type == GgufType::kF32    ? kGgmlF32
                             : type == GgufType::kF16  ? kGgmlF16
                             : type == GgufType::kBF16 ? kGgmlBF16
                                                       : kGgmlQ8_0;
  // llama.cpp's LlamaFileType: ALL_F32 0, MOSTLY_F16 1, MOSTLY_Q8_0 7, MOSTLY_BF16 32.
  const uint32_t file_type = type == GgufType::kF32 ? 0 : type == GgufType::kF16 ? 1 : type == GgufType::kBF16 ? 32 : 7;
  b.AddString("general.architecture", a);
  b.AddString("general.name", model.name);
  if (options.write_alignment_key) b.AddUint32("general.alignment", options.alignment);
  b.AddUint32(a + ".context_length", uint32_t(c.context));
  b.AddUint32(a + ".embedding_length", uint32_t(c.hidden));
  b.AddUint32(a + ".block_count", uint32_t(c.layers));
  b.AddUint32(a + ".feed_forward_length", uint32_t(c.ffn));
  b.AddUint32(a + ".attention.head_count", uint32_t(c.heads));
  b.AddUint32(a + ".attention.head_count_kv", uint32_t(c.kv_heads));
  b.AddUint32(a + ".attention.key_length", uint32_t(c.head_dim));
  b.AddUint32(a + ".attention.value_length", uint32_t(c.head_dim));
  b.AddFloat32(a + ".attention.layer_norm_rms_epsilon", c.rms_eps);
  b.AddUint32("general.file_type", file_type);
  if (type == GgufType::kQ8_0) b.AddUint32("general.quantization_version", 2);

  sentencepiece::SentencePieceProcessor sp;
  if (!sp.LoadFromSerializedProto(model.tokenizer_model).ok()) throw std::runtime_error("tiny tokenizer");
  std::vector<std::string> tokens;
  std::vector<float> scores;
  std::vector<int32_t> types;
  for (int id = 0; id < sp.GetPieceSize(); ++id) {
    const std::string piece = sp.IdToPiece(id);
    tokens.push_back(piece);
    scores.push_back(sp.GetScore(id));
    // convert_hf_to_gguf.py: 2 unknown, 3 control, 5 unused, 6 byte, else 1 normal; then the added tokens
    // of tokenizer_config.json (Gemma's turn markers) get their own type.
    int t = sp.IsUnknown(id) ? 2 : sp.IsControl(id) ? 3 : sp.IsUnused(id) ? 5 : sp.IsByte(id) ? 6 : 1;
    if (piece == "<start_of_turn>" || piece == "<end_of_turn>") t = options.turn_marker_type;
    types.push_back(t);
  }
  b.AddString("tokenizer.ggml.model", "llama");
  b.AddStringArray("tokenizer.ggml.tokens", tokens);
  b.AddFloat32Array("tokenizer.ggml.scores", scores);
  b.AddInt32Array("tokenizer.ggml.token_type", types);
  // The special ids as the SentencePiece model defines them (llama.cpp's SpecialVocab reads the same).
  b.AddUint32("tokenizer.ggml.bos_token_id", uint32_t(sp.bos_id()));
  b.AddUint32("tokenizer.ggml.eos_token_id", uint32_t(sp.eos_id()));
  b.AddUint32("tokenizer.ggml.unknown_token_id", uint32_t(sp.unk_id()));
  b.AddUint32("tokenizer.ggml.padding_token_id", uint32_t(sp.pad_id()));
  b.AddUint32("tokenizer.ggml.eot_token_id", uint32_t(sp.PieceToId("<end_of_turn>")));
  b.AddBool("tokenizer.ggml.add_bos_token", true);
  b.AddBool("tokenizer.ggml.add_eos_token", false);
  b.AddBool("tokenizer.ggml.add_space_prefix", false);
  if (options.chat_template) b.AddString("tokenizer.chat_template", kChatTemplate);

  for (const TensorSpec& spec : GemmaTensorSpecs(c)) {
    const std::vector<int64_t>& shape = model.shapes.at(spec.name);
    std::vector<uint64_t> ne(shape.rbegin(), shape.rend());
    if (shape.size() == 1) {  // norms: the multiplier 1 + w, in f32
      std::vector<float> values = model.at(spec.name);
      for (float& v : values) v = 1.0f + v;
      b.AddTensor(GgufName(spec.name), ne, kGgmlF32, EncodeGgml(values, kGgmlF32));
    } else {
      b.AddTensor(GgufName(spec.name), ne, ggml_type, EncodeGgml(model.at(spec.name), ggml_type));
    }
  }
}

void WriteGguf(const std::filesystem::path& path, const TinyModel& model, GgufType type,
               const GgufWriteOptions& options) {
  GgufBuilder b;
  BuildGguf(b, model, type, options);
  b.Write(path, 3, options.alignment);
}

}  // namespace gemma::testing
