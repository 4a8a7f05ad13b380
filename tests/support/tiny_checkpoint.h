// A CheckpointReader over a TinyModel in memory: the importer and the engine can be tested without any file
// format in between, and each format reader can be compared against it.
#pragma once

#include <memory>

#include "core/model/checkpoint.h"
#include "tests/support/tiny_model.h"

namespace gemma::testing {

std::unique_ptr<CheckpointReader> MakeTinyCheckpoint(const TinyModel& model);

}  // namespace gemma::testing
