// The importer: one routine lays out and quantizes the tensors (FillTensors); a file sink and a memory sink
// make it a model file or an in-memory model (see importer.h).
#include "core/model/importer.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/engine/kernels.h"
#include "core/engine/tokenizer.h"
#include "core/model/model_file.h"
#include "core/model/model_layout.h"
#include "core/model/format_bytes.h"

namespace gemma {
namespace {

// Rows are read and quantized this many values at a time: 8 MB of f32, whatever the tensor's size.
constexpr int64_t kChunkValues = int64_t(1) << 21;

using Sink = std::function<void(uint64_t offset, const void* data, uint64_t bytes)>;

class Progress {
 public:
  Progress(const ImportProgressFn& fn, uint64_t total) : fn_(fn), total_(total) {}
  void Advance(uint64_t bytes, const std::string& tensor) {
    done_ += bytes;
    if (fn_ && !fn_(ImportProgress{done_, total_, tensor})) throw ImportCancelled();
  }

 private:
  const ImportProgressFn& fn_;
  uint64_t total_;
  uint64_t done_ = 0;
};

uint64_t TensorBytes(const ModelLayout& layout) {
  uint64_t total = 0;
  for (const TensorEntry& e : layout.tensors) total += e.bytes + e.scales_bytes;
  return total;
}

void CheckFinite(const float* values, int64_t count, const TensorEntry& entry, int64_t first_row) {
  for (int64_t i = 0; i < count; ++i) {
    if (!std::isfinite(values[i])) {
      throw Error("the checkpoint's tensor " + entry.name + " has a non-finite value in row " +
                  std::to_string(first_row + i / entry.cols()) + ": the checkpoint is damaged");
    }
  }
}

// The one place tensors are read, quantized and placed: chunk by chunk, into the sink at the layout's offsets,
// in increasing order of offset (an int8 tensor's scales, which follow its values, are kept until its last
// chunk), so that a file is written front to back.
void FillTensors(CheckpointReader& reader, const ModelLayout& layout, const Sink& sink, Progress& progress) {
  std::vector<float> values;
  std::vector<int8_t> q;
  std::vector<uint16_t> scales;  // the whole tensor's
  for (const TensorEntry& e : layout.tensors) {
    const int64_t rows = e.rows(), cols = e.cols(), blocks = cols / kQuantBlock;
    const int64_t chunk_rows = std::clamp<int64_t>(kChunkValues / cols, 1, rows);
    if (e.kind != TensorKind::kF32) scales.resize(size_t(rows * blocks));
    for (int64_t row = 0; row < rows; row += chunk_rows) {
      const int64_t n = std::min(chunk_rows, rows - row);
      values.resize(size_t(n * cols));
      reader.ReadRows(e.name, row, n, values.data());
      CheckFinite(values.data(), n * cols, e, row);
      if (e.kind == TensorKind::kF32) {
        sink(e.offset + uint64_t(row * cols) * sizeof(float), values.data(), uint64_t(n * cols) * sizeof(float));
        progress.Advance(uint64_t(n * cols) * sizeof(float), e.name);
      } else {
        q.resize(size_t(n * cols));
        QuantizeWeightRows(values.data(), int(n), int(cols), q.data(), scales.data() + row * blocks);
        sink(e.offset + uint64_t(row * cols), q.data(), uint64_t(n * cols));
        progress.Advance(uint64_t(n * cols) + uint64_t(n * blocks) * sizeof(uint16_t), e.name);
      }
    }
    if (e.kind != TensorKind::kF32) sink(e.scales_offset, scales.data(), uint64_t(rows * blocks) * sizeof(uint16_t));
  }
}

// What both outputs check before doing any work: a bad checkpoint fails in a second, not after gigabytes.
std::unique_ptr<Tokenizer> CheckCheckpoint(CheckpointReader& reader, WeightType weight_type) {
  const ModelConfig& config = reader.config();
  ValidateConfig(config);
  CheckQuantizable(config, weight_type);
  auto tokenizer = std::make_unique<Tokenizer>(reader.tokenizer_model());
  if (tokenizer->size() > config.vocab_size) {
    throw Error("the checkpoint's tokenizer has " + std::to_string(tokenizer->size()) +
                " pieces but its embedding only " + std::to_string(config.vocab_size) +
                " rows: the tokenizer belongs to another model");
  }
  return tokenizer;
}

// ---- The partial file ----------------------------------------------------------------------------------

std::string WriteErrorMessage(int error, const std::filesystem::path& path, uint64_t needed) {
  const std::filesystem::path folder = path.parent_path();
  if (error == ENOSPC || error == EDQUOT) {
    std::error_code ec;
    const auto space = std::filesystem::space(folder, ec);
    return "the disk is full: the model needs " + FormatBytes(needed) + " in " + folder.string() +
           (ec ? std::string() : " and " + FormatBytes(space.available) + " are free") +
           "; free some space and import again";
  }
  if (error == EFBIG) {
    return "the model file (" + FormatBytes(needed) + ") is larger than this system allows in " + folder.string();
  }
  return "cannot write " + path.string() + ": " + std::strerror(error);
}

// The file being written; removed unless Commit() renamed it into place.
//
// Writes are staged and reach the file in whole 2 MB-aligned pieces (the importer writes front to back). On
// file systems with large folios (XFS; ext4 since Linux 6.16) the page cache then holds the new file in 2 MB
// folios at once, which the model's mapping can use as 2 MB pages (file_mapping.h): 256 MB written in 64 KB
// pieces was cached in 4 KB pages, in 2 MB pieces 90% in 2 MB folios. Elsewhere it changes nothing.
class PartialFile {
 public:
  PartialFile(const std::filesystem::path& out, uint64_t size) : out_(out), size_(size) {
    static std::atomic<int> counter{0};
    path_ = out.parent_path() / (out.filename().string() + ".partial-" + std::to_string(::getpid()) + "." +
                                 std::to_string(counter++));
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error("cannot create " + path_.string() + ": " + std::strerror(errno));
    staged_.reserve(kPiece);
  }
  ~PartialFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(path_.c_str());
  }
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;

  // Claims the whole size up front, so a full disk is found before any work, not after gigabytes.
  void Reserve() {
    const int rc = ::posix_fallocate(fd_, 0, off_t(size_));
    if (rc == ENOSPC || rc == EDQUOT || rc == EFBIG) throw Error(WriteErrorMessage(rc, path_, size_));
    // Other failures (a file system without fallocate) are fine: the writes will report any problem.
  }

  // Writes at once, not staged; later writes are staged from where it ends. For the preamble, so that the
  // partial file of a killed import is recognisable as ours (RemoveStalePartialFiles) from the start.
  void WriteNow(uint64_t offset, const void* data, uint64_t bytes) {
    Flush();
    WriteThrough(offset, static_cast<const char*>(data), bytes);
    staged_from_ = offset + bytes;
  }

  // Bytes between writes (alignment padding) are written as zeros. A write before what is already staged
  // (never made by the importer) goes straight to the file.
  void WriteAt(uint64_t offset, const void* data, uint64_t bytes) {
    const char* p = static_cast<const char*>(data);
    if (offset < staged_end()) return WriteNow(offset, data, bytes);
    while (staged_end() < offset) Stage(nullptr, std::min(offset - staged_end(), StageRoom()));
    while (bytes > 0) {
      const uint64_t n = std::min(bytes, StageRoom());
      Stage(p, n);
      p += n, bytes -= n;
    }
  }

  void Commit() {
    Flush();
    if (::ftruncate(fd_, off_t(size_)) != 0) throw Error(WriteErrorMessage(errno, path_, size_));
    if (::fsync(fd_) != 0) throw Error(WriteErrorMessage(errno, path_, size_));
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw Error(WriteErrorMessage(errno, path_, size_));
    if (::rename(path_.c_str(), out_.c_str()) != 0) {
      throw Error("cannot move the finished model to " + out_.string() + ": " + std::strerror(errno));
    }
    committed_ = true;
    // The rename is durable only once the folder is synced; a failure here loses nothing already written.
    const int dir = ::open(out_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
      ::fsync(dir);
      ::close(dir);
    }
  }

 private:
  static constexpr uint64_t kPiece = uint64_t(2) << 20;

  uint64_t staged_end() const { return staged_from_ + staged_.size(); }
  // Bytes that still fit before the next 2 MB boundary of the file.
  uint64_t StageRoom() const { return kPiece - staged_end() % kPiece; }

  // Appends n bytes (zeros when p is null); writes the staged bytes out once they reach a 2 MB boundary.
  void Stage(const char* p, uint64_t n) {
    if (p != nullptr)
      staged_.insert(staged_.end(), p, p + n);
    else
      staged_.resize(staged_.size() + n, '\0');
    if (staged_end() % kPiece == 0) Flush();
  }

  void Flush() {
    WriteThrough(staged_from_, staged_.data(), staged_.size());
    staged_from_ = staged_end();
    staged_.clear();
  }

  void WriteThrough(uint64_t offset, const char* p, uint64_t bytes) {
    while (bytes > 0) {
      const ssize_t n = ::pwrite(fd_, p, bytes, off_t(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw Error(WriteErrorMessage(n < 0 ? errno : ENOSPC, path_, size_));
      p += n, offset += uint64_t(n), bytes -= uint64_t(n);
    }
  }

  std::filesystem::path out_, path_;
  uint64_t size_;
  int fd_ = -1;
  bool committed_ = false;
  std::vector<char> staged_;   // the bytes [staged_from_, staged_end()), less than 2 MB
  uint64_t staged_from_ = 0;
};

bool AllDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The pid in "<name>.partial-<pid>" or "<name>.partial-<pid>.<n>", or 0 when the name is not of that form.
long PartialFilePid(const std::string& name) {
  const std::string kMarker = ".partial-";
  const size_t at = name.rfind(kMarker);
  if (at == std::string::npos || at == 0) return 0;
  std::string pid = name.substr(at + kMarker.size());
  if (const size_t dot = pid.find('.'); dot != std::string::npos) {
    if (!AllDigits(pid.substr(dot + 1))) return 0;
    pid.resize(dot);
  }
  if (!AllDigits(pid) || pid.size() > 9) return 0;
  return std::stol(pid);
}

bool ProcessIsGone(long pid) {
  if (pid <= 0 || pid == long(::getpid())) return false;
  return ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
}

bool LooksLikeOurPartialFile(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return false;
  struct stat st {};
  char magic[sizeof kModelFileMagic] = {};
  bool ours = false;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    // Empty: killed between creating it and writing the preamble.
    ours = st.st_size == 0 || (::pread(fd, magic, sizeof magic, 0) == ssize_t(sizeof magic) &&
                               std::memcmp(magic, kModelFileMagic, sizeof magic) == 0);
  }
  ::close(fd);
  return ours;
}

}  // namespace

int RemoveStalePartialFiles(const std::filesystem::path& folder) {
  int removed = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const long pid = PartialFilePid(it->path().filename().string());
    if (pid <= 0 || !ProcessIsGone(pid) || !LooksLikeOurPartialFile(it->path())) continue;
    std::error_code remove_error;
    if (std::filesystem::remove(it->path(), remove_error)) ++removed;
  }
  return removed;
}

void ImportCheckpoint(CheckpointReader& reader, const std::filesystem::path& out, const ImportOptions& options) {
  CheckCheckpoint(reader, options.weight_type);
  const std::filesystem::path target = out.has_parent_path() ? out : std::filesystem::path(".") / out;
  std::error_code ec;
  if (!std::filesystem::is_directory(target.parent_path(), ec)) {
    throw Error("cannot import into " + out.string() + ": the folder " + target.parent_path().string() +
                " does not exist");
  }
  if (std::filesystem::is_directory(target, ec)) {
    throw Error("cannot import into " + out.string() + ": it is a folder; give a file name");
  }
  RemoveStalePartialFiles(target.parent_path());

  ModelInfo info = reader.info();
  if (!options.name.empty()) info.name = options.name;
  const std::string& tokenizer = reader.tokenizer_model();
  const ModelFilePlan plan =
      PlanModelFile(reader.config(), info, options.weight_type, tokenizer.size(), CurrentTimeIso8601());

  PartialFile file(target, plan.layout.end);
  file.WriteNow(0, plan.preamble.data(), plan.preamble.size());
  file.Reserve();
  Progress progress(options.progress, plan.layout.tokenizer_bytes + TensorBytes(plan.layout));
  file.WriteAt(plan.layout.tokenizer_offset, tokenizer.data(), tokenizer.size());
  progress.Advance(tokenizer.size(), "tokenizer");
  FillTensors(reader, plan.layout,
              [&](uint64_t offset, const void* data, uint64_t bytes) { file.WriteAt(offset, data, bytes); },
              progress);
  file.Commit();
}

std::shared_ptr<Model> BuildModelInMemory(CheckpointReader& reader, WeightType weight_type,
                                          const ImportProgressFn& progress_fn) {
  std::unique_ptr<Tokenizer> tokenizer = CheckCheckpoint(reader, weight_type);
  const ModelConfig config = reader.config();
  const ModelLayout layout = PlanLayout(config, weight_type, 0, 0);
  const uint64_t bytes = AlignUp(layout.end, kArrayAlignment);
  void* buffer = std::aligned_alloc(kArrayAlignment, bytes);
  if (buffer == nullptr) throw Error("not enough memory to load the model: it needs " + FormatBytes(bytes));
  std::shared_ptr<void> storage(buffer, std::free);
  auto* base = static_cast<uint8_t*>(buffer);

  Progress progress(progress_fn, TensorBytes(layout));
  FillTensors(reader, layout,
              [&](uint64_t offset, const void* data, uint64_t n) { std::memcpy(base + offset, data, n); },
              progress);
  ModelWeights weights = ViewWeights(config, layout, base);
  return std::make_shared<Model>(config, std::move(weights), std::move(tokenizer),
                                 std::shared_ptr<const void>(std::move(storage)), reader.info());
}

WeightType DefaultImportWeightType(const std::filesystem::path& source) {
  return IsModelFile(source) ? ReadModelFileHeader(source).weight_type : WeightType::kInt8;
}

}  // namespace gemma
