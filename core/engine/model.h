// A loaded model: its shape, weights (viewed in storage the model keeps alive), tokenizer and description.
#pragma once

#include <memory>
#include <string>

#include "model_config.h"
#include "tokenizer.h"
#include "weights.h"

namespace gemma {

struct ModelInfo {
  std::string name;                // e.g. "gemma-2b-it"
  std::string source;              // where it was imported from
  bool instruction_tuned = true;   // "-it": chat template; otherwise plain text after BOS
};

class Model {
 public:
  // `storage` owns the memory the weights point into (a mapping, or buffers); it lives as long as the model.
  Model(ModelConfig config, ModelWeights weights, std::unique_ptr<Tokenizer> tokenizer,
        std::shared_ptr<const void> storage, ModelInfo info);

  const ModelConfig& config() const { return config_; }
  const ModelWeights& weights() const { return weights_; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }
  const ModelInfo& info() const { return info_; }
  // Ids a sampler may pick: the tokenizer's, never the embedding's padding rows.
  int sampleable_vocab() const;

 private:
  ModelConfig config_;
  ModelWeights weights_;
  std::unique_ptr<Tokenizer> tokenizer_;
  std::shared_ptr<const void> storage_;
  ModelInfo info_;
};

}  // namespace gemma
