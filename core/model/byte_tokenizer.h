// A minimal tokenizer in Gemma's conventions — <pad> <eos> <bos> <unk>, the two turn markers, and the 256
// byte pieces — for synthetic models (benchmarks, memory tests) that have no real vocabulary. Any text
// encodes (byte fallback); it is no use for real chat.
#pragma once

#include <string>

namespace gemma {

// A serialized SentencePiece ModelProto, ready for Tokenizer.
std::string ByteTokenizerModel();

}  // namespace gemma
