// gemma-bench as the speed work uses it: on a tiny model file, --json gives one object per thread count and
// prompt length with the fields the speed issue names, --turns reports a conversation whose later turns
// compute only their new tokens, and bad options are clear errors.
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

#include "core/model/importer.h"
#include "tests/support/run_program.h"
#include "tests/support/tiny_checkpoint.h"
#include "tests/support/tiny_model.h"

using namespace gemma;
using namespace gemma::testing;

namespace {

using Run = ProgramRun;

Run RunBench(const QStringList& arguments) { return RunProgram(GEMMA_BENCH_PATH, arguments); }

QList<QJsonObject> JsonLines(const QString& out) {
  QList<QJsonObject> objects;
  for (const QString& line : out.split('\n', Qt::SkipEmptyParts)) {
    const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8());
    if (doc.isObject()) objects.append(doc.object());
  }
  return objects;
}

}  // namespace

class GemmaBenchTest : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  QString model_path_;

 private slots:
  void initTestCase() {
    model_path_ = dir_.filePath("tiny.gemma");
    ImportCheckpoint(*MakeTinyCheckpoint(MakeTinyModel(Attention::kMultiQuery, 5)), model_path_.toStdString(), {});
  }

  void jsonHasOneObjectPerTestWithTheNamedFields() {
    const Run run = RunBench({"--model", model_path_, "-p", "8,20", "-n", "5", "-t", "1,2", "-r", "2", "--json"});
    QCOMPARE(run.exit_code, 0);
    const QList<QJsonObject> tests = JsonLines(run.out);
    QCOMPARE(tests.size(), 4);
    QList<QPair<int, int>> seen;
    for (const QJsonObject& t : tests) {
      for (const char* key : {"model", "threads", "prompt_tokens", "gen_tokens", "load_s", "prefill_tok_s",
                              "decode_tok_s", "peak_rss_mb", "kernel", "read_bandwidth_gb_s",
                              "read_bandwidth_before_gb_s", "read_bandwidth_after_gb_s",
                              "decode_fraction_of_ceiling", "huge_page_share"})
        QVERIFY2(t.contains(key), key);
      seen.append({t["threads"].toInt(), t["prompt_tokens"].toInt()});
      QCOMPARE(t["gen_tokens"].toInt(), 5);
      QVERIFY(t["prefill_tok_s"].toDouble() > 0);
      QVERIFY(t["decode_tok_s"].toDouble() > 0);
      QVERIFY(t["peak_rss_mb"].toDouble() > 0);
      QVERIFY(t["read_bandwidth_gb_s"].toDouble() > 0);
      // The ceiling is judged against the mean of the bandwidth measured just before and just after the test.
      const double mean = (t["read_bandwidth_before_gb_s"].toDouble() + t["read_bandwidth_after_gb_s"].toDouble()) / 2;
      QVERIFY2(std::abs(t["read_bandwidth_gb_s"].toDouble() - mean) <= 0.011, qPrintable(QString::number(mean)));
      const double huge = t["huge_page_share"].toDouble();  // a share, or -1 where /proc cannot tell
      QVERIFY2(huge == -1 || (huge >= 0 && huge <= 1), qPrintable(QString::number(huge)));
      QVERIFY(QStringList({"portable", "avx2", "avx512-vnni"}).contains(t["kernel"].toString()));
    }
    std::sort(seen.begin(), seen.end());
    QCOMPARE(seen, (QList<QPair<int, int>>{{1, 8}, {1, 20}, {2, 8}, {2, 20}}));
  }

  void turnsComputeOnlyTheirNewTokens() {
    const Run run = RunBench({"--model", model_path_, "--turns", "3", "-t", "1", "-r", "1", "--json"});
    QCOMPARE(run.exit_code, 0);
    const QList<QJsonObject> tests = JsonLines(run.out);
    QCOMPARE(tests.size(), 1);
    const QJsonObject t = tests.front();
    QCOMPARE(t["test"].toString(), QString("turns"));
    QCOMPARE(t["turns"].toInt(), 3);
    QVERIFY(t["ttft_turn2_ms"].toDouble() > 0);
    QVERIFY(t["ttft_last_ms"].toDouble() > 0);
    // Turn 3's prompt holds the two turns before it; only its own part is computed.
    const int prompt = t["prompt_tokens_last"].toInt(), computed = t["prefill_tokens_last"].toInt();
    QVERIFY2(computed > 0 && computed * 2 < prompt, qPrintable(QString("%1 of %2").arg(computed).arg(prompt)));
  }

  void badOptionsAreClearErrors() {
    Run run = RunBench({"--model", model_path_, "--turns", "1"});
    QCOMPARE(run.exit_code, 2);
    QVERIFY2(run.err.contains("--turns"), qPrintable(run.err));
    run = RunBench({"--model", dir_.filePath("missing.gemma"), "-p", "4"});
    QCOMPARE(run.exit_code, 1);
    QVERIFY2(run.err.contains("missing.gemma"), qPrintable(run.err));
    run = RunBench({"-p", "4"});
    QCOMPARE(run.exit_code, 2);
  }
};

QTEST_GUILESS_MAIN(GemmaBenchTest)
#include "tst_gemma_bench.moc"
