// Reading and checking GemmaChat model files, and planning the bytes a writer puts before the data
// (the format is described in model_file.h).
#include "core/model/model_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "core/engine/error.h"
#include "core/model/file_mapping.h"
#include "core/model/format_bytes.h"

namespace gemma {
namespace {

using nlohmann::json;

// A real header is a few tens of KB; anything near this is damage, and must not become a huge allocation.
constexpr uint64_t kMaxHeaderBytes = 16ull << 20;
// The JSON is padded so the data starts on a page: the mapping's data then begins on a page too.
constexpr uint64_t kDataStartAlignment = 4096;

// ---- A file descriptor that closes itself ------------------------------------------------------------

class File {
 public:
  explicit File(const std::filesystem::path& path) {
    // O_NONBLOCK: a FIFO given by mistake must fail below, not hang the open.
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd_ < 0) throw Error(std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0) throw Error(std::strerror(errno));
    if (!S_ISREG(st.st_mode)) throw Error("it is not a regular file");
    size_ = uint64_t(st.st_size);
  }
  ~File() {
    if (fd_ >= 0) ::close(fd_);
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  int fd() const { return fd_; }
  uint64_t size() const { return size_; }

  // Exactly `bytes` bytes at `offset`; the caller has checked they lie inside the file.
  void ReadAt(uint64_t offset, void* out, uint64_t bytes) const {
    auto* p = static_cast<char*>(out);
    while (bytes > 0) {
      const ssize_t n = ::pread(fd_, p, bytes, off_t(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Error(std::string("read error: ") + std::strerror(errno));
      if (n == 0) throw Error("the file became shorter while being read");
      p += n, offset += uint64_t(n), bytes -= uint64_t(n);
    }
  }

 private:
  int fd_ = -1;
  uint64_t size_ = 0;
};

// ---- The fixed preamble ------------------------------------------------------------------------------

uint32_t LoadU32(const unsigned char* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
uint64_t LoadU64(const unsigned char* p) { return uint64_t(LoadU32(p)) | uint64_t(LoadU32(p + 4)) << 32; }
void StoreU32(uint32_t v, char* p) {
  for (int i = 0; i < 4; ++i) p[i] = char((v >> (8 * i)) & 0xff);
}
void StoreU64(uint64_t v, char* p) {
  StoreU32(uint32_t(v), p);
  StoreU32(uint32_t(v >> 32), p + 4);
}

[[noreturn]] void ThrowNewerVersion(uint32_t version) {
  throw Error("it was made by a newer GemmaChat (model file format " + std::to_string(version) +
              "; this version reads format " + std::to_string(kModelFileVersion) +
              "): update GemmaChat, or import the model again with this version");
}

// A version this engine reads but cannot run: an older one, whose int8 rows are in another order and scales
// of another type (model_file.h). Reading it as a checkpoint (model_file_checkpoint.h) converts it, keeping
// its int8 values.
void CheckRunnable(uint32_t version) {
  if (version > kModelFileVersion) ThrowNewerVersion(version);
  if (version < kModelFileVersion) {
    throw Error("it was made by an earlier GemmaChat (model file format " + std::to_string(version) +
                "; this version runs format " + std::to_string(kModelFileVersion) +
                ", which lays out the weights for faster decoding): convert it with "
                "gemma-convert OLD.gemma NEW.gemma, or import the model again");
  }
}

struct HeaderText {
  uint32_t version = 0;  // the preamble's, one this version reads
  std::string json;
};

// Checks the preamble and returns the JSON text.
HeaderText ReadHeaderText(const File& file) {
  unsigned char preamble[kModelFilePreambleBytes] = {};
  const uint64_t have = std::min<uint64_t>(file.size(), kModelFilePreambleBytes);
  file.ReadAt(0, preamble, have);
  const uint64_t magic_bytes = std::min<uint64_t>(have, sizeof kModelFileMagic);
  if (have == 0 || std::memcmp(preamble, kModelFileMagic, magic_bytes) != 0) {
    throw Error("it is not a GemmaChat model file (it does not start with \"GEMMACHT\")");
  }
  if (have < kModelFilePreambleBytes) {
    throw Error("it is truncated at " + std::to_string(have) + " bytes, inside its header: import the model again");
  }
  const uint32_t version = LoadU32(preamble + 8);
  if (version > kModelFileVersion) ThrowNewerVersion(version);
  if (version < kOldestReadableModelFileVersion) {
    throw Error("it has an unknown format version " + std::to_string(version) +
                ": the file is damaged; import the model again");
  }
  const uint32_t flags = LoadU32(preamble + 12);
  if (flags != 0) {
    throw Error("it has flags this version does not know (0x" + [&] {
      char hex[16];
      std::snprintf(hex, sizeof hex, "%x", flags);
      return std::string(hex);
    }() + "): it was made by a newer GemmaChat or is damaged; import the model again");
  }
  const uint64_t header_bytes = LoadU64(preamble + 16);
  if (header_bytes == 0 || header_bytes > kMaxHeaderBytes) {
    throw Error("its header length " + std::to_string(header_bytes) +
                " is not plausible: the file is damaged; import the model again");
  }
  if (header_bytes > file.size() - kModelFilePreambleBytes) {
    throw Error("it is truncated or damaged: its header needs " +
                std::to_string(kModelFilePreambleBytes + header_bytes) + " bytes but the file has only " +
                std::to_string(file.size()) + "; import the model again");
  }
  HeaderText header{version, std::string(header_bytes, '\0')};
  file.ReadAt(kModelFilePreambleBytes, header.json.data(), header_bytes);
  return header;
}

// ---- Checked access to the JSON header ---------------------------------------------------------------
// nlohmann's get<int>() silently narrows; these check the type and the range so damage becomes a message.

[[noreturn]] void Damaged(const std::string& detail) {
  throw Error("its header is damaged (" + detail + "): import the model again");
}

const json& Member(const json& object, const char* key, const std::string& where) {
  if (!object.is_object()) Damaged(where + " is not an object");
  const auto it = object.find(key);
  if (it == object.end()) Damaged(where + " lacks \"" + key + "\"");
  return *it;
}

uint64_t U64(const json& value, const std::string& what) {
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  Damaged(what + " is not a non-negative integer");
}

int64_t Int(const json& value, const std::string& what, int64_t lo, int64_t hi) {
  int64_t v = 0;
  if (value.is_number_unsigned()) {
    const uint64_t u = value.get<uint64_t>();
    if (u > uint64_t(std::numeric_limits<int64_t>::max())) Damaged(what + " is out of range");
    v = int64_t(u);
  } else if (value.is_number_integer()) {
    v = value.get<int64_t>();
  } else {
    Damaged(what + " is not an integer");
  }
  if (v < lo || v > hi) Damaged(what + " " + std::to_string(v) + " is out of range");
  return v;
}

float Float(const json& value, const std::string& what) {
  if (!value.is_number()) Damaged(what + " is not a number");
  const float f = float(value.get<double>());
  if (!std::isfinite(f)) Damaged(what + " is not a finite float");
  return f;
}

std::string String(const json& value, const std::string& what) {
  if (!value.is_string()) Damaged(what + " is not a string");
  return value.get<std::string>();
}

bool Bool(const json& value, const std::string& what) {
  if (!value.is_boolean()) Damaged(what + " is not true or false");
  return value.get<bool>();
}

// ---- The header, parsed and checked ------------------------------------------------------------------

ModelConfig ParseConfig(const json& j) {
  const int kMax = std::numeric_limits<int>::max();
  auto field = [&](const char* key) { return int(Int(Member(j, key, "config"), key, 0, kMax)); };
  ModelConfig c;
  c.vocab_size = field("vocab_size");
  c.hidden = field("hidden");
  c.layers = field("layers");
  c.heads = field("heads");
  c.kv_heads = field("kv_heads");
  c.head_dim = field("head_dim");
  c.ffn = field("ffn");
  c.context = field("context");
  c.rms_eps = Float(Member(j, "rms_eps", "config"), "rms_eps");
  c.rope_theta = Float(Member(j, "rope_theta", "config"), "rope_theta");
  try {
    ValidateConfig(c);
  } catch (const Error& e) {
    Damaged(e.what());
  }
  return c;
}

// One array's place: aligned, inside [data_start, file_size).
struct Extent {
  uint64_t offset, bytes;
  std::string what;
};

void CheckExtent(const Extent& e, uint64_t data_start, uint64_t file_size) {
  if (e.offset % kArrayAlignment != 0) {
    Damaged(e.what + " at offset " + std::to_string(e.offset) + " is not " + std::to_string(kArrayAlignment) +
            "-byte aligned");
  }
  if (e.offset < data_start || e.offset > file_size || e.bytes > file_size - e.offset) {
    Damaged(e.what + " (offset " + std::to_string(e.offset) + ", " + std::to_string(e.bytes) +
            " bytes) lies outside the data of the file (bytes " + std::to_string(data_start) + " to " +
            std::to_string(file_size) + ")");
  }
}

void CheckNoOverlap(std::vector<Extent> extents) {
  std::sort(extents.begin(), extents.end(), [](const Extent& a, const Extent& b) { return a.offset < b.offset; });
  for (size_t i = 1; i < extents.size(); ++i) {
    const Extent& a = extents[i - 1];
    if (a.offset + a.bytes > extents[i].offset) Damaged(a.what + " overlaps " + extents[i].what);
  }
}

// The bytes of one int8 scale in a file of this version: format 1 stored floats, format 2 IEEE halves.
uint64_t BytesPerScale(uint32_t version) { return version == 1 ? sizeof(float) : sizeof(uint16_t); }

TensorEntry ParseTensor(const json& j, const std::map<std::string, TensorSpec>& specs, WeightType weight_type,
                        uint32_t version) {
  TensorEntry e;
  e.name = String(Member(j, "name", "a tensor"), "a tensor name");
  const auto spec = specs.find(e.name);
  if (spec == specs.end()) Damaged("unknown tensor \"" + e.name + "\"");
  const std::string where = "tensor " + e.name;
  const std::string kind = String(Member(j, "kind", where), where + " kind");
  if (kind == "f32") {
    e.kind = TensorKind::kF32;
  } else if (kind == "i8") {
    e.kind = TensorKind::kI8;
  } else {
    Damaged(where + " has unknown kind \"" + kind + "\"");
  }
  const json& shape = Member(j, "shape", where);
  if (!shape.is_array() || shape.size() < 1 || shape.size() > 2) Damaged(where + " shape is not [n] or [rows, cols]");
  for (const json& d : shape) e.shape.push_back(Int(d, where + " shape", 1, std::numeric_limits<int>::max()));
  if (e.shape != spec->second.shape) {
    auto text = [](const std::vector<int64_t>& s) {
      std::string t = "[";
      for (size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
      return t + "]";
    };
    Damaged(where + " has shape " + text(e.shape) + " but the config needs " + text(spec->second.shape));
  }
  const TensorKind expected = ExpectedKind(spec->second, weight_type);
  if (e.kind != expected) {
    Damaged(where + " is " + kind + " but this " + (weight_type == WeightType::kInt8 ? "int8" : "f32") +
            " model needs " + TensorKindName(expected));
  }
  if (e.kind == TensorKind::kI8 && e.cols() % kQuantBlock != 0) {
    Damaged(where + " is i8 but its width " + std::to_string(e.cols()) + " is not a multiple of " +
            std::to_string(kQuantBlock));
  }
  e.offset = U64(Member(j, "offset", where), where + " offset");
  e.bytes = U64(Member(j, "bytes", where), where + " bytes");
  if (e.bytes != ValueBytes(spec->second, e.kind)) {
    Damaged(where + " has " + std::to_string(e.bytes) + " bytes of values, not " +
            std::to_string(ValueBytes(spec->second, e.kind)));
  }
  if (e.kind == TensorKind::kI8) {
    e.scales_offset = U64(Member(j, "scales_offset", where), where + " scales_offset");
    e.scales_bytes = U64(Member(j, "scales_bytes", where), where + " scales_bytes");
    const uint64_t scales_bytes = ScaleBytes(spec->second, e.kind, BytesPerScale(version));
    if (e.scales_bytes != scales_bytes) {
      Damaged(where + " has " + std::to_string(e.scales_bytes) + " bytes of scales, not " +
              std::to_string(scales_bytes));
    }
  }
  return e;
}

ModelFileDirectory ParseHeader(const HeaderText& header_text, uint64_t file_size) {
  const std::string& text = header_text.json;
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw Error("its header is not valid JSON (at byte " + std::to_string(e.byte) +
                " of the header): the file is damaged; import the model again");
  } catch (const json::exception& e) {
    throw Error("its header is not valid JSON (" + std::string(e.what()).substr(0, 120) +
                "): the file is damaged; import the model again");
  }
  if (!j.is_object()) Damaged("the header is not a JSON object");
  ModelFileDirectory parsed;
  ModelFileHeader& h = parsed.header;
  h.file_size = file_size;

  // First the length: a truncated file should say so, not complain about whichever offset it cut off.
  const uint64_t promised = U64(Member(j, "file_size", "the header"), "file_size");
  if (file_size < promised) {
    throw Error("it is truncated at " + FormatBytes(file_size) + " of " + FormatBytes(promised) + " (" +
                std::to_string(file_size) + " of " + std::to_string(promised) + " bytes): import the model again");
  }
  if (file_size > promised) {
    throw Error("it has " + std::to_string(file_size - promised) +
                " bytes more than its header says: the file is damaged; import the model again");
  }
  h.format_version = uint32_t(Int(Member(j, "format_version", "the header"), "format_version", 0, UINT32_MAX));
  if (h.format_version != header_text.version) {
    Damaged("format_version " + std::to_string(h.format_version) + " disagrees with the preamble's " +
            std::to_string(header_text.version));
  }
  h.config = ParseConfig(Member(j, "config", "the header"));
  const std::string weight_type = String(Member(j, "weight_type", "the header"), "weight_type");
  if (weight_type == "int8") {
    h.weight_type = WeightType::kInt8;
  } else if (weight_type == "f32") {
    h.weight_type = WeightType::kF32;
  } else {
    Damaged("unknown weight_type \"" + weight_type + "\"");
  }
  const int64_t block = Int(Member(j, "quant_block", "the header"), "quant_block", 0, INT32_MAX);
  if (block != kQuantBlock) {
    Damaged("quant_block " + std::to_string(block) + " is not this engine's " + std::to_string(kQuantBlock));
  }
  const json& model = Member(j, "model", "the header");
  h.info.name = String(Member(model, "name", "model"), "model name");
  h.info.source = String(Member(model, "source", "model"), "model source");
  h.info.instruction_tuned = Bool(Member(model, "instruction_tuned", "model"), "instruction_tuned");
  h.created = String(Member(j, "created", "the header"), "created");

  const uint64_t data_start = kModelFilePreambleBytes + text.size();
  std::vector<Extent> extents;
  const json& tokenizer = Member(j, "tokenizer", "the header");
  parsed.layout.tokenizer_offset = U64(Member(tokenizer, "offset", "tokenizer"), "tokenizer offset");
  parsed.layout.tokenizer_bytes = U64(Member(tokenizer, "bytes", "tokenizer"), "tokenizer bytes");
  if (parsed.layout.tokenizer_bytes == 0) Damaged("the tokenizer is empty");
  extents.push_back({parsed.layout.tokenizer_offset, parsed.layout.tokenizer_bytes, "the tokenizer"});

  const std::vector<TensorSpec> spec_list = GemmaTensorSpecs(h.config);
  std::map<std::string, TensorSpec> specs;
  for (const TensorSpec& s : spec_list) specs.emplace(s.name, s);
  const json& tensors = Member(j, "tensors", "the header");
  if (!tensors.is_array()) Damaged("tensors is not a list");
  std::map<std::string, TensorEntry> found;
  for (const json& t : tensors) {
    TensorEntry e = ParseTensor(t, specs, h.weight_type, h.format_version);
    extents.push_back({e.offset, e.bytes, "tensor " + e.name + " values"});
    if (e.kind == TensorKind::kI8) extents.push_back({e.scales_offset, e.scales_bytes, "tensor " + e.name + " scales"});
    const std::string name = e.name;
    if (!found.emplace(name, std::move(e)).second) Damaged("tensor " + name + " is listed twice");
  }
  for (const TensorSpec& s : spec_list) {
    const auto it = found.find(s.name);
    if (it == found.end()) Damaged("tensor " + s.name + " is missing");
    parsed.layout.tensors.push_back(std::move(it->second));
  }
  for (const Extent& e : extents) CheckExtent(e, data_start, file_size);
  CheckNoOverlap(extents);
  parsed.layout.end = file_size;
  for (const Extent& e : extents) h.memory_bytes += e.bytes;
  return parsed;
}

template <typename Fn>
auto WithFileContext(const std::filesystem::path& path, Fn&& fn) {
  try {
    return fn();
  } catch (const Error& e) {
    throw Error("cannot open model file " + path.string() + ": " + e.what());
  }
}

json HeaderJson(const ModelConfig& c, const ModelInfo& info, WeightType weight_type, const ModelLayout& layout,
                const std::string& created) {
  json tensors = json::array();
  for (const TensorEntry& e : layout.tensors) {
    json t = {{"name", e.name}, {"kind", TensorKindName(e.kind)}, {"shape", e.shape},
              {"offset", e.offset}, {"bytes", e.bytes}};
    if (e.kind == TensorKind::kI8) {
      t["scales_offset"] = e.scales_offset;
      t["scales_bytes"] = e.scales_bytes;
    }
    tensors.push_back(std::move(t));
  }
  return json{
      {"format_version", kModelFileVersion},
      {"config",
       {{"vocab_size", c.vocab_size}, {"hidden", c.hidden}, {"layers", c.layers}, {"heads", c.heads},
        {"kv_heads", c.kv_heads}, {"head_dim", c.head_dim}, {"ffn", c.ffn}, {"context", c.context},
        {"rms_eps", c.rms_eps}, {"rope_theta", c.rope_theta}}},
      {"weight_type", weight_type == WeightType::kInt8 ? "int8" : "f32"},
      {"quant_block", kQuantBlock},
      {"model", {{"name", info.name}, {"source", info.source}, {"instruction_tuned", info.instruction_tuned}}},
      {"created", created},
      {"file_size", layout.end},
      {"tokenizer", {{"offset", layout.tokenizer_offset}, {"bytes", layout.tokenizer_bytes}}},
      {"tensors", std::move(tensors)},
  };
}

}  // namespace

bool IsModelFile(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  char magic[sizeof kModelFileMagic] = {};
  struct stat st {};
  const bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                  ::pread(fd, magic, sizeof magic, 0) == ssize_t(sizeof magic) &&
                  std::memcmp(magic, kModelFileMagic, sizeof magic) == 0;
  ::close(fd);
  return ok;
}

ModelFileHeader ReadModelFileHeader(const std::filesystem::path& path) {
  return ReadModelFileDirectory(path).header;
}

ModelFileDirectory ReadModelFileDirectory(const std::filesystem::path& path) {
  return WithFileContext(path, [&] {
    const File file(path);
    return ParseHeader(ReadHeaderText(file), file.size());
  });
}

void CheckModelFileRunnable(const ModelFileHeader& header, const std::filesystem::path& path) {
  WithFileContext(path, [&] { CheckRunnable(header.format_version); });
}

std::shared_ptr<Model> OpenModelFile(const std::filesystem::path& path) {
  return WithFileContext(path, [&] {
    const File file(path);
    ModelFileDirectory parsed = ParseHeader(ReadHeaderText(file), file.size());
    CheckRunnable(parsed.header.format_version);
    const ModelLayout& layout = parsed.layout;

    // The tokenizer is read with pread, not through the mapping, so a damaged one is found before any page
    // of the weights is touched.
    std::string tokenizer_proto(layout.tokenizer_bytes, '\0');
    file.ReadAt(layout.tokenizer_offset, tokenizer_proto.data(), layout.tokenizer_bytes);
    std::unique_ptr<Tokenizer> tokenizer;
    try {
      tokenizer = std::make_unique<Tokenizer>(std::move(tokenizer_proto));
    } catch (const std::exception& e) {
      throw Error(std::string("its tokenizer is not usable (") + e.what() + "): import the model again");
    }
    if (tokenizer->size() > parsed.header.config.vocab_size) {
      throw Error("its tokenizer has " + std::to_string(tokenizer->size()) + " pieces but the embedding only " +
                  std::to_string(parsed.header.config.vocab_size) +
                  " rows: the file is damaged; import the model again");
    }

    auto mapping = std::make_shared<const FileMapping>(file.fd(), file.size());
    // No MAP_POPULATE: opening must not wait for gigabytes. WILLNEED starts the kernel's read-ahead of the
    // weights in the background, so the first token mostly finds them already in the page cache.
    ::madvise(const_cast<uint8_t*>(mapping->data()), mapping->size(), MADV_WILLNEED);

    ModelWeights weights = ViewWeights(parsed.header.config, layout, mapping->data());
    return std::make_shared<Model>(parsed.header.config, std::move(weights), std::move(tokenizer),
                                   std::shared_ptr<const void>(mapping), parsed.header.info);
  });
}

ModelFilePlan PlanModelFile(const ModelConfig& config, const ModelInfo& info, WeightType weight_type,
                            uint64_t tokenizer_bytes, const std::string& created) {
  // Offsets are absolute, so the header's length decides where the data starts, which decides the offsets'
  // digits: start with one page and grow until the JSON fits, then pad it with spaces.
  uint64_t data_start = kDataStartAlignment;
  for (;;) {
    ModelLayout layout = PlanLayout(config, weight_type, data_start, tokenizer_bytes);
    std::string text = HeaderJson(config, info, weight_type, layout, created)
                           .dump(1, ' ', false, json::error_handler_t::replace);
    if (kModelFilePreambleBytes + text.size() <= data_start) {
      text.resize(data_start - kModelFilePreambleBytes, ' ');
      std::string preamble(kModelFilePreambleBytes, '\0');
      std::memcpy(preamble.data(), kModelFileMagic, sizeof kModelFileMagic);
      StoreU32(kModelFileVersion, preamble.data() + 8);
      StoreU32(0, preamble.data() + 12);
      StoreU64(text.size(), preamble.data() + 16);
      return {preamble + text, std::move(layout)};
    }
    data_start = AlignUp(kModelFilePreambleBytes + text.size(), kDataStartAlignment);
  }
}

std::string CurrentTimeIso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm tm {};
  ::gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace gemma
