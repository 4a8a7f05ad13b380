// A Hugging Face model folder as published on the Hub: config.json, tokenizer.model and the weights in one
// model.safetensors or in shards listed by model.safetensors.index.json (a tensor may be in any shard, a
// layer may span two). Everything is validated on open; rows are read on demand.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "core/engine/model_config.h"
#include "core/model/checkpoint.h"

namespace gemma {

// Throws gemma::Error naming the file at fault and what to do.
std::unique_ptr<CheckpointReader> OpenHfCheckpoint(const std::filesystem::path& folder);

// config.json text to a ModelConfig. `where` names the file in messages.
// Required keys: hidden_size, intermediate_size, num_hidden_layers, num_attention_heads, vocab_size.
// Defaults when absent (those of transformers' GemmaConfig, and GEMMA.md): num_key_value_heads =
// num_attention_heads, head_dim = 256 (never hidden / heads: that is wrong for 7B), max_position_embeddings =
// 8192, rms_norm_eps = 1e-6, rope_theta = 10000. hidden_act is ignored (GeLU-tanh always; the original
// config's "gelu" was a bug). model_type, when present, must be "gemma".
ModelConfig ParseHfConfig(const std::string& json_text, const std::string& where);

}  // namespace gemma
