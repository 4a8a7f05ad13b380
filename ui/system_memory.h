// What the operating system says about memory: how much a new model may take, and how much this process
// holds now (the status line shows it). Linux reads /proc; elsewhere both answer 0 ("unknown").
#pragma once

#include <cstdint>

namespace gemma {

// Memory that can be given to a new allocation without swapping (MemAvailable), in bytes; 0 if unknown.
uint64_t AvailableMemoryBytes();

// This process's resident memory (mapped model pages included), in bytes; 0 if unknown.
uint64_t ResidentMemoryBytes();

}  // namespace gemma
