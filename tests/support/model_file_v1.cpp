// Rewriting a current model file as format 1 (see model_file_v1.h). Works on the bytes and the JSON header
// as the format describes them, not through core/model's reader, so that reader can be tested with it.
#include "tests/support/model_file_v1.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/engine/weights.h"

namespace gemma::testing {

void WriteAsModelFileVersion1(const std::filesystem::path& current, const std::filesystem::path& out) {
  std::string bytes;
  {
    std::ifstream in(current, std::ios::binary);
    std::ostringstream all;
    all << in.rdbuf();
    bytes = all.str();
  }
  constexpr size_t kPreamble = 24;
  if (bytes.size() < kPreamble || bytes.compare(0, 8, "GEMMACHT") != 0 || bytes[8] != 2 || bytes[9] != 0 ||
      bytes[10] != 0 || bytes[11] != 0) {
    throw std::runtime_error(current.string() + " is not a format-2 model file");
  }
  uint64_t header_bytes = 0;
  for (int i = 0; i < 8; ++i) header_bytes |= uint64_t(uint8_t(bytes[16 + i])) << (8 * i);
  nlohmann::json header = nlohmann::json::parse(bytes.substr(kPreamble, header_bytes));

  bytes[8] = 1;
  header["format_version"] = 1;
  std::string text = header.dump();  // compact: shorter than the writer's indented text, so it fits
  if (text.size() > header_bytes) throw std::runtime_error("the rewritten header does not fit");
  text.resize(header_bytes, ' ');
  bytes.replace(kPreamble, header_bytes, text);

  for (const nlohmann::json& t : header["tensors"]) {
    if (t["kind"] != "i8") continue;
    const int64_t rows = t["shape"][0], cols = t["shape"][1];
    const uint64_t offset = t["offset"];
    std::vector<char> stored(size_t(cols), 0);
    for (int64_t r = 0; r < rows; ++r) {
      char* row = bytes.data() + offset + uint64_t(r * cols);
      std::memcpy(stored.data(), row, size_t(cols));
      for (int64_t c = 0; c < cols; ++c) row[c] = stored[size_t(Int8StoredIndex(cols, c))];
    }
  }
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file.write(bytes.data(), std::streamsize(bytes.size()));
  if (!file) throw std::runtime_error("cannot write " + out.string());
}

}  // namespace gemma::testing
