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
// ParallelFor is not reentrant (fn must not call it) and takes one caller at a time.
#include "core/engine/thread_pool.h"

#include <algorithm>
#include <exception>

namespace gemma {
namespace {

int64_t ChunkBegin(int64_t n, int64_t align, int size, int chunk) {
  const int64_t units = (n + align - 1) / align;
  const int64_t unit = (units * chunk + size - 1) / size;
  return std::min(n, unit * align);
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
  }
  start_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
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
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = &run_guarded;
    job_n_ = n;
    job_align_ = align;
    pending_ = size_ - 1;
    ++generation_;
  }
  start_cv_.notify_all();
  job.Run(0, ChunkBegin(n, align, size_, 1), 0);
  {
    std::unique_lock<std::mutex> lock(mutex_);
    done_cv_.wait(lock, [this] { return pending_ == 0; });
    job_ = nullptr;
  }
  if (job.error) std::rethrow_exception(job.error);
}

void ThreadPool::WorkerLoop(int index) {
  uint64_t seen = 0;
  for (;;) {
    const std::function<void(int64_t, int64_t, int)>* job;
    int64_t n, align;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      start_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      job = job_;
      n = job_n_;
      align = job_align_;
    }
    // The guarded wrapper never throws and skips an empty chunk itself.
    (*job)(ChunkBegin(n, align, size_, index), ChunkBegin(n, align, size_, index + 1), index);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0) done_cv_.notify_one();
    }
  }
}

}  // namespace gemma
