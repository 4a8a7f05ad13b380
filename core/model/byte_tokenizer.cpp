#include "core/model/byte_tokenizer.h"

#include <cstdio>

#include "core/model/sentencepiece_proto.h"

namespace gemma {

std::string ByteTokenizerModel() {
  SentencePieceVocab vocab;
  auto add = [&](std::string piece, PieceType type) {
    vocab.pieces.push_back(std::move(piece));
    vocab.scores.push_back(0.0f);
    vocab.types.push_back(type);
  };
  add("<pad>", PieceType::kControl);
  add("<eos>", PieceType::kControl);
  add("<bos>", PieceType::kControl);
  add("<unk>", PieceType::kUnknown);
  add("<start_of_turn>", PieceType::kUserDefined);
  add("<end_of_turn>", PieceType::kUserDefined);
  for (int byte = 0; byte < 256; ++byte) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", byte);
    add(name, PieceType::kByte);
  }
  vocab.pad_id = 0, vocab.eos_id = 1, vocab.bos_id = 2, vocab.unk_id = 3;
  return BuildSentencePieceModel(vocab);
}

}  // namespace gemma
