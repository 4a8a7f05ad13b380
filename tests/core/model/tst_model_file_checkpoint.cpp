// Model files of an earlier format: a format-1 file (written by the test from a current one, as format 1
// stored it) is listed but refused to run with how to convert it, reads back as a checkpoint row by row
// exactly as its weights dequantize, and converts through the importer into a current file with the same
// int8 values and scales within an ulp. Also the arithmetic that makes this lossless: quantizing dequantized
// blocks gives them back.
#include <QtTest>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/engine/error.h"
#include "core/engine/kernels.h"
#include "core/model/checkpoint.h"
#include "core/model/importer.h"
#include "core/model/model_file.h"
#include "core/model/model_file_checkpoint.h"
#include "core/model/model_loader.h"
#include "tests/support/checkpoint_compare.h"
#include "tests/support/expect_error.h"
#include "tests/support/model_file_v1.h"
#include "tests/support/tiny_checkpoint.h"
#include "tests/support/tiny_model.h"

namespace fs = std::filesystem;
using gemma::MatrixView;
using gemma::WeightType;

namespace {

// A model's weight by Hugging Face name: a matrix, or a norm of `hidden` floats. Walks the engine's
// structures, not the layout code, so a layout mistake cannot hide itself.
struct Weight {
  const MatrixView* matrix = nullptr;
  const float* norm = nullptr;
};

Weight Find(const gemma::Model& model, const std::string& name) {
  const gemma::ModelWeights& w = model.weights();
  if (name == "model.embed_tokens.weight") return {&w.embedding, nullptr};
  if (name == "model.norm.weight") return {nullptr, w.final_norm};
  for (size_t l = 0; l < w.layers.size(); ++l) {
    const gemma::LayerWeights& L = w.layers[l];
    const std::string p = "model.layers." + std::to_string(l) + ".";
    if (name == p + "input_layernorm.weight") return {nullptr, L.attn_norm};
    if (name == p + "post_attention_layernorm.weight") return {nullptr, L.ffn_norm};
    if (name == p + "self_attn.q_proj.weight") return {&L.q, nullptr};
    if (name == p + "self_attn.k_proj.weight") return {&L.k, nullptr};
    if (name == p + "self_attn.v_proj.weight") return {&L.v, nullptr};
    if (name == p + "self_attn.o_proj.weight") return {&L.o, nullptr};
    if (name == p + "mlp.gate_proj.weight") return {&L.gate, nullptr};
    if (name == p + "mlp.up_proj.weight") return {&L.up, nullptr};
    if (name == p + "mlp.down_proj.weight") return {&L.down, nullptr};
  }
  throw std::runtime_error("no weight " + name);
}

// A tensor as a checkpoint would give it: every matrix row through DequantizeRow, norms as they are.
std::vector<float> Dequantized(const gemma::Model& model, const std::string& name) {
  const Weight w = Find(model, name);
  if (w.norm) return std::vector<float>(w.norm, w.norm + model.config().hidden);
  const MatrixView& m = *w.matrix;
  std::vector<float> out(size_t(m.rows) * m.cols);
  for (int r = 0; r < m.rows; ++r) gemma::DequantizeRow(m, r, out.data() + size_t(r) * m.cols);
  return out;
}

bool WithinOneUlp(float a, float b) { return a == b || std::nextafter(a, b) == b; }

// How far a dequantized value may move when its scale moves by an ulp: at most 127 ulps of the scale (1.5e-5
// of it) plus the product's rounding. A value that moved by one quantization step is off by a whole scale.
constexpr float kScaleUlpTolerance = 1e-4f;

QString Where(const std::string& name, int64_t row, int64_t col) {
  return QString("%1 row %2 column %3").arg(QString::fromStdString(name)).arg(row).arg(col);
}

}  // namespace

class TestModelFileCheckpoint : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  gemma::testing::TinyModel mqa_, mha_;
  // Current (format 2) files as the importer writes them, and the same models rewritten as format 1.
  fs::path mqa_int8_, mha_int8_, mqa_f32_;
  fs::path mqa_int8_v1_, mha_int8_v1_, mqa_f32_v1_;

  fs::path Path(const std::string& name) const { return fs::path(dir_.path().toStdString()) / name; }

  fs::path Import(const gemma::testing::TinyModel& model, const std::string& name, WeightType type) {
    auto checkpoint = gemma::testing::MakeTinyCheckpoint(model);
    gemma::ImportCheckpoint(*checkpoint, Path(name), {.weight_type = type});
    return Path(name);
  }

  fs::path AsVersion1(const fs::path& current, const std::string& name) {
    gemma::testing::WriteAsModelFileVersion1(current, Path(name));
    return Path(name);
  }

  // The file a path names, by its test-data tag.
  fs::path File(const QString& tag) {
    if (tag == "mqa int8 v1") return mqa_int8_v1_;
    if (tag == "mha int8 v1") return mha_int8_v1_;
    if (tag == "mqa f32 v1") return mqa_f32_v1_;
    if (tag == "mqa int8 v2") return mqa_int8_;
    if (tag == "mha int8 v2") return mha_int8_;
    return mqa_f32_;
  }
  // The current file holding the same model as File(tag).
  fs::path Original(const QString& tag) {
    if (tag.startsWith("mha")) return mha_int8_;
    return tag.contains("f32") ? mqa_f32_ : mqa_int8_;
  }
  void AddFiles() {
    QTest::addColumn<QString>("tag");
    for (const char* tag : {"mqa int8 v1", "mha int8 v1", "mqa f32 v1", "mqa int8 v2", "mha int8 v2", "mqa f32 v2"}) {
      QTest::newRow(tag) << QString(tag);
    }
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    mqa_ = gemma::testing::MakeTinyModel(gemma::testing::Attention::kMultiQuery, 21);
    mha_ = gemma::testing::MakeTinyModel(gemma::testing::Attention::kMultiHead, 22, /*padding_rows=*/5);
    mqa_int8_ = Import(mqa_, "mqa-int8.gemma", WeightType::kInt8);
    mha_int8_ = Import(mha_, "mha-int8.gemma", WeightType::kInt8);
    mqa_f32_ = Import(mqa_, "mqa-f32.gemma", WeightType::kF32);
    mqa_int8_v1_ = AsVersion1(mqa_int8_, "mqa-int8-v1.gemma");
    mha_int8_v1_ = AsVersion1(mha_int8_, "mha-int8-v1.gemma");
    mqa_f32_v1_ = AsVersion1(mqa_f32_, "mqa-f32-v1.gemma");
  }

  // The reason converting loses nothing, checked rather than assumed: a block the importer quantized has
  // 127 * scale as its largest magnitude, so quantizing its dequantized values finds the same scale (within
  // an ulp: amax / 127 of amax = 127 * scale) and rounds each value back to itself. Checked through
  // DequantizeRow, so it holds whatever order quantize_rows stores a row in: a value that changed by one
  // step would be off by a whole scale.
  void requantizingDequantizedBlocksGivesThemBack() {
    constexpr int kRows = 64, kCols = 4 * gemma::kQuantBlock * gemma::kGroupBlocks + 3 * gemma::kQuantBlock;
    constexpr int kBlocks = kCols / gemma::kQuantBlock;
    std::mt19937 rng(5);
    std::uniform_int_distribution<int> value(-127, 127), position(0, gemma::kQuantBlock - 1);
    std::uniform_real_distribution<float> exponent(-40.0f, 10.0f);
    std::vector<float> scales(kRows * kBlocks), x(size_t(kRows) * kCols);
    for (int b = 0; b < kRows * kBlocks; ++b) {
      const bool zero = b % 37 == 0;  // all-zero blocks: scale 0, values 0
      scales[b] = zero ? 0.0f : std::exp2(exponent(rng));
      const int peak = position(rng);
      for (int i = 0; i < gemma::kQuantBlock; ++i) {
        const int q = zero ? 0 : i == peak ? (rng() % 2 ? 127 : -127) : value(rng);
        x[size_t(b) * gemma::kQuantBlock + i] = scales[b] * float(q);  // as DequantizeRow computes it
      }
    }
    for (gemma::KernelPath path : gemma::SupportedKernelPaths()) {
      const gemma::Kernels& kernels = gemma::KernelsFor(path);
      std::vector<int8_t> q(x.size());
      std::vector<float> s(scales.size());
      kernels.quantize_rows(x.data(), kRows, kCols, q.data(), s.data());
      const MatrixView m{WeightType::kInt8, kRows, kCols, nullptr, q.data(), s.data()};
      std::vector<float> row(kCols);
      int ulp_moves = 0;
      for (int r = 0; r < kRows; ++r) {
        gemma::DequantizeRow(m, r, row.data());
        for (int c = 0; c < kCols; ++c) {
          const int b = r * kBlocks + c / gemma::kQuantBlock;
          QVERIFY2(WithinOneUlp(s[b], scales[b]),
                   qPrintable(QString("%1: scale %2 became %3").arg(gemma::KernelPathName(path)).arg(scales[b]).arg(s[b])));
          const float original = x[size_t(r) * kCols + c];
          QVERIFY2(std::fabs(row[c] - original) <= kScaleUlpTolerance * scales[b],
                   qPrintable(QString("%1: row %2 column %3: %4 came back as %5")
                                  .arg(gemma::KernelPathName(path)).arg(r).arg(c).arg(original).arg(row[c])));
        }
      }
      for (int b = 0; b < kRows * kBlocks; ++b) ulp_moves += s[b] != scales[b];
      qInfo("%s: %d of %d scales moved by one ulp", gemma::KernelPathName(path), ulp_moves, kRows * kBlocks);
    }
  }

  void versionOneIsRefusedSayingHowToConvertIt() {
    for (const fs::path& path : {mqa_int8_v1_, mqa_f32_v1_}) {
      const std::string name = path.string();
      EXPECT_GEMMA_ERROR(gemma::OpenModelFile(path), "cannot open model file", name.c_str(),
                         "made by an earlier GemmaChat", "model file format 1", "runs format 2",
                         "gemma-convert OLD.gemma NEW.gemma", "import the model again");
      EXPECT_GEMMA_ERROR(gemma::LoadModel(path), "made by an earlier GemmaChat", "gemma-convert");
      // What the app's model list does: read the header, then ask whether it runs.
      const gemma::ModelFileHeader header = gemma::ReadModelFileHeader(path);
      EXPECT_GEMMA_ERROR(gemma::CheckModelFileRunnable(header, path), name.c_str(),
                         "made by an earlier GemmaChat", "gemma-convert OLD.gemma NEW.gemma");
    }
    gemma::CheckModelFileRunnable(gemma::ReadModelFileHeader(mqa_int8_), mqa_int8_);  // the current one runs
    QVERIFY(gemma::OpenModelFile(mqa_int8_) != nullptr);
  }

  void versionOneHeaderReads() {
    const gemma::ModelFileHeader v1 = gemma::ReadModelFileHeader(mha_int8_v1_);
    const gemma::ModelFileHeader v2 = gemma::ReadModelFileHeader(mha_int8_);
    QCOMPARE(v1.format_version, 1u);
    QCOMPARE(v2.format_version, gemma::kModelFileVersion);
    QCOMPARE(gemma::kModelFileVersion, 2u);
    QVERIFY(v1.config == mha_.config);
    QCOMPARE(v1.info.name, mha_.name);
    QCOMPARE(v1.weight_type, WeightType::kInt8);
    QCOMPARE(v1.file_size, uint64_t(fs::file_size(mha_int8_v1_)));
    QCOMPARE(v1.memory_bytes, v2.memory_bytes);
    QCOMPARE(gemma::ReadModelFileHeader(mqa_f32_v1_).weight_type, WeightType::kF32);
    QVERIFY(gemma::IsModelFile(mha_int8_v1_));
  }

  // Every tensor read back as a checkpoint equals the original model's weights as the engine dequantizes
  // them: exactly, since both compute scale * value, and in any run of rows.
  void readerGivesTheFilesWeights_data() { AddFiles(); }
  void readerGivesTheFilesWeights() {
    QFETCH(QString, tag);
    const fs::path path = File(tag);
    const std::shared_ptr<gemma::Model> original = gemma::OpenModelFile(Original(tag));
    std::unique_ptr<gemma::CheckpointReader> reader = gemma::OpenModelFileCheckpoint(path);
    QVERIFY(reader->config() == original->config());
    QCOMPARE(reader->tokenizer_model(), original->tokenizer().serialized());
    QCOMPARE(reader->info().name, original->info().name);
    QCOMPARE(reader->info().instruction_tuned, original->info().instruction_tuned);
    const std::string& source = reader->info().source;
    QVERIFY2(source.find("GemmaChat model file " + path.string()) != std::string::npos, source.c_str());
    QVERIFY2(source.find(tag.endsWith("v1") ? "format 1" : "format 2") != std::string::npos, source.c_str());
    QVERIFY2(source.find(original->info().source) != std::string::npos, source.c_str());  // the first origin

    for (const gemma::TensorSpec& spec : gemma::GemmaTensorSpecs(reader->config())) {
      const std::vector<float> expected = Dequantized(*original, spec.name);
      const int64_t rows = spec.shape.size() == 1 ? 1 : spec.shape[0], cols = spec.shape.back();
      std::vector<float> got(expected.size(), -1.0f);
      // Odd runs of rows, as an importer's chunks may fall.
      for (int64_t row = 0; row < rows; row += 7) {
        const int64_t n = std::min<int64_t>(7, rows - row);
        reader->ReadRows(spec.name, row, n, got.data() + row * cols);
      }
      for (size_t i = 0; i < expected.size(); ++i) {
        if (got[i] != expected[i]) {
          QFAIL(qPrintable(Where(spec.name, int64_t(i) / cols, int64_t(i) % cols) +
                           QString(": %1, not %2").arg(got[i]).arg(expected[i])));
        }
      }
    }
  }

  // Independently of the engine: an f32 file of either version reads back as exactly the tiny model.
  void f32ReaderGivesTheTinyModel() {
    for (const fs::path& path : {mqa_f32_, mqa_f32_v1_}) {
      auto reader = gemma::OpenModelFileCheckpoint(path);
      const std::string mismatch = gemma::testing::CompareWithTinyModel(*reader, mqa_, gemma::testing::Precision::kExact,
                                                                        gemma::testing::Precision::kExact);
      QVERIFY2(mismatch.empty(), mismatch.c_str());
    }
  }

  // OpenCheckpoint then ImportCheckpoint, as gemma-convert and the app's import do, keeping the weight type:
  // a current file that runs, with the same config, tokenizer and name, the same int8 values (read through
  // Int8StoredIndex, the order a current file stores them in), scales within an ulp, f32 and norms exact.
  void convertingGivesTheSameModel_data() { AddFiles(); }
  void convertingGivesTheSameModel() {
    QFETCH(QString, tag);
    const fs::path source = File(tag);
    const fs::path out = Path("converted-" + QString(tag).replace(' ', '-').toStdString() + ".gemma");
    std::unique_ptr<gemma::CheckpointReader> reader = gemma::OpenCheckpoint(source);
    const WeightType type = gemma::ReadModelFileHeader(source).weight_type;
    gemma::ImportCheckpoint(*reader, out, {.weight_type = type});

    QCOMPARE(gemma::ReadModelFileHeader(out).format_version, gemma::kModelFileVersion);
    const std::shared_ptr<gemma::Model> original = gemma::OpenModelFile(Original(tag));
    const std::shared_ptr<gemma::Model> converted = gemma::OpenModelFile(out);
    QVERIFY(converted->config() == original->config());
    QCOMPARE(converted->tokenizer().serialized(), original->tokenizer().serialized());
    QCOMPARE(converted->info().name, original->info().name);
    QCOMPARE(converted->info().instruction_tuned, original->info().instruction_tuned);
    CompareWeights(*original, *converted);
  }

  // Converting an int8 file to f32 gives its dequantized values exactly; a name can be given.
  void convertingToF32GivesTheDequantizedValues() {
    auto reader = gemma::OpenCheckpoint(mha_int8_v1_);
    gemma::ImportCheckpoint(*reader, Path("mha-as-f32.gemma"), {.weight_type = WeightType::kF32, .name = "renamed"});
    const auto original = gemma::OpenModelFile(mha_int8_);
    const auto f32 = gemma::OpenModelFile(Path("mha-as-f32.gemma"));
    QCOMPARE(f32->info().name, std::string("renamed"));
    QCOMPARE(f32->weights().embedding.type, WeightType::kF32);
    for (const gemma::TensorSpec& spec : gemma::GemmaTensorSpecs(original->config())) {
      QVERIFY2(Dequantized(*f32, spec.name) == Dequantized(*original, spec.name), spec.name.c_str());
    }
  }

  // gemma-convert OLD.gemma OLD.gemma: the importer writes a partial file and renames it over the old one,
  // which the reader keeps open, so converting in place works and leaves only the new file.
  void convertingInPlaceReplacesTheFile() {
    const fs::path path = Path("in-place.gemma");
    fs::copy_file(mqa_int8_v1_, path);
    {
      auto reader = gemma::OpenCheckpoint(path);
      gemma::ImportCheckpoint(*reader, path, {});
    }
    QCOMPARE(gemma::ReadModelFileHeader(path).format_version, gemma::kModelFileVersion);
    CompareWeights(*gemma::OpenModelFile(mqa_int8_), *gemma::OpenModelFile(path));
    int files = 0;
    for (const auto& entry : fs::directory_iterator(Path(""))) files += entry.path().filename().string().find("in-place") == 0;
    QCOMPARE(files, 1);
  }

  void readerRefusesUnknownTensorsAndRowsOutOfRange() {
    auto reader = gemma::OpenModelFileCheckpoint(mqa_int8_v1_);
    std::vector<float> out(size_t(mqa_.config.hidden) * 4);
    EXPECT_GEMMA_ERROR(reader->ReadRows("model.layers.9.mlp.up_proj.weight", 0, 1, out.data()), "no tensor");
    const int64_t rows = mqa_.config.vocab_size;
    EXPECT_GEMMA_ERROR(reader->ReadRows("model.embed_tokens.weight", rows - 1, 2, out.data()), "outside");
    EXPECT_GEMMA_ERROR(reader->ReadRows("model.embed_tokens.weight", -1, 1, out.data()), "outside");
    EXPECT_GEMMA_ERROR(reader->ReadRows("model.norm.weight", 1, 1, out.data()), "outside");
    reader->ReadRows("model.embed_tokens.weight", rows - 2, 2, out.data());  // the last rows are fine
    reader->ReadRows("model.norm.weight", 0, 1, out.data());
  }

  // A damaged old file is refused as OpenModelFile refuses it, before any weight is read.
  void damagedVersionOneFileIsRefused() {
    const fs::path path = Path("cut-v1.gemma");
    fs::copy_file(mqa_int8_v1_, path);
    fs::resize_file(path, fs::file_size(path) - 64);
    EXPECT_GEMMA_ERROR(gemma::OpenCheckpoint(path), "cannot open model file", "truncated", "import the model again");
    EXPECT_GEMMA_ERROR(gemma::ReadModelFileHeader(path), "truncated");
  }

 private:
  void CompareWeights(const gemma::Model& a, const gemma::Model& b) {
    for (const gemma::TensorSpec& spec : gemma::GemmaTensorSpecs(a.config())) {
      const Weight wa = Find(a, spec.name), wb = Find(b, spec.name);
      if (wa.norm) {
        QVERIFY2(std::memcmp(wa.norm, wb.norm, sizeof(float) * size_t(a.config().hidden)) == 0, spec.name.c_str());
        continue;
      }
      const MatrixView &ma = *wa.matrix, &mb = *wb.matrix;
      QCOMPARE(mb.type, ma.type);
      QCOMPARE(mb.rows, ma.rows);
      QCOMPARE(mb.cols, ma.cols);
      if (ma.type == WeightType::kF32) {
        QVERIFY2(std::memcmp(ma.f32, mb.f32, sizeof(float) * size_t(ma.rows) * ma.cols) == 0, spec.name.c_str());
        continue;
      }
      const int64_t cols = ma.cols, blocks = ma.blocks_per_row();
      std::vector<float> ra(static_cast<size_t>(cols)), rb(static_cast<size_t>(cols));
      for (int64_t r = 0; r < ma.rows; ++r) {
        for (int64_t k = 0; k < blocks; ++k) {
          const float sa = ma.scales[r * blocks + k], sb = mb.scales[r * blocks + k];
          QVERIFY2(WithinOneUlp(sa, sb), qPrintable(Where(spec.name, r, k * gemma::kQuantBlock) +
                                                    QString(": scale %1 became %2").arg(sa).arg(sb)));
        }
        for (int64_t c = 0; c < cols; ++c) {
          const int64_t at = r * cols + gemma::Int8StoredIndex(cols, c);
          if (ma.q[at] != mb.q[at]) {
            QFAIL(qPrintable(Where(spec.name, r, c) + QString(": %1 became %2").arg(ma.q[at]).arg(mb.q[at])));
          }
        }
        gemma::DequantizeRow(ma, int(r), ra.data());
        gemma::DequantizeRow(mb, int(r), rb.data());
        for (int64_t c = 0; c < cols; ++c) {
          const float step = ma.scales[r * blocks + c / gemma::kQuantBlock];
          if (std::fabs(ra[c] - rb[c]) > kScaleUlpTolerance * step) {
            QFAIL(qPrintable(Where(spec.name, r, c) + QString(": %1 dequantizes as %2").arg(ra[c]).arg(rb[c])));
          }
        }
      }
    }
  }
};

QTEST_GUILESS_MAIN(TestModelFileCheckpoint)
#include "tst_model_file_checkpoint.moc"
