// Gemma's SentencePiece tokenizer (BPE, byte fallback, no dummy prefix), loaded from a serialized
// SentencePiece ModelProto: the bytes of a tokenizer.model file, or one rebuilt from GGUF metadata.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace gemma {

class Tokenizer {
 public:
  // Throws gemma::Error if the bytes are not a SentencePiece model, or lack <bos>/<eos>/<end_of_turn>.
  explicit Tokenizer(std::string serialized_model_proto);
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  // Text to ids: no BOS, no EOS. <start_of_turn>/<end_of_turn> in the text become their ids; "<bos>" does not.
  std::vector<int> Encode(std::string_view text) const;
  // Ids to text; control tokens (<bos>, <eos>, turn markers) produce nothing.
  std::string Decode(const std::vector<int>& ids) const;
  // The exact bytes one token contributes to the output ("▁" as a space, <0xAB> as that byte, control
  // tokens as nothing). May be part of a UTF-8 character: see Utf8Stream.
  std::string TokenBytes(int id) const;
  std::string Piece(int id) const;  // the raw piece string, e.g. "▁the", "<0x41>", "<end_of_turn>"

  int size() const;  // number of pieces; never sample an id at or above it
  int bos_id() const { return bos_id_; }
  int eos_id() const { return eos_id_; }
  int pad_id() const { return pad_id_; }
  int start_of_turn_id() const { return start_of_turn_id_; }  // looked up by piece, not a constant
  int end_of_turn_id() const { return end_of_turn_id_; }
  const std::string& serialized() const { return serialized_; }

 private:
  std::string serialized_;
  std::unique_ptr<sentencepiece::SentencePieceProcessor> sp_;
  int bos_id_ = -1, eos_id_ = -1, pad_id_ = -1, start_of_turn_id_ = -1, end_of_turn_id_ = -1;
};

}  // namespace gemma
