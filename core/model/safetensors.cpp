#include "core/model/safetensors.h"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/engine/error.h"
#include "core/model/format_bytes.h"
#include "core/model/dtype.h"

namespace gemma {
namespace {

// The safetensors library refuses headers above 100 MB; a real one is a few hundred KB.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;
constexpr size_t kMaxDims = 8;

int DtypeSize(const std::string& dtype) {
  static const std::map<std::string, int> sizes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E4M3", 1}, {"F8_E5M2", 1}, {"I16", 2}, {"U16", 2}, {"F16", 2},
      {"BF16", 2}, {"I32", 4}, {"U32", 4}, {"F32", 4},     {"F64", 8},     {"I64", 8}, {"U64", 8}};
  const auto it = sizes.find(dtype);
  return it == sizes.end() ? 0 : it->second;
}

bool ToElementType(const std::string& dtype, ElementType* type) {
  if (dtype == "F32") return *type = ElementType::kF32, true;
  if (dtype == "F16") return *type = ElementType::kF16, true;
  if (dtype == "BF16") return *type = ElementType::kBF16, true;
  return false;
}

}  // namespace

int64_t SafetensorsTensor::rows() const { return shape.size() <= 1 ? 1 : shape[0]; }

int64_t SafetensorsTensor::row_elements() const {
  int64_t n = 1;
  for (size_t i = shape.size() <= 1 ? 0 : 1; i < shape.size(); ++i) n *= shape[i];
  return n;
}

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path) : file_(path) {
  const std::string where = path.string();
  if (file_.size() < 8) {
    throw Error(where + " is only " + FormatBytes(file_.size()) +
                ": it is not a safetensors file (truncated or empty). Download it again.");
  }
  uint64_t header_bytes = 0;
  file_.ReadAt(0, 8, &header_bytes);
  if (header_bytes > file_.size() - 8) {
    throw Error(where + ": the header length " + std::to_string(header_bytes) + " is past the end of the file (" +
                FormatBytes(file_.size()) + "). The file is truncated or not a safetensors file: download it again.");
  }
  if (header_bytes > kMaxHeaderBytes || header_bytes < 2) {
    throw Error(where + ": implausible header length " + std::to_string(header_bytes) +
                "; this is not a safetensors file. Download it again.");
  }
  ParseHeader(file_.ReadString(8, header_bytes), 8 + header_bytes);
}

void SafetensorsFile::ParseHeader(const std::string& json_text, uint64_t data_offset) {
  const std::string where = path().string();
  auto fail = [&](const std::string& what) {
    throw Error(where + ": " + what + ". The file is damaged or not a safetensors file: download it again.");
  };
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {
    fail(std::string("its header is not valid JSON (") + e.what() + ")");
  }
  if (!header.is_object()) fail("its header is not a JSON object");

  const uint64_t data_size = file_.size() - data_offset;
  // Offsets relative to the data section, to check overlaps and the extent before trusting any.
  struct Extent {
    uint64_t begin, end;
    const std::string* name;
  };
  std::vector<Extent> extents;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (entry.is_object()) {
        for (const auto& [key, value] : entry.items()) {
          if (value.is_string()) metadata_[key] = value.get<std::string>();
        }
      }
      continue;
    }
    const std::string t = "tensor \"" + name + "\"";
    if (!entry.is_object()) fail(t + " is not described by a JSON object");
    const auto dtype = entry.find("dtype");
    const auto shape = entry.find("shape");
    const auto offsets = entry.find("data_offsets");
    if (dtype == entry.end() || !dtype->is_string()) fail(t + " has no dtype");
    if (shape == entry.end() || !shape->is_array()) fail(t + " has no shape");
    if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2 ||
        !(*offsets)[0].is_number_unsigned() || !(*offsets)[1].is_number_unsigned()) {
      fail(t + " has no valid data_offsets [begin, end]");
    }
    SafetensorsTensor tensor;
    tensor.name = name;
    tensor.dtype = dtype->get<std::string>();
    tensor.element_size = DtypeSize(tensor.dtype);
    if (tensor.element_size == 0) fail(t + " has the unknown dtype \"" + tensor.dtype + "\"");
    if (shape->size() > kMaxDims) fail(t + " has " + std::to_string(shape->size()) + " dimensions");
    uint64_t elements = 1;
    for (const auto& d : *shape) {
      if (!d.is_number_unsigned() || d.get<uint64_t>() > (uint64_t(1) << 40)) fail(t + " has an invalid shape");
      tensor.shape.push_back(int64_t(d.get<uint64_t>()));
      if (__builtin_mul_overflow(elements, d.get<uint64_t>(), &elements)) fail(t + " has an impossible shape");
    }
    const uint64_t begin = (*offsets)[0].get<uint64_t>(), end = (*offsets)[1].get<uint64_t>();
    if (end < begin) fail(t + " has data_offsets that end before they begin");
    uint64_t bytes = 0;
    if (__builtin_mul_overflow(elements, uint64_t(tensor.element_size), &bytes) || bytes != end - begin) {
      fail(t + " occupies " + std::to_string(end - begin) + " bytes, but its shape and dtype " + tensor.dtype +
           " need " + std::to_string(bytes));
    }
    tensor.bytes = bytes;
    tensor.offset = begin;  // relative until the extents are checked
    auto [it, inserted] = tensors_.emplace(name, std::move(tensor));
    extents.push_back({begin, end, &it->first});
  }

  std::sort(extents.begin(), extents.end(), [](const Extent& a, const Extent& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t previous_end = 0;
  const std::string* previous = nullptr;
  bool contiguous = true;  // tensors packed back to back from offset 0, as every writer does
  for (const Extent& e : extents) {
    if (e.begin == e.end) continue;  // empty tensors occupy nothing
    if (previous && e.begin < previous_end) {
      fail("tensors \"" + *previous + "\" and \"" + *e.name + "\" overlap");
    }
    contiguous = contiguous && e.begin == previous_end;
    previous_end = e.end;
    previous = e.name;
  }
  if (previous_end > data_size) {
    const uint64_t expected = data_offset + previous_end;
    if (contiguous) {
      throw Error(where + " is truncated at " + FormatBytes(file_.size()) + " of " + FormatBytes(expected) +
                  ": the download was incomplete. Download it again.");
    }
  }
  for (const Extent& e : extents) {
    if (e.end > data_size) {
      fail("the data_offsets of tensor \"" + *e.name + "\" [" + std::to_string(e.begin) + ", " +
           std::to_string(e.end) + "] lie outside its data section of " + std::to_string(data_size) + " bytes");
    }
  }
  // Every extent is inside the file: make the offsets absolute.
  for (auto& [name, tensor] : tensors_) tensor.offset += data_offset;
}

const SafetensorsTensor* SafetensorsFile::Find(const std::string& name) const {
  const auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

void SafetensorsFile::ReadRows(const SafetensorsTensor& tensor, int64_t first_row, int64_t row_count,
                               float* out) const {
  ElementType type;
  if (!ToElementType(tensor.dtype, &type)) {
    throw Error(path().string() + ": tensor \"" + tensor.name + "\" is " + tensor.dtype +
                ", which GemmaChat cannot read: use a checkpoint in BF16, F16 or F32.");
  }
  const int64_t rows = tensor.rows();
  if (first_row < 0 || row_count < 0 || first_row > rows || row_count > rows - first_row) {
    throw Error("rows [" + std::to_string(first_row) + ", " + std::to_string(first_row + row_count) +
                ") out of range for tensor \"" + tensor.name + "\" with " + std::to_string(rows) + " rows");
  }
  const uint64_t per_row = uint64_t(tensor.row_elements());
  ReadAsF32(file_, tensor.offset + uint64_t(first_row) * per_row * uint64_t(tensor.element_size), type,
            uint64_t(row_count) * per_row, out);
}

}  // namespace gemma
