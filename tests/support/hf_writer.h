// Writes TinyModels as Hugging Face folders, byte by byte (independently of core/model's readers): config.json
// with every key the published Gemma configs have (hidden_act "gelu" included, as in the buggy original),
// tokenizer.model, tokenizer_config.json, and the weights as one model.safetensors or as shards with
// model.safetensors.index.json. Also lower-level safetensors writing for tests that need broken files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/tiny_model.h"

namespace gemma::testing {

enum class HfDtype { kBF16, kF16, kF32 };

// shards == 1: model.safetensors. shards > 1: model-0000i-of-0000N.safetensors and the index, split by size
// so that at least one layer spans two shards; model.norm.weight goes in the first shard (tensors need not
// be in order). Norms are stored as the offset w, like every Hugging Face Gemma checkpoint. Creates `dir`.
// Throws std::runtime_error if a file cannot be written.
void WriteHfFolder(const std::filesystem::path& dir, const TinyModel& model, HfDtype dtype, int shards = 1);

// The raw little-endian bytes of `values` in a dtype, and the safetensors name of that dtype.
std::string EncodeTensor(const std::vector<float>& values, HfDtype dtype);
const char* HfDtypeName(HfDtype dtype);  // "BF16", "F16", "F32"

struct SafetensorsEntry {
  std::string name;
  std::string dtype;            // written as given, so tests can write unknown ones
  std::vector<int64_t> shape;
  std::string data;             // raw bytes
};
// A valid safetensors file: header padded with spaces to a multiple of 8, tensors packed in `entries` order.
void WriteSafetensors(const std::filesystem::path& path, const std::vector<SafetensorsEntry>& entries);
// Any header text and data, for files that are broken on purpose: u64 length of `header`, header, data.
void WriteRawSafetensors(const std::filesystem::path& path, const std::string& header, const std::string& data);

void WriteFileBytes(const std::filesystem::path& path, const std::string& bytes);
std::string ReadFileBytes(const std::filesystem::path& path);

}  // namespace gemma::testing
