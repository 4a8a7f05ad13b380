// FileMapping: the whole file, readable, starting on a 2 MB boundary (so the kernel may use 2 MB pages), with
// no leftover reservation around it and nothing left mapped once it is gone; HugePageShare reads smaps.
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/engine/error.h"
#include "core/model/file_mapping.h"

using gemma::FileMapping;

namespace {

constexpr uintptr_t kHugePage = uintptr_t(2) << 20;

struct Region {
  uintptr_t begin = 0, end = 0;
  std::string perms;
};

// The /proc/self/maps region containing `address`, or an empty one.
Region RegionContaining(const void* address) {
  std::ifstream maps("/proc/self/maps");
  const auto target = reinterpret_cast<uintptr_t>(address);
  std::string line;
  while (std::getline(maps, line)) {
    Region r;
    char dash = 0;
    std::istringstream in(line);
    in >> std::hex >> r.begin >> dash >> r.end >> r.perms;
    if (target >= r.begin && target < r.end) return r;
  }
  return {};
}

}  // namespace

class TstFileMapping : public QObject {
  Q_OBJECT

 private slots:
  void mapsTheWholeFileOnA2MBBoundary() {
    QTemporaryDir dir;
    const std::string path = (dir.path() + "/model.bin").toStdString();
    const uint64_t size = 3 * kHugePage + 12345;  // not a whole number of pages
    std::vector<char> bytes(size);
    for (uint64_t i = 0; i < size; ++i) bytes[i] = char((i * 131) >> 3);
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(size));
    const int fd = ::open(path.c_str(), O_RDONLY);
    QVERIFY(fd >= 0);
    const uint8_t* data = nullptr;
    {
      const FileMapping mapping(fd, size);
      ::close(fd);  // the mapping keeps the file
      data = mapping.data();
      QCOMPARE(mapping.size(), size);
      QCOMPARE(reinterpret_cast<uintptr_t>(data) % kHugePage, uintptr_t(0));
      QVERIFY(std::equal(bytes.begin(), bytes.end(), reinterpret_cast<const char*>(data)));
      // Exactly the file's pages are mapped: the 2 MB of reserved address space around it was given back.
      const Region r = RegionContaining(data);
      QCOMPARE(r.begin, reinterpret_cast<uintptr_t>(data));
      QCOMPARE(r.end, reinterpret_cast<uintptr_t>(data) + (size + 4095) / 4096 * 4096);
      QCOMPARE(r.perms.substr(0, 3), std::string("r--"));
      const Region after = RegionContaining(reinterpret_cast<const void*>(r.end));
      QVERIFY2(after.perms != "---p", "the unused end of the reservation is still mapped");
      const double share = gemma::HugePageShare(data);
      QVERIFY2(share >= 0 && share <= 1, qPrintable(QString::number(share)));
    }
    QCOMPARE(RegionContaining(data).end, uintptr_t(0));
  }

  void anEmptyFileCannotBeMapped() {
    QTemporaryDir dir;
    const std::string path = (dir.path() + "/empty").toStdString();
    std::ofstream(path).close();
    const int fd = ::open(path.c_str(), O_RDONLY);
    QVERIFY(fd >= 0);
    QVERIFY_THROWS_EXCEPTION(gemma::Error, FileMapping(fd, 0));
    ::close(fd);
  }

  void hugePageShareIsUnknownOutsideAnyMapping() {
    QCOMPARE(gemma::HugePageShare(reinterpret_cast<const void*>(uintptr_t(4096))), -1.0);
  }
};

QTEST_GUILESS_MAIN(TstFileMapping)
#include "tst_file_mapping.moc"
