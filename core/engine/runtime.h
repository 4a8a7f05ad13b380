// What the engine runs on: the thread pool and the kernels chosen for this CPU. One per process is enough;
// sessions and models share it. OpenBLAS is told to use as many threads as the pool, and is only called
// from the thread that drives a forward pass, so the two never run at once and never oversubscribe.
#pragma once

#include "kernels.h"
#include "thread_pool.h"

namespace gemma {

struct RuntimeOptions {
  int threads = 0;  // 0: all cores
  // Unset: BestKernelPath(). Tests set it to check every path against the portable one.
  const Kernels* kernels = nullptr;
};

class Runtime {
 public:
  explicit Runtime(const RuntimeOptions& options = {});
  ThreadPool& pool() { return pool_; }
  const Kernels& kernels() const { return *kernels_; }
  int threads() const { return pool_.size(); }

 private:
  ThreadPool pool_;
  const Kernels* kernels_;
};

}  // namespace gemma
