// Rewriting a current model file as format 1 (see model_file_v1.h). Works on the bytes and the JSON header
// as the formats describe them, not through core/model's reader, so that reader can be tested with it.
#include "tests/support/model_file_v1.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/engine/weights.h"
#include "tests/support/half_float.h"

namespace gemma::testing {
namespace {

using nlohmann::json;

constexpr uint64_t kPreamble = 24;
constexpr uint64_t kAlignment = 64;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream all;
  all << in.rdbuf();
  return all.str();
}

template <typename T>
std::string Bytes(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

// An array of the new file: where the header keeps its offset and size, and its new contents.
struct Array {
  uint64_t old_offset;
  json* offset_field;
  json* bytes_field;  // null when the size cannot change (values and the tokenizer)
  std::string contents;
};

}  // namespace

void QuantizeAsVersion1(const float* x, int64_t cols, int8_t* q, float* scales) {
  for (int64_t b = 0; b < cols / kQuantBlock; ++b) {
    const float* xb = x + b * kQuantBlock;
    float amax = 0;
    for (int i = 0; i < kQuantBlock; ++i) amax = std::max(amax, std::fabs(xb[i]));
    scales[b] = amax / 127.0f;
    const float inv = amax > 0 ? 127.0f / amax : 0.0f;
    for (int i = 0; i < kQuantBlock; ++i) {
      q[b * kQuantBlock + i] = int8_t(std::clamp(std::nearbyint(xb[i] * inv), -127.0f, 127.0f));
    }
  }
}

void WriteAsModelFileVersion1(const std::filesystem::path& current, const std::filesystem::path& out,
                              const TinyModel* quantize_from) {
  const std::string bytes = ReadFile(current);
  if (bytes.size() < kPreamble || bytes.compare(0, 8, "GEMMACHT") != 0 || bytes[8] != 2 || bytes[9] != 0 ||
      bytes[10] != 0 || bytes[11] != 0) {
    throw std::runtime_error(current.string() + " is not a format-2 model file");
  }
  uint64_t header_bytes = 0;
  for (int i = 0; i < 8; ++i) header_bytes |= uint64_t(uint8_t(bytes[16 + i])) << (8 * i);
  json header = json::parse(bytes.substr(kPreamble, header_bytes));
  header["format_version"] = 1;
  auto slice = [&](const json& offset, const json& size) {
    return bytes.substr(offset.get<uint64_t>(), size.get<uint64_t>());
  };

  std::vector<Array> arrays;
  json& tokenizer = header["tokenizer"];
  arrays.push_back({tokenizer["offset"].get<uint64_t>(), &tokenizer["offset"], nullptr, slice(tokenizer["offset"], tokenizer["bytes"])});
  for (json& t : header["tensors"]) {
    if (t["kind"] != "i8") {
      arrays.push_back({t["offset"].get<uint64_t>(), &t["offset"], nullptr, slice(t["offset"], t["bytes"])});
      continue;
    }
    const int64_t rows = t["shape"][0], cols = t["shape"][1], blocks = cols / kQuantBlock;
    const std::string stored = slice(t["offset"], t["bytes"]);
    const std::string halves = slice(t["scales_offset"], t["scales_bytes"]);
    std::vector<int8_t> q(size_t(rows * cols));
    std::vector<float> scales(size_t(rows * blocks));
    if (quantize_from) {
      const std::vector<float>& x = quantize_from->at(t["name"].get<std::string>());
      if (x.size() != q.size()) throw std::runtime_error("the model does not match the file");
      for (int64_t r = 0; r < rows; ++r) QuantizeAsVersion1(x.data() + r * cols, cols, q.data() + r * cols, scales.data() + r * blocks);
    } else {
      for (int64_t r = 0; r < rows; ++r) {
        for (int64_t c = 0; c < cols; ++c) q[size_t(r * cols + c)] = int8_t(stored[size_t(r * cols + Int8StoredIndex(cols, c))]);
      }
      for (size_t b = 0; b < scales.size(); ++b) {
        uint16_t half;
        std::memcpy(&half, halves.data() + 2 * b, 2);
        scales[b] = F16BitsToF32(half);
      }
    }
    arrays.push_back({t["offset"].get<uint64_t>(), &t["offset"], nullptr, Bytes(q)});
    arrays.push_back({t["scales_offset"].get<uint64_t>(), &t["scales_offset"], &t["scales_bytes"], Bytes(scales)});
  }
  // The same order as before, each array moved up as far as the growth of the scales before it requires.
  std::sort(arrays.begin(), arrays.end(), [](const Array& a, const Array& b) { return a.old_offset < b.old_offset; });
  std::string data;
  const uint64_t data_start = kPreamble + header_bytes;
  for (Array& a : arrays) {
    const uint64_t offset = (data_start + data.size() + kAlignment - 1) / kAlignment * kAlignment;
    data.resize(offset - data_start, '\0');
    *a.offset_field = offset;
    if (a.bytes_field) *a.bytes_field = uint64_t(a.contents.size());
    data += a.contents;
  }
  header["file_size"] = data_start + data.size();

  std::string text = header.dump();  // compact: shorter than the writer's indented text, so it fits
  if (text.size() > header_bytes) throw std::runtime_error("the rewritten header does not fit");
  text.resize(header_bytes, ' ');
  std::string preamble = bytes.substr(0, kPreamble);
  preamble[8] = 1;
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file << preamble << text << data;
  if (!file) throw std::runtime_error("cannot write " + out.string());
}

}  // namespace gemma::testing
