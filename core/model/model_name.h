// What a checkpoint's name says about it: GemmaChat gives instruction-tuned ("-it") models the chat template
// and pretrained ones plain text, and the name is often the only sign of which one a file is.
#pragma once

#include <string_view>

namespace gemma {

// True when one of the name's words (split at '-', '_', '.', ' ' and '/') is "it", ignoring case:
// "gemma-2b-it", "gemma-1.1-7b-it-Q8_0", "gemma_7b_it" — but not "gemma-2b" or "italian-gemma".
bool NameSaysInstructionTuned(std::string_view name);

}  // namespace gemma
