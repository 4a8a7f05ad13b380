// What the engine runs on: the thread pool and the kernels chosen for this CPU. One per process is enough;
// sessions and models share it. OpenBLAS is kept at one thread and called from inside the pool's jobs, each
// call on its own slice, so the pool's threads are the only ones.
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
