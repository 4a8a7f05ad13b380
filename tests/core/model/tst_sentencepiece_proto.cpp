// BuildSentencePieceModel: a hand-encoded ModelProto that sentencepiece loads and that tokenizes exactly like
// the model its vocabulary came from (the tiny tokenizer trained by the tests).
#include <sentencepiece_processor.h>

#include <QTest>

#include "core/model/sentencepiece_proto.h"
#include "tests/support/expect_error.h"
#include "tests/support/tiny_model.h"

using namespace gemma;
using namespace gemma::testing;

namespace {

// Strings whose tokenization does not depend on the normalizer: the tiny tokenizer was trained with
// sentencepiece's default NFKC rules, the rebuilt one (like Gemma's) uses identity. Tabs and newlines, which
// NFKC turns into spaces, are left out for that reason.
const std::vector<std::string> kTexts = {
    "Hello! How are you today?",
    "The quick brown fox jumps over the lazy dog 12345 3.14159",
    "안녕하세요, 반갑습니다. 오늘 날씨가 좋네요.",
    "<start_of_turn>user Hi there<end_of_turn> <start_of_turn>model Hello<end_of_turn>",
    "  leading and   repeated spaces ",
    "emoji 🙂 and symbols ∑ ≠ → ✓ and Zürich café",
    "<bos>is not parsed from text, nor <eos>",
};

SentencePieceVocab VocabOf(const sentencepiece::SentencePieceProcessor& sp) {
  SentencePieceVocab v;
  for (int id = 0; id < sp.GetPieceSize(); ++id) {
    const std::string piece = sp.IdToPiece(id);
    v.pieces.push_back(piece);
    v.scores.push_back(sp.GetScore(id));
    PieceType t = sp.IsUnknown(id) ? PieceType::kUnknown
                  : sp.IsControl(id) ? PieceType::kControl
                  : sp.IsUnused(id)  ? PieceType::kUnused
                  : sp.IsByte(id)    ? PieceType::kByte
                                     : PieceType::kNormal;
    if (piece == "<start_of_turn>" || piece == "<end_of_turn>") t = PieceType::kUserDefined;
    v.types.push_back(t);
  }
  v.unk_id = sp.unk_id(), v.bos_id = sp.bos_id(), v.eos_id = sp.eos_id(), v.pad_id = sp.pad_id();
  return v;
}

}  // namespace

class TstSentencePieceProto : public QObject {
  Q_OBJECT

 private slots:
  void rebuiltModelTokenizesLikeTheOriginal() {
    sentencepiece::SentencePieceProcessor original;
    QVERIFY(original.LoadFromSerializedProto(TinyTokenizerModel()).ok());
    const std::string rebuilt_bytes = BuildSentencePieceModel(VocabOf(original));
    sentencepiece::SentencePieceProcessor rebuilt;
    const auto status = rebuilt.LoadFromSerializedProto(rebuilt_bytes);
    QVERIFY2(status.ok(), status.ToString().c_str());

    QCOMPARE(rebuilt.GetPieceSize(), original.GetPieceSize());
    for (int id = 0; id < original.GetPieceSize(); ++id) {
      QCOMPARE(rebuilt.IdToPiece(id), original.IdToPiece(id));
      QCOMPARE(rebuilt.GetScore(id), original.GetScore(id));
      QCOMPARE(rebuilt.IsControl(id), original.IsControl(id));
      QCOMPARE(rebuilt.IsByte(id), original.IsByte(id));
    }
    QCOMPARE(rebuilt.bos_id(), 2);
    QCOMPARE(rebuilt.eos_id(), 1);
    QCOMPARE(rebuilt.pad_id(), 0);
    QCOMPARE(rebuilt.unk_id(), 3);
    for (const std::string& text : kTexts) {
      std::vector<int> want, got;
      QVERIFY(original.Encode(text, &want).ok());
      QVERIFY(rebuilt.Encode(text, &got).ok());
      QVERIFY2(got == want, text.c_str());
      std::string decoded;
      QVERIFY(rebuilt.Decode(got, &decoded).ok());
    }
    // The turn markers are single pieces inside text; BOS is not.
    std::vector<int> ids;
    QVERIFY(rebuilt.Encode("<start_of_turn>", &ids).ok());
    QCOMPARE(ids, std::vector<int>{rebuilt.PieceToId("<start_of_turn>")});
    QVERIFY(rebuilt.Encode("<bos>", &ids).ok());
    QVERIFY(ids.size() > 1);
  }

  void normalizerAddsNoPrefixAndKeepsWhitespace() {
    sentencepiece::SentencePieceProcessor original;
    QVERIFY(original.LoadFromSerializedProto(TinyTokenizerModel()).ok());
    sentencepiece::SentencePieceProcessor rebuilt;
    QVERIFY(rebuilt.LoadFromSerializedProto(BuildSentencePieceModel(VocabOf(original))).ok());
    std::vector<std::string> pieces;
    QVERIFY(rebuilt.Encode("Hello", &pieces).ok());
    QVERIFY(!pieces.empty() && pieces[0].rfind("\xE2\x96\x81", 0) != 0);  // no dummy "▁" prefix
    // Identity normalization: a tab is not turned into a space (it becomes its byte piece here).
    std::vector<int> ids;
    QVERIFY(rebuilt.Encode("a\tb", &ids).ok());
    QVERIFY(std::find(ids.begin(), ids.end(), rebuilt.PieceToId("<0x09>")) != ids.end());
    QVERIFY(rebuilt.Encode("a  b", &pieces).ok());  // two spaces stay two
    std::string joined;
    for (const auto& p : pieces) joined += p;
    QCOMPARE(joined, std::string("a\xE2\x96\x81\xE2\x96\x81" "b"));
  }

  void absentSpecialPiecesAreAllowed() {
    SentencePieceVocab v;
    v.pieces = {"<unk>", "a", "b", "ab"};
    v.scores = {0, -1, -2, -0.5f};
    v.types = {PieceType::kUnknown, PieceType::kNormal, PieceType::kNormal, PieceType::kNormal};
    v.unk_id = 0;  // bos, eos, pad: -1 (encoded as negative int32 varints)
    sentencepiece::SentencePieceProcessor sp;
    const auto status = sp.LoadFromSerializedProto(BuildSentencePieceModel(v));
    QVERIFY2(status.ok(), status.ToString().c_str());
    QCOMPARE(sp.bos_id(), -1);
    QCOMPARE(sp.pad_id(), -1);
    std::vector<int> ids;
    QVERIFY(sp.Encode("ab", &ids).ok());
    QCOMPARE(ids, std::vector<int>{3});
  }

  void invalidVocabulariesAreErrors() {
    SentencePieceVocab v;
    v.pieces = {"<unk>", "", "b"};
    v.scores = {0, 0, 0};
    v.types = {PieceType::kUnknown, PieceType::kNormal, PieceType::kNormal};
    v.unk_id = 0;
    EXPECT_GEMMA_ERROR(SentencePiecePieceCount(BuildSentencePieceModel(v), "the tokenizer in x.gguf"),
                       "the tokenizer in x.gguf", "not a valid SentencePiece model");
    v.pieces = {"<unk>", "a", "a"};  // duplicate
    EXPECT_GEMMA_ERROR(SentencePiecePieceCount(BuildSentencePieceModel(v), "tok"), "not a valid");
    v.types[0] = PieceType::kNormal;  // no unknown piece at all
    v.pieces = {"<unk>", "a", "b"};
    EXPECT_GEMMA_ERROR(SentencePiecePieceCount(BuildSentencePieceModel(v), "tok"), "not a valid");
    v.scores.pop_back();
    EXPECT_GEMMA_ERROR(BuildSentencePieceModel(v), "differ in length");
  }
};

QTEST_GUILESS_MAIN(TstSentencePieceProto)
#include "tst_sentencepiece_proto.moc"
