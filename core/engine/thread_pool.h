// The engine's one pool of worker threads. The calling thread takes part, so a pool of N runs N ways.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace gemma {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);  // threads <= 0: the number of cores
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return size_; }
  // Splits [0, n) into size() contiguous chunks whose boundaries are multiples of `align` (except the end)
  // and runs fn(begin, end, worker_index) on each; returns when all are done. Not reentrant.
  // Empty chunks (n small for the pool) are skipped, so fn always gets begin < end; worker_index is the
  // chunk's index, 0 being the calling thread, which always runs the first chunk itself. An exception from
  // any chunk is rethrown here once all chunks have finished.
  void ParallelFor(int64_t n, int64_t align, const std::function<void(int64_t, int64_t, int)>& fn);
  // Where chunk `chunk` of ParallelFor(n, align) on a pool of `size` begins (chunk == size: n).
  static int64_t ChunkBegin(int64_t n, int64_t align, int size, int chunk);

  // While a Burst lives, idle workers and the waiting caller spin instead of sleeping between jobs: a decoded
  // token is ~100 short jobs back to back, and in a virtual machine waking a halted core costs tens of
  // microseconds per job. Outside a burst the pool sleeps as usual. Bursts must not nest.
  class Burst {
   public:
    explicit Burst(ThreadPool& pool);
    ~Burst();
    Burst(const Burst&) = delete;
    Burst& operator=(const Burst&) = delete;

   private:
    ThreadPool& pool_;
  };

 private:
  void WorkerLoop(int index);

  int size_;
  std::vector<std::thread> workers_;
  // A job is published by bumping generation_ (release) after job_, job_n_ and job_align_ are set, under the
  // mutex; spinning workers see it without the mutex, sleeping ones are woken through start_cv_. Sleepers
  // check generation_ and stop_ under the mutex, so no wake-up is lost.
  std::mutex mutex_;
  std::condition_variable start_cv_, done_cv_;
  const std::function<void(int64_t, int64_t, int)>* job_ = nullptr;
  int64_t job_n_ = 0, job_align_ = 1;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::atomic<bool> spinning_{false};
  int sleepers_ = 0;
  bool stop_ = false;
};

}  // namespace gemma
