// A GGUF file (llama.cpp's format, versions 2 and 3), read generically: the metadata of every value type
// (arrays included), the tensor infos, the alignment and the data section, all validated on open. The file
// is read through pread: the metadata once, tensor data only when asked for.
//
// Layout: "GGUF", u32 version, u64 tensor count, u64 metadata count, metadata (string key, u32 type, value),
// tensor infos (string name, u32 n_dims, u64 ne[n_dims] innermost first, u32 ggml type, u64 offset), padding
// to the alignment, then the data section; tensor offsets are relative to it and aligned.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/model/pread_file.h"

namespace gemma {

enum class GgufValueType : uint32_t {
  kUint8 = 0, kInt8 = 1, kUint16 = 2, kInt16 = 3, kUint32 = 4, kInt32 = 5, kFloat32 = 6, kBool = 7,
  kString = 8, kArray = 9, kUint64 = 10, kInt64 = 11, kFloat64 = 12,
};

// One metadata value. Scalars use the field of their kind; arrays hold their elements in `array` (arrays of
// arrays are legal GGUF), except the large homogeneous arrays a tokenizer has, which are kept compact in
// `strings`, `ints` or `floats` (array_type says which).
struct GgufValue {
  GgufValueType type = GgufValueType::kUint8;
  uint64_t u = 0;      // unsigned integers and bool
  int64_t i = 0;       // signed integers
  double f = 0;        // floats
  std::string s;       // string
  GgufValueType array_type = GgufValueType::kUint8;
  uint64_t array_size = 0;
  std::vector<std::string> strings;  // array of strings
  std::vector<int64_t> ints;         // array of integers or bools (u64 values above 2^63 are refused)
  std::vector<double> floats;        // array of floats
  std::vector<GgufValue> array;      // array of arrays

  bool is_integer() const;
  bool is_float() const { return type == GgufValueType::kFloat32 || type == GgufValueType::kFloat64; }
};

// The ggml tensor types GemmaChat can read. The reader knows the block layout of every type llama.cpp
// defines (to check sizes and overlaps), and refuses type ids it does not know.
enum class GgmlType : uint32_t { kF32 = 0, kF16 = 1, kQ8_0 = 8, kBF16 = 30 };
std::string GgmlTypeName(uint32_t type);  // "Q4_K", or "type 77" when unknown

struct GgufTensorInfo {
  std::string name;
  std::vector<uint64_t> ne;  // innermost first: a [rows, cols] matrix has ne = {cols, rows}
  uint32_t type = 0;         // ggml type id
  uint64_t offset = 0;       // absolute file offset
  uint64_t bytes = 0;

  uint64_t elements() const;
};

class GgufFile {
 public:
  // Throws gemma::Error naming the file and the problem.
  explicit GgufFile(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return file_.path(); }
  const PreadFile& file() const { return file_; }
  uint32_t version() const { return version_; }
  uint64_t alignment() const { return alignment_; }
  uint64_t data_offset() const { return data_offset_; }
  const std::map<std::string, GgufValue>& metadata() const { return metadata_; }
  const std::vector<GgufTensorInfo>& tensors() const { return tensors_; }
  const GgufTensorInfo* FindTensor(const std::string& name) const;

  // Typed metadata access: nullopt when the key is absent; gemma::Error naming the key when it has the
  // wrong type (any integer type is accepted for an integer if the value fits).
  const GgufValue* Find(const std::string& key) const;
  std::optional<std::string> GetString(const std::string& key) const;
  std::optional<uint64_t> GetUint(const std::string& key) const;
  std::optional<double> GetFloat(const std::string& key) const;
  std::optional<bool> GetBool(const std::string& key) const;
  const std::vector<std::string>* GetStringArray(const std::string& key) const;
  const std::vector<double>* GetFloatArray(const std::string& key) const;
  const std::vector<int64_t>* GetIntArray(const std::string& key) const;

 private:
  PreadFile file_;
  uint32_t version_ = 0;
  uint64_t alignment_ = 32;
  uint64_t data_offset_ = 0;
  std::map<std::string, GgufValue> metadata_;
  std::vector<GgufTensorInfo> tensors_;
  std::map<std::string, size_t> tensor_index_;
};

// True if the file starts with the GGUF magic.
bool HasGgufMagic(const std::filesystem::path& path);

}  // namespace gemma
