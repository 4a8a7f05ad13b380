// Sizes in words people read in error messages and progress lines: "2.7 GB", "512 bytes".
#pragma once

#include <cstdint>
#include <string>

namespace gemma {

std::string FormatBytes(uint64_t bytes);

}  // namespace gemma
