#include "model_config.h"

#include "error.h"

namespace gemma {

ModelConfig Gemma2B() {
  return ModelConfig{.vocab_size = 256000, .hidden = 2048, .layers = 18, .heads = 8, .kv_heads = 1,
                     .head_dim = 256, .ffn = 16384, .context = 8192};
}

ModelConfig Gemma7B() {
  return ModelConfig{.vocab_size = 256000, .hidden = 3072, .layers = 28, .heads = 16, .kv_heads = 16,
                     .head_dim = 256, .ffn = 24576, .context = 8192};
}

int64_t ModelConfig::ParameterCount() const {
  const int64_t h = hidden;
  const int64_t per_layer = h * q_dim() + 2 * h * kv_dim() + int64_t(q_dim()) * h + 3 * h * ffn + 2 * h;
  return int64_t(vocab_size) * h + layers * per_layer + h;
}

std::string DescribeVariant(const ModelConfig& c) {
  auto same_shape = [&](ModelConfig p) { return c.hidden == p.hidden && c.layers == p.layers &&
                                                c.heads == p.heads && c.kv_heads == p.kv_heads &&
                                                c.ffn == p.ffn && c.head_dim == p.head_dim; };
  if (same_shape(Gemma2B())) return "2B";
  if (same_shape(Gemma7B())) return "7B";
  return "custom " + std::to_string(c.layers) + "-layer";
}

void ValidateConfig(const ModelConfig& c) {
  auto require = [](bool ok, const std::string& what) {
    if (!ok) throw Error("invalid model configuration: " + what);
  };
  require(c.vocab_size > 0 && c.vocab_size <= 1 << 20, "vocab_size " + std::to_string(c.vocab_size));
  require(c.hidden > 0 && c.hidden <= 65536, "hidden_size " + std::to_string(c.hidden));
  require(c.layers > 0 && c.layers <= 512, "num_hidden_layers " + std::to_string(c.layers));
  require(c.heads > 0 && c.heads <= 1024, "num_attention_heads " + std::to_string(c.heads));
  require(c.kv_heads > 0 && c.heads % c.kv_heads == 0,
          "num_key_value_heads " + std::to_string(c.kv_heads) + " must divide num_attention_heads " +
              std::to_string(c.heads));
  require(c.head_dim > 0 && c.head_dim % 2 == 0 && c.head_dim <= 1024,
          "head_dim " + std::to_string(c.head_dim) + " (must be even for RoPE)");
  require(c.ffn > 0 && c.ffn <= 1 << 20, "intermediate_size " + std::to_string(c.ffn));
  require(c.context > 0 && c.context <= 1 << 20, "max_position_embeddings " + std::to_string(c.context));
  require(c.rms_eps > 0 && c.rms_eps < 1, "rms_norm_eps");
  require(c.rope_theta > 1, "rope_theta");
}

}  // namespace gemma
