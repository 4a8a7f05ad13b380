// One entry point for "run this model": our model file is mapped as is; a Hugging Face folder or a GGUF
// file is read through its checkpoint reader and quantized into memory on the way (slower to start, and it
// needs the model's size in memory, but no import step).
#pragma once

#include <filesystem>
#include <memory>

#include "core/engine/model.h"
#include "core/engine/weights.h"
#include "core/model/importer.h"

namespace gemma {

struct LoadOptions {
  WeightType weight_type = WeightType::kInt8;  // for checkpoints only; a model file has its own
  ImportProgressFn progress{};                 // for checkpoints only: returning false cancels (ImportCancelled)
};

// A GemmaChat model file (recognised by its magic, whatever its name), a Hugging Face folder, or a .gguf
// file. Throws gemma::Error saying what is wrong with the path or its contents.
std::shared_ptr<Model> LoadModel(const std::filesystem::path& path, const LoadOptions& options = {});

}  // namespace gemma
