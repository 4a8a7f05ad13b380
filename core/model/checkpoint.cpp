// OpenCheckpoint: picks the reader for what the user pointed at (see checkpoint.h).
#include "core/model/checkpoint.h"

#include "core/engine/error.h"
#include "core/model/gguf.h"
#include "core/model/gguf_checkpoint.h"
#include "core/model/hf_checkpoint.h"
#include "core/model/model_file.h"
#include "core/model/model_file_checkpoint.h"

namespace gemma {

namespace fs = std::filesystem;

std::unique_ptr<CheckpointReader> OpenCheckpoint(const fs::path& path) {
  try {
    if (!fs::exists(path)) throw Error(path.string() + " does not exist.");
    if (fs::is_directory(path)) return OpenHfCheckpoint(path);
    // Our own file, of any readable version: importing it again converts an older format to the current one.
    if (IsModelFile(path)) return OpenModelFileCheckpoint(path);
    // The magic decides, not the extension: a renamed GGUF still opens, and a damaged ".gguf" gets a
    // message about its content.
    if (HasGgufMagic(path)) return OpenGgufCheckpoint(path);
    const std::string ext = path.extension().string();
    if (ext == ".gguf") {
      throw Error(path.string() + " is not a GGUF file (it does not start with \"GGUF\"): the download is "
                  "damaged or incomplete. Download it again.");
    }
    if (ext == ".safetensors" || path.filename() == "config.json" || path.filename() == "tokenizer.model" ||
        path.filename() == "model.safetensors.index.json") {
      throw Error(path.string() + " is one file of a Hugging Face model folder: open the folder " +
                  path.parent_path().string() + " instead.");
    }
    throw Error(path.string() + " is neither a Hugging Face model folder nor a GGUF file. Pick the folder "
                "that holds config.json, tokenizer.model and the .safetensors files, or a .gguf file.");
  } catch (const fs::filesystem_error& e) {
    throw Error(std::string("cannot read ") + path.string() + ": " + e.code().message());
  }
}

}  // namespace gemma
