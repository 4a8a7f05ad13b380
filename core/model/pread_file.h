// A read-only file read at explicit offsets (pread), for checkpoint readers that must never load a whole
// multi-gigabyte file: they read a header, then exactly the bytes of the rows asked for. Reads are
// position-free, so one open file can serve several threads.
#pragma once

#include "core/model/format_bytes.h"
#include <cstdint>
#include <filesystem>
#include <string>

namespace gemma {

class PreadFile {
 public:
  // Throws gemma::Error if the path cannot be opened or is not a regular file.
  explicit PreadFile(const std::filesystem::path& path);
  ~PreadFile();
  PreadFile(const PreadFile&) = delete;
  PreadFile& operator=(const PreadFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  uint64_t size() const { return size_; }

  // Reads exactly `count` bytes at `offset`. The range must lie inside the size seen at open; a file that
  // shrank since (or an I/O error) throws gemma::Error instead of returning short data.
  void ReadAt(uint64_t offset, uint64_t count, void* out) const;
  std::string ReadString(uint64_t offset, uint64_t count) const;

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

// The whole of a small file (config.json, tokenizer.model), refusing anything larger than `max_bytes` so a
// wrong file cannot exhaust memory. Throws gemma::Error naming the file.
std::string ReadSmallFile(const std::filesystem::path& path, uint64_t max_bytes);

}  // namespace gemma
