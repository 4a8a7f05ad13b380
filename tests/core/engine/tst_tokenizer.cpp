// Tokenizer: Gemma's special ids, turn markers parsed from text and <bos> not, byte fallback, Korean round
// trips, TokenBytes, and rejection of models that are not Gemma tokenizers. Expected ids come from
// sentencepiece itself (PieceToId, EncodeAsIds on the same model) or from the byte-piece naming rule.
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <QTest>
#include <algorithm>
#include <string>
#include <vector>

#include "core/engine/error.h"
#include "core/engine/tokenizer.h"
#include "core/engine/utf8_stream.h"
#include "tests/support/tiny_model.h"

namespace {

using gemma::Tokenizer;

// Feeds sentences from memory to sentencepiece's trainer.
class Sentences : public sentencepiece::SentenceIterator {
 public:
  explicit Sentences(std::vector<std::string> sentences) : sentences_(std::move(sentences)) {}
  bool done() const override { return index_ >= sentences_.size(); }
  void Next() override { ++index_; }
  const std::string& value() const override { return sentences_[index_]; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  std::vector<std::string> sentences_;
  size_t index_ = 0;
};

// A small model trained in memory with Gemma's conventions, `flags` adding the user-defined symbols and the
// bos and eos ids (sentencepiece takes the first of two equal flags, so none is given twice).
std::string TrainModel(const std::string& flags) {
  Sentences sentences({"hello world, hello there", "the quick brown fox jumps over the lazy dog",
                       "numbers 0 1 2 3 and words", "a b c d e f g h i j k l m n o p"});
  std::string model;
  const std::string args =
      "--model_type=bpe --vocab_size=320 --byte_fallback=true --split_digits=true --add_dummy_prefix=false"
      " --hard_vocab_limit=false --minloglevel=2 --num_threads=1 --pad_id=0 --unk_id=3 " +
      flags;
  const auto status = sentencepiece::SentencePieceTrainer::Train(args, &sentences, &model);
  if (!status.ok()) qFatal("training failed: %s", status.ToString().c_str());
  return model;
}

// Is `s` well-formed UTF-8 (no surrogates, no overlong forms)?
bool IsValidUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t n = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    char32_t c = n == 1 ? b : b & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) {
      const auto t = static_cast<unsigned char>(s[i + k]);
      if ((t & 0xC0) != 0x80) return false;
      c = (c << 6) | (t & 0x3F);
    }
    const char32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < smallest[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

}  // namespace

class TestTokenizer : public QObject {
  Q_OBJECT

 private:
  std::unique_ptr<Tokenizer> tok_;
  sentencepiece::SentencePieceProcessor ref_;  // the reference the expected ids come from

  int RefId(const std::string& piece) {
    const int id = ref_.PieceToId(piece);
    if (ref_.IdToPiece(id) != piece) qFatal("piece %s is not in the tiny vocabulary", piece.c_str());
    return id;
  }
  bool InVocab(const std::string& piece) { return ref_.IdToPiece(ref_.PieceToId(piece)) == piece; }

 private slots:
  void initTestCase() {
    tok_ = std::make_unique<Tokenizer>(gemma::testing::TinyTokenizerModel());
    QVERIFY(ref_.LoadFromSerializedProto(gemma::testing::TinyTokenizerModel()).ok());
  }

  void specialIdsAreGemmasAndTurnMarkersAreLookedUp() {
    QCOMPARE(tok_->pad_id(), 0);
    QCOMPARE(tok_->eos_id(), 1);
    QCOMPARE(tok_->bos_id(), 2);
    QCOMPARE(tok_->size(), ref_.GetPieceSize());
    QCOMPARE(tok_->start_of_turn_id(), RefId("<start_of_turn>"));
    QCOMPARE(tok_->end_of_turn_id(), RefId("<end_of_turn>"));
    QVERIFY(tok_->start_of_turn_id() != 106);  // the tiny vocabulary is not Gemma's: no constants
    QCOMPARE(tok_->Piece(tok_->end_of_turn_id()), std::string("<end_of_turn>"));
    QCOMPARE(tok_->serialized(), gemma::testing::TinyTokenizerModel());
  }

  void rejectsBytesThatAreNotAModel_data() {
    QTest::addColumn<QByteArray>("bytes");
    const std::string& model = gemma::testing::TinyTokenizerModel();
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("text") << QByteArray("this is not a sentencepiece model");
    QTest::newRow("truncated") << QByteArray(model.data(), qsizetype(model.size() / 2));
    QTest::newRow("zeros") << QByteArray(4096, '\0');
    QTest::newRow("ff") << QByteArray(4096, '\xff');
  }
  void rejectsBytesThatAreNotAModel() {
    QFETCH(QByteArray, bytes);
    QVERIFY_THROWS_EXCEPTION(gemma::Error, Tokenizer(bytes.toStdString()));
  }

  void rejectsModelsWithoutGemmasSpecialTokens_data() {
    QTest::addColumn<QString>("flags");
    QTest::newRow("no turn markers") << "--bos_id=2 --eos_id=1";
    QTest::newRow("no end_of_turn") << "--bos_id=2 --eos_id=1 --user_defined_symbols=<start_of_turn>";
    QTest::newRow("no start_of_turn") << "--bos_id=2 --eos_id=1 --user_defined_symbols=<end_of_turn>";
    QTest::newRow("no bos") << "--bos_id=-1 --eos_id=1 --user_defined_symbols=<start_of_turn>,<end_of_turn>";
    QTest::newRow("no eos") << "--bos_id=2 --eos_id=-1 --user_defined_symbols=<start_of_turn>,<end_of_turn>";
  }
  void rejectsModelsWithoutGemmasSpecialTokens() {
    QFETCH(QString, flags);
    const std::string model = TrainModel(flags.toStdString());
    QVERIFY_THROWS_EXCEPTION(gemma::Error, Tokenizer{model});
  }

  void acceptsAModelWithAllSpecialTokens() {  // the control experiment for the rejections above
    Tokenizer tok(TrainModel("--bos_id=2 --eos_id=1 --user_defined_symbols=<start_of_turn>,<end_of_turn>"));
    QCOMPARE(tok.bos_id(), 2);
  }

  void encodeAddsNeitherBosNorEos() {
    const std::vector<int> ids = tok_->Encode("Hello! How are you today?");
    QVERIFY(!ids.empty());
    for (int id : ids) QVERIFY(id != 1 && id != 2);
    QCOMPARE(ids, ref_.EncodeAsIds("Hello! How are you today?"));
    QVERIFY(tok_->Encode("").empty());
  }

  void bosInTextIsNotBos() {
    const std::vector<int> ids = tok_->Encode("<bos>");
    QVERIFY(!ids.empty());
    for (int id : ids) QVERIFY(id != tok_->bos_id());
    QCOMPARE(tok_->Decode(ids), std::string("<bos>"));
    // "<" is not a piece of the tiny vocabulary, so it falls back to its byte.
    QVERIFY(!InVocab("<"));
    QCOMPARE(ids.front(), RefId("<0x3C>"));
  }

  void turnMarkersAreParsedFromText() {
    const std::string text = "<start_of_turn>user\nHello<end_of_turn>\n<start_of_turn>model\n";
    std::vector<int> expected{RefId("<start_of_turn>")};
    for (int id : ref_.EncodeAsIds("user\nHello")) expected.push_back(id);
    expected.push_back(RefId("<end_of_turn>"));
    for (int id : ref_.EncodeAsIds("\n")) expected.push_back(id);
    expected.push_back(RefId("<start_of_turn>"));
    for (int id : ref_.EncodeAsIds("model\n")) expected.push_back(id);
    QCOMPARE(tok_->Encode(text), expected);
    // The tiny model types the markers user-defined, so sentencepiece alone must agree.
    QCOMPARE(tok_->Encode(text), ref_.EncodeAsIds(text));
    // Adjacent markers, markers at both ends, and a marker split by other text.
    QCOMPARE(tok_->Encode("<end_of_turn><start_of_turn>"),
             (std::vector<int>{RefId("<end_of_turn>"), RefId("<start_of_turn>")}));
    const std::vector<int> broken = tok_->Encode("<end_of_tu rn>");
    QVERIFY(std::find(broken.begin(), broken.end(), RefId("<end_of_turn>")) == broken.end());
  }

  void byteFallbackForAccentedLetter() {
    QVERIFY(!InVocab("\xC3\xA9"));  // é
    QCOMPARE(tok_->Encode("\xC3\xA9"), (std::vector<int>{RefId("<0xC3>"), RefId("<0xA9>")}));
    QCOMPARE(tok_->TokenBytes(RefId("<0xC3>")), std::string("\xC3"));
    QCOMPARE(tok_->TokenBytes(RefId("<0xA9>")), std::string("\xA9"));
    QCOMPARE(tok_->Decode(tok_->Encode("caf\xC3\xA9")), std::string("caf\xC3\xA9"));
  }

  void byteFallbackForEmoji() {
    const std::string emoji = "\xF0\x9F\x98\x80";  // U+1F600
    QVERIFY(!InVocab(emoji));
    QCOMPARE(tok_->Encode(emoji),
             (std::vector<int>{RefId("<0xF0>"), RefId("<0x9F>"), RefId("<0x98>"), RefId("<0x80>")}));
    QCOMPARE(tok_->Decode(tok_->Encode(emoji)), emoji);
  }

  void koreanRoundTrips_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("seen") << QString::fromUtf8("안녕하세요! 오늘 기분이 어떠세요?");
    QTest::newRow("unseen syllables") << QString::fromUtf8("뷁 똠방각하 햏");
    QTest::newRow("mixed") << QString::fromUtf8("Gemma는 한국어도 잘 해요 😀 café 2024");
  }
  void koreanRoundTrips() {
    QFETCH(QString, text);
    const std::string utf8 = text.toStdString();
    const std::vector<int> ids = tok_->Encode(utf8);
    QCOMPARE(tok_->Decode(ids), utf8);
    QCOMPARE(tok_->Decode(ids), ref_.DecodeIds(ids));
    // Streaming: token bytes through Utf8Stream give the text back, and every piece released is whole UTF-8.
    gemma::Utf8Stream stream;
    std::string streamed;
    for (int id : ids) {
      const std::string out = stream.Push(tok_->TokenBytes(id));
      QVERIFY(IsValidUtf8(out));
      streamed += out;
    }
    streamed += stream.Flush();
    QCOMPARE(streamed, utf8);
  }

  void tokenBytes() {
    QCOMPARE(tok_->TokenBytes(RefId("\xE2\x96\x81the")), std::string(" the"));  // "▁the"
    QCOMPARE(tok_->TokenBytes(RefId("<0x41>")), std::string("A"));
    QCOMPARE(tok_->TokenBytes(RefId("<0x0A>")), std::string("\n"));
    QCOMPARE(tok_->TokenBytes(RefId("<0x00>")), std::string(1, '\0'));
    QCOMPARE(tok_->TokenBytes(RefId("<0xFF>")), std::string("\xFF"));
    for (int id : {0, 1, 2}) QCOMPARE(tok_->TokenBytes(id), std::string());  // pad, eos, bos are control
    QCOMPARE(tok_->TokenBytes(tok_->start_of_turn_id()), std::string());
    QCOMPARE(tok_->TokenBytes(tok_->end_of_turn_id()), std::string());
    QCOMPARE(tok_->TokenBytes(3), ref_.DecodeIds({3}));  // <unk> shows sentencepiece's surface
    QVERIFY(!tok_->TokenBytes(3).empty());
  }

  void tokenBytesAgreeWithDecodeForEveryNormalPiece() {
    // Every piece that is not control, byte or unknown decodes on its own exactly as sentencepiece does.
    int checked = 0;
    for (int id = 0; id < tok_->size(); ++id) {
      if (ref_.IsControl(id) || ref_.IsByte(id) || ref_.IsUnknown(id) || id == tok_->start_of_turn_id() ||
          id == tok_->end_of_turn_id())
        continue;
      QCOMPARE(tok_->TokenBytes(id), ref_.DecodeIds({id}));
      ++checked;
    }
    QVERIFY(checked > 50);
  }

  void decodeAgreesWithSentencePiece_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("english") << "The quick brown fox jumps over the lazy dog.";
    QTest::newRow("leading space") << "  two leading spaces";
    QTest::newRow("digits") << "12 + 30 = 42, 3.14159";
    QTest::newRow("code") << "int main() { return 0; }";
    QTest::newRow("korean") << QString::fromUtf8("프랑스의 수도는 파리입니다.");
  }
  void decodeAgreesWithSentencePiece() {
    QFETCH(QString, text);
    const std::string utf8 = text.toStdString();
    const std::vector<int> ids = ref_.EncodeAsIds(utf8);
    QCOMPARE(tok_->Decode(ids), ref_.DecodeIds(ids));
    QCOMPARE(tok_->Decode(ids), utf8);
    std::string joined;
    for (int id : ids) joined += tok_->TokenBytes(id);
    QCOMPARE(joined, utf8);
  }

  void decodeDropsControlTokensAndTurnMarkers() {
    std::vector<int> ids = tok_->Encode("Hello");
    std::vector<int> wrapped{2, tok_->start_of_turn_id()};
    wrapped.insert(wrapped.end(), ids.begin(), ids.end());
    wrapped.insert(wrapped.end(), {tok_->end_of_turn_id(), 1, 0});
    QCOMPARE(tok_->Decode(wrapped), std::string("Hello"));
  }

  void badIdsThrow() {
    QVERIFY_THROWS_EXCEPTION(gemma::Error, tok_->Decode({5, tok_->size()}));
    QVERIFY_THROWS_EXCEPTION(gemma::Error, tok_->Decode({-1}));
    QVERIFY_THROWS_EXCEPTION(gemma::Error, tok_->TokenBytes(tok_->size()));
    QVERIFY_THROWS_EXCEPTION(gemma::Error, tok_->TokenBytes(-1));
    QVERIFY_THROWS_EXCEPTION(gemma::Error, tok_->Piece(1 << 30));
  }

  void invalidUtf8InputIsTokenizedWithoutCrashing() {
    const std::vector<int> ids = tok_->Encode(std::string("a\xC3 \xFF\xFE b\xF0\x9F", 9));
    QVERIFY(!ids.empty());
    for (int id : ids) QVERIFY(id >= 0 && id < tok_->size());
    QVERIFY(IsValidUtf8(tok_->Decode(ids)));
  }
};

QTEST_APPLESS_MAIN(TestTokenizer)
#include "tst_tokenizer.moc"
