// Hugging Face folders (single file and sharded, BF16/F16/F32, both attention kinds) read back as the
// TinyModel they were written from; every kind of incomplete or mismatched folder is refused with a message
// that says which file and what to do.
#include <QTemporaryDir>
#include <QTest>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "core/model/checkpoint.h"
#include "core/model/hf_checkpoint.h"
#include "tests/support/checkpoint_compare.h"
#include "tests/support/expect_error.h"
#include "tests/support/hf_writer.h"

using namespace gemma;
using namespace gemma::testing;
namespace fs = std::filesystem;

namespace {

Precision PrecisionOf(HfDtype d) {
  return d == HfDtype::kF32 ? Precision::kExact : d == HfDtype::kBF16 ? Precision::kBf16 : Precision::kF16;
}

void EditJson(const fs::path& path, const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json j = nlohmann::json::parse(ReadFileBytes(path));
  edit(j);
  WriteFileBytes(path, j.dump(2));
}

}  // namespace

class TstHfCheckpoint : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  int counter_ = 0;
  // A fresh folder named like a published model.
  fs::path NewDir(const std::string& name = "tiny-gemma-it") {
    return fs::path(tmp_.path().toStdString()) / std::to_string(++counter_) / name;
  }
  fs::path WriteTiny(HfDtype dtype = HfDtype::kBF16, int shards = 1, const std::string& name = "tiny-gemma-it") {
    const fs::path dir = NewDir(name);
    WriteHfFolder(dir, MakeTinyModel(Attention::kMultiQuery), dtype, shards);
    return dir;
  }

 private slots:
  void readsBackTheModel_data() {
    QTest::addColumn<int>("attention");
    QTest::addColumn<int>("dtype");
    QTest::addColumn<int>("shards");
    for (int a : {0, 1}) {
      for (int d : {int(HfDtype::kBF16), int(HfDtype::kF16), int(HfDtype::kF32)}) {
        for (int s : {1, 2, 3}) {
          const std::string name = std::string(a ? "MHA" : "MQA") + " " + HfDtypeName(HfDtype(d)) + " " +
                                   std::to_string(s) + " shard(s)";
          QTest::newRow(name.c_str()) << a << d << s;
        }
      }
    }
  }
  void readsBackTheModel() {
    QFETCH(int, attention);
    QFETCH(int, dtype);
    QFETCH(int, shards);
    const TinyModel model = MakeTinyModel(Attention(attention), 3);
    const fs::path dir = NewDir();
    WriteHfFolder(dir, model, HfDtype(dtype), shards);
    QCOMPARE(fs::exists(dir / "model.safetensors.index.json"), shards > 1);
    if (shards > 1) {  // the layout the published checkpoints have: a layer split across two shards
      const auto map = nlohmann::json::parse(ReadFileBytes(dir / "model.safetensors.index.json"))["weight_map"];
      std::map<std::string, std::set<std::string>> shards_of_layer;
      for (const auto& [tensor, file] : map.items()) {
        if (tensor.rfind("model.layers.", 0) == 0) {
          shards_of_layer[tensor.substr(0, tensor.find('.', 13))].insert(file.get<std::string>());
        }
      }
      QVERIFY(std::any_of(shards_of_layer.begin(), shards_of_layer.end(), [](auto& l) { return l.second.size() > 1; }));
    }
    auto reader = OpenCheckpoint(dir);
    const Precision p = PrecisionOf(HfDtype(dtype));
    const std::string diff = CompareWithTinyModel(*reader, model, p, p);
    QVERIFY2(diff.empty(), diff.c_str());
  }

  void paddingRowsOfTheEmbeddingAreKept() {
    const TinyModel model = MakeTinyModel(Attention::kMultiHead, 5, /*padding_rows=*/128);
    const fs::path dir = NewDir();
    WriteHfFolder(dir, model, HfDtype::kF32, 2);
    auto reader = OpenCheckpoint(dir);
    QCOMPARE(reader->config().vocab_size, model.config.vocab_size);
    const std::string diff = CompareWithTinyModel(*reader, model, Precision::kExact, Precision::kExact, 64);
    QVERIFY2(diff.empty(), diff.c_str());
  }

  void describesTheModel() {
    auto sharded = OpenCheckpoint(WriteTiny(HfDtype::kBF16, 2, "gemma-2b-it"));
    QCOMPARE(sharded->info().name, std::string("gemma-2b-it"));
    QVERIFY(sharded->info().instruction_tuned);
    QVERIFY2(sharded->info().source.find("Hugging Face folder") != std::string::npos, sharded->info().source.c_str());
    QVERIFY2(sharded->info().source.find("bf16, 2 shards") != std::string::npos, sharded->info().source.c_str());

    const fs::path base = WriteTiny(HfDtype::kF32, 1, "gemma-2b");
    fs::remove(base / "tokenizer_config.json");
    auto single = OpenCheckpoint(base.string() + "/");  // a trailing slash still names the folder
    QCOMPARE(single->info().name, std::string("gemma-2b"));
    QVERIFY(!single->info().instruction_tuned);
    QVERIFY2(single->info().source.find("f32, 1 file") != std::string::npos, single->info().source.c_str());
  }

  void chatTemplateMakesItInstructionTuned() {
    const fs::path dir = WriteTiny(HfDtype::kF32, 1, "my-finetune");
    WriteFileBytes(dir / "tokenizer_config.json", R"({"chat_template": "{{ bos_token }}..."})");
    QVERIFY(OpenCheckpoint(dir)->info().instruction_tuned);
    WriteFileBytes(dir / "tokenizer_config.json", R"({"chat_template": ""})");
    QVERIFY(!OpenCheckpoint(dir)->info().instruction_tuned);
  }

  void unknownTensorNamesAndRowsAreRefused() {
    auto reader = OpenCheckpoint(WriteTiny());
    std::vector<float> out(128 * 4);
    EXPECT_GEMMA_ERROR(reader->ReadRows("lm_head.weight", 0, 1, out.data()), "lm_head.weight");
    EXPECT_GEMMA_ERROR(reader->ReadRows("model.norm.weight", 0, 2, out.data()), "out of range");
    EXPECT_GEMMA_ERROR(reader->ReadRows("model.embed_tokens.weight", reader->config().vocab_size, 1, out.data()),
                       "out of range");
  }

  void configDefaultsAndHiddenActIgnored() {
    // hidden_act "gelu" (the original bug) is accepted; absent optional keys take GEMMA.md's values.
    const ModelConfig c = ParseHfConfig(
        R"({"hidden_size": 2048, "intermediate_size": 16384, "num_hidden_layers": 18, "num_attention_heads": 8,
            "num_key_value_heads": 1, "vocab_size": 256000, "hidden_act": "gelu"})",
        "config.json");
    QCOMPARE(c, Gemma2B());
    const ModelConfig seven = ParseHfConfig(
        R"({"hidden_size": 3072, "intermediate_size": 24576, "num_hidden_layers": 28, "num_attention_heads": 16,
            "vocab_size": 256000, "head_dim": 256, "rope_theta": 10000.0, "rms_norm_eps": 1e-06,
            "max_position_embeddings": 8192, "model_type": "gemma"})",
        "config.json");
    QCOMPARE(seven, Gemma7B());  // kv heads default to the query heads; head_dim is not 3072 / 16
  }

  void badConfigValues() {
    EXPECT_GEMMA_ERROR(ParseHfConfig(R"({"hidden_size": 8})", "x/config.json"), "x/config.json",
                       "intermediate_size");
    EXPECT_GEMMA_ERROR(ParseHfConfig(R"({"hidden_size": "big", "intermediate_size": 8, "num_hidden_layers": 1,
                                        "num_attention_heads": 1, "vocab_size": 4})", "config.json"),
                       "hidden_size", "integer");
    EXPECT_GEMMA_ERROR(ParseHfConfig(R"({"hidden_size": 8, "intermediate_size": 8, "num_hidden_layers": 1,
                                        "num_attention_heads": 3, "num_key_value_heads": 2, "vocab_size": 4})",
                                     "config.json"),
                       "num_key_value_heads");
    EXPECT_GEMMA_ERROR(ParseHfConfig(R"({"hidden_size": 8, "intermediate_size": 8, "num_hidden_layers": 1,
                                        "num_attention_heads": 1, "vocab_size": 4, "rope_theta": 1e300})",
                                     "config.json"),
                       "rope_theta");
  }

  void otherModelTypeIsRefused() {
    const fs::path dir = WriteTiny();
    EditJson(dir / "config.json", [](nlohmann::json& j) { j["model_type"] = "gemma2"; });
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir), "gemma2", "Gemma 1");
  }

  void missingConfig() {
    const fs::path dir = WriteTiny();
    fs::remove(dir / "config.json");
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir), "no config.json", "Download");
  }

  void malformedConfig() {
    const fs::path dir = WriteTiny();
    WriteFileBytes(dir / "config.json", R"({"hidden_size": 128, )");
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir), "config.json", "not valid JSON");
  }

  void missingTokenizer() {
    const fs::path dir = WriteTiny();
    fs::remove(dir / "tokenizer.model");
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir), "no tokenizer.model", "Download");
  }

  void tokenizerThatIsNotSentencePiece() {
    const fs::path dir = WriteTiny();
    WriteFileBytes(dir / "tokenizer.model", "this is not a protobuf");
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir), "tokenizer.model", "SentencePiece");
  }

  void tokenizerLargerThanTheEmbedding() {
    // A model whose embedding has 20 rows fewer than the tokenizer has pieces: the tokenizer is not its own.
    TinyModel model = MakeTinyModel(Attention::kMultiQuery);
    const int pieces = model.config.vocab_size;
    model.config.vocab_size = pieces - 20;
    model.shapes["model.embed_tokens.weight"][0] = pieces - 20;
    model.tensors["model.embed_tokens.weight"].resize(size_t(pieces - 20) * 128);
    const fs::path dir = NewDir();
    WriteHfFolder(dir, model, HfDtype::kBF16, 1);
    const std::string expected = "the tokenizer has " + std::to_string(pieces) + " pieces but the embedding only " +
                                 std::to_string(pieces - 20) + " rows";
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir), expected.c_str(), "tokenizer.model");
  }

  void indexPointingToAMissingShard() {
    const fs::path dir = WriteTiny(HfDtype::kBF16, 2);
    fs::remove(dir / "model-00002-of-00002.safetensors");
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir), "model-00002-of-00002.safetensors", "missing", "Download");
  }

  void indexMustNotLeaveTheFolder() {
    const fs::path dir = WriteTiny(HfDtype::kBF16, 2);
    EditJson(dir / "model.safetensors.index.json",
             [](nlohmann::json& j) { j["weight_map"]["model.norm.weight"] = "../model-00001-of-00002.safetensors"; });
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir), "not a file name");
  }

  void indexWithoutATensor() {
    const fs::path dir = WriteTiny(HfDtype::kBF16, 2);
    EditJson(dir / "model.safetensors.index.json",
             [](nlohmann::json& j) { j["weight_map"].erase("model.layers.1.mlp.up_proj.weight"); });
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir), "model.layers.1.mlp.up_proj.weight");
  }

  void indexNamingTheWrongShard() {
    const fs::path dir = WriteTiny(HfDtype::kBF16, 2);
    EditJson(dir / "model.safetensors.index.json", [](nlohmann::json& j) {
      j["weight_map"]["model.embed_tokens.weight"] = "model-00002-of-00002.safetensors";
    });
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir), "model-00002-of-00002.safetensors", "no tensor model.embed_tokens.weight");
  }

  void malformedIndex() {
    const fs::path dir = WriteTiny(HfDtype::kBF16, 2);
    WriteFileBytes(dir / "model.safetensors.index.json", R"({"weight_map": )");
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir), "model.safetensors.index.json", "not valid JSON");
    WriteFileBytes(dir / "model.safetensors.index.json", R"({"metadata": {}})");
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir), "weight_map");
  }

  void missingTensor() {
    const TinyModel model = MakeTinyModel(Attention::kMultiQuery);
    const fs::path dir = WriteTiny(HfDtype::kF32);
    std::vector<SafetensorsEntry> entries;
    for (const TensorSpec& spec : GemmaTensorSpecs(model.config)) {
      if (spec.name == "model.layers.0.self_attn.k_proj.weight") continue;
      entries.push_back({spec.name, "F32", spec.shape, EncodeTensor(model.at(spec.name), HfDtype::kF32)});
    }
    WriteSafetensors(dir / "model.safetensors", entries);
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir), "model.safetensors", "no tensor model.layers.0.self_attn.k_proj.weight");
  }

  void shapeThatDisagreesWithConfig() {
    const fs::path dir = WriteTiny();
    EditJson(dir / "config.json", [](nlohmann::json& j) { j["intermediate_size"] = 512; });
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir), "model.layers.0.mlp.gate_proj.weight", "[256, 128]", "[512, 128]",
                       "config.json");
  }

  void absentHeadDimDefaultsTo256AndThenDisagrees() {
    // The tiny model's head_dim is 64: without the key config.json means 256, which the weights contradict.
    const fs::path dir = WriteTiny();
    EditJson(dir / "config.json", [](nlohmann::json& j) { j.erase("head_dim"); });
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir), "q_proj", "shape");
  }

  void unsupportedDtype() {
    const TinyModel model = MakeTinyModel(Attention::kMultiQuery);
    const fs::path dir = WriteTiny(HfDtype::kF32);
    std::vector<SafetensorsEntry> entries;
    for (const TensorSpec& spec : GemmaTensorSpecs(model.config)) {
      SafetensorsEntry e{spec.name, "F32", spec.shape, EncodeTensor(model.at(spec.name), HfDtype::kF32)};
      if (spec.name == "model.norm.weight") e.dtype = "I32";  // same size, wrong kind
      entries.push_back(e);
    }
    WriteSafetensors(dir / "model.safetensors", entries);
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir), "model.norm.weight", "I32", "cannot import");
  }

  void truncatedShard() {
    const fs::path dir = WriteTiny(HfDtype::kBF16, 2);
    const fs::path shard = dir / "model-00001-of-00002.safetensors";
    const std::string bytes = ReadFileBytes(shard);
    for (size_t cut : {bytes.size() - 2, bytes.size() / 2, bytes.size() / 4}) {
      WriteFileBytes(shard, bytes.substr(0, cut));
      EXPECT_GEMMA_ERROR(OpenCheckpoint(dir), "model-00001-of-00002.safetensors", "truncated", "download it again");
    }
  }

  void foldersWithoutSafetensors() {
    const fs::path dir = WriteTiny();
    fs::remove(dir / "model.safetensors");
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir), "no weights");
    WriteFileBytes(dir / "pytorch_model.bin", "pickle");
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir), ".bin", ".safetensors");
  }

  void singleShardWithoutIndexUnderAnotherName() {
    const TinyModel model = MakeTinyModel(Attention::kMultiHead);
    const fs::path dir = NewDir();
    WriteHfFolder(dir, model, HfDtype::kF32, 1);
    fs::rename(dir / "model.safetensors", dir / "weights.safetensors");
    auto reader = OpenCheckpoint(dir);
    const std::string diff = CompareWithTinyModel(*reader, model, Precision::kExact, Precision::kExact);
    QVERIFY2(diff.empty(), diff.c_str());
    // Two unindexed files are ambiguous.
    fs::copy_file(dir / "weights.safetensors", dir / "more.safetensors");
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir), "several", "index");
  }

  void openCheckpointExplainsWrongPaths() {
    const fs::path dir = WriteTiny();
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir / "model.safetensors"), "open the folder");
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir / "config.json"), "open the folder");
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir / "nothing-here"), "does not exist");
    WriteFileBytes(dir / "notes.txt", "hello");
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dir / "notes.txt"), "neither");
  }
};

QTEST_GUILESS_MAIN(TstHfCheckpoint)
#include "tst_hf_checkpoint.moc"
