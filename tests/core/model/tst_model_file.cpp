// The model file: a round trip through the importer gives back every weight (f32 exactly, int8 within half
// a block scale), the header reads alone, and every kind of damage is refused with a message that says so.
#include <QRegularExpression>
#include <QtTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "core/engine/error.h"
#include "core/model/importer.h"
#include "core/model/model_file.h"
#include "tests/support/half_float.h"
#include "tests/support/tiny_checkpoint.h"
#include "tests/support/tiny_model.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void Spit(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

uint64_t HeaderLength(const std::string& file) {
  uint64_t length = 0;
  for (int i = 0; i < 8; ++i) length |= uint64_t(uint8_t(file[16 + i])) << (8 * i);
  return length;
}

// Rewrites the JSON header in place through `edit`, padded to its old length so the data does not move.
void EditHeader(const fs::path& path, const std::function<void(json&)>& edit) {
  std::string file = Slurp(path);
  const uint64_t length = HeaderLength(file);
  json header = json::parse(file.substr(24, length));
  edit(header);
  std::string text = header.dump();
  if (text.size() > length) throw std::runtime_error("edited header does not fit");
  text.resize(length, ' ');
  file.replace(24, length, text);
  Spit(path, file);
}

json& Tensor(json& header, const std::string& name) {
  for (json& t : header["tensors"]) {
    if (t["name"] == name) return t;
  }
  throw std::runtime_error("no tensor " + name);
}

std::string OpenError(const fs::path& path) {
  try {
    gemma::OpenModelFile(path);
    return "(opened without an error)";
  } catch (const gemma::Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("(not a gemma::Error) ") + e.what();
  }
}

std::string HeaderError(const fs::path& path) {
  try {
    gemma::ReadModelFileHeader(path);
    return "(read without an error)";
  } catch (const gemma::Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("(not a gemma::Error) ") + e.what();
  }
}

#define EXPECT_CONTAINS(message, part)                                                                     \
  do {                                                                                                     \
    const std::string m_ = (message);                                                                      \
    QVERIFY2(m_.find(part) != std::string::npos, qPrintable(QString::fromStdString("\"" + m_ +            \
                                                                                   "\" lacks \"" +         \
                                                                                   std::string(part) + "\""))); \
  } while (0)

// Every weight by its Hugging Face name, found by walking the engine's structures (not the layout code).
struct Named {
  std::string name;
  const gemma::MatrixView* matrix = nullptr;
  const float* vector = nullptr;
};

std::vector<Named> Enumerate(const gemma::ModelWeights& w) {
  std::vector<Named> out{{"model.embed_tokens.weight", &w.embedding, nullptr}};
  for (size_t l = 0; l < w.layers.size(); ++l) {
    const gemma::LayerWeights& L = w.layers[l];
    const std::string p = "model.layers." + std::to_string(l) + ".";
    out.push_back({p + "input_layernorm.weight", nullptr, L.attn_norm});
    out.push_back({p + "self_attn.q_proj.weight", &L.q, nullptr});
    out.push_back({p + "self_attn.k_proj.weight", &L.k, nullptr});
    out.push_back({p + "self_attn.v_proj.weight", &L.v, nullptr});
    out.push_back({p + "self_attn.o_proj.weight", &L.o, nullptr});
    out.push_back({p + "post_attention_layernorm.weight", nullptr, L.ffn_norm});
    out.push_back({p + "mlp.gate_proj.weight", &L.gate, nullptr});
    out.push_back({p + "mlp.up_proj.weight", &L.up, nullptr});
    out.push_back({p + "mlp.down_proj.weight", &L.down, nullptr});
  }
  out.push_back({"model.norm.weight", nullptr, w.final_norm});
  return out;
}

}  // namespace

class TestModelFile : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  gemma::testing::TinyModel mqa_, mha_;
  fs::path int8_, f32_;

  fs::path Path(const std::string& name) const { return fs::path(dir_.path().toStdString()) / name; }

  fs::path Import(const gemma::testing::TinyModel& model, const std::string& name, gemma::WeightType type) {
    auto checkpoint = gemma::testing::MakeTinyCheckpoint(model);
    gemma::ImportOptions options;
    options.weight_type = type;
    gemma::ImportCheckpoint(*checkpoint, Path(name), options);
    return Path(name);
  }

  // A fresh copy of the valid int8 file to damage.
  fs::path Copy(const std::string& name) {
    fs::copy_file(int8_, Path(name), fs::copy_options::overwrite_existing);
    return Path(name);
  }

  void CheckRoundTrip(const gemma::testing::TinyModel& model, gemma::WeightType type);

 private slots:
  void initTestCase();

  void roundTripF32IsExact_data();
  void roundTripF32IsExact();
  void roundTripInt8IsWithinHalfAScale_data();
  void roundTripInt8IsWithinHalfAScale();
  void tokenizerConfigAndInfoRoundTrip();
  void everyArrayIsAligned();
  void headerReadsAloneWithSizes();
  void modelKeepsTheMappingAlive();

  void missingFileIsAnError();
  void emptyFileIsNotAModelFile();
  void fifoAndFolderAreRefusedWithoutHanging();
  void truncatedFileSaysTruncated_data();
  void truncatedFileSaysTruncated();
  void badMagic();
  void newerVersionSaysNewerGemmaChat();
  void versionZeroAndDisagreeingVersionsAreDamage();
  void unknownFlags();
  void headerLengthPastTheEnd();
  void implausibleHeaderLength();
  void malformedJson();
  void extraBytesAfterTheEnd();
  void offsetOutOfRange();
  void offsetNearUint64MaxDoesNotOverflow();
  void overlappingArrays();
  void misalignedOffset();
  void shapeDisagreesWithConfig();
  void configFieldOutOfRange();
  void missingTensor();
  void duplicateTensor();
  void unknownTensor();
  void unknownKind();
  void kindDisagreesWithWeightType();
  void wrongByteSize();
  void tokenizerBlobIsNotATokenizer();
  void tokenizerLargerThanEmbedding();
  void tokenizerOutsideTheFile();
  void fuzzedHeaderOpensOrThrowsError();
};

void TestModelFile::initTestCase() {
  QVERIFY(dir_.isValid());
  mqa_ = gemma::testing::MakeTinyModel(gemma::testing::Attention::kMultiQuery, 11);
  mha_ = gemma::testing::MakeTinyModel(gemma::testing::Attention::kMultiHead, 12, /*padding_rows=*/5);
  int8_ = Import(mqa_, "valid-int8.gemma", gemma::WeightType::kInt8);
  f32_ = Import(mqa_, "valid-f32.gemma", gemma::WeightType::kF32);
}

void TestModelFile::CheckRoundTrip(const gemma::testing::TinyModel& model, gemma::WeightType type) {
  const fs::path path = Import(model, model.name + (type == gemma::WeightType::kF32 ? ".f32" : ".i8"), type);
  const std::shared_ptr<gemma::Model> loaded = gemma::OpenModelFile(path);
  QCOMPARE(loaded->weights().layers.size(), size_t(model.config.layers));
  int checked = 0;
  for (const Named& n : Enumerate(loaded->weights())) {
    const std::vector<float>& original = model.at(n.name);
    const std::vector<int64_t>& shape = model.shapes.at(n.name);
    if (n.vector) {
      // Norms: always f32, holding the multiplier 1 + w.
      for (size_t i = 0; i < original.size(); ++i) QCOMPARE(n.vector[i], 1.0f + original[i]);
      ++checked;
      continue;
    }
    const gemma::MatrixView& m = *n.matrix;
    QCOMPARE(int64_t(m.rows), shape[0]);
    QCOMPARE(int64_t(m.cols), shape[1]);
    QCOMPARE(m.type, type);
    if (type == gemma::WeightType::kF32) {
      for (size_t i = 0; i < original.size(); ++i) {
        if (m.f32[i] != original[i]) QFAIL(qPrintable(QString::fromStdString(n.name + " differs")));
      }
    } else {
      const int blocks = m.cols / gemma::kQuantBlock;
      for (int r = 0; r < m.rows; ++r) {
        for (int b = 0; b < blocks; ++b) {
          const float* x = original.data() + size_t(r) * m.cols + b * gemma::kQuantBlock;
          float max_abs = 0;
          for (int i = 0; i < gemma::kQuantBlock; ++i) max_abs = std::max(max_abs, std::fabs(x[i]));
          // A half: max|x| / 127 rounded to 11 significant bits, so within 2^-11 of it.
          const float scale = gemma::testing::F16BitsToF32(m.scales[size_t(r) * blocks + b]);
          QVERIFY2(std::fabs(scale * 127 - max_abs) <= std::ldexp(max_abs, -11) * 1.0001f,
                   qPrintable(QString::fromStdString(n.name)));
          for (int i = 0; i < gemma::kQuantBlock; ++i) {
            // The row is stored in the interleaved order weights.h defines, not value by value.
            const int64_t col = int64_t(b) * gemma::kQuantBlock + i;
            const float value = float(m.q[size_t(r) * m.cols + size_t(gemma::Int8StoredIndex(m.cols, col))]) * scale;
            if (std::fabs(value - x[i]) > scale / 2 * 1.0001f + 1e-9f) {
              QFAIL(qPrintable(QString("%1 row %2: %3 vs %4").arg(n.name.c_str()).arg(r).arg(value).arg(x[i])));
            }
          }
        }
      }
    }
    ++checked;
  }
  QCOMPARE(checked, 2 + 9 * model.config.layers);
}

void TestModelFile::roundTripF32IsExact_data() {
  QTest::addColumn<bool>("multi_head");
  QTest::newRow("mqa") << false;
  QTest::newRow("mha-padded-vocab") << true;
}

void TestModelFile::roundTripF32IsExact() {
  QFETCH(bool, multi_head);
  CheckRoundTrip(multi_head ? mha_ : mqa_, gemma::WeightType::kF32);
}

void TestModelFile::roundTripInt8IsWithinHalfAScale_data() { roundTripF32IsExact_data(); }

void TestModelFile::roundTripInt8IsWithinHalfAScale() {
  QFETCH(bool, multi_head);
  CheckRoundTrip(multi_head ? mha_ : mqa_, gemma::WeightType::kInt8);
}

void TestModelFile::tokenizerConfigAndInfoRoundTrip() {
  auto checkpoint = gemma::testing::MakeTinyCheckpoint(mha_);
  gemma::ImportOptions options;
  options.name = "renamed é";
  gemma::ImportCheckpoint(*checkpoint, Path("info.gemma"), options);
  const auto model = gemma::OpenModelFile(Path("info.gemma"));
  QVERIFY(model->config() == mha_.config);
  QCOMPARE(model->tokenizer().serialized(), mha_.tokenizer_model);
  QCOMPARE(model->info().name, std::string("renamed é"));
  QCOMPARE(model->info().source, checkpoint->info().source);
  QCOMPARE(model->info().instruction_tuned, checkpoint->info().instruction_tuned);
  QCOMPARE(model->weights().embedding.rows, mha_.config.vocab_size);  // padding rows kept
  QVERIFY(model->tokenizer().size() < mha_.config.vocab_size);
}

void TestModelFile::everyArrayIsAligned() {
  for (const fs::path& path : {int8_, f32_}) {
    const auto model = gemma::OpenModelFile(path);
    for (const Named& n : Enumerate(model->weights())) {
      const void* p = n.vector ? static_cast<const void*>(n.vector)
                      : n.matrix->type == gemma::WeightType::kF32 ? static_cast<const void*>(n.matrix->f32)
                                                                   : static_cast<const void*>(n.matrix->q);
      QVERIFY2(reinterpret_cast<uintptr_t>(p) % 64 == 0, n.name.c_str());
      if (n.matrix && n.matrix->type == gemma::WeightType::kInt8) {
        QVERIFY2(reinterpret_cast<uintptr_t>(n.matrix->scales) % 64 == 0, n.name.c_str());
      }
    }
  }
}

void TestModelFile::headerReadsAloneWithSizes() {
  const gemma::ModelFileHeader h = gemma::ReadModelFileHeader(int8_);
  QCOMPARE(h.format_version, gemma::kModelFileVersion);
  QVERIFY(h.config == mqa_.config);
  QCOMPARE(h.weight_type, gemma::WeightType::kInt8);
  QCOMPARE(h.info.name, mqa_.name);
  QCOMPARE(h.file_size, uint64_t(fs::file_size(int8_)));
  // Weights: one byte per matrix value plus a half per 64; norms 4 bytes per value; plus the tokenizer.
  uint64_t expected = mqa_.tokenizer_model.size();
  for (const auto& [name, shape] : mqa_.shapes) {
    if (shape.size() == 1) {
      expected += 4 * uint64_t(shape[0]);
    } else {
      expected += uint64_t(shape[0] * shape[1]) + 2 * uint64_t(shape[0] * shape[1] / 64);
    }
  }
  QCOMPARE(h.memory_bytes, expected);
  QVERIFY(h.memory_bytes < h.file_size);
  QVERIFY(QRegularExpression("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$").match(QString::fromStdString(h.created)).hasMatch());
  const gemma::ModelFileHeader f = gemma::ReadModelFileHeader(f32_);
  QCOMPARE(f.weight_type, gemma::WeightType::kF32);
  QVERIFY(f.memory_bytes > 3 * (h.memory_bytes - mqa_.tokenizer_model.size()));
  // The header read does not need the data to be intact, only present: zeroing the weights leaves it readable.
  const fs::path zeroed = Copy("zeroed.gemma");
  std::string bytes = Slurp(zeroed);
  const uint64_t data_start = 24 + HeaderLength(bytes);
  std::fill(bytes.begin() + long(data_start), bytes.end(), '\0');
  Spit(zeroed, bytes);
  QCOMPARE(gemma::ReadModelFileHeader(zeroed).info.name, mqa_.name);
}

void TestModelFile::modelKeepsTheMappingAlive() {
  const fs::path path = Copy("deleted.gemma");
  const auto model = gemma::OpenModelFile(path);
  fs::remove(path);
  const gemma::MatrixView& e = model->weights().embedding;
  int64_t sum = 0;
  for (int64_t i = 0; i < int64_t(e.rows) * e.cols; ++i) sum += std::abs(int(e.q[i]));
  QVERIFY(sum > 0);
}

void TestModelFile::missingFileIsAnError() {
  EXPECT_CONTAINS(OpenError(Path("no-such.gemma")), "no-such.gemma");
  EXPECT_CONTAINS(HeaderError(Path("no-such.gemma")), "No such file");
  EXPECT_CONTAINS(OpenError(Path("")), "cannot open model file");
}

void TestModelFile::emptyFileIsNotAModelFile() {
  Spit(Path("empty.gemma"), "");
  EXPECT_CONTAINS(OpenError(Path("empty.gemma")), "not a GemmaChat model file");
  QVERIFY(!gemma::IsModelFile(Path("empty.gemma")));
  QVERIFY(gemma::IsModelFile(int8_));
}

void TestModelFile::fifoAndFolderAreRefusedWithoutHanging() {
  QCOMPARE(::mkfifo(Path("fifo.gemma").c_str(), 0600), 0);
  EXPECT_CONTAINS(OpenError(Path("fifo.gemma")), "not a regular file");
  QVERIFY(!gemma::IsModelFile(Path("fifo.gemma")));
  EXPECT_CONTAINS(HeaderError(dir_.path().toStdString()), "not a regular file");
}

void TestModelFile::truncatedFileSaysTruncated_data() {
  QTest::addColumn<int>("where");  // 0..4: inside the magic, the preamble, the JSON, the data, the last byte
  QTest::newRow("inside magic") << 0;
  QTest::newRow("inside preamble") << 1;
  QTest::newRow("inside json") << 2;
  QTest::newRow("inside data") << 3;
  QTest::newRow("last byte") << 4;
}

void TestModelFile::truncatedFileSaysTruncated() {
  QFETCH(int, where);
  const fs::path path = Copy("truncated.gemma");
  const uint64_t size = fs::file_size(path);
  const uint64_t data_start = 24 + HeaderLength(Slurp(path));
  const uint64_t cut[] = {5, 20, 24 + (data_start - 24) / 3, data_start + (size - data_start) / 2, size - 1};
  fs::resize_file(path, cut[where]);
  const std::string message = OpenError(path);
  EXPECT_CONTAINS(message, "truncated");
  EXPECT_CONTAINS(message, "import the model again");
  EXPECT_CONTAINS(message, path.string());
  EXPECT_CONTAINS(HeaderError(path), "truncated");
  if (where >= 3) EXPECT_CONTAINS(message, std::to_string(cut[where]) + " of " + std::to_string(size));
}

void TestModelFile::badMagic() {
  const fs::path path = Copy("magic.gemma");
  std::string bytes = Slurp(path);
  bytes[3] = 'X';
  Spit(path, bytes);
  EXPECT_CONTAINS(OpenError(path), "not a GemmaChat model file");
  QVERIFY(!gemma::IsModelFile(path));
}

void TestModelFile::newerVersionSaysNewerGemmaChat() {
  const fs::path path = Copy("newer.gemma");
  std::string bytes = Slurp(path);
  bytes[8] = char(gemma::kModelFileVersion + 1);
  Spit(path, bytes);
  EXPECT_CONTAINS(OpenError(path), "made by a newer GemmaChat");
  EXPECT_CONTAINS(HeaderError(path), "made by a newer GemmaChat");
}

void TestModelFile::versionZeroAndDisagreeingVersionsAreDamage() {
  const fs::path zero = Copy("version0.gemma");
  std::string bytes = Slurp(zero);
  bytes[8] = 0;
  Spit(zero, bytes);
  EXPECT_CONTAINS(HeaderError(zero), "unknown format version 0");
  // The preamble says the current version, the header an older one: neither can be trusted.
  const fs::path disagreeing = Copy("disagreeing.gemma");
  EditHeader(disagreeing, [](json& h) { h["format_version"] = gemma::kModelFileVersion - 1; });
  EXPECT_CONTAINS(HeaderError(disagreeing), "disagrees with the preamble's " + std::to_string(gemma::kModelFileVersion));
  EXPECT_CONTAINS(OpenError(disagreeing), "header is damaged");
}

void TestModelFile::unknownFlags() {
  const fs::path path = Copy("flags.gemma");
  std::string bytes = Slurp(path);
  bytes[13] = 1;
  Spit(path, bytes);
  EXPECT_CONTAINS(OpenError(path), "flags");
}

void TestModelFile::headerLengthPastTheEnd() {
  const fs::path path = Copy("length.gemma");
  std::string bytes = Slurp(path);
  const uint64_t length = bytes.size();  // header "length" = the whole file: it cannot fit after the preamble
  for (int i = 0; i < 8; ++i) bytes[16 + i] = char((length >> (8 * i)) & 0xff);
  Spit(path, bytes);
  const std::string message = OpenError(path);
  EXPECT_CONTAINS(message, "header needs " + std::to_string(24 + length));
  EXPECT_CONTAINS(message, "truncated or damaged");
}

void TestModelFile::implausibleHeaderLength() {
  const fs::path path = Copy("huge-length.gemma");
  std::string bytes = Slurp(path);
  for (int i = 0; i < 8; ++i) bytes[16 + i] = char(0xff);
  Spit(path, bytes);
  EXPECT_CONTAINS(OpenError(path), "is not plausible");
}

void TestModelFile::malformedJson() {
  const fs::path path = Copy("json.gemma");
  std::string bytes = Slurp(path);
  const size_t colon = bytes.find(':', 24);
  bytes[colon] = ';';
  Spit(path, bytes);
  EXPECT_CONTAINS(OpenError(path), "not valid JSON");
}

void TestModelFile::extraBytesAfterTheEnd() {
  const fs::path path = Copy("longer.gemma");
  Spit(path, Slurp(path) + "junk");
  EXPECT_CONTAINS(OpenError(path), "4 bytes more than its header says");
}

void TestModelFile::offsetOutOfRange() {
  const fs::path path = Copy("range.gemma");
  const uint64_t size = fs::file_size(path);
  EditHeader(path, [&](json& h) { Tensor(h, "model.layers.1.mlp.up_proj.weight")["offset"] = (size + 64) / 64 * 64; });
  const std::string message = OpenError(path);
  EXPECT_CONTAINS(message, "tensor model.layers.1.mlp.up_proj.weight values");
  EXPECT_CONTAINS(message, "lies outside");

  // An array that starts inside the file but runs past its end.
  const fs::path tail = Copy("range-tail.gemma");
  EditHeader(tail, [&](json& h) { Tensor(h, "model.norm.weight")["offset"] = (size - 64) / 64 * 64; });
  EXPECT_CONTAINS(OpenError(tail), "lies outside");

  // An array inside the header.
  const fs::path head = Copy("range-head.gemma");
  EditHeader(head, [&](json& h) { Tensor(h, "model.norm.weight")["offset"] = 64; });
  EXPECT_CONTAINS(OpenError(head), "lies outside");
}

void TestModelFile::offsetNearUint64MaxDoesNotOverflow() {
  const fs::path path = Copy("overflow.gemma");
  EditHeader(path, [&](json& h) {
    Tensor(h, "model.embed_tokens.weight")["scales_offset"] = std::numeric_limits<uint64_t>::max() / 64 * 64;
  });
  EXPECT_CONTAINS(OpenError(path), "lies outside");
  const fs::path negative = Copy("negative.gemma");
  EditHeader(negative, [&](json& h) { Tensor(h, "model.embed_tokens.weight")["offset"] = -64; });
  EXPECT_CONTAINS(OpenError(negative), "offset is not a non-negative integer");
}

void TestModelFile::overlappingArrays() {
  const fs::path path = Copy("overlap.gemma");
  EditHeader(path, [&](json& h) {
    Tensor(h, "model.layers.0.self_attn.k_proj.weight")["offset"] =
        Tensor(h, "model.layers.0.self_attn.q_proj.weight")["offset"];
  });
  const std::string message = OpenError(path);
  EXPECT_CONTAINS(message, "overlaps");
  EXPECT_CONTAINS(message, "q_proj");
  EXPECT_CONTAINS(message, "k_proj");

  // Values overlapping the tokenizer.
  const fs::path tok = Copy("overlap-tokenizer.gemma");
  EditHeader(tok, [&](json& h) { Tensor(h, "model.norm.weight")["offset"] = h["tokenizer"]["offset"]; });
  EXPECT_CONTAINS(OpenError(tok), "overlaps");
}

void TestModelFile::misalignedOffset() {
  const fs::path path = Copy("aligned.gemma");
  EditHeader(path, [&](json& h) {
    json& t = Tensor(h, "model.layers.0.mlp.down_proj.weight");
    t["scales_offset"] = t["scales_offset"].get<uint64_t>() + 4;
  });
  EXPECT_CONTAINS(OpenError(path), "is not 64-byte aligned");
}

void TestModelFile::shapeDisagreesWithConfig() {
  const fs::path path = Copy("shape.gemma");
  EditHeader(path, [&](json& h) { Tensor(h, "model.layers.1.self_attn.v_proj.weight")["shape"] = {128, 64}; });
  const std::string message = OpenError(path);
  EXPECT_CONTAINS(message, "v_proj.weight has shape [128, 64] but the config needs [64, 128]");
  EXPECT_CONTAINS(HeaderError(path), "has shape");

  // The config changed instead of the tensors: hidden 256 makes every shape wrong.
  const fs::path config = Copy("config.gemma");
  EditHeader(config, [&](json& h) { h["config"]["hidden"] = 256; });
  EXPECT_CONTAINS(OpenError(config), "model.embed_tokens.weight has shape");
}

void TestModelFile::configFieldOutOfRange() {
  const fs::path path = Copy("config-range.gemma");
  EditHeader(path, [&](json& h) { h["config"]["kv_heads"] = 3; });
  EXPECT_CONTAINS(OpenError(path), "num_key_value_heads 3 must divide");
  const fs::path big = Copy("config-big.gemma");
  EditHeader(big, [&](json& h) { h["config"]["layers"] = uint64_t(1) << 40; });
  EXPECT_CONTAINS(OpenError(big), "layers 1099511627776 is out of range");
  const fs::path eps = Copy("config-eps.gemma");
  EditHeader(eps, [&](json& h) { h["config"]["rms_eps"] = "small"; });
  EXPECT_CONTAINS(OpenError(eps), "rms_eps is not a number");
  const fs::path theta = Copy("config-theta.gemma");
  EditHeader(theta, [&](json& h) { h["config"]["rope_theta"] = 1e300; });
  EXPECT_CONTAINS(OpenError(theta), "rope_theta is not a finite float");
}

void TestModelFile::missingTensor() {
  const fs::path path = Copy("missing.gemma");
  EditHeader(path, [&](json& h) {
    json& tensors = h["tensors"];
    for (size_t i = 0; i < tensors.size(); ++i) {
      if (tensors[i]["name"] == "model.layers.1.post_attention_layernorm.weight") tensors.erase(i);
    }
  });
  EXPECT_CONTAINS(OpenError(path), "tensor model.layers.1.post_attention_layernorm.weight is missing");
  const fs::path no_list = Copy("no-tensors.gemma");
  EditHeader(no_list, [&](json& h) { h.erase("tensors"); });
  EXPECT_CONTAINS(OpenError(no_list), "lacks \"tensors\"");
}

void TestModelFile::duplicateTensor() {
  const fs::path path = Copy("duplicate.gemma");
  EditHeader(path, [&](json& h) { h["tensors"][3] = h["tensors"][2]; });
  EXPECT_CONTAINS(OpenError(path), "is listed twice");
}

void TestModelFile::unknownTensor() {
  const fs::path path = Copy("unknown.gemma");
  EditHeader(path, [&](json& h) { Tensor(h, "model.norm.weight")["name"] = "lm_head.weight"; });
  EXPECT_CONTAINS(OpenError(path), "unknown tensor \"lm_head.weight\"");
}

void TestModelFile::unknownKind() {
  const fs::path path = Copy("kind.gemma");
  EditHeader(path, [&](json& h) { Tensor(h, "model.layers.0.mlp.up_proj.weight")["kind"] = "q4"; });
  EXPECT_CONTAINS(OpenError(path), "up_proj.weight has unknown kind \"q4\"");
  const fs::path weight_type = Copy("weight-type.gemma");
  EditHeader(weight_type, [&](json& h) { h["weight_type"] = "int4"; });
  EXPECT_CONTAINS(OpenError(weight_type), "unknown weight_type \"int4\"");
}

void TestModelFile::kindDisagreesWithWeightType() {
  const fs::path path = Copy("kind-f32.gemma");
  EditHeader(path, [&](json& h) { Tensor(h, "model.layers.0.input_layernorm.weight")["kind"] = "i8"; });
  EXPECT_CONTAINS(OpenError(path), "input_layernorm.weight is i8 but this int8 model needs f32");
  const fs::path f32 = Copy("f32-claim.gemma");
  EditHeader(f32, [&](json& h) { h["weight_type"] = "f32"; });
  EXPECT_CONTAINS(OpenError(f32), "model.embed_tokens.weight is i8 but this f32 model needs f32");
}

void TestModelFile::wrongByteSize() {
  const fs::path path = Copy("bytes.gemma");
  EditHeader(path, [&](json& h) {
    json& t = Tensor(h, "model.layers.0.mlp.gate_proj.weight");
    t["bytes"] = t["bytes"].get<uint64_t>() - 1;
  });
  EXPECT_CONTAINS(OpenError(path), "gate_proj.weight has 32767 bytes of values, not 32768");
  const fs::path scales = Copy("scale-bytes.gemma");
  EditHeader(scales, [&](json& h) { Tensor(h, "model.layers.0.mlp.gate_proj.weight")["scales_bytes"] = 4; });
  EXPECT_CONTAINS(OpenError(scales), "bytes of scales");
}

void TestModelFile::tokenizerBlobIsNotATokenizer() {
  const fs::path path = Copy("tokenizer.gemma");
  std::string bytes = Slurp(path);
  const json header = json::parse(bytes.substr(24, HeaderLength(bytes)));
  const uint64_t offset = header["tokenizer"]["offset"], size = header["tokenizer"]["bytes"];
  for (uint64_t i = 0; i < size; ++i) bytes[offset + i] = char(0xff);
  Spit(path, bytes);
  EXPECT_CONTAINS(OpenError(path), "tokenizer is not usable");
  // The header alone does not read the tokenizer: the model list can still show the file.
  QCOMPARE(HeaderError(path), std::string("(read without an error)"));
}

void TestModelFile::tokenizerLargerThanEmbedding() {
  // Shrink the embedding below the tokenizer's piece count: config, shape and sizes all agree with each other.
  const fs::path path = Copy("small-vocab.gemma");
  const int pieces = int(gemma::OpenModelFile(int8_)->tokenizer().size());
  const int rows = pieces - 10;
  EditHeader(path, [&](json& h) {
    h["config"]["vocab_size"] = rows;
    json& t = Tensor(h, "model.embed_tokens.weight");
    t["shape"] = {rows, 128};
    t["bytes"] = uint64_t(rows) * 128;
    t["scales_bytes"] = uint64_t(rows) * 2 * sizeof(uint16_t);  // two half scales per 128-wide row
  });
  const std::string message = OpenError(path);
  EXPECT_CONTAINS(message, "tokenizer has " + std::to_string(pieces) + " pieces but the embedding only " +
                               std::to_string(rows) + " rows");
}

void TestModelFile::tokenizerOutsideTheFile() {
  const fs::path path = Copy("tokenizer-range.gemma");
  EditHeader(path, [&](json& h) { h["tokenizer"]["bytes"] = fs::file_size(int8_); });
  EXPECT_CONTAINS(OpenError(path), "the tokenizer (offset");
  EXPECT_CONTAINS(OpenError(path), "lies outside");
}

void TestModelFile::fuzzedHeaderOpensOrThrowsError() {
  const std::string valid = Slurp(int8_);
  const uint64_t json_end = 24 + valid.substr(24, HeaderLength(valid)).find_last_not_of(' ') + 1;
  std::vector<uint64_t> digits;
  for (uint64_t i = 24; i < json_end; ++i) {
    if (std::isdigit(static_cast<unsigned char>(valid[i]))) digits.push_back(i);
  }
  std::mt19937_64 rng(20240301);
  const fs::path path = Path("fuzz.gemma");
  int opened = 0, refused = 0;
  for (int iteration = 0; iteration < 1500; ++iteration) {
    std::string bytes = valid;
    // Mostly the compact JSON (the padding is spaces and tolerates anything JSON allows), sometimes the preamble.
    const int flips = 1 + int(rng() % 3);
    for (int f = 0; f < flips; ++f) {
      if (iteration % 2 == 0) {
        // A digit for a digit keeps the JSON valid, so these reach the checks behind the parser.
        bytes[digits[rng() % digits.size()]] = char('0' + rng() % 10);
      } else {
        const uint64_t where = rng() % 8 == 0 ? rng() % 24 : 24 + rng() % (json_end + 64 - 24);
        bytes[where] = rng() % 2 ? char(rng()) : char(bytes[where] ^ (1 << (rng() % 8)));
      }
    }
    Spit(path, bytes);
    try {
      const auto model = gemma::OpenModelFile(path);
      // If it opened, it must be usable: every pointer inside the mapping, so touching the weights is safe.
      const gemma::MatrixView& e = model->weights().embedding;
      volatile int sink = e.q ? e.q[int64_t(e.rows) * e.cols - 1] : 0;
      (void)sink;
      ++opened;
    } catch (const gemma::Error& e) {
      if (std::getenv("GEMMA_FUZZ_VERBOSE")) qInfo("%s", e.what());
      ++refused;
    } catch (const std::exception& e) {
      QFAIL(qPrintable(QString("iteration %1: not a gemma::Error: %2").arg(iteration).arg(e.what())));
    }
  }
  qInfo("fuzz: %d opened, %d refused", opened, refused);
  QVERIFY(refused > 0);
}

QTEST_APPLESS_MAIN(TestModelFile)
#include "tst_model_file.moc"
