#include "memory_bandwidth.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <vector>

#include "huge_page_buffer.h"

namespace gemma {

double MeasureReadBandwidth(ThreadPool& pool, size_t bytes, int passes) {
  const size_t words = bytes / sizeof(uint64_t);
  // On 2 MB pages where the system has them, as the weights are: on 4 KB pages one core reads a third less,
  // which would understate the ceiling.
  const HugePageBuffer memory(words * sizeof(uint64_t));
  uint64_t* buffer = memory.as<uint64_t>();
  // Each thread first-touches its own part, as the weights' pages are spread by whoever reads them.
  pool.ParallelFor(int64_t(words), 512, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i) buffer[i] = uint64_t(i);
  });
  std::vector<uint64_t> sums(pool.size() * 8);  // a cache line apart: no false sharing
  std::vector<double> rates;
  for (int pass = 0; pass < passes; ++pass) {
    const auto start = std::chrono::steady_clock::now();
    pool.ParallelFor(int64_t(words), 512, [&](int64_t begin, int64_t end, int worker) {
      uint64_t a = 0, b = 0, c = 0, d = 0;  // independent chains so the loads, not the adds, limit speed
      int64_t i = begin;
      for (; i + 4 <= end; i += 4) a += buffer[i], b += buffer[i + 1], c += buffer[i + 2], d += buffer[i + 3];
      for (; i < end; ++i) a += buffer[i];
      sums[size_t(worker) * 8] += a + b + c + d;
    });
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rates.push_back(double(words * sizeof(uint64_t)) / seconds);
  }
  std::sort(rates.begin(), rates.end());
  volatile uint64_t keep = 0;  // the sums must look used, or the reads could be optimised away
  for (uint64_t s : sums) keep = keep + s;
  return rates[rates.size() / 2];
}

}  // namespace gemma
