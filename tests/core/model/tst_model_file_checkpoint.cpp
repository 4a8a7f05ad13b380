// Model files of an earlier format: a format-1 file (written by the test, as format 1 stored weights) is
// listed but refused to run with how to convert it, reads back as a checkpoint row by row exactly as its
// weights dequantize, and converts through the importer into a current file: the same bytes when its
// weights were a current file's, the same int8 values with the scales rounded to halves when format 1's
// importer quantized them. Also the arithmetic behind both: quantizing dequantized blocks gives them back.
#include <QtTest>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <utility>
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
#include "tests/support/half_float.h"
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

// The smallest normal half, 2^-14: below it a half scale has fewer significant bits.
constexpr uint16_t kSmallestNormalHalf = 0x0400;

// Value c of row r of an int8 matrix, wherever the current layout stores it.
int8_t StoredValue(const MatrixView& m, int64_t r, int64_t c) {
  return m.q[r * m.cols + gemma::Int8StoredIndex(m.cols, c)];
}

QString Where(const std::string& name, int64_t row, int64_t col) {
  return QString("%1 row %2 column %3").arg(QString::fromStdString(name)).arg(row).arg(col);
}

}  // namespace

class TestModelFileCheckpoint : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  gemma::testing::TinyModel mqa_, mha_;
  // Current (format 2) files as the importer writes them; the same weights rewritten as format 1; and files
  // as format 1's importer made them from the same models (float scales, not halves).
  fs::path mqa_int8_, mha_int8_, mqa_f32_;
  fs::path mqa_int8_v1_, mha_int8_v1_, mqa_f32_v1_;
  fs::path mqa_made_by_v1_, mha_made_by_v1_;

  fs::path Path(const std::string& name) const { return fs::path(dir_.path().toStdString()) / name; }

  fs::path Import(const gemma::testing::TinyModel& model, const std::string& name, WeightType type) {
    auto checkpoint = gemma::testing::MakeTinyCheckpoint(model);
    gemma::ImportCheckpoint(*checkpoint, Path(name), {.weight_type = type});
    return Path(name);
  }

  fs::path AsVersion1(const fs::path& current, const std::string& name,
                      const gemma::testing::TinyModel* quantize_from = nullptr) {
    gemma::testing::WriteAsModelFileVersion1(current, Path(name), quantize_from);
    return Path(name);
  }

  // Test rows over the files that hold a current file's weights: tag -> (file, that current file).
  void AddFiles() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("original");
    auto row = [](const char* tag, const fs::path& file, const fs::path& original) {
      QTest::newRow(tag) << QString::fromStdString(file.string()) << QString::fromStdString(original.string());
    };
    row("mqa int8 v1", mqa_int8_v1_, mqa_int8_);
    row("mha int8 v1", mha_int8_v1_, mha_int8_);
    row("mqa f32 v1", mqa_f32_v1_, mqa_f32_);
    row("mqa int8 v2", mqa_int8_, mqa_int8_);
    row("mha int8 v2", mha_int8_, mha_int8_);
    row("mqa f32 v2", mqa_f32_, mqa_f32_);
  }

  // Converts `source` as gemma-convert does (keeping its weight type) and opens the result.
  std::shared_ptr<gemma::Model> Convert(const fs::path& source, const std::string& name) {
    std::unique_ptr<gemma::CheckpointReader> reader = gemma::OpenCheckpoint(source);
    const WeightType type = gemma::ReadModelFileHeader(source).weight_type;
    gemma::ImportCheckpoint(*reader, Path(name), {.weight_type = type});
    if (gemma::ReadModelFileHeader(Path(name)).format_version != gemma::kModelFileVersion) return nullptr;
    return gemma::OpenModelFile(Path(name));
  }

  // Same config, tokenizer, name, and the same bytes in every array.
  void CheckIdentical(const gemma::Model& a, const gemma::Model& b) {
    QVERIFY(a.config() == b.config());
    QCOMPARE(a.tokenizer().serialized(), b.tokenizer().serialized());
    QCOMPARE(a.info().name, b.info().name);
    QCOMPARE(a.info().instruction_tuned, b.info().instruction_tuned);
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
      const size_t n = size_t(ma.rows) * ma.cols;
      if (ma.type == WeightType::kF32) {
        QVERIFY2(std::memcmp(ma.f32, mb.f32, sizeof(float) * n) == 0, spec.name.c_str());
      } else {
        QVERIFY2(std::memcmp(ma.q, mb.q, n) == 0, spec.name.c_str());
        QVERIFY2(std::memcmp(ma.scales, mb.scales, sizeof(uint16_t) * n / gemma::kQuantBlock) == 0, spec.name.c_str());
      }
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
    mqa_made_by_v1_ = AsVersion1(mqa_int8_, "mqa-made-by-v1.gemma", &mqa_);
    mha_made_by_v1_ = AsVersion1(mha_int8_, "mha-made-by-v1.gemma", &mha_);
  }

  // The reason converting loses nothing, checked rather than assumed. A block the importer quantized has
  // 127 * scale as its largest magnitude, so quantizing its dequantized values (QuantizeWeightRows, what the
  // importer runs) finds the same half scale and rounds each value back to itself. A block format 1 made has
  // a float scale s: the importer rounds it to the nearest half (a relative change of at most 2^-11 where the
  // half is normal) and each value, moved by at most 127 * 2^-11 of a step, still rounds back to itself.
  void requantizingDequantizedBlocksGivesThemBack() {
    constexpr int kRows = 48, kCols = 4 * gemma::kQuantBlock * gemma::kGroupBlocks + 3 * gemma::kQuantBlock;
    constexpr int kBlocks = kCols / gemma::kQuantBlock;
    std::mt19937 rng(5);
    std::uniform_int_distribution<int> value(-127, 127), position(0, gemma::kQuantBlock - 1);
    std::uniform_int_distribution<int> any_half(1, 0x7BFF), normal_half(kSmallestNormalHalf, 0x7BFF);
    std::uniform_real_distribution<float> exponent(-13.9f, 15.0f);
    for (const bool float_scales : {false, true}) {
      std::vector<float> scales(kRows * kBlocks), x(size_t(kRows) * kCols);
      std::vector<int8_t> q(x.size());  // plain order
      for (int b = 0; b < kRows * kBlocks; ++b) {
        const bool zero = b % 37 == 0;  // all-zero blocks: scale 0, values 0
        // Half scales over the whole range, subnormal ones too; float scales (format 1) where a half is normal.
        scales[b] = zero ? 0.0f
                    : float_scales ? std::exp2(exponent(rng)) * 0.999f
                                   : gemma::testing::F16BitsToF32(uint16_t(any_half(rng)));
        const int peak = position(rng);
        for (int i = 0; i < gemma::kQuantBlock; ++i) {
          const size_t at = size_t(b) * gemma::kQuantBlock + i;
          q[at] = int8_t(zero ? 0 : i == peak ? (rng() % 2 ? 127 : -127) : value(rng));
          x[at] = scales[b] * float(q[at]);  // as DequantizeRow (or format 1's reader) computes it
        }
      }
      std::vector<int8_t> stored(x.size());
      std::vector<uint16_t> halves(scales.size());
      gemma::QuantizeWeightRows(x.data(), kRows, kCols, stored.data(), halves.data());
      const MatrixView m{WeightType::kInt8, kRows, kCols, nullptr, stored.data(), halves.data()};
      int rounded = 0;
      for (int r = 0; r < kRows; ++r) {
        for (int k = 0; k < kBlocks; ++k) {
          const int b = r * kBlocks + k;
          const float scale = gemma::testing::F16BitsToF32(halves[b]);
          if (!float_scales) {
            QVERIFY2(scale == scales[b], qPrintable(QString("half scale %1 became %2").arg(scales[b]).arg(scale)));
          } else {
            QVERIFY(halves[b] == 0 || halves[b] >= kSmallestNormalHalf);
            QVERIFY2(std::fabs(scale - scales[b]) <= std::ldexp(scales[b], -11),
                     qPrintable(QString("float scale %1 became %2").arg(scales[b]).arg(scale)));
            rounded += scale != scales[b];
          }
          for (int c = k * gemma::kQuantBlock; c < (k + 1) * gemma::kQuantBlock; ++c) {
            if (StoredValue(m, r, c) != q[size_t(r) * kCols + c]) {
              QFAIL(qPrintable(QString("%1 scales: row %2 column %3: %4 became %5")
                                   .arg(float_scales ? "float" : "half").arg(r).arg(c)
                                   .arg(q[size_t(r) * kCols + c]).arg(StoredValue(m, r, c))));
            }
          }
        }
      }
      if (float_scales) QVERIFY2(rounded > kRows * kBlocks / 2, "the float scales were mostly not halves already");
    }
  }

  void versionOneIsRefusedSayingHowToConvertIt() {
    for (const fs::path& path : {mqa_int8_v1_, mqa_f32_v1_, mqa_made_by_v1_}) {
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
    const gemma::ModelFileHeader v1 = gemma::ReadModelFileHeader(mha_made_by_v1_);
    const gemma::ModelFileHeader v2 = gemma::ReadModelFileHeader(mha_int8_);
    QCOMPARE(v1.format_version, 1u);
    QCOMPARE(v2.format_version, gemma::kModelFileVersion);
    QCOMPARE(gemma::kModelFileVersion, 2u);
    QVERIFY(v1.config == mha_.config);
    QCOMPARE(v1.info.name, mha_.name);
    QCOMPARE(v1.weight_type, WeightType::kInt8);
    QCOMPARE(v1.file_size, uint64_t(fs::file_size(mha_made_by_v1_)));
    // Format 1's scales are floats: two bytes more per 64 weights than format 2's halves.
    uint64_t scales = 0;
    for (const gemma::TensorSpec& spec : gemma::GemmaTensorSpecs(mha_.config)) {
      if (spec.shape.size() == 2) scales += uint64_t(spec.shape[0] * spec.shape[1] / gemma::kQuantBlock);
    }
    QCOMPARE(v1.memory_bytes, v2.memory_bytes + 2 * scales);
    QCOMPARE(gemma::ReadModelFileHeader(mqa_f32_v1_).weight_type, WeightType::kF32);
    QCOMPARE(gemma::ReadModelFileHeader(mqa_f32_v1_).memory_bytes, gemma::ReadModelFileHeader(mqa_f32_).memory_bytes);
    QVERIFY(gemma::IsModelFile(mha_made_by_v1_));
  }

  // Every tensor read back as a checkpoint equals the current file's weights as the engine dequantizes
  // them: exactly, since both compute scale * value, and in any run of rows.
  void readerGivesTheFilesWeights_data() { AddFiles(); }
  void readerGivesTheFilesWeights() {
    QFETCH(QString, file);
    QFETCH(QString, original);
    const fs::path path = file.toStdString();
    const std::shared_ptr<gemma::Model> model = gemma::OpenModelFile(original.toStdString());
    std::unique_ptr<gemma::CheckpointReader> reader = gemma::OpenModelFileCheckpoint(path);
    QVERIFY(reader->config() == model->config());
    QCOMPARE(reader->tokenizer_model(), model->tokenizer().serialized());
    QCOMPARE(reader->info().name, model->info().name);
    QCOMPARE(reader->info().instruction_tuned, model->info().instruction_tuned);
    const std::string& source = reader->info().source;
    const uint32_t version = gemma::ReadModelFileHeader(path).format_version;
    QVERIFY2(source.find("GemmaChat model file " + path.string()) != std::string::npos, source.c_str());
    QVERIFY2(source.find("format " + std::to_string(version)) != std::string::npos, source.c_str());
    QVERIFY2(source.find(model->info().source) != std::string::npos, source.c_str());  // the first origin

    for (const gemma::TensorSpec& spec : gemma::GemmaTensorSpecs(reader->config())) {
      const std::vector<float> expected = Dequantized(*model, spec.name);
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

  // A file format 1's importer made reads back as its float scales times its plain-order values, computed
  // here from the tiny model (QuantizeAsVersion1) and not from the file.
  void readerGivesFormatOneWeights() {
    auto reader = gemma::OpenModelFileCheckpoint(mha_made_by_v1_);
    for (const gemma::TensorSpec& spec : gemma::GemmaTensorSpecs(mha_.config)) {
      const std::vector<float>& x = mha_.at(spec.name);
      const int64_t rows = spec.shape.size() == 1 ? 1 : spec.shape[0], cols = spec.shape.back();
      std::vector<float> got(x.size());
      reader->ReadRows(spec.name, 0, rows, got.data());
      if (spec.shape.size() == 1) {
        for (size_t i = 0; i < x.size(); ++i) QCOMPARE(got[i], 1.0f + x[i]);  // norms: the multiplier 1 + w
        continue;
      }
      std::vector<int8_t> q(static_cast<size_t>(cols));
      std::vector<float> scales(static_cast<size_t>(cols / gemma::kQuantBlock));
      for (int64_t r = 0; r < rows; ++r) {
        gemma::testing::QuantizeAsVersion1(x.data() + r * cols, cols, q.data(), scales.data());
        for (int64_t c = 0; c < cols; ++c) {
          const float expected = scales[size_t(c / gemma::kQuantBlock)] * float(q[size_t(c)]);
          if (got[size_t(r * cols + c)] != expected) {
            QFAIL(qPrintable(Where(spec.name, r, c) + QString(": %1, not %2").arg(got[size_t(r * cols + c)]).arg(expected)));
          }
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
  // a file holding a current file's weights, in either format, converts back to that file's very bytes.
  void convertingGivesTheSameModel_data() { AddFiles(); }
  void convertingGivesTheSameModel() {
    QFETCH(QString, file);
    QFETCH(QString, original);
    const auto converted = Convert(file.toStdString(), "converted-" + fs::path(file.toStdString()).filename().string());
    QVERIFY(converted != nullptr);
    CheckIdentical(*gemma::OpenModelFile(original.toStdString()), *converted);
  }

  // A file as format 1's importer made it: the same int8 values, each float scale rounded to a half (none of
  // the tiny models' scales is too small for a normal half), so every weight within 2^-11 of a step of its
  // value in the old file.
  void convertingAFormatOneFileKeepsItsValues() {
    for (const auto& [path, model] : {std::pair{mqa_made_by_v1_, &mqa_}, std::pair{mha_made_by_v1_, &mha_}}) {
      const auto converted = Convert(path, "converted-" + path.filename().string());
      QVERIFY(converted != nullptr);
      QVERIFY(converted->config() == model->config);
      QCOMPARE(converted->tokenizer().serialized(), model->tokenizer_model);
      QCOMPARE(converted->info().name, model->name);
      for (const gemma::TensorSpec& spec : gemma::GemmaTensorSpecs(model->config)) {
        const std::vector<float>& x = model->at(spec.name);
        const Weight w = Find(*converted, spec.name);
        if (w.norm) {
          for (size_t i = 0; i < x.size(); ++i) QCOMPARE(w.norm[i], 1.0f + x[i]);
          continue;
        }
        const MatrixView& m = *w.matrix;
        std::vector<int8_t> q(static_cast<size_t>(m.cols));
        std::vector<float> scales(static_cast<size_t>(m.blocks_per_row()));
        for (int64_t r = 0; r < m.rows; ++r) {
          gemma::testing::QuantizeAsVersion1(x.data() + r * m.cols, m.cols, q.data(), scales.data());
          for (int64_t k = 0; k < m.blocks_per_row(); ++k) {
            const uint16_t half = m.scales[r * m.blocks_per_row() + k];
            QVERIFY2(half >= kSmallestNormalHalf, qPrintable(Where(spec.name, r, k * gemma::kQuantBlock)));
            const float scale = gemma::testing::F16BitsToF32(half);
            QVERIFY2(std::fabs(scale - scales[size_t(k)]) <= std::ldexp(scales[size_t(k)], -11),
                     qPrintable(Where(spec.name, r, k * gemma::kQuantBlock) +
                                QString(": scale %1 became %2").arg(scales[size_t(k)]).arg(scale)));
          }
          for (int64_t c = 0; c < m.cols; ++c) {
            if (StoredValue(m, r, c) != q[size_t(c)]) {
              QFAIL(qPrintable(Where(spec.name, r, c) + QString(": %1 became %2").arg(q[size_t(c)]).arg(StoredValue(m, r, c))));
            }
          }
        }
      }
    }
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
    CheckIdentical(*gemma::OpenModelFile(mqa_int8_), *gemma::OpenModelFile(path));
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

  // A damaged old file is refused as OpenModelFile refuses it, before any weight is read; so is a file that
  // says format 1 but has format 2's half scales, whose sizes are wrong for format 1.
  void damagedVersionOneFileIsRefused() {
    const fs::path path = Path("cut-v1.gemma");
    fs::copy_file(mqa_made_by_v1_, path);
    fs::resize_file(path, fs::file_size(path) - 64);
    EXPECT_GEMMA_ERROR(gemma::OpenCheckpoint(path), "cannot open model file", "truncated", "import the model again");
    EXPECT_GEMMA_ERROR(gemma::ReadModelFileHeader(path), "truncated");

    std::string bytes;
    {
      std::ifstream in(mqa_int8_, std::ios::binary);
      std::ostringstream all;
      all << in.rdbuf();
      bytes = all.str();
    }
    uint64_t length = 0;
    for (int i = 0; i < 8; ++i) length |= uint64_t(uint8_t(bytes[16 + i])) << (8 * i);
    nlohmann::json header = nlohmann::json::parse(bytes.substr(24, length));
    header["format_version"] = 1;
    std::string text = header.dump();
    QVERIFY(text.size() <= length);
    text.resize(length, ' ');
    bytes.replace(24, length, text);
    bytes[8] = 1;
    const fs::path halves = Path("v1-with-halves.gemma");
    std::ofstream(halves, std::ios::binary) << bytes;
    EXPECT_GEMMA_ERROR(gemma::OpenCheckpoint(halves), "header is damaged", "bytes of scales, not");
  }
};

QTEST_GUILESS_MAIN(TestModelFileCheckpoint)
#include "tst_model_file_checkpoint.moc"
