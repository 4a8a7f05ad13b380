// Model files for the app's tests, through the real importer.
#include "tests/app/gemma_chat/test_models.h"

#include "core/model/importer.h"
#include "core/model/synthetic_checkpoint.h"
#include "tests/support/tiny_checkpoint.h"

namespace gemma::testing {

void WriteTinyModelFile(const QString& path, Attention attention, const QString& name) {
  const TinyModel tiny = MakeTinyModel(attention);
  ImportOptions options;
  options.name = name.toStdString();
  ImportCheckpoint(*MakeTinyCheckpoint(tiny), path.toStdString(), options);
}

void WriteSyntheticModelFile(const QString& path, const ModelConfig& config, const QString& name, uint64_t seed) {
  ImportOptions options;
  options.name = name.toStdString();
  ImportCheckpoint(*MakeSyntheticCheckpoint(config, seed, TinyTokenizerModel()), path.toStdString(), options);
}

ModelConfig SmallChatConfig() {
  ModelConfig c;
  c.vocab_size = 512;  // at least the tiny tokenizer's pieces
  c.hidden = 512;
  c.layers = 8;
  c.heads = 4;
  c.kv_heads = 1;
  c.head_dim = 128;
  c.ffn = 2048;
  c.context = 4096;
  return c;
}

}  // namespace gemma::testing
