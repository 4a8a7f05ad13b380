// Turning a checkpoint (any CheckpointReader) into something the engine runs: a GemmaChat model file on
// disk, or the same weights in memory. Both stream tensor by tensor in chunks of rows, so memory stays at a
// few tens of MB whatever the model's size, and quantize with QuantizeWeightRows (core/engine/kernels.h):
// half scales, values in the interleaved order of weights.h.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "core/engine/error.h"
#include "core/engine/model.h"
#include "core/engine/weights.h"
#include "core/model/checkpoint.h"

namespace gemma {

struct ImportProgress {
  uint64_t bytes_done = 0;   // bytes of the output written so far
  uint64_t bytes_total = 0;
  std::string tensor;        // the tensor being written (Hugging Face name)
};
// Called after each chunk; returning false cancels (the import then throws ImportCancelled).
using ImportProgressFn = std::function<bool(const ImportProgress&)>;

struct ImportOptions {
  WeightType weight_type = WeightType::kInt8;
  ImportProgressFn progress{};  // {}: designated initializers may leave it out without a warning
  std::string name{};           // overrides the checkpoint's model name when not empty
};

// The weight type importing `source` gives unless asked for another: a GemmaChat model file's own (so
// converting a file of an earlier format keeps int8 or f32 as it was), int8 for any checkpoint.
WeightType DefaultImportWeightType(const std::filesystem::path& source);

// Thrown when the progress callback asked to stop; nothing is left behind.
class ImportCancelled : public Error {
 public:
  ImportCancelled() : Error("the import was cancelled") {}
};

// Writes `out` atomically: into "<out>.partial-<pid>.<n>" in the same folder, synced and renamed into place
// only when complete. Any error, cancel or exception removes the partial file and leaves an earlier `out`
// untouched. Partial files of imports whose process died (killed, crashed) are removed first.
// Throws gemma::Error (a full disk included) or ImportCancelled.
void ImportCheckpoint(CheckpointReader& reader, const std::filesystem::path& out, const ImportOptions& options = {});

// The same weights, laid out and quantized the same way, in memory the model owns: to run a Hugging Face
// folder or a GGUF file directly. Needs the output's size in memory (no file, no mapping).
std::shared_ptr<Model> BuildModelInMemory(CheckpointReader& reader, WeightType weight_type,
                                          const ImportProgressFn& progress = {});

// Removes files named "*.partial-<pid>" or "*.partial-<pid>.<n>" in `folder` whose process no longer runs
// and that are ours (empty, or starting with the model file magic). Returns how many it removed.
int RemoveStalePartialFiles(const std::filesystem::path& folder);

}  // namespace gemma
