// Gemma's tokenizer over sentencepiece: loads a serialized ModelProto, checks it has the pieces the chat
// needs, matches the turn markers in text by their piece strings, and gives each token's exact output bytes.
#include "core/engine/tokenizer.h"

#include <sentencepiece_processor.h>

#include "core/engine/error.h"

namespace gemma {
namespace {

constexpr std::string_view kStartOfTurn = "<start_of_turn>";
constexpr std::string_view kEndOfTurn = "<end_of_turn>";
constexpr std::string_view kSpaceSymbol = "\xE2\x96\x81";  // U+2581 "▁", SentencePiece's escaped space

// The id of a piece, or -1 when the vocabulary has no such piece (PieceToId answers unk for those).
int FindPiece(const sentencepiece::SentencePieceProcessor& sp, std::string_view piece) {
  const int id = sp.PieceToId(piece);
  return id >= 0 && id < sp.GetPieceSize() && sp.IdToPiece(id) == piece ? id : -1;
}

// A special token: the id the trainer recorded for it, else the piece of Gemma's name (a model rebuilt
// from GGUF metadata may not record the ids), else -1.
int SpecialId(const sentencepiece::SentencePieceProcessor& sp, int recorded, std::string_view piece) {
  if (recorded >= 0 && recorded < sp.GetPieceSize()) return recorded;
  return FindPiece(sp, piece);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

Tokenizer::Tokenizer(std::string serialized_model_proto)
    : serialized_(std::move(serialized_model_proto)),
      sp_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {
  const auto status = sp_->LoadFromSerializedProto(serialized_);
  if (!status.ok() || sp_->GetPieceSize() <= 0) {
    throw Error("The tokenizer is not a valid SentencePiece model (" + std::string(status.ToString()) +
                "): import the model again with its original tokenizer.model.");
  }
  bos_id_ = SpecialId(*sp_, sp_->bos_id(), "<bos>");
  eos_id_ = SpecialId(*sp_, sp_->eos_id(), "<eos>");
  pad_id_ = SpecialId(*sp_, sp_->pad_id(), "<pad>");
  start_of_turn_id_ = FindPiece(*sp_, kStartOfTurn);
  end_of_turn_id_ = FindPiece(*sp_, kEndOfTurn);
  std::string missing;
  if (bos_id_ < 0) missing += " <bos>";
  if (eos_id_ < 0) missing += " <eos>";
  if (start_of_turn_id_ < 0) missing += " <start_of_turn>";
  if (end_of_turn_id_ < 0) missing += " <end_of_turn>";
  if (!missing.empty()) {
    throw Error("The tokenizer lacks Gemma's special tokens (" + missing.substr(1) +
                "): it is not a Gemma tokenizer; import the model again with its original tokenizer.model.");
  }
}

Tokenizer::~Tokenizer() = default;

int Tokenizer::size() const { return sp_->GetPieceSize(); }

std::vector<int> Tokenizer::Encode(std::string_view text) const {
  // The turn markers are split out here rather than left to sentencepiece: converted vocabularies may type
  // them as control pieces, which sentencepiece never matches in text. For Gemma's own model (markers
  // user-defined, no dummy prefix, no whitespace removal) this gives exactly sentencepiece's result, since
  // sentencepiece freezes user-defined pieces and no merge crosses them.
  std::vector<int> ids;
  std::vector<int> piece_ids;
  auto encode_segment = [&](std::string_view segment) {
    if (segment.empty()) return;
    const auto status = sp_->Encode(segment, &piece_ids);
    if (!status.ok()) throw Error("Could not tokenize the text: " + std::string(status.ToString()));
    ids.insert(ids.end(), piece_ids.begin(), piece_ids.end());
  };
  size_t begin = 0;
  for (size_t at = text.find('<'); at != std::string_view::npos; at = text.find('<', at + 1)) {
    const std::string_view rest = text.substr(at);
    int marker = -1;
    size_t length = 0;
    if (rest.starts_with(kStartOfTurn)) marker = start_of_turn_id_, length = kStartOfTurn.size();
    if (rest.starts_with(kEndOfTurn)) marker = end_of_turn_id_, length = kEndOfTurn.size();
    if (marker < 0) continue;
    encode_segment(text.substr(begin, at - begin));
    ids.push_back(marker);
    begin = at + length;
    at = begin - 1;  // the next search starts at `begin`
  }
  encode_segment(text.substr(begin));
  return ids;
}

std::string Tokenizer::Decode(const std::vector<int>& ids) const {
  // sentencepiece drops control pieces itself; the turn markers may be user-defined (then sentencepiece
  // would print them), so they are removed first. Byte pieces are joined by sentencepiece, which turns an
  // invalid UTF-8 sequence into U+FFFD.
  std::vector<int> visible;
  visible.reserve(ids.size());
  for (int id : ids) {
    if (id < 0 || id >= size()) {
      throw Error("Token id " + std::to_string(id) + " is outside the vocabulary of " + std::to_string(size()) +
                  " pieces: the model and its tokenizer do not match.");
    }
    if (id == start_of_turn_id_ || id == end_of_turn_id_ || sp_->IsControl(id)) continue;
    visible.push_back(id);
  }
  std::string text;
  const auto status = sp_->Decode(visible, &text);
  if (!status.ok()) throw Error("Could not decode tokens: " + std::string(status.ToString()));
  return text;
}

std::string Tokenizer::TokenBytes(int id) const {
  const std::string piece = Piece(id);
  if (id == start_of_turn_id_ || id == end_of_turn_id_ || sp_->IsControl(id)) return {};
  if (sp_->IsUnknown(id)) return sp_->DecodeIds({id});  // the model's unk surface, " ⁇ " by default
  if (sp_->IsByte(id)) {
    // Byte pieces are named "<0xAB>".
    if (piece.size() == 6 && piece.starts_with("<0x") && piece.back() == '>') {
      const int high = HexDigit(piece[3]), low = HexDigit(piece[4]);
      if (high >= 0 && low >= 0) return std::string(1, char(high * 16 + low));
    }
    throw Error("Byte token " + std::to_string(id) + " has the malformed piece \"" + piece +
                "\": the tokenizer is damaged; import the model again.");
  }
  // Gemma has no dummy prefix, so sentencepiece keeps a leading "▁" as a space even at the start.
  std::string bytes;
  bytes.reserve(piece.size());
  for (size_t i = 0; i < piece.size();) {
    if (std::string_view(piece).substr(i).starts_with(kSpaceSymbol)) {
      bytes += ' ';
      i += kSpaceSymbol.size();
    } else {
      bytes += piece[i++];
    }
  }
  return bytes;
}

std::string Tokenizer::Piece(int id) const {
  if (id < 0 || id >= size()) {
    throw Error("Token id " + std::to_string(id) + " is outside the vocabulary of " + std::to_string(size()) +
                " pieces: the model and its tokenizer do not match.");
  }
  return sp_->IdToPiece(id);
}

}  // namespace gemma
