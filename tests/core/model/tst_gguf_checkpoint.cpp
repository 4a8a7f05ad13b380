// GGUF files of llama.cpp's Gemma conventions (F32/F16/BF16/Q8_0, both attention kinds, padding rows) read
// back as the TinyModel they were written from, the tokenizer rebuilt from the metadata tokenizes like the
// original, and a GGUF of anything else is refused with a message that says what it is.
#include <sentencepiece_processor.h>

#include <QTemporaryDir>
#include <QTest>
#include <cstring>
#include <functional>

#include "core/model/checkpoint.h"
#include "core/model/gguf_checkpoint.h"
#include "tests/support/checkpoint_compare.h"
#include "tests/support/expect_error.h"
#include "tests/support/gguf_writer.h"
#include "tests/support/hf_writer.h"

using namespace gemma;
using namespace gemma::testing;
namespace fs = std::filesystem;

namespace {

Precision PrecisionOf(GgufType t) {
  switch (t) {
    case GgufType::kF32: return Precision::kExact;
    case GgufType::kF16: return Precision::kF16;
    case GgufType::kBF16: return Precision::kBf16;
    case GgufType::kQ8_0: return Precision::kQ8_0;
  }
  return Precision::kExact;
}

const char* TypeName(GgufType t) {
  return t == GgufType::kF32 ? "F32" : t == GgufType::kF16 ? "F16" : t == GgufType::kBF16 ? "BF16" : "Q8_0";
}

// Strings whose tokenization does not depend on the normalizer (see tst_sentencepiece_proto.cpp).
const std::vector<std::string> kTexts = {
    "Hello! How are you today?",
    "What is 12 + 30? 12 + 30 = 42.",
    "안녕하세요, 반갑습니다. 한국어 문장입니다.",
    "<start_of_turn>user Write a poem<end_of_turn> <start_of_turn>model",
    "<end_of_turn><end_of_turn>text<start_of_turn>",
    "emoji 🙂 and  double  spaces ",
};

}  // namespace

class TstGgufCheckpoint : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  int counter_ = 0;
  fs::path NewPath(const std::string& name = "tiny.gguf") {
    const fs::path dir = fs::path(tmp_.path().toStdString()) / std::to_string(++counter_);
    fs::create_directories(dir);
    return dir / name;
  }
  // A valid tiny GGUF with one change made by `edit`.
  fs::path WriteEdited(const std::function<void(GgufBuilder&)>& edit, GgufType type = GgufType::kF16,
                       const GgufWriteOptions& options = {}) {
    GgufBuilder b;
    BuildGguf(b, MakeTinyModel(Attention::kMultiQuery), type, options);
    edit(b);
    const fs::path path = NewPath();
    b.Write(path, 3, options.alignment);
    return path;
  }

 private slots:
  void readsBackTheModel_data() {
    QTest::addColumn<int>("attention");
    QTest::addColumn<int>("type");
    for (int a : {0, 1}) {
      for (GgufType t : {GgufType::kF32, GgufType::kF16, GgufType::kBF16, GgufType::kQ8_0}) {
        QTest::newRow((std::string(a ? "MHA " : "MQA ") + TypeName(t)).c_str()) << a << int(t);
      }
    }
  }
  void readsBackTheModel() {
    QFETCH(int, attention);
    QFETCH(int, type);
    const TinyModel model = MakeTinyModel(Attention(attention), 11);
    const fs::path path = NewPath();
    WriteGguf(path, model, GgufType(type));
    auto reader = OpenCheckpoint(path);
    QCOMPARE(reader->config(), model.config);
    // Norms are F32 (1 + w computed in f32) in every file type: exact.
    const std::string diff = CompareWithTinyModel(*reader, model, PrecisionOf(GgufType(type)), Precision::kExact);
    // The tokenizer is rebuilt, so compare everything else first without it.
    QVERIFY2(diff.empty() || diff == "tokenizer_model() differs from the model's", diff.c_str());
    TinyModel same_tokenizer = model;
    same_tokenizer.tokenizer_model = reader->tokenizer_model();
    const std::string values = CompareWithTinyModel(*reader, same_tokenizer, PrecisionOf(GgufType(type)),
                                                    Precision::kExact);
    QVERIFY2(values.empty(), values.c_str());
  }

  void q8_0IsNotExact() {
    // The Q8_0 tolerance is a real bound: values do move, by at most half a quantization step.
    const TinyModel model = MakeTinyModel(Attention::kMultiQuery, 11);
    const fs::path path = NewPath();
    WriteGguf(path, model, GgufType::kQ8_0);
    auto reader = OpenCheckpoint(path);
    TinyModel m = model;
    m.tokenizer_model = reader->tokenizer_model();
    QVERIFY(!CompareWithTinyModel(*reader, m, Precision::kF16, Precision::kExact).empty());
  }

  void paddingRowsAreKept() {
    const TinyModel model = MakeTinyModel(Attention::kMultiHead, 2, /*padding_rows=*/128);
    const fs::path path = NewPath();
    WriteGguf(path, model, GgufType::kQ8_0);
    auto reader = OpenCheckpoint(path);
    QCOMPARE(reader->config().vocab_size, model.config.vocab_size);
    sentencepiece::SentencePieceProcessor sp;
    QVERIFY(sp.LoadFromSerializedProto(reader->tokenizer_model()).ok());
    QCOMPARE(sp.GetPieceSize(), model.config.vocab_size - 128);
    TinyModel m = model;
    m.tokenizer_model = reader->tokenizer_model();
    const std::string diff = CompareWithTinyModel(*reader, m, Precision::kQ8_0, Precision::kExact, 100);
    QVERIFY2(diff.empty(), diff.c_str());
  }

  void tokenizerRebuiltFromMetadataMatchesTheOriginal_data() {
    QTest::addColumn<int>("turn_marker_type");
    QTest::newRow("turn markers typed control") << 3;
    QTest::newRow("turn markers typed normal") << 1;
    QTest::newRow("turn markers typed user-defined") << 4;
  }
  void tokenizerRebuiltFromMetadataMatchesTheOriginal() {
    QFETCH(int, turn_marker_type);
    const TinyModel model = MakeTinyModel(Attention::kMultiQuery);
    const fs::path path = NewPath();
    GgufWriteOptions options;
    options.turn_marker_type = turn_marker_type;
    WriteGguf(path, model, GgufType::kF32, options);
    auto reader = OpenCheckpoint(path);
    sentencepiece::SentencePieceProcessor original, rebuilt;
    QVERIFY(original.LoadFromSerializedProto(model.tokenizer_model).ok());
    QVERIFY(rebuilt.LoadFromSerializedProto(reader->tokenizer_model()).ok());
    QCOMPARE(rebuilt.GetPieceSize(), original.GetPieceSize());
    QCOMPARE(rebuilt.bos_id(), original.bos_id());
    QCOMPARE(rebuilt.eos_id(), original.eos_id());
    QCOMPARE(rebuilt.pad_id(), original.pad_id());
    QCOMPARE(rebuilt.unk_id(), original.unk_id());
    for (int id = 0; id < original.GetPieceSize(); ++id) QCOMPARE(rebuilt.IdToPiece(id), original.IdToPiece(id));
    for (const std::string& text : kTexts) {
      std::vector<int> want, got;
      QVERIFY(original.Encode(text, &want).ok());
      QVERIFY(rebuilt.Encode(text, &got).ok());
      QVERIFY2(got == want, text.c_str());
    }
    std::vector<int> ids;
    QVERIFY(rebuilt.Encode("<end_of_turn>", &ids).ok());
    QCOMPARE(ids, std::vector<int>{original.PieceToId("<end_of_turn>")});
  }

  void tokenTypesMayBeAbsent() {
    // Without token_type the byte pieces and specials are recognized from the pieces and ids.
    const fs::path path = WriteEdited([](GgufBuilder& b) { b.Remove("tokenizer.ggml.token_type"); });
    auto reader = OpenCheckpoint(path);
    sentencepiece::SentencePieceProcessor original, rebuilt;
    QVERIFY(original.LoadFromSerializedProto(TinyTokenizerModel()).ok());
    QVERIFY(rebuilt.LoadFromSerializedProto(reader->tokenizer_model()).ok());
    for (const std::string& text : kTexts) {
      std::vector<int> want, got;
      QVERIFY(original.Encode(text, &want).ok());
      QVERIFY(rebuilt.Encode(text, &got).ok());
      QVERIFY2(got == want, text.c_str());
    }
  }

  void describesTheModel() {
    const fs::path path = NewPath("gemma-2b-it.Q8_0.gguf");
    WriteGguf(path, MakeTinyModel(Attention::kMultiQuery), GgufType::kQ8_0);
    auto reader = OpenCheckpoint(path);
    QCOMPARE(reader->info().name, std::string("tiny-mqa-it"));  // general.name
    QVERIFY(reader->info().instruction_tuned);
    QVERIFY2(reader->info().source.find("GGUF v3") != std::string::npos, reader->info().source.c_str());
    QVERIFY2(reader->info().source.find("Q8_0") != std::string::npos, reader->info().source.c_str());

    GgufWriteOptions plain;
    plain.chat_template = false;
    const fs::path base = WriteEdited([](GgufBuilder& b) { b.AddString("general.name", "gemma-2b"); },
                                      GgufType::kF32, plain);
    QVERIFY(!OpenCheckpoint(base)->info().instruction_tuned);
    // A chat template alone makes it instruction-tuned.
    const fs::path templated = WriteEdited([](GgufBuilder& b) { b.AddString("general.name", "my-model"); });
    QVERIFY(OpenCheckpoint(templated)->info().instruction_tuned);
    // Without general.name the file name is used.
    const fs::path nameless = WriteEdited([](GgufBuilder& b) { b.Remove("general.name"); });
    QCOMPARE(OpenCheckpoint(nameless)->info().name, std::string("tiny"));
  }

  void magicDecidesNotTheExtension() {
    const TinyModel model = MakeTinyModel(Attention::kMultiQuery);
    const fs::path renamed = NewPath("model.bin");
    WriteGguf(renamed, model, GgufType::kF32);
    QCOMPARE(OpenCheckpoint(renamed)->config(), model.config);
    const fs::path fake = NewPath("fake.gguf");
    WriteFileBytes(fake, "<html>404 not found</html>");
    EXPECT_GEMMA_ERROR(OpenCheckpoint(fake), "fake.gguf", "not a GGUF file", "Download it again");
  }

  void anotherArchitectureIsRefused() {
    GgufWriteOptions llama;
    llama.architecture = "llama";
    const fs::path path = NewPath();
    WriteGguf(path, MakeTinyModel(Attention::kMultiQuery), GgufType::kF16, llama);
    EXPECT_GEMMA_ERROR(OpenCheckpoint(path), "this GGUF is a llama model; GemmaChat runs Gemma 1 (2B/7B) only");
    const fs::path gemma2 = WriteEdited([](GgufBuilder& b) { b.AddString("general.architecture", "gemma2"); });
    EXPECT_GEMMA_ERROR(OpenCheckpoint(gemma2), "gemma2 model");
    const fs::path none = WriteEdited([](GgufBuilder& b) { b.Remove("general.architecture"); });
    EXPECT_GEMMA_ERROR(OpenCheckpoint(none), "general.architecture");
  }

  void badMagicAndVersion() {
    const fs::path path = NewPath();
    WriteGguf(path, MakeTinyModel(Attention::kMultiQuery), GgufType::kF32);
    std::string bytes = ReadFileBytes(path);
    bytes[4] = 1;  // version 1
    WriteFileBytes(path, bytes);
    EXPECT_GEMMA_ERROR(OpenCheckpoint(path), "version 1");
    bytes[4] = 9;
    WriteFileBytes(path, bytes);
    EXPECT_GEMMA_ERROR(OpenCheckpoint(path), "version 9");
    bytes[4] = 3, bytes[1] = 'X';
    WriteFileBytes(path, bytes);
    EXPECT_GEMMA_ERROR(OpenCheckpoint(path), "not a GGUF file");
  }

  void truncated() {
    const fs::path path = NewPath();
    WriteGguf(path, MakeTinyModel(Attention::kMultiQuery), GgufType::kBF16);
    const std::string bytes = ReadFileBytes(path);
    for (size_t cut : {bytes.size() - 40, bytes.size() * 3 / 4, bytes.size() / 2}) {
      WriteFileBytes(path, bytes.substr(0, cut));
      EXPECT_GEMMA_ERROR(OpenCheckpoint(path), "tiny.gguf", "truncated at", "download it again");
    }
    for (size_t cut : {size_t(100), size_t(3000), size_t(10)}) {  // inside the metadata
      WriteFileBytes(path, bytes.substr(0, cut));
      EXPECT_GEMMA_ERROR(OpenCheckpoint(path), "tiny.gguf", "truncated", "download it again");
    }
  }

  void missingTensor() {
    // Rename one tensor in the written bytes (same length), so the file stays valid GGUF without it.
    const fs::path path = NewPath();
    WriteGguf(path, MakeTinyModel(Attention::kMultiQuery), GgufType::kF32);
    std::string bytes = ReadFileBytes(path);
    const size_t at = bytes.find("blk.1.ffn_up.weight");
    QVERIFY(at != std::string::npos);
    bytes.replace(at, 3, "xxx");
    WriteFileBytes(path, bytes);
    EXPECT_GEMMA_ERROR(OpenCheckpoint(path), "no tensor blk.1.ffn_up.weight", "model.layers.1.mlp.up_proj.weight");
  }

  void shapeThatDisagreesWithTheMetadata() {
    const fs::path path = WriteEdited([](GgufBuilder& b) { b.AddUint32("gemma.feed_forward_length", 512); });
    EXPECT_GEMMA_ERROR(OpenCheckpoint(path), "blk.0.ffn_gate.weight", "[256, 128]", "[512, 128]");
    const fs::path heads = WriteEdited([](GgufBuilder& b) {
      b.AddUint32("gemma.attention.key_length", 32);
      b.AddUint32("gemma.attention.value_length", 32);
    });
    EXPECT_GEMMA_ERROR(OpenCheckpoint(heads), "attn_q", "shape");
  }

  void missingMetadata() {
    const fs::path path = WriteEdited([](GgufBuilder& b) { b.Remove("gemma.block_count"); });
    EXPECT_GEMMA_ERROR(OpenCheckpoint(path), "gemma.block_count");
    const fs::path wrong_type = WriteEdited([](GgufBuilder& b) { b.AddString("gemma.embedding_length", "128"); });
    EXPECT_GEMMA_ERROR(OpenCheckpoint(wrong_type), "gemma.embedding_length", "integer");
  }

  void headDimFromTheQueryShapeWhenKeyLengthIsAbsent() {
    // Not hidden / heads (128 / 4 = 32): the tiny MQA model's head_dim is 64, like Gemma 7B's 256 != 192.
    const fs::path path = WriteEdited([](GgufBuilder& b) {
      b.Remove("gemma.attention.key_length");
      b.Remove("gemma.attention.value_length");
    });
    QCOMPARE(OpenCheckpoint(path)->config().head_dim, 64);
    const fs::path differ = WriteEdited([](GgufBuilder& b) { b.AddUint32("gemma.attention.value_length", 32); });
    EXPECT_GEMMA_ERROR(OpenCheckpoint(differ), "value_length");
  }

  void unsupportedTensorTypes() {
    const fs::path path = NewPath();
    WriteGguf(path, MakeTinyModel(Attention::kMultiQuery), GgufType::kF32);
    const std::string bytes = ReadFileBytes(path);
    // Patch the type field of a tensor info (name, u32 n_dims, u64 ne[n_dims], u32 type). Both new types make
    // the tensor smaller, so it stays inside its old extent and only the type is wrong.
    auto patch_type = [&](const std::string& name, int dims, uint32_t type) {
      std::string data = bytes;
      const size_t at = data.find(name) + name.size() + 4 + 8 * size_t(dims);
      std::memcpy(data.data() + at, &type, 4);
      WriteFileBytes(path, data);
    };
    patch_type("output_norm.weight", 1, kGgmlF16);  // llama.cpp keeps norms F32
    EXPECT_GEMMA_ERROR(OpenCheckpoint(path), "output_norm.weight", "F16", "F32");
    patch_type("blk.0.ffn_down.weight", 2, 12);  // Q4_K: valid ggml, not importable
    EXPECT_GEMMA_ERROR(OpenCheckpoint(path), "blk.0.ffn_down.weight", "Q4_K", "cannot import");
  }

  void tokenizerLargerThanTheEmbedding() {
    const TinyModel model = MakeTinyModel(Attention::kMultiQuery);
    const int pieces = model.config.vocab_size;
    const fs::path path = WriteEdited([&](GgufBuilder& b) {
      std::vector<std::string> tokens;
      std::vector<float> scores;
      std::vector<int32_t> types;
      sentencepiece::SentencePieceProcessor sp;
      sp.LoadFromSerializedProto(model.tokenizer_model);
      for (int i = 0; i < pieces + 5; ++i) {
        tokens.push_back(i < pieces ? sp.IdToPiece(i) : "extra" + std::to_string(i));
        scores.push_back(i < pieces ? sp.GetScore(i) : 0.0f);
        types.push_back(i < pieces ? (sp.IsByte(i) ? 6 : sp.IsControl(i) ? 3 : sp.IsUnknown(i) ? 2 : 1) : 1);
      }
      b.AddStringArray("tokenizer.ggml.tokens", tokens);
      b.AddFloat32Array("tokenizer.ggml.scores", scores);
      b.AddInt32Array("tokenizer.ggml.token_type", types);
    });
    const std::string expected = "the tokenizer has " + std::to_string(pieces + 5) +
                                 " pieces but the embedding only " + std::to_string(pieces) + " rows";
    EXPECT_GEMMA_ERROR(OpenCheckpoint(path), expected.c_str());
  }

  void tokenizerMetadataProblems() {
    const fs::path gpt2 = WriteEdited([](GgufBuilder& b) { b.AddString("tokenizer.ggml.model", "gpt2"); });
    EXPECT_GEMMA_ERROR(OpenCheckpoint(gpt2), "gpt2", "SentencePiece");
    const fs::path none = WriteEdited([](GgufBuilder& b) { b.Remove("tokenizer.ggml.tokens"); });
    EXPECT_GEMMA_ERROR(OpenCheckpoint(none), "tokenizer.ggml.tokens");
    const fs::path no_scores = WriteEdited([](GgufBuilder& b) { b.Remove("tokenizer.ggml.scores"); });
    EXPECT_GEMMA_ERROR(OpenCheckpoint(no_scores), "tokenizer.ggml.scores");
    const fs::path short_scores = WriteEdited([](GgufBuilder& b) { b.AddFloat32Array("tokenizer.ggml.scores", {0}); });
    EXPECT_GEMMA_ERROR(OpenCheckpoint(short_scores), "differ in length");
    const fs::path bad_id = WriteEdited([](GgufBuilder& b) { b.AddUint32("tokenizer.ggml.bos_token_id", 100000); });
    EXPECT_GEMMA_ERROR(OpenCheckpoint(bad_id), "bos_token_id", "past the end");
    const fs::path dup = WriteEdited([](GgufBuilder& b) {
      b.AddStringArray("tokenizer.ggml.tokens", std::vector<std::string>(400, "same"));
    });
    EXPECT_GEMMA_ERROR(OpenCheckpoint(dup), "tokenizer", "not a valid SentencePiece model");
  }

  void tensorOffsetsOutOfRangeOrOverlapping() {
    const fs::path path = NewPath();
    WriteGguf(path, MakeTinyModel(Attention::kMultiQuery), GgufType::kF32);
    const std::string bytes = ReadFileBytes(path);
    auto patch_offset = [&](const std::string& name, int dims, uint64_t offset) {
      std::string data = bytes;
      const size_t at = data.find(name) + name.size() + 4 + 8 * size_t(dims) + 4;
      std::memcpy(data.data() + at, &offset, 8);
      WriteFileBytes(path, data);
    };
    patch_offset("output_norm.weight", 1, 1ull << 40);
    EXPECT_GEMMA_ERROR(OpenCheckpoint(path), "output_norm.weight", "outside");
    patch_offset("blk.1.attn_k.weight", 2, 0);  // on top of token_embd
    EXPECT_GEMMA_ERROR(OpenCheckpoint(path), "overlap", "token_embd.weight", "blk.1.attn_k.weight");
  }

  void readRowsRefusesBadRequests() {
    const fs::path path = NewPath();
    WriteGguf(path, MakeTinyModel(Attention::kMultiQuery), GgufType::kQ8_0);
    auto reader = OpenCheckpoint(path);
    std::vector<float> out(128 * 3);
    EXPECT_GEMMA_ERROR(reader->ReadRows("token_embd.weight", 0, 1, out.data()), "token_embd.weight");
    EXPECT_GEMMA_ERROR(reader->ReadRows("model.norm.weight", 1, 1, out.data()), "out of range");
    EXPECT_GEMMA_ERROR(reader->ReadRows("model.layers.0.self_attn.q_proj.weight", 255, 2, out.data()), "out of range");
    reader->ReadRows("model.layers.0.self_attn.q_proj.weight", 254, 2, out.data());
  }

  void tensorNameMapping() {
    QCOMPARE(GgufTensorName("model.embed_tokens.weight"), std::string("token_embd.weight"));
    QCOMPARE(GgufTensorName("model.norm.weight"), std::string("output_norm.weight"));
    QCOMPARE(GgufTensorName("model.layers.17.self_attn.o_proj.weight"), std::string("blk.17.attn_output.weight"));
    QCOMPARE(GgufTensorName("model.layers.3.post_attention_layernorm.weight"), std::string("blk.3.ffn_norm.weight"));
    QCOMPARE(GgufTensorName("model.layers.x.mlp.up_proj.weight"), std::string());
    QCOMPARE(GgufTensorName("lm_head.weight"), std::string());
  }
};

QTEST_GUILESS_MAIN(TstGgufCheckpoint)
#include "tst_gguf_checkpoint.moc"
