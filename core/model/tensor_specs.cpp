// The tensor list of a Gemma 1 checkpoint, derived from its config (see checkpoint.h).
#include "core/model/checkpoint.h"

namespace gemma {

std::vector<TensorSpec> GemmaTensorSpecs(const ModelConfig& c) {
  const int64_t h = c.hidden, q = c.q_dim(), kv = c.kv_dim(), ffn = c.ffn;
  std::vector<TensorSpec> specs;
  specs.push_back({"model.embed_tokens.weight", {c.vocab_size, h}});
  for (int layer = 0; layer < c.layers; ++layer) {
    const std::string p = "model.layers." + std::to_string(layer) + ".";
    specs.push_back({p + "input_layernorm.weight", {h}});
    specs.push_back({p + "self_attn.q_proj.weight", {q, h}});
    specs.push_back({p + "self_attn.k_proj.weight", {kv, h}});
    specs.push_back({p + "self_attn.v_proj.weight", {kv, h}});
    specs.push_back({p + "self_attn.o_proj.weight", {h, q}});
    specs.push_back({p + "post_attention_layernorm.weight", {h}});
    specs.push_back({p + "mlp.gate_proj.weight", {ffn, h}});
    specs.push_back({p + "mlp.up_proj.weight", {ffn, h}});
    specs.push_back({p + "mlp.down_proj.weight", {h, ffn}});
  }
  specs.push_back({"model.norm.weight", {h}});
  return specs;
}

}  // namespace gemma
