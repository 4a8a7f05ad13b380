// Model files for the app's end-to-end tests, made on the spot: the tiny models of tests/support, or
// synthetic ones of any shape (random weights: their replies are noise, but every path of the engine runs).
#pragma once

#include <QString>

#include "core/engine/model_config.h"
#include "tests/support/tiny_model.h"

namespace gemma::testing {

// A tiny model (tiny_model.h) imported into a GemmaChat model file at path, named `name`.
void WriteTinyModelFile(const QString& path, Attention attention, const QString& name);

// A model of this shape with random weights and the tiny tokenizer, imported into a model file at path.
void WriteSyntheticModelFile(const QString& path, const ModelConfig& config, const QString& name, uint64_t seed = 1);

// A small model (~30 MB) whose tokens take a millisecond or more, so a test can stop a reply midway.
ModelConfig SmallChatConfig();

}  // namespace gemma::testing
