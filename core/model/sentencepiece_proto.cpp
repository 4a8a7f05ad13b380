#include "core/model/sentencepiece_proto.h"

#include <sentencepiece_processor.h>

#include <algorithm>
#include <bit>
#include <cstdint>

#include "core/engine/error.h"

namespace gemma {
namespace {

// Protobuf wire format: a tag is (field << 3 | wire type); 0 = varint, 2 = length-delimited, 5 = 32-bit.
class ProtoWriter {
 public:
  void Varint(int field, uint64_t value) {
    Tag(field, 0);
    Raw(value);
  }
  // int32 fields encode negative values as the 10-byte varint of their sign extension.
  void Int32(int field, int32_t value) { Varint(field, uint64_t(int64_t(value))); }
  void Bool(int field, bool value) { Varint(field, value ? 1 : 0); }
  void Float(int field, float value) {
    Tag(field, 5);
    const uint32_t bits = std::bit_cast<uint32_t>(value);
    for (int i = 0; i < 4; ++i) out_.push_back(char((bits >> (8 * i)) & 0xff));
  }
  void Bytes(int field, const std::string& bytes) {
    Tag(field, 2);
    Raw(bytes.size());
    out_ += bytes;
  }
  const std::string& str() const { return out_; }

 private:
  void Tag(int field, int wire_type) { Raw(uint64_t(field) << 3 | uint64_t(wire_type)); }
  void Raw(uint64_t value) {
    while (value >= 0x80) {
      out_.push_back(char((value & 0x7f) | 0x80));
      value >>= 7;
    }
    out_.push_back(char(value));
  }
  std::string out_;
};

// sentencepiece_model.proto field numbers.
namespace model_proto {
constexpr int kPieces = 1, kTrainerSpec = 2, kNormalizerSpec = 3;
}
namespace piece {
constexpr int kPiece = 1, kScore = 2, kType = 3;
}
namespace trainer_spec {
constexpr int kModelType = 3, kVocabSize = 4, kSplitDigits = 25, kByteFallback = 35, kUnkId = 40, kBosId = 41,
              kEosId = 42, kPadId = 43, kUnkPiece = 45, kBosPiece = 46, kEosPiece = 47, kPadPiece = 48;
constexpr int kModelTypeBpe = 2;
}  // namespace trainer_spec
namespace normalizer_spec {
constexpr int kName = 1, kAddDummyPrefix = 3, kRemoveExtraWhitespaces = 4, kEscapeWhitespaces = 5;
}

}  // namespace

std::string BuildSentencePieceModel(const SentencePieceVocab& vocab) {
  const size_t n = vocab.pieces.size();
  if (vocab.scores.size() != n || vocab.types.size() != n) {
    throw Error("tokenizer vocabulary: pieces, scores and types differ in length");
  }
  ProtoWriter model;
  for (size_t i = 0; i < n; ++i) {
    ProtoWriter p;
    p.Bytes(piece::kPiece, vocab.pieces[i]);
    p.Float(piece::kScore, vocab.scores[i]);
    p.Varint(piece::kType, uint64_t(vocab.types[i]));
    model.Bytes(model_proto::kPieces, p.str());
  }

  auto piece_or_empty = [&](int id) { return id >= 0 && size_t(id) < n ? vocab.pieces[size_t(id)] : std::string(); };
  ProtoWriter trainer;
  trainer.Varint(trainer_spec::kModelType, trainer_spec::kModelTypeBpe);
  trainer.Int32(trainer_spec::kVocabSize, int32_t(n));
  trainer.Bool(trainer_spec::kSplitDigits, true);
  // Used when encoding: characters without a piece become <0xXX> byte pieces. sentencepiece insists on all
  // 256 byte pieces when it is on and on none when it is off; Gemma's vocabulary has them.
  const bool has_bytes = std::find(vocab.types.begin(), vocab.types.end(), PieceType::kByte) != vocab.types.end();
  trainer.Bool(trainer_spec::kByteFallback, has_bytes);
  // SentencePieceProcessor::bos_id() etc. look these pieces up by name, so the names matter as much as ids.
  trainer.Int32(trainer_spec::kUnkId, vocab.unk_id);
  trainer.Int32(trainer_spec::kBosId, vocab.bos_id);
  trainer.Int32(trainer_spec::kEosId, vocab.eos_id);
  trainer.Int32(trainer_spec::kPadId, vocab.pad_id);
  if (!piece_or_empty(vocab.unk_id).empty()) trainer.Bytes(trainer_spec::kUnkPiece, piece_or_empty(vocab.unk_id));
  if (!piece_or_empty(vocab.bos_id).empty()) trainer.Bytes(trainer_spec::kBosPiece, piece_or_empty(vocab.bos_id));
  if (!piece_or_empty(vocab.eos_id).empty()) trainer.Bytes(trainer_spec::kEosPiece, piece_or_empty(vocab.eos_id));
  if (!piece_or_empty(vocab.pad_id).empty()) trainer.Bytes(trainer_spec::kPadPiece, piece_or_empty(vocab.pad_id));
  model.Bytes(model_proto::kTrainerSpec, trainer.str());

  ProtoWriter normalizer;
  normalizer.Bytes(normalizer_spec::kName, "identity");
  normalizer.Bool(normalizer_spec::kAddDummyPrefix, false);
  normalizer.Bool(normalizer_spec::kRemoveExtraWhitespaces, false);
  normalizer.Bool(normalizer_spec::kEscapeWhitespaces, true);
  model.Bytes(model_proto::kNormalizerSpec, normalizer.str());
  return model.str();
}

int SentencePiecePieceCount(const std::string& serialized, const std::string& what) {
  sentencepiece::SentencePieceProcessor processor;
  const auto status = processor.LoadFromSerializedProto(serialized);
  if (!status.ok()) {
    throw Error(what + " is not a valid SentencePiece model (" + status.ToString() + ")");
  }
  return processor.GetPieceSize();
}

}  // namespace gemma
