#include "core/model/file_mapping.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "core/engine/error.h"

namespace gemma {
namespace {

constexpr uintptr_t kHugePage = uintptr_t(2) << 20;
constexpr uintptr_t kPage = 4096;

uintptr_t AlignUp(uintptr_t value, uintptr_t alignment) { return (value + alignment - 1) & ~(alignment - 1); }

[[noreturn]] void MapFailed(int error) {
  throw Error(std::string("cannot map it into memory: ") + std::strerror(error));
}

}  // namespace

FileMapping::FileMapping(int fd, uint64_t size) : size_(size) {
  // Reserve 2 MB more address space than the file needs, map the file over it at the first 2 MB boundary,
  // and give the unused ends back. Offset 0 of the file is then 2 MB aligned, as the kernel requires.
  const uintptr_t span = AlignUp(uintptr_t(size), kPage) + kHugePage;
  void* reserved = ::mmap(nullptr, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (reserved == MAP_FAILED) MapFailed(errno);
  const uintptr_t start = reinterpret_cast<uintptr_t>(reserved);
  const uintptr_t aligned = AlignUp(start, kHugePage);
  addr_ = ::mmap(reinterpret_cast<void*>(aligned), size, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
  if (addr_ == MAP_FAILED) {
    const int error = errno;
    ::munmap(reserved, span);
    MapFailed(error);
  }
  if (aligned > start) ::munmap(reserved, aligned - start);
  const uintptr_t end = aligned + AlignUp(uintptr_t(size), kPage);
  if (start + span > end) ::munmap(reinterpret_cast<void*>(end), start + span - end);
  // A request, not a requirement: without transparent huge pages (or with them set to "never") it fails
  // and the mapping works on 4 KB pages as before.
  ::madvise(addr_, size, MADV_HUGEPAGE);
}

FileMapping::~FileMapping() { ::munmap(addr_, size_); }

double HugePageShare(const void* address) {
  std::ifstream smaps("/proc/self/smaps");
  const uintptr_t target = reinterpret_cast<uintptr_t>(address);
  std::string line;
  bool inside = false;
  double rss_kb = -1, huge_kb = 0;
  while (std::getline(smaps, line)) {
    unsigned long begin = 0, end = 0;
    char dash = 0;
    // A mapping's first line is "begin-end perms ..."; the lines after it are "Name:   value kB".
    std::istringstream head(line);
    if (head >> std::hex >> begin >> dash >> end && dash == '-') {
      if (inside) break;
      inside = target >= begin && target < end;
      continue;
    }
    if (!inside) continue;
    std::istringstream field(line);
    std::string name;
    double kb = 0;
    if (!(field >> name >> kb)) continue;
    if (name == "Rss:") rss_kb = kb;
    if (name == "FilePmdMapped:" || name == "AnonHugePages:") huge_kb += kb;
  }
  return rss_kb > 0 ? huge_kb / rss_kb : -1;
}

}  // namespace gemma
