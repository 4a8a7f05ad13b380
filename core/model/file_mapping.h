// A read-only mapping of a whole model file, placed so that the kernel can back it with 2 MB pages.
//
// Decoding a token streams every weight once, so the speed of one sequential read decides it. On 4 KB pages
// the hardware prefetcher stops at every page boundary and each page costs a TLB walk: one Zen 4 core read
// ~17 GB/s from a 4 KB-page mapping of a model and ~25-29 GB/s from the same file in 2 MB pages. The kernel
// maps a file with 2 MB pages only when the page cache holds it in 2 MB folios (file systems with large
// folios: XFS, and ext4 since Linux 6.16), the mapping asks for them (MADV_HUGEPAGE) and its address agrees
// with the file offset modulo 2 MB. This class takes care of the last two; the importer takes care of the
// first by writing the file in whole 2 MB-aligned pieces, which such file systems cache in 2 MB folios.
// Where none of this is available the mapping simply uses 4 KB pages.
#pragma once

#include <cstdint>

namespace gemma {

class FileMapping {
 public:
  // Maps `size` bytes of the open file `fd` (which may be closed afterwards); throws gemma::Error.
  FileMapping(int fd, uint64_t size);
  ~FileMapping();
  FileMapping(const FileMapping&) = delete;
  FileMapping& operator=(const FileMapping&) = delete;

  const uint8_t* data() const { return static_cast<const uint8_t*>(addr_); }
  uint64_t size() const { return size_; }

 private:
  void* addr_ = nullptr;
  uint64_t size_ = 0;
};

// The share of the resident pages of the mapping that contains `address` which are 2 MB pages (file or
// anonymous), from /proc/self/smaps; -1 when it cannot be told (no such mapping, nothing resident, no /proc).
double HugePageShare(const void* address);

}  // namespace gemma
