// Builds a serialized SentencePiece ModelProto from a vocabulary (pieces, scores, types), so a GGUF file's
// tokenizer metadata becomes a tokenizer.model the engine's Tokenizer loads like any other. Debian ships no
// sentencepiece_model.pb.h, so the protobuf is encoded by hand; field numbers are those of sentencepiece's
// sentencepiece_model.proto.
#pragma once

#include <string>
#include <vector>

namespace gemma {

// SentencePiece piece types; GGUF's tokenizer.ggml.token_type uses the same numbers.
enum class PieceType : int { kNormal = 1, kUnknown = 2, kControl = 3, kUserDefined = 4, kUnused = 5, kByte = 6 };

struct SentencePieceVocab {
  std::vector<std::string> pieces;
  std::vector<float> scores;
  std::vector<PieceType> types;
  int unk_id = -1, bos_id = -1, eos_id = -1, pad_id = -1;  // -1: the model has no such piece
};

// Gemma's tokenizer settings: BPE with byte fallback (when the vocabulary has byte pieces), and a normalizer that adds no dummy prefix, keeps
// extra whitespace, escapes spaces as "▁" and otherwise leaves text as it is (identity).
std::string BuildSentencePieceModel(const SentencePieceVocab& vocab);

// Loads a serialized model with sentencepiece and returns its piece count. Throws gemma::Error starting with
// `what` ("the tokenizer of …") if sentencepiece refuses it.
int SentencePiecePieceCount(const std::string& serialized, const std::string& what);

}  // namespace gemma
