// One .safetensors file: its header parsed and every tensor entry validated on open (dtype known, shape and
// byte size agree, offsets inside the file, no two tensors overlapping), then rows read on demand with pread.
// Layout: u64 little-endian header length N, N bytes of JSON, then the raw row-major data; offsets in the
// JSON are relative to the data section.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/model/pread_file.h"

namespace gemma {

struct SafetensorsTensor {
  std::string name;
  std::string dtype;            // as written: "BF16", "F16", "F32", "I64", ...
  int element_size = 0;         // bytes
  std::vector<int64_t> shape;   // empty for a scalar
  uint64_t offset = 0;          // absolute file offset of the first byte
  uint64_t bytes = 0;

  int64_t rows() const;         // shape[0]; 1 for 0-D and 1-D tensors (a 1-D tensor is one row)
  int64_t row_elements() const; // elements per row
};

class SafetensorsFile {
 public:
  // Throws gemma::Error naming the file and the problem if anything in the header is wrong.
  explicit SafetensorsFile(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return file_.path(); }
  uint64_t file_size() const { return file_.size(); }
  const std::map<std::string, SafetensorsTensor>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const SafetensorsTensor* Find(const std::string& name) const;

  // Rows [first_row, first_row + row_count) as f32. Only F32, F16 and BF16 tensors can be read; others
  // and rows out of range throw gemma::Error.
  void ReadRows(const SafetensorsTensor& tensor, int64_t first_row, int64_t row_count, float* out) const;

 private:
  void ParseHeader(const std::string& json_text, uint64_t data_offset);

  PreadFile file_;
  std::map<std::string, SafetensorsTensor> tensors_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace gemma
