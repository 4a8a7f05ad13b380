// A GemmaChat model file read back as a checkpoint (checkpoint.h): its config, tokenizer, name and weights
// as f32 rows, int8 rows dequantized as the file's own format version stores them (the values' order, the
// scales' type). This is how a file of an older format, which the engine no longer runs, becomes a current
// one: the importer quantizes the dequantized values again. Every block's largest magnitude is 127 * scale,
// so the importer finds the same scale and each value rounds back to itself: a current file comes back
// bit for bit; a format-1 file gets its float scales rounded to halves, as importing its checkpoint again
// would, and keeps its int8 values wherever the half scale is a normal number (a scale of at least 2^-14:
// a block whose largest weight is at least 0.008); a block of smaller weights is quantized afresh with its
// coarser half scale, as any import quantizes it. It also re-imports a file under another weight type or name.
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
