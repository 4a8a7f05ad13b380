// A checkpoint someone downloaded (a Hugging Face folder or a GGUF file), read tensor by tensor so an
// import never needs the whole checkpoint in memory. Every format answers in one convention: tensors are
// named by their Hugging Face names, shaped [out, in], returned as f32, with norm weights as the multiplier
// (1 + w) the engine applies. So the importer and the engine never see a format's peculiarities.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/engine/model.h"
#include "core/engine/model_config.h"

namespace gemma {

class CheckpointReader {
 public:
  virtual ~CheckpointReader() = default;

  virtual const ModelConfig& config() const = 0;
  // The tokenizer as a serialized SentencePiece ModelProto (tokenizer.model, or rebuilt from GGUF metadata).
  virtual const std::string& tokenizer_model() const = 0;
  // Name, source description ("Hugging Face folder …, bf16, 2 shards"), instruction-tuned or not.
  virtual const ModelInfo& info() const = 0;

  // Rows [first_row, first_row + row_count) of a tensor, as f32 in the convention above. A 1-D tensor is one
  // row. Throws gemma::Error for an unknown name or rows out of range.
  virtual void ReadRows(const std::string& hf_name, int64_t first_row, int64_t row_count, float* out) = 0;
};

// Hugging Face names and [out, in] shapes of every tensor a Gemma model of this config has, in file order:
// model.embed_tokens.weight, then per layer input_layernorm, q/k/v/o_proj, post_attention_layernorm,
// gate/up/down_proj, then model.norm.weight. 1-D tensors have a one-element shape.
struct TensorSpec {
  std::string name;
  std::vector<int64_t> shape;
};
std::vector<TensorSpec> GemmaTensorSpecs(const ModelConfig& config);

// A Hugging Face folder (config.json, tokenizer.model, *.safetensors with or without an index), a .gguf
// file, or a GemmaChat model file of any readable version (model_file_checkpoint.h: to convert an older
// format to the current one). Opening validates: every tensor present, shapes agree with the config, offsets
// inside the files, the tokenizer matches the vocabulary. Throws gemma::Error saying what is wrong and what
// to do.
std::unique_ptr<CheckpointReader> OpenCheckpoint(const std::filesystem::path& path);

}  // namespace gemma
