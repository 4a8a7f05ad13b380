// Writes TinyModels as GGUF files the way llama.cpp's convert_hf_to_gguf.py writes Gemma, byte by byte and
// independently of core/model's readers: arch "gemma", tensor names token_embd / blk.N.* / output_norm,
// ne innermost first, norms stored as 1 + w in F32, 2-D tensors in the file type (Q8_0: d = max|x| / 127 as
// f16, q = round(x / d) half away from zero), tokenizer.ggml.* metadata from the SentencePiece model with
// token types, a chat template, general.alignment 32. The embedding keeps the TinyModel's padding rows.
// GgufBuilder is the lower level, for tests that need files broken on purpose.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/tiny_model.h"

namespace gemma::testing {

enum class GgufType { kF32, kF16, kBF16, kQ8_0 };

// ggml type ids and GGUF metadata value types, as numbers in the file.
inline constexpr uint32_t kGgmlF32 = 0, kGgmlF16 = 1, kGgmlQ8_0 = 8, kGgmlBF16 = 30;

struct GgufWriteOptions {
  std::string architecture = "gemma";
  // How the converter typed <start_of_turn>/<end_of_turn>: 3 control (llama.cpp with Gemma's
  // tokenizer_config.json), 1 normal (older converters) or 4 user-defined.
  int turn_marker_type = 3;
  bool chat_template = true;
  uint32_t alignment = 32;
  bool write_alignment_key = true;
};

void WriteGguf(const std::filesystem::path& path, const TinyModel& model, GgufType type,
               const GgufWriteOptions& options = {});

// Encodes `values` (a row-major [rows, cols] tensor, or 1-D) in a ggml type, as llama.cpp would.
std::string EncodeGgml(const std::vector<float>& values, uint32_t ggml_type);

class GgufBuilder {
 public:
  void AddUint32(const std::string& key, uint32_t v);
  void AddInt32(const std::string& key, int32_t v);
  void AddUint64(const std::string& key, uint64_t v);
  void AddFloat32(const std::string& key, float v);
  void AddBool(const std::string& key, bool v);
  void AddString(const std::string& key, const std::string& v);
  void AddStringArray(const std::string& key, const std::vector<std::string>& v);
  void AddFloat32Array(const std::string& key, const std::vector<float>& v);
  void AddInt32Array(const std::string& key, const std::vector<int32_t>& v);
  // Any type id and already encoded value bytes (for unknown types and other damage).
  void AddRaw(const std::string& key, uint32_t type, const std::string& value_bytes);
  void Remove(const std::string& key);

  // ne innermost first. `offset` overrides the computed (aligned, packed) offset.
  void AddTensor(const std::string& name, std::vector<uint64_t> ne, uint32_t ggml_type, std::string data,
                 std::optional<uint64_t> offset = std::nullopt);

  std::string Build(uint32_t version = 3, uint32_t alignment = 32) const;
  void Write(const std::filesystem::path& path, uint32_t version = 3, uint32_t alignment = 32) const;

 private:
  struct Tensor {
    std::string name;
    std::vector<uint64_t> ne;
    uint32_t type;
    std::string data;
    std::optional<uint64_t> offset;
  };
  std::vector<std::pair<std::string, std::string>> metadata_;  // key, type id + value bytes
  std::vector<Tensor> tensors_;
};

// Fills `builder` with everything WriteGguf writes, so a test can change one thing and write it.
void BuildGguf(GgufBuilder& builder, const TinyModel& model, GgufType type, const GgufWriteOptions& options = {});

}  // namespace gemma::testing
