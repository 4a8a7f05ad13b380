// Tiny random Gemma models for tests: weights in the Hugging Face convention (norms stored as the offset w,
// matrices [out, in]) plus a SentencePiece tokenizer trained by the tests themselves. Writers of the
// published formats and the reference forward pass take these.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/engine/model_config.h"

namespace gemma::testing {

enum class Attention { kMultiQuery, kMultiHead };

struct TinyModel {
  ModelConfig config;
  std::map<std::string, std::vector<float>> tensors;       // by Hugging Face name
  std::map<std::string, std::vector<int64_t>> shapes;      // [out, in], or [n] for norms
  std::string tokenizer_model;                              // serialized SentencePiece ModelProto
  std::string name;                                         // e.g. "tiny-mqa-it"

  const std::vector<float>& at(const std::string& name) const { return tensors.at(name); }
};

// The tokenizer the tiny models use: BPE with Gemma's conventions (byte fallback, split digits, no dummy
// prefix, <start_of_turn>/<end_of_turn> user-defined, ids pad 0, eos 1, bos 2, unk 3), trained with
// sentencepiece's trainer on tests/data/tokenizer_corpus.txt. Trained once per process.
const std::string& TinyTokenizerModel();

// MQA: H=128, 4 query heads, 1 kv head, head_dim 64 (heads*head_dim = 256 != H), I=256, 2 layers.
// MHA: H=128, 4 heads, 4 kv heads, head_dim 48 (192 != H), I=320, 2 layers.
// padding_rows adds embedding rows past the tokenizer's size, as some converted checkpoints have.
TinyModel MakeTinyModel(Attention attention, uint64_t seed = 1, int padding_rows = 0);

// Ids of a short prompt that exercises the vocabulary (BOS first), for forward-pass comparisons.
std::vector<int> TinyPrompt(const TinyModel& model, int length, uint64_t seed = 7);

}  // namespace gemma::testing
