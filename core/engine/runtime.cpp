// The process's engine runtime: one thread pool, the kernels for this CPU, and OpenBLAS kept single-threaded.
// OpenBLAS is called from inside the pool's jobs (attention, f32 weights), each call on its own slice of the
// work, so the pool's threads are the only ones and nothing is oversubscribed.
#include "core/engine/runtime.h"

#include <cblas.h>

namespace gemma {

Runtime::Runtime(const RuntimeOptions& options)
    : pool_(options.threads),
      kernels_(options.kernels != nullptr ? options.kernels : &KernelsFor(BestKernelPath())) {
  openblas_set_num_threads(1);
}

}  // namespace gemma
