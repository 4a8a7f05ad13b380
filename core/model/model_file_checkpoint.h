// A GemmaChat model file read back as a checkpoint (checkpoint.h): its config, tokenizer, name and weights
// as f32 rows, int8 rows dequantized in the order the file's own format version stores them. This is how a
// file of an older format, which the engine no longer runs, becomes a current one: the importer quantizes
// the dequantized values again, which gives back the same int8 values (every block's largest magnitude is
// 127 * scale, so the scale comes out the same within an ulp and each value rounds back to itself). It also
// re-imports a current file under another weight type or name.
#pragma once

#include <filesystem>
#include <memory>

#include "core/model/checkpoint.h"

namespace gemma {

// Any version ReadModelFileHeader reads. Checks the file as OpenModelFile does (header, tensor directory,
// every array inside the file); throws gemma::Error saying what is wrong. Norms and f32 tensors come back
// exactly as stored (the norms already as the multiplier 1 + w).
std::unique_ptr<CheckpointReader> OpenModelFileCheckpoint(const std::filesystem::path& path);

}  // namespace gemma
