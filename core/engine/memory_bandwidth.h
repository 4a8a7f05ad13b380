// The machine's memory read bandwidth as the engine's threads see it. Decoding a token reads every weight
// once, so bandwidth / bytes-per-token is the ceiling a decode figure is judged against; benchmarks print it
// beside their results because it swings on shared machines.
#pragma once

#include <cstddef>

#include "thread_pool.h"

namespace gemma {

// Bytes per second for reading a buffer much larger than the caches with every pool thread; the median of
// `passes` timed passes.
double MeasureReadBandwidth(ThreadPool& pool, size_t bytes = size_t(1) << 30, int passes = 5);

}  // namespace gemma
