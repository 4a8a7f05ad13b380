// The process's engine runtime: one thread pool, the kernels for this CPU, and OpenBLAS told to use as many
// threads as the pool. OpenBLAS is only ever called from the thread driving a forward pass, between pool
// jobs, so the two sets of threads take turns on the same cores instead of fighting over them.
#include "core/engine/runtime.h"

#include <cblas.h>

namespace gemma {

Runtime::Runtime(const RuntimeOptions& options)
    : pool_(options.threads),
      kernels_(options.kernels != nullptr ? options.kernels : &KernelsFor(BestKernelPath())) {
  openblas_set_num_threads(pool_.size());
}

}  // namespace gemma
