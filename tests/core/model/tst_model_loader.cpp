// LoadModel: our file is recognised by its magic (not its name) and mapped with its own weight type; a
// Hugging Face folder or a GGUF file is built in memory with the weight type and progress asked for.
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>

#include "core/model/importer.h"
#include "core/model/model_file.h"
#include "core/model/model_loader.h"
#include "tests/support/expect_error.h"
#include "tests/support/gguf_writer.h"
#include "tests/support/hf_writer.h"
#include "tests/support/tiny_checkpoint.h"
#include "tests/support/tiny_model.h"

namespace fs = std::filesystem;
using namespace gemma;
using namespace gemma::testing;

class TestModelLoader : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  TinyModel tiny_;

  fs::path Path(const std::string& name) const { return fs::path(dir_.path().toStdString()) / name; }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    tiny_ = MakeTinyModel(Attention::kMultiHead, 31);
  }

  void ourFileIsFoundByItsMagicNotItsName() {
    // Named like a GGUF file, but it is ours: mapped as it is, its int8 weights kept whatever was asked.
    ImportCheckpoint(*MakeTinyCheckpoint(tiny_), Path("looks-like.gguf"), {});
    auto model = LoadModel(Path("looks-like.gguf"), {.weight_type = WeightType::kF32});
    QCOMPARE(model->weights().embedding.type, WeightType::kInt8);
    QCOMPARE(model->info().name, tiny_.name);
  }

  void damagedModelFileIsReportedAsOurs() {
    ImportCheckpoint(*MakeTinyCheckpoint(tiny_), Path("cut.gemma"), {});
    fs::resize_file(Path("cut.gemma"), fs::file_size(Path("cut.gemma")) - 100);
    EXPECT_GEMMA_ERROR(LoadModel(Path("cut.gemma")), "cannot open model file", "truncated", "import the model again");
  }

  void hfFolderIsBuiltInMemoryWithTheChosenWeightType() {
    WriteHfFolder(Path("hf"), tiny_, HfDtype::kF32, /*shards=*/2);
    auto f32 = LoadModel(Path("hf"), {.weight_type = WeightType::kF32});
    const MatrixView& e = f32->weights().embedding;
    QCOMPARE(e.type, WeightType::kF32);
    QVERIFY(std::equal(e.f32, e.f32 + int64_t(e.rows) * e.cols, tiny_.at("model.embed_tokens.weight").begin()));
    const float* norm = f32->weights().layers[1].ffn_norm;
    const auto& offset = tiny_.at("model.layers.1.post_attention_layernorm.weight");
    for (size_t i = 0; i < offset.size(); ++i) QCOMPARE(norm[i], 1.0f + offset[i]);

    auto int8 = LoadModel(Path("hf"));  // the default
    QCOMPARE(int8->weights().layers[0].down.type, WeightType::kInt8);
    QCOMPARE(int8->tokenizer().serialized(), tiny_.tokenizer_model);
  }

  void ggufFileIsBuiltInMemory() {
    WriteGguf(Path("tiny.gguf"), tiny_, GgufType::kF32);
    auto model = LoadModel(Path("tiny.gguf"), {.weight_type = WeightType::kF32});
    const MatrixView& q = model->weights().layers[0].q;
    QCOMPARE(q.type, WeightType::kF32);
    QVERIFY(std::equal(q.f32, q.f32 + int64_t(q.rows) * q.cols,
                       tiny_.at("model.layers.0.self_attn.q_proj.weight").begin()));
  }

  void checkpointLoadReportsProgressAndCanBeCancelled() {
    WriteHfFolder(Path("hf-progress"), tiny_, HfDtype::kBF16);
    uint64_t last = 0, total = 0;
    int calls = 0;
    LoadOptions options;
    options.progress = [&](const ImportProgress& p) {
      if (p.bytes_done <= last) return false;
      last = p.bytes_done, total = p.bytes_total;
      ++calls;
      return true;
    };
    LoadModel(Path("hf-progress"), options);
    QVERIFY(calls >= 2 + 9 * tiny_.config.layers);  // at least one report per tensor
    QCOMPARE(last, total);

    options.progress = [](const ImportProgress& p) { return p.bytes_done * 2 < p.bytes_total; };
    QVERIFY_THROWS_EXCEPTION(ImportCancelled, LoadModel(Path("hf-progress"), options));
  }

  void missingPathSaysSo() {
    EXPECT_GEMMA_ERROR(LoadModel(Path("nowhere.gemma")), "nowhere.gemma", "no such file or folder");
  }

  void fileOfNoKnownFormatIsAnError() {
    WriteFileBytes(Path("notes.txt"), "just some text, not a model");
    EXPECT_GEMMA_ERROR(LoadModel(Path("notes.txt")), "notes.txt");
    fs::create_directory(Path("empty-folder"));
    EXPECT_GEMMA_ERROR(LoadModel(Path("empty-folder")), "empty-folder");
  }
};

QTEST_GUILESS_MAIN(TestModelLoader)
#include "tst_model_loader.moc"
