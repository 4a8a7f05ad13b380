#include "core/model/gguf.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/engine/error.h"
#include "core/model/format_bytes.h"
#include "core/model/model_layout.h"  // AlignUp

namespace gemma {
namespace {

constexpr uint32_t kMaxDims = 4;                 // GGML_MAX_DIMS
constexpr uint64_t kMaxNameBytes = 4096;         // llama.cpp allows 64; be lenient, but bounded
constexpr uint64_t kMaxAlignment = uint64_t(1) << 24;
constexpr int kMaxArrayDepth = 4;
// Bounds that keep a damaged file from making the reader allocate gigabytes: real files stay far below them
// (Gemma's vocabulary is 256000 pieces, its chat template a few KB, its tensor count 165 or 255).
constexpr uint64_t kMaxArrayElements = uint64_t(1) << 24;
constexpr uint64_t kMaxStringBytes = uint64_t(1) << 24;
constexpr uint64_t kMaxEntries = uint64_t(1) << 20;

struct GgmlTypeTraits {
  uint32_t id;
  const char* name;
  uint32_t block_values;
  uint32_t block_bytes;
};

// ggml's type table (ggml.h / ggml.c): values per block and bytes per block.
constexpr GgmlTypeTraits kGgmlTypes[] = {
    {0, "F32", 1, 4},         {1, "F16", 1, 2},        {2, "Q4_0", 32, 18},     {3, "Q4_1", 32, 20},
    {6, "Q5_0", 32, 22},      {7, "Q5_1", 32, 24},     {8, "Q8_0", 32, 34},     {9, "Q8_1", 32, 36},
    {10, "Q2_K", 256, 84},    {11, "Q3_K", 256, 110},  {12, "Q4_K", 256, 144},  {13, "Q5_K", 256, 176},
    {14, "Q6_K", 256, 210},   {15, "Q8_K", 256, 292},  {16, "IQ2_XXS", 256, 66}, {17, "IQ2_XS", 256, 74},
    {18, "IQ3_XXS", 256, 98}, {19, "IQ1_S", 256, 50},  {20, "IQ4_NL", 32, 18},  {21, "IQ3_S", 256, 110},
    {22, "IQ2_S", 256, 82},   {23, "IQ4_XS", 256, 136}, {24, "I8", 1, 1},       {25, "I16", 1, 2},
    {26, "I32", 1, 4},        {27, "I64", 1, 8},       {28, "F64", 1, 8},       {29, "IQ1_M", 256, 56},
    {30, "BF16", 1, 2},       {34, "TQ1_0", 256, 54},  {35, "TQ2_0", 256, 66},
};

const GgmlTypeTraits* FindGgmlType(uint32_t id) {
  for (const auto& t : kGgmlTypes) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

// Sequential reads of the header region through a buffer, never past the end of the file.
class Cursor {
 public:
  explicit Cursor(const PreadFile& file) : file_(file) {}

  uint64_t position() const { return position_; }
  uint64_t remaining() const { return file_.size() - position_; }

  void Read(void* out, uint64_t count) {
    if (count > remaining()) Truncated();
    auto* dst = static_cast<char*>(out);
    while (count > 0) {
      if (position_ < buffer_start_ || position_ >= buffer_start_ + buffer_.size()) Fill();
      const uint64_t in_buffer = buffer_start_ + buffer_.size() - position_;
      const uint64_t n = std::min(count, in_buffer);
      std::memcpy(dst, buffer_.data() + (position_ - buffer_start_), size_t(n));
      dst += n, position_ += n, count -= n;
    }
  }
  template <typename T>
  T Get() {
    T value;
    Read(&value, sizeof value);
    return value;
  }
  std::string GetString(uint64_t max_bytes, const char* what) {
    const uint64_t length = Get<uint64_t>();
    if (length > remaining()) Truncated();
    if (length > max_bytes) {
      throw Error(file_.path().string() + ": a " + what + " of " + std::to_string(length) +
                  " bytes; the file is damaged. Download it again.");
    }
    std::string s(size_t(length), '\0');
    Read(s.data(), length);
    return s;
  }
  [[noreturn]] void Truncated() const {
    throw Error(file_.path().string() + " ends inside its GGUF header (" + FormatBytes(file_.size()) +
                "): the file is truncated or damaged. Download it again.");
  }

 private:
  void Fill() {
    buffer_start_ = position_;
    buffer_.resize(size_t(std::min<uint64_t>(uint64_t(1) << 20, remaining())));
    file_.ReadAt(position_, buffer_.size(), buffer_.data());
  }

  const PreadFile& file_;
  uint64_t position_ = 0;
  uint64_t buffer_start_ = 0;
  std::vector<char> buffer_;
};

uint64_t MinValueBytes(GgufValueType type) {
  switch (type) {
    case GgufValueType::kUint8: case GgufValueType::kInt8: case GgufValueType::kBool: return 1;
    case GgufValueType::kUint16: case GgufValueType::kInt16: return 2;
    case GgufValueType::kUint32: case GgufValueType::kInt32: case GgufValueType::kFloat32: return 4;
    case GgufValueType::kUint64: case GgufValueType::kInt64: case GgufValueType::kFloat64:
    case GgufValueType::kString: return 8;
    case GgufValueType::kArray: return 12;
  }
  return 1;
}

bool IsSigned(GgufValueType type) {
  return type == GgufValueType::kInt8 || type == GgufValueType::kInt16 || type == GgufValueType::kInt32 ||
         type == GgufValueType::kInt64;
}

bool KnownValueType(uint32_t type) { return type <= uint32_t(GgufValueType::kFloat64); }

// Reads one scalar into `value` (type already set).
void ReadScalar(Cursor& in, GgufValue& value) {
  switch (value.type) {
    case GgufValueType::kUint8: value.u = in.Get<uint8_t>(); break;
    case GgufValueType::kInt8: value.i = in.Get<int8_t>(); break;
    case GgufValueType::kUint16: value.u = in.Get<uint16_t>(); break;
    case GgufValueType::kInt16: value.i = in.Get<int16_t>(); break;
    case GgufValueType::kUint32: value.u = in.Get<uint32_t>(); break;
    case GgufValueType::kInt32: value.i = in.Get<int32_t>(); break;
    case GgufValueType::kUint64: value.u = in.Get<uint64_t>(); break;
    case GgufValueType::kInt64: value.i = in.Get<int64_t>(); break;
    case GgufValueType::kFloat32: value.f = in.Get<float>(); break;
    case GgufValueType::kFloat64: value.f = in.Get<double>(); break;
    case GgufValueType::kBool: value.u = in.Get<uint8_t>() != 0; break;
    case GgufValueType::kString: value.s = in.GetString(kMaxStringBytes, "metadata string"); break;
    case GgufValueType::kArray: break;  // handled by ReadValue
  }
}

void ReadValue(Cursor& in, GgufValue& value, int depth, const std::string& key, const std::string& where) {
  if (value.type != GgufValueType::kArray) return ReadScalar(in, value);
  if (depth >= kMaxArrayDepth) throw Error(where + ": metadata \"" + key + "\" nests arrays too deeply");
  const uint32_t element_type = in.Get<uint32_t>();
  if (!KnownValueType(element_type)) {
    throw Error(where + ": metadata \"" + key + "\" is an array of the unknown type " +
                std::to_string(element_type) + ". The file is damaged or from a newer GGUF version.");
  }
  value.array_type = GgufValueType(element_type);
  value.array_size = in.Get<uint64_t>();
  // Each element takes at least MinValueBytes: a count the rest of the file cannot hold is a lie, and
  // must not size an allocation.
  if (value.array_size > in.remaining() / MinValueBytes(value.array_type)) in.Truncated();
  // Arrays of arrays are rare and each element costs a GgufValue, so they get a smaller bound.
  if (value.array_size > (value.array_type == GgufValueType::kArray ? kMaxArrayElements >> 8 : kMaxArrayElements)) {
    throw Error(where + ": metadata \"" + key + "\" is an array of " + std::to_string(value.array_size) +
                " elements, more than any model has. The file is damaged: download it again.");
  }
  const size_t n = size_t(value.array_size);
  const size_t reserve = std::min<size_t>(n, size_t(1) << 20);  // a damaged count must not reserve much
  GgufValue element;
  element.type = value.array_type;
  switch (value.array_type) {
    case GgufValueType::kString:
      value.strings.reserve(reserve);
      for (size_t k = 0; k < n; ++k) value.strings.push_back(in.GetString(kMaxStringBytes, "metadata string"));
      break;
    case GgufValueType::kFloat32:
    case GgufValueType::kFloat64:
      value.floats.reserve(reserve);
      for (size_t k = 0; k < n; ++k) ReadScalar(in, element), value.floats.push_back(element.f);
      break;
    case GgufValueType::kArray:
      value.array.reserve(std::min<size_t>(reserve, 1024));  // a GgufValue is large
      for (size_t k = 0; k < n; ++k) {
        GgufValue inner;
        inner.type = GgufValueType::kArray;
        ReadValue(in, inner, depth + 1, key, where);
        value.array.push_back(std::move(inner));
      }
      break;
    default:  // integers and bools
      value.ints.reserve(reserve);
      for (size_t k = 0; k < n; ++k) {
        ReadScalar(in, element);
        if (IsSigned(element.type)) {
          value.ints.push_back(element.i);
        } else if (element.u <= uint64_t(INT64_MAX)) {
          value.ints.push_back(int64_t(element.u));
        } else {
          throw Error(where + ": metadata \"" + key + "\" holds an integer too large for GemmaChat");
        }
      }
      break;
  }
}

std::string TypeMismatch(const std::string& where, const std::string& key, const char* wanted) {
  return where + ": metadata \"" + key + "\" should be " + wanted + ". The file is damaged or was converted " +
         "by an incompatible tool: convert it again with llama.cpp's convert_hf_to_gguf.py.";
}

}  // namespace

bool GgufValue::is_integer() const {
  switch (type) {
    case GgufValueType::kUint8: case GgufValueType::kInt8: case GgufValueType::kUint16:
    case GgufValueType::kInt16: case GgufValueType::kUint32: case GgufValueType::kInt32:
    case GgufValueType::kUint64: case GgufValueType::kInt64: case GgufValueType::kBool:
      return true;
    default:
      return false;
  }
}

std::string GgmlTypeName(uint32_t type) {
  const GgmlTypeTraits* traits = FindGgmlType(type);
  return traits ? traits->name : "type " + std::to_string(type);
}

uint64_t GgufTensorInfo::elements() const {
  uint64_t n = 1;
  for (uint64_t d : ne) n *= d;  // checked against overflow on open
  return n;
}

GgufFile::GgufFile(const std::filesystem::path& path) : file_(path) {
  const std::string where = path.string();
  Cursor in(file_);
  char magic[4];
  if (file_.size() < 4) in.Truncated();
  in.Read(magic, 4);
  if (std::memcmp(magic, "GGUF", 4) != 0) {
    throw Error(where + " is not a GGUF file (it does not start with \"GGUF\"). Download it again, or pick "
                "the right file.");
  }
  version_ = in.Get<uint32_t>();
  if (version_ == 1) {
    throw Error(where + " is GGUF version 1, which is too old: convert the model again with a current "
                "llama.cpp.");
  }
  if ((version_ & 0xffff) == 0 && version_ != 0) {
    throw Error(where + " is a big-endian GGUF file; GemmaChat reads little-endian GGUF only.");
  }
  if (version_ != 2 && version_ != 3) {
    throw Error(where + " has GGUF version " + std::to_string(version_) +
                ", which GemmaChat does not know (it reads versions 2 and 3).");
  }
  const uint64_t tensor_count = in.Get<uint64_t>();
  const uint64_t metadata_count = in.Get<uint64_t>();
  // Lower bounds of an entry's size keep absurd counts from driving long loops or allocations.
  if (metadata_count > in.remaining() / 13 || tensor_count > in.remaining() / 24) in.Truncated();
  if (metadata_count > kMaxEntries || tensor_count > kMaxEntries) {
    throw Error(where + " claims " + std::to_string(metadata_count) + " metadata entries and " +
                std::to_string(tensor_count) + " tensors: the file is damaged. Download it again.");
  }

  for (uint64_t k = 0; k < metadata_count; ++k) {
    std::string key = in.GetString(kMaxNameBytes, "metadata key");
    const uint32_t type = in.Get<uint32_t>();
    if (!KnownValueType(type)) {
      throw Error(where + ": metadata \"" + key + "\" has the unknown type " + std::to_string(type) +
                  ". The file is damaged or from a newer GGUF version.");
    }
    GgufValue value;
    value.type = GgufValueType(type);
    ReadValue(in, value, 0, key, where);
    if (!metadata_.emplace(key, std::move(value)).second) {
      throw Error(where + ": metadata key \"" + key + "\" appears twice. The file is damaged.");
    }
  }

  if (const GgufValue* a = Find("general.alignment")) {
    const uint64_t alignment = IsSigned(a->type) ? uint64_t(a->i) : a->u;
    if (!a->is_integer() || a->type == GgufValueType::kBool || (IsSigned(a->type) && a->i < 0) ||
        alignment == 0 || alignment > kMaxAlignment || (alignment & (alignment - 1)) != 0) {
      throw Error(where + ": general.alignment must be a power of two. The file is damaged.");
    }
    alignment_ = alignment;
  }

  for (uint64_t k = 0; k < tensor_count; ++k) {
    GgufTensorInfo t;
    t.name = in.GetString(kMaxNameBytes, "tensor name");
    const std::string what = where + ": tensor \"" + t.name + "\"";
    const uint32_t dims = in.Get<uint32_t>();
    if (dims > kMaxDims) throw Error(what + " has " + std::to_string(dims) + " dimensions. The file is damaged.");
    uint64_t elements = 1;
    for (uint32_t d = 0; d < dims; ++d) {
      const uint64_t n = in.Get<uint64_t>();
      if (n > uint64_t(INT64_MAX) || __builtin_mul_overflow(elements, n, &elements) || elements > uint64_t(INT64_MAX)) {
        throw Error(what + " has an impossible shape. The file is damaged.");
      }
      t.ne.push_back(n);
    }
    t.type = in.Get<uint32_t>();
    const GgmlTypeTraits* traits = FindGgmlType(t.type);
    if (!traits) {
      throw Error(what + " has the unknown ggml type " + std::to_string(t.type) +
                  ". The file is damaged or needs a newer program.");
    }
    if (!t.ne.empty() && t.ne[0] % traits->block_values != 0) {
      throw Error(what + " has rows of " + std::to_string(t.ne[0]) + " values, not a multiple of the " +
                  traits->name + " block size. The file is damaged.");
    }
    if (__builtin_mul_overflow(elements / traits->block_values, uint64_t(traits->block_bytes), &t.bytes)) {
      throw Error(what + " has an impossible size. The file is damaged.");
    }
    t.offset = in.Get<uint64_t>();  // relative until the data section is known
    if (t.offset % alignment_ != 0) {
      throw Error(what + " has the offset " + std::to_string(t.offset) + ", not a multiple of the alignment " +
                  std::to_string(alignment_) + ". The file is damaged.");
    }
    if (!tensor_index_.emplace(t.name, tensors_.size()).second) {
      throw Error(where + ": tensor \"" + t.name + "\" appears twice. The file is damaged.");
    }
    tensors_.push_back(std::move(t));
  }

  data_offset_ = AlignUp(in.position(), alignment_);
  const uint64_t data_size = file_.size() >= data_offset_ ? file_.size() - data_offset_ : 0;

  // Extents in the data section: no overlaps, all inside the file.
  std::vector<const GgufTensorInfo*> order;
  for (const auto& t : tensors_) order.push_back(&t);
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) {
    return a->offset != b->offset ? a->offset < b->offset : a->bytes < b->bytes;
  });
  uint64_t end = 0;
  bool packed = true;  // each tensor at the next aligned offset after the previous one, as writers do
  const GgufTensorInfo* previous = nullptr;
  for (const GgufTensorInfo* t : order) {
    if (t->bytes == 0) continue;
    if (previous && t->offset < end) {
      throw Error(where + ": tensors \"" + previous->name + "\" and \"" + t->name +
                  "\" overlap. The file is damaged: download it again.");
    }
    if (t->offset > UINT64_MAX / 2 || t->bytes > UINT64_MAX / 2) {
      throw Error(where + ": tensor \"" + t->name + "\" lies outside the file. The file is damaged.");
    }
    packed = packed && t->offset == AlignUp(end, alignment_);
    end = t->offset + t->bytes;
    previous = t;
  }
  if (end > data_size) {
    if (packed) {
      throw Error(where + " is truncated at " + FormatBytes(file_.size()) + " of " +
                  FormatBytes(data_offset_ + end) + ": the download was incomplete. Download it again.");
    }
    for (const GgufTensorInfo* t : order) {
      if (t->offset + t->bytes > data_size) {
        throw Error(where + ": tensor \"" + t->name + "\" at offset " + std::to_string(t->offset) + " (" +
                    std::to_string(t->bytes) + " bytes) lies outside the data section of " +
                    std::to_string(data_size) + " bytes. The file is damaged: download it again.");
      }
    }
  }
  for (auto& t : tensors_) {
    if (t.offset > data_size) {
      throw Error(where + ": tensor \"" + t.name + "\" lies outside the file. The file is damaged.");
    }
    t.offset += data_offset_;
  }
}

const GgufTensorInfo* GgufFile::FindTensor(const std::string& name) const {
  const auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

const GgufValue* GgufFile::Find(const std::string& key) const {
  const auto it = metadata_.find(key);
  return it == metadata_.end() ? nullptr : &it->second;
}

std::optional<std::string> GgufFile::GetString(const std::string& key) const {
  const GgufValue* v = Find(key);
  if (!v) return std::nullopt;
  if (v->type != GgufValueType::kString) throw Error(TypeMismatch(path().string(), key, "a string"));
  return v->s;
}

std::optional<uint64_t> GgufFile::GetUint(const std::string& key) const {
  const GgufValue* v = Find(key);
  if (!v) return std::nullopt;
  if (!v->is_integer() || v->type == GgufValueType::kBool || (IsSigned(v->type) && v->i < 0)) {
    throw Error(TypeMismatch(path().string(), key, "a non-negative integer"));
  }
  return IsSigned(v->type) ? uint64_t(v->i) : v->u;
}

std::optional<double> GgufFile::GetFloat(const std::string& key) const {
  const GgufValue* v = Find(key);
  if (!v) return std::nullopt;
  if (!v->is_float()) throw Error(TypeMismatch(path().string(), key, "a float"));
  return v->f;
}

std::optional<bool> GgufFile::GetBool(const std::string& key) const {
  const GgufValue* v = Find(key);
  if (!v) return std::nullopt;
  if (v->type != GgufValueType::kBool) throw Error(TypeMismatch(path().string(), key, "a bool"));
  return v->u != 0;
}

const std::vector<std::string>* GgufFile::GetStringArray(const std::string& key) const {
  const GgufValue* v = Find(key);
  if (!v) return nullptr;
  if (v->type != GgufValueType::kArray || v->array_type != GgufValueType::kString) {
    throw Error(TypeMismatch(path().string(), key, "an array of strings"));
  }
  return &v->strings;
}

const std::vector<double>* GgufFile::GetFloatArray(const std::string& key) const {
  const GgufValue* v = Find(key);
  if (!v) return nullptr;
  if (v->type != GgufValueType::kArray ||
      (v->array_type != GgufValueType::kFloat32 && v->array_type != GgufValueType::kFloat64)) {
    throw Error(TypeMismatch(path().string(), key, "an array of floats"));
  }
  return &v->floats;
}

const std::vector<int64_t>* GgufFile::GetIntArray(const std::string& key) const {
  const GgufValue* v = Find(key);
  if (!v) return nullptr;
  if (v->type != GgufValueType::kArray || v->array_type == GgufValueType::kString ||
      v->array_type == GgufValueType::kArray || v->array_type == GgufValueType::kFloat32 ||
      v->array_type == GgufValueType::kFloat64) {
    throw Error(TypeMismatch(path().string(), key, "an array of integers"));
  }
  return &v->ints;
}

bool HasGgufMagic(const std::filesystem::path& path) {
  PreadFile file(path);
  if (file.size() < 4) return false;
  char magic[4];
  file.ReadAt(0, 4, magic);
  return std::memcmp(magic, "GGUF", 4) == 0;
}

}  // namespace gemma
