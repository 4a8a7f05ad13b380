// gemma-cli as other tools use it: --print-ids and --dump-logits checked against the reference forward pass
// on a tiny model file, the chat template's exact prompt ids, --raw, the interactive chat, and clear errors
// for bad input.
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <sentencepiece_processor.h>

#include <algorithm>

#include "core/model/importer.h"
#include "tests/support/reference_check.h"
#include "tests/support/reference_forward.h"
#include "tests/support/run_program.h"
#include "tests/support/tiny_checkpoint.h"
#include "tests/support/tiny_model.h"

using namespace gemma;
using namespace gemma::testing;

namespace {

using Run = ProgramRun;

Run RunCli(const QStringList& arguments, const QByteArray& input = {}) {
  return RunProgram(GEMMA_CLI_PATH, arguments, input, 60000);
}

std::vector<int> IdsAfter(const QString& out, const QString& label) {
  for (const QString& line : out.split('\n')) {
    if (!line.startsWith(label + ": ")) continue;
    std::vector<int> ids;
    for (const QString& id : line.mid(label.size() + 2).split(' ', Qt::SkipEmptyParts)) ids.push_back(id.toInt());
    return ids;
  }
  return {};
}

}  // namespace

class GemmaCliTest : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  TinyModel tiny_ = MakeTinyModel(Attention::kMultiQuery, 31);
  QString model_path_;
  sentencepiece::SentencePieceProcessor sp_;

 private slots:
  void initTestCase() {
    model_path_ = dir_.filePath("tiny-it.gemma");
    ImportCheckpoint(*MakeTinyCheckpoint(tiny_), model_path_.toStdString(), {.weight_type = WeightType::kF32});
    QVERIFY(sp_.LoadFromSerializedProto(tiny_.tokenizer_model).ok());
  }

  void promptIdsFollowTheChatTemplate() {
    const Run run = RunCli({"--model", model_path_, "--prompt", "  Hello there  ", "--temperature", "0", "-n",
                            "3", "--print-ids"});
    QCOMPARE(run.exit_code, 0);
    // <bos><start_of_turn>user\n{text, trimmed}<end_of_turn>\n<start_of_turn>model\n, built from the pieces.
    std::vector<int> expected{2, sp_.PieceToId("<start_of_turn>")};
    auto append = [&](const std::string& text) {
      for (int id : sp_.EncodeAsIds(text)) expected.push_back(id);
    };
    append("user\nHello there");
    expected.push_back(sp_.PieceToId("<end_of_turn>"));
    append("\n");
    expected.push_back(sp_.PieceToId("<start_of_turn>"));
    append("model\n");
    QCOMPARE(IdsAfter(run.out, "prompt_ids"), expected);
    QVERIFY2(run.err.contains("tok/s"), qPrintable(run.err));
  }

  void greedyOutputAndLogitsMatchTheReference() {
    const QString logits_path = dir_.filePath("logits.json");
    const Run run = RunCli({"--model", model_path_, "--raw", "--prompt", "The quick brown fox", "--temperature",
                            "0", "-n", "8", "--print-ids", "--dump-logits", logits_path});
    QCOMPARE(run.exit_code, 0);
    const std::vector<int> prompt = IdsAfter(run.out, "prompt_ids");
    std::vector<int> expected_prompt{2};
    for (int id : sp_.EncodeAsIds("The quick brown fox")) expected_prompt.push_back(id);
    QCOMPARE(prompt, expected_prompt);

    QFile file(logits_path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonArray array = QJsonDocument::fromJson(file.readAll()).array();
    QCOMPARE(array.size(), tiny_.config.vocab_size);
    std::vector<float> logits;
    for (const auto& v : array) logits.push_back(float(v.toDouble()));
    const auto reference = ReferenceLogits(tiny_, prompt);
    const std::string error = CheckLogits(WeightType::kF32, logits.data(), reference.back(), int(prompt.size()) - 1);
    QVERIFY2(error.empty(), error.c_str());

    // Each generated id is the reference's argmax after the prompt and the ids before it (where clear).
    std::vector<int> output = IdsAfter(run.out, "output_ids");
    QVERIFY(!output.empty());
    std::vector<int> sequence = prompt;
    sequence.insert(sequence.end(), output.begin(), output.end() - 1);
    const auto all = ReferenceLogits(tiny_, sequence);
    for (size_t k = 0; k < output.size(); ++k) {
      const auto& row = all[prompt.size() - 1 + k];
      std::vector<double> sorted = row;
      std::partial_sort(sorted.begin(), sorted.begin() + 2, sorted.end(), std::greater<>());
      if (sorted[0] - sorted[1] < 1e-3) continue;  // a near tie: either is right
      const int best = int(std::max_element(row.begin(), row.end()) - row.begin());
      QCOMPARE(output[k], best);
    }
  }

  void interactiveChatKeepsTheConversationAndResets() {
    const Run run = RunCli({"--model", model_path_, "--temperature", "0", "-n", "4", "--print-ids"},
                           "Hello\nWhat is 12 + 30?\n/reset\nHello\n/quit\n");
    QCOMPARE(run.exit_code, 0);
    QStringList prompts;
    for (const QString& line : run.out.split('\n'))
      if (line.contains("prompt_ids: ")) prompts << line.mid(line.indexOf("prompt_ids: "));
    QCOMPARE(prompts.size(), 3);
    QVERIFY(prompts[1].size() > prompts[0].size());  // the second turn carries the first
    QCOMPARE(prompts[2], prompts[0]);                 // after /reset the conversation starts again
    QVERIFY2(run.err.contains("reused"), qPrintable(run.err));
  }

  void badInputIsAClearMessage() {
    Run run = RunCli({"--model", dir_.filePath("missing.gemma"), "--prompt", "hi"});
    QCOMPARE(run.exit_code, 1);
    QVERIFY2(run.err.contains("missing.gemma"), qPrintable(run.err));

    QFile::copy(model_path_, dir_.filePath("cut.gemma"));
    QFile cut(dir_.filePath("cut.gemma"));
    QVERIFY(cut.resize(cut.size() / 2));
    run = RunCli({"--model", cut.fileName(), "--prompt", "hi"});
    QCOMPARE(run.exit_code, 1);
    QVERIFY2(run.err.contains("truncated"), qPrintable(run.err));

    run = RunCli({"--model", model_path_, "--temperature", "hot"});
    QCOMPARE(run.exit_code, 2);
    QVERIFY2(run.err.contains("--temperature"), qPrintable(run.err));
  }
};

QTEST_GUILESS_MAIN(GemmaCliTest)
#include "tst_gemma_cli.moc"
