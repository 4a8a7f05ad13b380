// The engine end to end on every format a user can bring: tiny random models written as Hugging Face folders
// (BF16 sharded with an index, F16, F32 single file), GGUF files (F32, F16, BF16, Q8_0) and our own file
// (f32 and int8), in both attention kinds, loaded through the real readers and compared with the reference
// forward pass run on exactly the numbers each file holds.
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>

#include "core/model/importer.h"
#include "core/model/checkpoint.h"
#include "core/model/model_loader.h"
#include "tests/support/gguf_writer.h"
#include "tests/support/hf_writer.h"
#include "tests/support/reference_check.h"
#include "tests/support/reference_forward.h"
#include "tests/support/stored_precision.h"
#include "tests/support/tiny_model.h"

using namespace gemma;
using namespace gemma::testing;

Q_DECLARE_METATYPE(gemma::testing::Attention)
Q_DECLARE_METATYPE(gemma::WeightType)

namespace {

enum class Format { kHfBf16Sharded, kHfF16, kHfF32, kGgufF32, kGgufF16, kGgufBf16, kGgufQ8_0 };

struct Written {
  std::filesystem::path path;
  TinyModel stored;  // the model as the file holds it
};

Written Write(Format format, const TinyModel& tiny, const std::filesystem::path& dir) {
  switch (format) {
    case Format::kHfBf16Sharded:
      WriteHfFolder(dir / "tiny-it", tiny, HfDtype::kBF16, /*shards=*/3);
      return {dir / "tiny-it", RoundedAsStored(tiny, StoredPrecision::kBF16)};
    case Format::kHfF16:
      WriteHfFolder(dir / "tiny-it", tiny, HfDtype::kF16);
      return {dir / "tiny-it", RoundedAsStored(tiny, StoredPrecision::kF16)};
    case Format::kHfF32:
      WriteHfFolder(dir / "tiny-it", tiny, HfDtype::kF32);
      return {dir / "tiny-it", tiny};
    case Format::kGgufF32:
      WriteGguf(dir / "tiny.gguf", tiny, GgufType::kF32);
      return {dir / "tiny.gguf", tiny};
    case Format::kGgufF16: {
      // Only the 2-D tensors are F16 in a GGUF; norms stay F32.
      TinyModel stored = RoundedAsStored(tiny, StoredPrecision::kF16);
      for (auto& [name, values] : stored.tensors)
        if (stored.shapes.at(name).size() == 1) values = tiny.at(name);
      WriteGguf(dir / "tiny.gguf", tiny, GgufType::kF16);
      return {dir / "tiny.gguf", stored};
    }
    case Format::kGgufBf16: {
      TinyModel stored = RoundedAsStored(tiny, StoredPrecision::kBF16);
      for (auto& [name, values] : stored.tensors)
        if (stored.shapes.at(name).size() == 1) values = tiny.at(name);
      WriteGguf(dir / "tiny.gguf", tiny, GgufType::kBF16);
      return {dir / "tiny.gguf", stored};
    }
    case Format::kGgufQ8_0:
      WriteGguf(dir / "tiny.gguf", tiny, GgufType::kQ8_0);
      return {dir / "tiny.gguf", RoundedAsStored(tiny, StoredPrecision::kQ8_0)};
  }
  return {};
}

const char* FormatName(Format f) {
  switch (f) {
    case Format::kHfBf16Sharded: return "hf-bf16-3-shards";
    case Format::kHfF16: return "hf-f16";
    case Format::kHfF32: return "hf-f32";
    case Format::kGgufF32: return "gguf-f32";
    case Format::kGgufF16: return "gguf-f16";
    case Format::kGgufBf16: return "gguf-bf16";
    case Format::kGgufQ8_0: return "gguf-q8_0";
  }
  return "?";
}

}  // namespace

class EngineOnEveryFormatTest : public QObject {
  Q_OBJECT

  std::shared_ptr<Runtime> runtime_ = std::make_shared<Runtime>(RuntimeOptions{.threads = 2});

  void Check(const Model& model, const TinyModel& stored, WeightType weights, int length = 24) {
    const std::vector<int> prompt = TinyPrompt(stored, length);
    const auto reference = ReferenceLogits(stored, prompt);
    const std::string error = CheckAllLogits(weights, EngineLogits(model, *runtime_, prompt), reference);
    QVERIFY2(error.empty(), error.c_str());
  }

 private slots:
  void checkpointRunsDirectly_data() {
    QTest::addColumn<int>("format");
    QTest::addColumn<Attention>("attention");
    QTest::addColumn<WeightType>("weights");
    for (Format f : {Format::kHfBf16Sharded, Format::kHfF16, Format::kHfF32, Format::kGgufF32, Format::kGgufF16,
                     Format::kGgufBf16, Format::kGgufQ8_0})
      for (Attention a : {Attention::kMultiQuery, Attention::kMultiHead})
        for (WeightType w : {WeightType::kF32, WeightType::kInt8})
          QTest::newRow(qPrintable(QString("%1/%2/%3")
                                       .arg(FormatName(f))
                                       .arg(a == Attention::kMultiQuery ? "mqa" : "mha")
                                       .arg(w == WeightType::kF32 ? "f32" : "int8")))
              << int(f) << a << w;
  }
  void checkpointRunsDirectly() {
    QFETCH(int, format);
    QFETCH(Attention, attention);
    QFETCH(WeightType, weights);
    QTemporaryDir dir;
    const Written written = Write(Format(format), MakeTinyModel(attention, 21), dir.path().toStdString());
    auto model = LoadModel(written.path, {.weight_type = weights});
    Check(*model, written.stored, weights);
  }

  void ourFileRunsLikeTheCheckpoint_data() {
    QTest::addColumn<Attention>("attention");
    QTest::addColumn<WeightType>("weights");
    for (Attention a : {Attention::kMultiQuery, Attention::kMultiHead})
      for (WeightType w : {WeightType::kF32, WeightType::kInt8})
        QTest::newRow(qPrintable(QString("%1/%2")
                                     .arg(a == Attention::kMultiQuery ? "mqa" : "mha")
                                     .arg(w == WeightType::kF32 ? "f32" : "int8")))
            << a << w;
  }
  void ourFileRunsLikeTheCheckpoint() {
    // The user's path: a Hugging Face folder imported once into our file, then mapped.
    QFETCH(Attention, attention);
    QFETCH(WeightType, weights);
    QTemporaryDir dir;
    const std::filesystem::path root = dir.path().toStdString();
    const Written written = Write(Format::kHfBf16Sharded, MakeTinyModel(attention, 22), root);
    ImportCheckpoint(*OpenCheckpoint(written.path), root / "tiny.gemma", {.weight_type = weights});
    auto model = LoadModel(root / "tiny.gemma");
    QCOMPARE(model->info().instruction_tuned, true);
    Check(*model, written.stored, weights, 40);
  }

  void paddedGgufTableRuns() {
    // Some GGUF files carry 128 padding rows past the tokenizer (256128-row tables).
    QTemporaryDir dir;
    const TinyModel tiny = MakeTinyModel(Attention::kMultiQuery, 23, /*padding_rows=*/128);
    const Written written = Write(Format::kGgufF32, tiny, dir.path().toStdString());
    auto model = LoadModel(written.path, {.weight_type = WeightType::kF32});
    QCOMPARE(model->config().vocab_size, model->tokenizer().size() + 128);
    Check(*model, written.stored, WeightType::kF32);
  }
};

QTEST_GUILESS_MAIN(EngineOnEveryFormatTest)
#include "tst_engine_on_every_format.moc"
