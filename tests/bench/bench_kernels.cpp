// Kernel benchmark: per kernel path and thread count, decode (n = 1) as GB/s of weights streamed, beside
// the machine's read bandwidth measured in the same run, and prefill (n = 64, 512) as int8 GOPS. Goes
// through MatMul, so activation quantization and the pool's overhead are included. Medians over repeats.
//
//   bench_kernels [--threads 1,2] [--paths portable,avx2,avx512-vnni] [--repeats 7] [--quick] [--decode|--prefill]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <span>
#include <string>
#include <ctime>
#include <vector>

#include <cblas.h>

#include "core/engine/huge_page_buffer.h"
#include "core/engine/kernels.h"
#include "core/engine/matmul.h"
#include "core/engine/runtime.h"

using namespace gemma;

namespace {

using Clock = std::chrono::steady_clock;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// CPU seconds (all threads) of the last TimeMedian: with other jobs on the machine, wall time includes
// waiting for a core, while ops per CPU-second times the threads is what the kernel does when it runs.
double g_last_cpu_seconds = 0;

// Runs fn up to `repeats` times (at least once, and stops early after ~4 s), returns the median seconds.
template <typename Fn>
double TimeMedian(int repeats, Fn&& fn) {
  std::vector<double> times, cpu;
  const auto start = Clock::now();
  for (int k = 0; k < repeats; ++k) {
    const double c0 = CpuSeconds();
    const auto t0 = Clock::now();
    fn(k);
    times.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    cpu.push_back(CpuSeconds() - c0);
    if (std::chrono::duration<double>(Clock::now() - start).count() > 4.0 && times.size() >= 1) break;
  }
  g_last_cpu_seconds = Median(cpu);
  return Median(times);
}

std::vector<int> ParseInts(const char* s) {
  std::vector<int> out;
  for (const char* p = s; *p;) {
    out.push_back(std::atoi(p));
    while (*p && *p != ',') ++p;
    if (*p == ',') ++p;
  }
  return out;
}

// On 2 MB pages where the system has them, as the mapped weights are (core/model/file_mapping.h).
struct Weights {
  int rows, cols;
  HugePageBuffer q, s;  // int8 values, half scales
  MatrixView view(int copy) const {
    MatrixView v;
    v.type = WeightType::kInt8;
    v.rows = rows;
    v.cols = cols;
    v.q = q.as<int8_t>() + int64_t(copy) * rows * cols;
    v.scales = s.as<uint16_t>() + int64_t(copy) * rows * (cols / kQuantBlock);
    return v;
  }
  double bytes() const { return double(rows) * cols + 2.0 * rows * (cols / kQuantBlock); }
};

// `copies` distinct copies, so that decode rotating through them reads from memory, not from L3 (32 MB).
Weights MakeWeights(int rows, int cols, int copies) {
  const size_t values = size_t(rows) * cols * copies, scales = size_t(rows) * (cols / kQuantBlock) * copies;
  Weights w{rows, cols, HugePageBuffer(values), HugePageBuffer(sizeof(uint16_t) * scales)};
  int8_t* q = w.q.as<int8_t>();
  uint16_t* s = w.s.as<uint16_t>();
  std::mt19937 rng(rows + cols);
  for (size_t k = 0; k < values; k += 4) {
    const uint32_t r = rng();
    for (size_t j = 0; j < 4 && k + j < values; ++j) q[k + j] = int8_t(int((r >> (8 * j)) & 0xFF) % 255 - 127);
  }
  for (size_t k = 0; k < scales; ++k) s[k] = uint16_t(0x2000 + rng() % 0x1000);  // halves from 0.008 to 0.125
  return w;
}

std::vector<float> MakeActivations(int n, int cols) {
  std::vector<float> x(size_t(n) * cols);
  std::mt19937 rng(n * 7 + cols);
  std::normal_distribution<float> normal;
  for (float& v : x) v = normal(rng);
  return x;
}

// Read bandwidth: each thread sums its contiguous share of a 1 GiB buffer.
double ReadBandwidth(ThreadPool& pool, std::span<const uint64_t> buffer, int repeats) {
  std::vector<uint64_t> sums(64);
  const double seconds = TimeMedian(repeats, [&](int) {
    pool.ParallelFor(int64_t(buffer.size()), 4096, [&](int64_t b, int64_t e, int worker) {
      uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (int64_t k = b; k + 4 <= e; k += 4) {
        s0 += buffer[k];
        s1 += buffer[k + 1];
        s2 += buffer[k + 2];
        s3 += buffer[k + 3];
      }
      sums[worker * 8] += s0 + s1 + s2 + s3;
    });
  });
  return double(buffer.size()) * 8 / seconds / 1e9;
}

// Sums words [begin, begin + words) of the buffer over the pool, as ReadBandwidth does.
uint64_t SumSlice(ThreadPool& pool, std::span<const uint64_t> buffer, int64_t begin, int64_t words) {
  uint64_t sums[8 * 64] = {};
  pool.ParallelFor(words, 4096, [&](int64_t b, int64_t e, int worker) {
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int64_t k = begin + b; k + 4 <= begin + e; k += 4) {
      s0 += buffer[k];
      s1 += buffer[k + 1];
      s2 += buffer[k + 2];
      s3 += buffer[k + 3];
    }
    sums[(worker % 64) * 8] += s0 + s1 + s2 + s3;
  });
  uint64_t total = 0;
  for (int k = 0; k < 64; ++k) total += sums[k * 8];
  return total;
}

// What a rate would be if every thread had its core to itself (see g_last_cpu_seconds).
double PerCpu(double amount, int threads) { return amount / g_last_cpu_seconds * threads; }

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> threads = {1, 2};
  std::vector<KernelPath> paths = SupportedKernelPaths();
  int repeats = 7;
  bool quick = false, decode_only = false, prefill_only = false;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    if (arg == "--threads" && a + 1 < argc) {
      threads = ParseInts(argv[++a]);
    } else if (arg == "--repeats" && a + 1 < argc) {
      repeats = std::max(1, std::atoi(argv[++a]));
    } else if (arg == "--quick") {
      quick = true;
    } else if (arg == "--decode") {
      decode_only = true;
    } else if (arg == "--prefill") {
      prefill_only = true;
    } else if (arg == "--paths" && a + 1 < argc) {
      paths.clear();
      const std::string list = argv[++a];
      for (KernelPath p : SupportedKernelPaths())
        if (list.find(KernelPathName(p)) != std::string::npos) paths.push_back(p);
    } else {
      std::fprintf(stderr, "usage: %s [--threads 1,2] [--paths portable,avx2,avx512-vnni] [--repeats N] [--quick] [--decode|--prefill]\n",
                   argv[0]);
      return 2;
    }
  }

  std::printf("building weights...\n");
  std::fflush(stdout);
  struct Decode { const char* name; Weights w; int copies; };
  std::vector<Decode> decode;
  decode.push_back({"2048x16384", MakeWeights(2048, 16384, 8), 8});
  decode.push_back({"16384x2048", MakeWeights(16384, 2048, 8), 8});
  if (!quick) decode.push_back({"256000x2048", MakeWeights(256000, 2048, 1), 1});
  struct Prefill { const char* name; const Weights* w; int n; };
  const Weights square = MakeWeights(2048, 2048, 1);
  std::vector<Prefill> prefill = {{"2048x2048", &square, 64}, {"2048x2048", &square, 512},
                                  {"16384x2048", &decode[1].w, 64}, {"16384x2048", &decode[1].w, 512}};
  const HugePageBuffer sum_memory(size_t(1) << 30);  // the same pages as the weights
  const std::span<uint64_t> buffer(sum_memory.as<uint64_t>(), sum_memory.size() / 8);
  for (size_t k = 0; k < buffer.size(); ++k) buffer[k] = k;

  // Decode: each kernel run is paired with a plain sum over as many bytes of the 1 GiB buffer, so the ratio
  // compares the two under the same (shared-machine) conditions. Medians, and the best of the runs (what
  // the code does when it has the machine to itself).
  std::printf("\n%-12s %3s  %-12s %9s %10s %7s %9s %9s %7s %12s %12s\n", "path", "thr", "decode", "GB/s",
              "sum GB/s", "ratio", "best", "sum best", "ratio", "GB/cpu*thr", "sum/cpu*thr");
  for (int t : prefill_only ? std::vector<int>{} : threads) {
    {
      ThreadPool bw_pool(t);
      const double bandwidth = ReadBandwidth(bw_pool, buffer, repeats);
      std::printf("%-12s %3d  read bandwidth, 1 GiB sum: %.1f GB/s (%.1f per cpu*thr)\n", "-", t, bandwidth,
                  PerCpu(double(buffer.size()) * 8 / 1e9, t));
    }
    for (KernelPath p : paths) {
      Runtime runtime({.threads = t, .kernels = &KernelsFor(p)});
      for (const Decode& d : decode) {
        const std::vector<float> x = MakeActivations(1, d.w.cols);
        std::vector<float> y(d.w.rows);
        MatMulScratch scratch;
        const int64_t words = int64_t(d.w.bytes() / 8);
        std::vector<double> kernel_s, kernel_cpu, sum_s, sum_cpu;
        const auto start = Clock::now();
        const int reps = p == KernelPath::kPortable ? 2 : repeats * 3;
        for (int k = 0; k < reps && std::chrono::duration<double>(Clock::now() - start).count() < 8.0; ++k) {
          kernel_s.push_back(TimeMedian(1, [&](int) {
            MatMul(runtime.kernels(), runtime.pool(), d.w.view(k % d.copies), x.data(), 1, y.data(), scratch);
          }));
          kernel_cpu.push_back(g_last_cpu_seconds);
          const int64_t begin = (int64_t(k) * words) % (int64_t(buffer.size()) - words);
          sum_s.push_back(TimeMedian(1, [&](int) { SumSlice(runtime.pool(), buffer, begin, words); }));
          sum_cpu.push_back(g_last_cpu_seconds);
        }
        const double gb = d.w.bytes() / 1e9;
        const double gbs = gb / Median(kernel_s), sum_gbs = gb / Median(sum_s);
        const double best = gb / *std::min_element(kernel_s.begin(), kernel_s.end());
        const double sum_best = gb / *std::min_element(sum_s.begin(), sum_s.end());
        std::printf("%-12s %3d  %-12s %9.1f %10.1f %6.0f%% %9.1f %9.1f %6.0f%% %12.1f %12.1f\n", KernelPathName(p), t,
                    d.name, gbs, sum_gbs, 100 * gbs / sum_gbs, best, sum_best, 100 * best / sum_best,
                    gb / Median(kernel_cpu) * t, gb / Median(sum_cpu) * t);
        std::fflush(stdout);
      }
    }
  }

  std::printf("\n%-12s %3s  %-12s %5s %10s %10s %12s\n", "path", "thr", "prefill", "n", "GOPS", "ms",
              "GOPS/cpu*thr");
  for (int t : decode_only ? std::vector<int>{} : threads) {
    for (KernelPath p : paths) {
      Runtime runtime({.threads = t, .kernels = &KernelsFor(p)});
      for (const Prefill& f : prefill) {
        if (p == KernelPath::kPortable && (f.n > 64 || f.w->rows > 2048)) continue;  // minutes, and says nothing new
        const std::vector<float> x = MakeActivations(f.n, f.w->cols);
        std::vector<float> y(size_t(f.n) * f.w->rows);
        MatMulScratch scratch;
        const double s = TimeMedian(repeats, [&](int) {
          MatMul(runtime.kernels(), runtime.pool(), f.w->view(0), x.data(), f.n, y.data(), scratch);
        });
        const double ops = 2.0 * f.n * f.w->rows * f.w->cols;
        std::printf("%-12s %3d  %-12s %5d %10.1f %10.2f %12.1f\n", KernelPathName(p), t, f.name, f.n, ops / s / 1e9,
                    s * 1e3, ops / g_last_cpu_seconds * t / 1e9);
        std::fflush(stdout);
      }
    }
  }

  // OpenBLAS's idle threads spin for a while after each call; a decode step right after an sgemm shows
  // whether that steals time from our pool.
  std::printf("\n%-12s %3s  %-36s %10s\n", "path", "thr", "16384x2048 decode", "GB/s");
  for (int t : (decode_only || prefill_only) ? std::vector<int>{} : threads) {
    Runtime runtime({.threads = t});
    const Decode& d = decode[1];
    const std::vector<float> x = MakeActivations(1, d.w.cols);
    std::vector<float> y(d.w.rows);
    MatMulScratch scratch;
    std::vector<float> a(256 * 2048, 0.5f), b(2048 * 256, 0.25f), c(256 * 256);
    for (bool after_sgemm : {false, true}) {
      const double s = TimeMedian(repeats * 3, [&](int k) {
        if (after_sgemm) {
          // Untimed in spirit but timed here: subtract it below.
          cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 256, 256, 2048, 1, a.data(), 2048, b.data(), 256,
                      0, c.data(), 256);
        }
        MatMul(runtime.kernels(), runtime.pool(), d.w.view(k % d.copies), x.data(), 1, y.data(), scratch);
      });
      const double sgemm_s = after_sgemm ? TimeMedian(repeats * 3, [&](int) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 256, 256, 2048, 1, a.data(), 2048, b.data(), 256, 0,
                    c.data(), 256);
      }) : 0.0;
      std::printf("%-12s %3d  %-36s %10.1f\n", KernelPathName(runtime.kernels().path), t,
                  after_sgemm ? "right after a 256x256x2048 sgemm" : "alone", d.w.bytes() / (s - sgemm_s) / 1e9);
    }
  }
  return 0;
}
