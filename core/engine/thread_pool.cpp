// The engine's thread pool: size() - 1 workers that sleep on a condition variable between jobs, plus the
// calling thread, which always runs chunk 0 itself.
//
// Chunking: [0, n) is cut into units of `align` (the last one may be short) and chunk i starts at unit
// ceil(units * i / size), so the front chunks are the larger ones and, when n is small, chunk 0 (the
// caller's) is never the empty one.
// Empty chunks are skipped: fn is only ever called with begin < end, and worker_index is the chunk's index
// (0 = the calling thread), so per-worker scratch indexed by worker_index is never shared.
// When chunk 0 alone covers [0, n) (or the pool has one thread), no worker is woken at all.
//
// Exceptions thrown by fn on any thread are caught; the first one is rethrown on the calling thread after
// every chunk has finished, so no worker dies and the pool stays usable.
//
// Waiting: inside a Burst (a forward pass) workers and the caller spin between jobs; a spinner that has
// waited a while yields its core at each check, since on a machine with more runnable threads than cores
// the thread it waits for may be queued behind it. Outside a burst they sleep on condition variables.
//
// ParallelFor is not reentrant (fn must not call it) and takes one caller at a time.
#include "core/engine/thread_pool.h"

#include <algorithm>
#include <chrono>
#include <exception>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace gemma {
namespace {

// Pause-spins this long before yielding at each check.
constexpr auto kSpinBeforeYield = std::chrono::microseconds(50);

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#else
  std::this_thread::yield();
#endif
}

// Spins until done() or until keep_spinning() turns false; returns done()'s last value.
template <typename Done, typename KeepSpinning>
bool Spin(Done done, KeepSpinning keep_spinning) {
  const auto yield_from = std::chrono::steady_clock::now() + kSpinBeforeYield;
  bool yielding = false;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done()) return true;
      if (yielding)
        std::this_thread::yield();
      else
        CpuRelax();
    }
    if (!keep_spinning()) return done();
    yielding = yielding || std::chrono::steady_clock::now() >= yield_from;
  }
}

// Carries fn and the first exception; passed to workers through one pointer so that wrapping it in a
// std::function stays within the small-object buffer and ParallelFor allocates nothing.
struct GuardedJob {
  const std::function<void(int64_t, int64_t, int)>* fn;
  std::mutex error_mutex;
  std::exception_ptr error;

  void Run(int64_t begin, int64_t end, int index) {
    if (begin >= end) return;
    try {
      (*fn)(begin, end, index);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
    }
  }
};

}  // namespace

ThreadPool::ThreadPool(int threads)
    : size_(threads > 0 ? threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()))) {
  workers_.reserve(size_ - 1);
  for (int i = 1; i < size_; ++i) workers_.emplace_back([this, i] { WorkerLoop(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    spinning_.store(false, std::memory_order_relaxed);
  }
  start_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

int64_t ThreadPool::ChunkBegin(int64_t n, int64_t align, int size, int chunk) {
  const int64_t units = (n + align - 1) / align;
  const int64_t unit = (units * chunk + size - 1) / size;
  return std::min(n, unit * align);
}

void ThreadPool::ParallelFor(int64_t n, int64_t align, const std::function<void(int64_t, int64_t, int)>& fn) {
  if (n <= 0) return;
  if (align < 1) align = 1;
  GuardedJob job{&fn, {}, {}};
  if (size_ == 1 || ChunkBegin(n, align, size_, 1) >= n) {
    job.Run(0, n, 0);
    if (job.error) std::rethrow_exception(job.error);
    return;
  }
  GuardedJob* job_ptr = &job;
  const std::function<void(int64_t, int64_t, int)> run_guarded = [job_ptr](int64_t b, int64_t e, int i) {
    job_ptr->Run(b, e, i);
  };
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = &run_guarded;
    job_n_ = n;
    job_align_ = align;
    pending_.store(size_ - 1, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    wake = sleepers_ > 0;
  }
  if (wake) start_cv_.notify_all();
  job.Run(0, ChunkBegin(n, align, size_, 1), 0);
  const auto all_done = [this] { return pending_.load(std::memory_order_acquire) == 0; };
  const auto spinning = [this] { return spinning_.load(std::memory_order_relaxed); };
  if (!(spinning() && Spin(all_done, spinning))) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_cv_.wait(lock, all_done);
  }
  if (job.error) std::rethrow_exception(job.error);
}

ThreadPool::Burst::Burst(ThreadPool& pool) : pool_(pool) {
  pool_.spinning_.store(true, std::memory_order_relaxed);
}

ThreadPool::Burst::~Burst() {
  {
    // Under the mutex, so a worker deciding to sleep sees either the flag or the notify.
    std::lock_guard<std::mutex> lock(pool_.mutex_);
    pool_.spinning_.store(false, std::memory_order_relaxed);
  }
  pool_.start_cv_.notify_all();
}

void ThreadPool::WorkerLoop(int index) {
  uint64_t seen = 0;
  const auto published = [&] { return generation_.load(std::memory_order_acquire) != seen; };
  const auto spinning = [this] { return spinning_.load(std::memory_order_relaxed); };
  for (;;) {
    if (!(spinning() && Spin(published, spinning))) {
      std::unique_lock<std::mutex> lock(mutex_);
      ++sleepers_;
      start_cv_.wait(lock, [&] { return stop_ || published() || spinning(); });
      --sleepers_;
      if (stop_) return;
      if (!published()) continue;  // a burst began: spin for its first job
    }
    // The acquire load that saw the new generation pairs with the release that published these fields.
    seen = generation_.load(std::memory_order_acquire);
    const std::function<void(int64_t, int64_t, int)>* job = job_;
    const int64_t n = job_n_, align = job_align_;
    // The guarded wrapper never throws and skips an empty chunk itself.
    (*job)(ChunkBegin(n, align, size_, index), ChunkBegin(n, align, size_, index + 1), index);
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      // Taking the mutex orders this notify after a sleeping caller's check in done_cv_.wait.
      std::lock_guard<std::mutex> lock(mutex_);
      done_cv_.notify_one();
    }
  }
}

}  // namespace gemma
