#include "tests/support/tiny_model.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>

#include "core/model/checkpoint.h"

namespace gemma::testing {
namespace {

std::filesystem::path TestDataDir() {
  if (const char* dir = std::getenv("GEMMA_TEST_DATA")) return dir;
  return std::filesystem::path(__FILE__).parent_path().parent_path() / "data";
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

const std::string& TinyTokenizerModel() {
  static std::once_flag once;
  static std::string model;
  std::call_once(once, [] {
    const auto dir = std::filesystem::temp_directory_path() / ("gemma-tiny-spm-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto prefix = (dir / "tiny").string();
    const std::string args =
        "--input=" + (TestDataDir() / "tokenizer_corpus.txt").string() + " --model_prefix=" + prefix +
        " --vocab_size=400 --model_type=bpe --byte_fallback=true --split_digits=true"
        " --add_dummy_prefix=false --remove_extra_whitespaces=false"
        " --user_defined_symbols=<start_of_turn>,<end_of_turn> --pad_id=0 --eos_id=1 --bos_id=2 --unk_id=3"
        " --bos_piece=<bos> --eos_piece=<eos> --normalization_rule_name=identity"
        " --hard_vocab_limit=false --character_coverage=1.0 --num_threads=1 --minloglevel=2";
    const auto status = sentencepiece::SentencePieceTrainer::Train(args);
    if (!status.ok()) throw std::runtime_error("spm training failed: " + status.ToString());
    model = ReadFile(prefix + ".model");
    std::filesystem::remove_all(dir);
  });
  return model;
}

TinyModel MakeTinyModel(Attention attention, uint64_t seed, int padding_rows) {
  TinyModel m;
  m.tokenizer_model = TinyTokenizerModel();
  sentencepiece::SentencePieceProcessor sp;
  if (!sp.LoadFromSerializedProto(m.tokenizer_model).ok()) throw std::runtime_error("tiny tokenizer");
  ModelConfig& c = m.config;
  c.vocab_size = sp.GetPieceSize() + padding_rows;
  c.hidden = 128;
  c.layers = 2;
  c.context = 256;
  if (attention == Attention::kMultiQuery) {
    c.heads = 4, c.kv_heads = 1, c.head_dim = 64, c.ffn = 256;
    m.name = "tiny-mqa-it";
  } else {
    c.heads = 4, c.kv_heads = 4, c.head_dim = 48, c.ffn = 320;
    m.name = "tiny-mha-it";
  }
  std::mt19937_64 rng(seed);
  for (const TensorSpec& spec : GemmaTensorSpecs(c)) {
    int64_t count = 1;
    for (int64_t d : spec.shape) count *= d;
    std::vector<float> values(count);
    const bool is_norm = spec.shape.size() == 1;
    const bool is_embedding = spec.name == "model.embed_tokens.weight";
    // Norm offsets near 0 (multiplier near 1); matrices scaled so activations stay O(1) through the layers;
    // the embedding at unit scale so logits have clear margins.
    const double stddev = is_norm ? 0.1 : is_embedding ? 1.0 : 1.0 / std::sqrt(double(spec.shape[1]));
    std::normal_distribution<double> normal(0.0, stddev);
    for (float& v : values) v = float(normal(rng));
    m.shapes[spec.name] = spec.shape;
    m.tensors[spec.name] = std::move(values);
  }
  return m;
}

std::vector<int> TinyPrompt(const TinyModel& model, int length, uint64_t seed) {
  std::mt19937_64 rng(seed);
  sentencepiece::SentencePieceProcessor sp;
  if (!sp.LoadFromSerializedProto(model.tokenizer_model).ok()) throw std::runtime_error("tiny tokenizer");
  std::uniform_int_distribution<int> id(4, sp.GetPieceSize() - 1);
  std::vector<int> ids{2};
  while (int(ids.size()) < length) ids.push_back(id(rng));
  return ids;
}

}  // namespace gemma::testing
