// The shape of a Gemma 1 model. Published variants are factory functions; a loaded file fills one from its
// metadata and checks it against the tensors' shapes.
#pragma once

#include <cstdint>
#include <string>

namespace gemma {

struct ModelConfig {
  int vocab_size = 0;  // rows of the embedding table; may exceed the tokenizer's size (256128 padding rows)
  int hidden = 0;      // H
  int layers = 0;
  int heads = 0;       // query heads
  int kv_heads = 0;    // 1 = multi-query (2B), == heads = multi-head (7B)
  int head_dim = 0;    // 256 in both published models; never derived from hidden / heads
  int ffn = 0;         // I, the GeGLU width
  int context = 0;     // maximum positions
  float rms_eps = 1e-6f;
  float rope_theta = 10000.0f;

  int q_dim() const { return heads * head_dim; }
  int kv_dim() const { return kv_heads * head_dim; }
  // Parameters counted from the shapes (the embedding once: it is tied to the output head).
  int64_t ParameterCount() const;
  bool operator==(const ModelConfig&) const = default;
};

ModelConfig Gemma2B();
ModelConfig Gemma7B();

// "2B", "7B" when the shape is a published one, else a description such as "custom 4-layer".
std::string DescribeVariant(const ModelConfig& config);

// Throws gemma::Error naming the first field that is out of range or inconsistent.
void ValidateConfig(const ModelConfig& config);

}  // namespace gemma
