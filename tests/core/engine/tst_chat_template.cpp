// ApplyChatTemplate: the exact ids of a conversation (built here from sentencepiece's own PieceToId and
// EncodeAsIds), agreement with tokenizing the whole templated string in one go, trimming, the system prompt,
// and the errors for conversations that do not alternate.
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <QTest>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/engine/chat_template.h"
#include "core/engine/error.h"
#include "core/engine/tokenizer.h"
#include "tests/support/tiny_model.h"

namespace {

using gemma::ChatMessage;
using gemma::Role;

ChatMessage User(std::string text) { return {Role::kUser, std::move(text)}; }
ChatMessage Model(std::string text) { return {Role::kModel, std::move(text)}; }

void Append(std::vector<int>& ids, const std::vector<int>& more) { ids.insert(ids.end(), more.begin(), more.end()); }

// The tiny model normalizes with NFKC (sentencepiece's default), which turns "\n" into a space; Gemma's own
// tokenizer normalizes nothing. This one is trained like the tiny model but with Gemma's identity rule, so
// newlines stay newlines.
std::string IdentityModel() {
  const char* data = std::getenv("GEMMA_TEST_DATA");
  const std::filesystem::path dir =
      data ? std::filesystem::path(data) : std::filesystem::path(__FILE__).parent_path() / "../../data";
  const std::string corpus = (dir / "tokenizer_corpus.txt").string();
  std::string model;
  const auto status = sentencepiece::SentencePieceTrainer::Train(
      "--input=" + corpus +
          " --vocab_size=400 --model_type=bpe --byte_fallback=true --split_digits=true"
          " --add_dummy_prefix=false --remove_extra_whitespaces=false --normalization_rule_name=identity"
          " --user_defined_symbols=<start_of_turn>,<end_of_turn> --pad_id=0 --eos_id=1 --bos_id=2 --unk_id=3"
          " --hard_vocab_limit=false --character_coverage=1.0 --num_threads=1 --minloglevel=2",
      nullptr, &model);
  if (!status.ok()) qFatal("training failed: %s", status.ToString().c_str());
  return model;
}

// The templated string tokenized in one go by sentencepiece alone, markers parsed from the text, BOS
// inserted as an id since "<bos>" in text is not BOS.
std::vector<int> WholeString(const sentencepiece::SentencePieceProcessor& sp, const std::string& templated) {
  std::vector<int> ids{2};
  Append(ids, sp.EncodeAsIds(templated));
  return ids;
}

// Compares the template with tokenizing in one go over random conversations assembled from fragments that
// stress the boundaries: markers, their pieces, spaces, newlines, bytes outside the vocabulary, Korean,
// digits. Contents have no outer whitespace, so the templated string can be written without trimming.
// Returns the first templated string where they differ, or nothing.
std::string FirstDifference(const gemma::Tokenizer& tok, const sentencepiece::SentencePieceProcessor& sp) {
  const std::vector<std::string> fragments{
      "Hello", "the", "capital", "<start_of_turn>", "<end_of_turn>", "<bos>", "<eos>", "<", ">", "\n", "\n\n",
      " ",     "  ",  "model",   "user",            "\xC3\xA9",      "\xF0\x9F\x98\x80", "안녕", "합니다", "7",
      "42",    ".",   "\t",      "_",               "\xE2\x96\x81",  "\xEF\xBC\xA1",
      "\xEF\xBC\x9C",  "\xEF\xBC\x9E"};  // ▁ itself, fullwidth A, < and >
  std::mt19937_64 rng(42);
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\t'; };
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<ChatMessage> messages;
    std::string templated;
    const size_t turns = 1 + pick(4);
    for (size_t t = 0; t < turns; ++t) {
      std::string text;
      for (size_t f = pick(8); f > 0; --f) text += fragments[pick(fragments.size())];
      while (!text.empty() && is_space(text.front())) text.erase(0, 1);
      while (!text.empty() && is_space(text.back())) text.pop_back();
      const bool user = t % 2 == 0;
      messages.push_back({user ? Role::kUser : Role::kModel, text});
      templated += std::string("<start_of_turn>") + (user ? "user\n" : "model\n") + text + "<end_of_turn>\n";
    }
    const bool generation_prompt = messages.back().role == Role::kUser;
    if (generation_prompt) templated += "<start_of_turn>model\n";
    if (gemma::ApplyChatTemplate(tok, messages, {}, generation_prompt) != WholeString(sp, templated)) {
      return templated;
    }
  }
  return {};
}

}  // namespace

class TestChatTemplate : public QObject {
  Q_OBJECT

 private:
  std::unique_ptr<gemma::Tokenizer> tok_;
  sentencepiece::SentencePieceProcessor ref_;

  int RefId(const std::string& piece) {
    const int id = ref_.PieceToId(piece);
    if (ref_.IdToPiece(id) != piece) qFatal("piece %s is not in the tiny vocabulary", piece.c_str());
    return id;
  }

 private slots:
  void initTestCase() {
    tok_ = std::make_unique<gemma::Tokenizer>(gemma::testing::TinyTokenizerModel());
    QVERIFY(ref_.LoadFromSerializedProto(gemma::testing::TinyTokenizerModel()).ok());
  }

  void exactIdsOfAConversationWithASystemPrompt() {
    const std::vector<ChatMessage> messages{User("What is the capital of France?"),
                                            Model("The capital of France is Paris."), User("And of Korea?")};
    const int sot = RefId("<start_of_turn>"), eot = RefId("<end_of_turn>");
    QCOMPARE(sot, 4);  // the tiny vocabulary's markers, not Gemma's 106/107
    QCOMPARE(eot, 5);
    const std::vector<int> newline = ref_.EncodeAsIds("\n");
    std::vector<int> expected{2, sot};
    Append(expected, ref_.EncodeAsIds("user\nBe brief.\n\nWhat is the capital of France?"));
    expected.push_back(eot);
    Append(expected, newline);
    expected.push_back(sot);
    Append(expected, ref_.EncodeAsIds("model\nThe capital of France is Paris."));
    expected.push_back(eot);
    Append(expected, newline);
    expected.push_back(sot);
    Append(expected, ref_.EncodeAsIds("user\nAnd of Korea?"));
    expected.push_back(eot);
    Append(expected, newline);
    expected.push_back(sot);
    Append(expected, ref_.EncodeAsIds("model\n"));
    QCOMPARE(gemma::ApplyChatTemplate(*tok_, messages, "Be brief."), expected);
  }

  void equalsTokenizingTheWholeTemplatedString_data() {
    QTest::addColumn<QStringList>("turns");  // alternating user, model, ...
    QTest::addColumn<QString>("system");
    QTest::addColumn<QString>("templated");  // written out by hand, contents trimmed
    QTest::newRow("one turn") << QStringList{"Hello!"} << ""
                              << "<start_of_turn>user\nHello!<end_of_turn>\n<start_of_turn>model\n";
    QTest::newRow("system prompt") << QStringList{"Hello!", "Hi.", "Bye"} << "You are Gemma."
                                   << "<start_of_turn>user\nYou are Gemma.\n\nHello!<end_of_turn>\n"
                                      "<start_of_turn>model\nHi.<end_of_turn>\n"
                                      "<start_of_turn>user\nBye<end_of_turn>\n<start_of_turn>model\n";
    QTest::newRow("trimmed") << QStringList{"  \t spaced out \n\n", "\n reply \n", " x "} << " \n sys \n"
                             << "<start_of_turn>user\nsys\n\nspaced out<end_of_turn>\n"
                                "<start_of_turn>model\nreply<end_of_turn>\n"
                                "<start_of_turn>user\nx<end_of_turn>\n<start_of_turn>model\n";
    QTest::newRow("korean and emoji") << QStringList{QString::fromUtf8("안녕하세요! 😀 café"),
                                                     QString::fromUtf8("저는 잘 지내요.")}
                                      << QString::fromUtf8("한국어로 답하세요.")
                                      << QString::fromUtf8("<start_of_turn>user\n한국어로 답하세요.\n\n안녕하세요! 😀 "
                                                           "café<end_of_turn>\n<start_of_turn>model\n저는 잘 "
                                                           "지내요.<end_of_turn>\n");
    QTest::newRow("markers and bos typed by the user")
        << QStringList{"a <bos> b <end_of_turn> c <start_of_turn>model\nd"} << ""
        << "<start_of_turn>user\na <bos> b <end_of_turn> c <start_of_turn>model\nd<end_of_turn>\n"
           "<start_of_turn>model\n";
    QTest::newRow("marker fragments at the edges") << QStringList{"<end_of_turn", "start_of_turn>"} << ""
                                                   << "<start_of_turn>user\n<end_of_turn<end_of_turn>\n"
                                                      "<start_of_turn>model\nstart_of_turn><end_of_turn>\n";
    QTest::newRow("empty and digits") << QStringList{"   ", "12 + 30 = 42", "3.14159\n\n\nok"} << ""
                                      << "<start_of_turn>user\n<end_of_turn>\n<start_of_turn>model\n12 + 30 = "
                                         "42<end_of_turn>\n<start_of_turn>user\n3.14159\n\n\nok<end_of_turn>\n"
                                         "<start_of_turn>model\n";
  }
  void equalsTokenizingTheWholeTemplatedString() {
    QFETCH(QStringList, turns);
    QFETCH(QString, system);
    QFETCH(QString, templated);
    std::vector<ChatMessage> messages;
    for (qsizetype i = 0; i < turns.size(); ++i) {
      messages.push_back({i % 2 == 0 ? Role::kUser : Role::kModel, turns[i].toStdString()});
    }
    const bool generation_prompt = messages.back().role == Role::kUser;
    QCOMPARE(gemma::ApplyChatTemplate(*tok_, messages, system.toStdString(), generation_prompt),
             WholeString(ref_, templated.toStdString()));
  }

  void equalsTokenizingTheWholeTemplatedStringForRandomConversations() {
    const std::string differing = FirstDifference(*tok_, ref_);
    QVERIFY2(differing.empty(), ("the template differs from tokenizing in one go for: " + differing).c_str());
  }

  void equalsTokenizingTheWholeTemplatedStringWithGemmasIdentityNormalization() {
    const std::string model = IdentityModel();
    const gemma::Tokenizer tok(model);
    sentencepiece::SentencePieceProcessor sp;
    QVERIFY(sp.LoadFromSerializedProto(model).ok());
    // The control experiment: here a newline really is a newline, unlike in the NFKC tiny model.
    QVERIFY(sp.EncodeAsIds("\n") != sp.EncodeAsIds(" "));
    QVERIFY(tok.Decode(tok.Encode("a\nb")) == "a\nb");
    const std::string differing = FirstDifference(tok, sp);
    QVERIFY2(differing.empty(), ("the template differs from tokenizing in one go for: " + differing).c_str());
    const std::vector<ChatMessage> messages{User("line one\nline two"), Model("ok\n\n- a\n- b")};
    QCOMPARE(gemma::ApplyChatTemplate(tok, messages, "sys", false),
             WholeString(sp, "<start_of_turn>user\nsys\n\nline one\nline two<end_of_turn>\n"
                             "<start_of_turn>model\nok\n\n- a\n- b<end_of_turn>\n"));
  }

  void startsWithBosAndEndsWithTheGenerationPrompt() {
    const std::vector<ChatMessage> messages{User("Hi")};
    const std::vector<int> with = gemma::ApplyChatTemplate(*tok_, messages);
    QCOMPARE(with.front(), 2);
    std::vector<int> tail{RefId("<start_of_turn>")};
    Append(tail, ref_.EncodeAsIds("model\n"));
    QVERIFY(with.size() > tail.size());
    QVERIFY(std::equal(tail.begin(), tail.end(), with.end() - tail.size()));

    const std::vector<int> without = gemma::ApplyChatTemplate(*tok_, messages, {}, false);
    QCOMPARE(without.size() + tail.size(), with.size());
    QVERIFY(std::equal(without.begin(), without.end(), with.begin()));
    std::vector<int> end{RefId("<end_of_turn>")};
    Append(end, ref_.EncodeAsIds("\n"));
    QVERIFY(std::equal(end.begin(), end.end(), without.end() - end.size()));
  }

  void contentsAndSystemPromptAreTrimmed() {
    const std::vector<ChatMessage> plain{User("Hi there")};
    // Trailing ideographic space (U+3000), leading no-break space (U+00A0), ASCII whitespace.
    const std::vector<ChatMessage> padded{User("\xC2\xA0 \t\nHi there \r\n\xE3\x80\x80")};
    QCOMPARE(gemma::ApplyChatTemplate(*tok_, padded), gemma::ApplyChatTemplate(*tok_, plain));
    // Inner whitespace is kept.
    QVERIFY(gemma::ApplyChatTemplate(*tok_, std::vector{User("Hi  there")}) !=
            gemma::ApplyChatTemplate(*tok_, plain));
    // A system prompt of whitespace is no system prompt; a real one changes the first turn.
    QCOMPARE(gemma::ApplyChatTemplate(*tok_, plain, " \n "), gemma::ApplyChatTemplate(*tok_, plain));
    QCOMPARE(gemma::ApplyChatTemplate(*tok_, plain, "\n Be kind. \n"),
             gemma::ApplyChatTemplate(*tok_, std::vector{User("Be kind.\n\nHi there")}));
    // A lone byte that merely looks like the end of a space (0xA0 after an ASCII letter) is not trimmed.
    QVERIFY(gemma::ApplyChatTemplate(*tok_, std::vector{User("Hi there\xA0")}) !=
            gemma::ApplyChatTemplate(*tok_, plain));
  }

  void systemPromptGoesOnlyIntoTheFirstUserTurn() {
    const std::vector<ChatMessage> messages{User("a"), Model("b"), User("c")};
    const std::vector<ChatMessage> by_hand{User("sys\n\na"), Model("b"), User("c")};
    QCOMPARE(gemma::ApplyChatTemplate(*tok_, messages, "sys"), gemma::ApplyChatTemplate(*tok_, by_hand));
  }

  void rejectsConversationsThatDoNotAlternate_data() {
    QTest::addColumn<QList<int>>("roles");  // 0 user, 1 model
    QTest::addColumn<bool>("generation_prompt");
    QTest::newRow("empty") << QList<int>{} << true;
    QTest::newRow("empty without prompt") << QList<int>{} << false;
    QTest::newRow("starts with model") << QList<int>{1} << false;
    QTest::newRow("starts with model, then user") << QList<int>{1, 0} << true;
    QTest::newRow("two users") << QList<int>{0, 0} << true;
    QTest::newRow("two models") << QList<int>{0, 1, 1} << false;
    QTest::newRow("model reply then generation prompt") << QList<int>{0, 1} << true;
  }
  void rejectsConversationsThatDoNotAlternate() {
    QFETCH(QList<int>, roles);
    QFETCH(bool, generation_prompt);
    std::vector<ChatMessage> messages;
    for (int r : roles) messages.push_back({r == 0 ? Role::kUser : Role::kModel, "text"});
    QVERIFY_THROWS_EXCEPTION(gemma::Error,
                             gemma::ApplyChatTemplate(*tok_, messages, {}, generation_prompt));
  }

  void acceptsAConversationEndingWithTheModelWithoutAPrompt() {
    const std::vector<ChatMessage> messages{User("a"), Model("b")};
    const std::vector<int> ids = gemma::ApplyChatTemplate(*tok_, messages, {}, false);
    std::vector<int> end{RefId("<end_of_turn>")};
    Append(end, ref_.EncodeAsIds("\n"));
    QVERIFY(std::equal(end.begin(), end.end(), ids.end() - end.size()));
  }

  void rawPromptIsBosThenText() {
    std::vector<int> expected{2};
    Append(expected, ref_.EncodeAsIds("  The quick brown fox\n"));
    QCOMPARE(gemma::RawPrompt(*tok_, "  The quick brown fox\n"), expected);  // not trimmed
    QCOMPARE(gemma::RawPrompt(*tok_, ""), std::vector<int>{2});
  }
};

QTEST_APPLESS_MAIN(TestChatTemplate)
#include "tst_chat_template.moc"
