// Choosing how to load a path: our file by its magic, anything else as a checkpoint (see model_loader.h).
#include "core/model/model_loader.h"

#include "core/engine/error.h"
#include "core/model/checkpoint.h"
#include "core/model/model_file.h"

namespace gemma {

std::shared_ptr<Model> LoadModel(const std::filesystem::path& path, const LoadOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw Error("cannot load " + path.string() + ": there is no such file or folder");
  }
  if (IsModelFile(path)) return OpenModelFile(path);
  std::unique_ptr<CheckpointReader> checkpoint = OpenCheckpoint(path);
  return BuildModelInMemory(*checkpoint, options.weight_type, options.progress);
}

}  // namespace gemma
