#include "core/model/format_bytes.h"

#include <cstdio>

namespace gemma {

std::string FormatBytes(uint64_t bytes) {
  if (bytes < 1000) return std::to_string(bytes) + " bytes";
  const char* units[] = {"KB", "MB", "GB", "TB"};
  double value = double(bytes) / 1000.0;
  int unit = 0;
  while (value >= 1000.0 && unit < 3) value /= 1000.0, ++unit;
  char text[32];
  std::snprintf(text, sizeof text, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
  return text;
}

}  // namespace gemma
