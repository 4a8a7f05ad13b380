// Model files of format version 1, which the tests must make themselves now that the importer writes the
// current format: a current file rewritten as version 1 stored it (model_file.h lists the versions).
#pragma once

#include <filesystem>

namespace gemma::testing {

// Copies the format-2 model file `current` to `out` as format 1: the preamble's version and the header's
// "format_version" set to 1, and every int8 row moved from the order weights.h's Int8StoredIndex gives to
// plain order (value c at byte c). Everything else is left as it is, as the formats differ in nothing else.
// Throws std::runtime_error if `current` is not a format-2 file.
void WriteAsModelFileVersion1(const std::filesystem::path& current, const std::filesystem::path& out);

}  // namespace gemma::testing
