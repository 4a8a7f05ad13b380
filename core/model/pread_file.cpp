#include "core/model/pread_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/engine/error.h"
#include "core/model/format_bytes.h"

namespace gemma {

PreadFile::PreadFile(const std::filesystem::path& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    throw Error("cannot open " + path.string() + ": " + std::strerror(errno) +
                ". Check that the file exists and is readable.");
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd_);
    throw Error(path.string() + " is not a regular file.");
  }
  size_ = uint64_t(st.st_size);
}

PreadFile::~PreadFile() {
  if (fd_ >= 0) ::close(fd_);
}

void PreadFile::ReadAt(uint64_t offset, uint64_t count, void* out) const {
  if (offset > size_ || count > size_ - offset) {
    throw Error("read of " + std::to_string(count) + " bytes at offset " + std::to_string(offset) +
                " is past the end of " + path_.string() + " (" + FormatBytes(size_) + ")");
  }
  auto* dst = static_cast<char*>(out);
  while (count > 0) {
    const size_t chunk = size_t(std::min<uint64_t>(count, uint64_t(1) << 30));
    const ssize_t got = ::pread(fd_, dst, chunk, off_t(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw Error("cannot read " + path_.string() + ": " + std::strerror(errno));
    if (got == 0) {
      throw Error(path_.string() + " ended at " + FormatBytes(offset) +
                  " while reading it: it was changed or truncated after opening. Open it again.");
    }
    dst += got;
    offset += uint64_t(got);
    count -= uint64_t(got);
  }
}

std::string PreadFile::ReadString(uint64_t offset, uint64_t count) const {
  if (offset > size_ || count > size_ - offset) ReadAt(offset, count, nullptr);  // throws the range error
  std::string s(size_t(count), '\0');
  ReadAt(offset, count, s.data());
  return s;
}

std::string ReadSmallFile(const std::filesystem::path& path, uint64_t max_bytes) {
  PreadFile file(path);
  if (file.size() > max_bytes) {
    throw Error(path.string() + " is " + FormatBytes(file.size()) + ", more than the " + FormatBytes(max_bytes) +
                " such a file can be: it is not the file expected here. Download it again.");
  }
  return file.ReadString(0, file.size());
}

}  // namespace gemma
