#include "model.h"

#include <algorithm>

#include "error.h"

namespace gemma {

Model::Model(ModelConfig config, ModelWeights weights, std::unique_ptr<Tokenizer> tokenizer,
             std::shared_ptr<const void> storage, ModelInfo info)
    : config_(config),
      weights_(std::move(weights)),
      tokenizer_(std::move(tokenizer)),
      storage_(std::move(storage)),
      info_(std::move(info)) {
  ValidateConfig(config_);
  if (!tokenizer_) throw Error("a model needs a tokenizer");
  if (tokenizer_->size() > config_.vocab_size)
    throw Error("the tokenizer has " + std::to_string(tokenizer_->size()) + " pieces but the embedding only " +
                std::to_string(config_.vocab_size) + " rows: the tokenizer does not belong to this model");
  if (int(weights_.layers.size()) != config_.layers) throw Error("the weights do not have every layer");
}

int Model::sampleable_vocab() const { return std::min(tokenizer_->size(), config_.vocab_size); }

}  // namespace gemma
