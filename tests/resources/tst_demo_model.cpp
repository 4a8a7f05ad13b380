// The shipped demo model (resources/models/gemmachat-demo.gemma) run through the built gemma-cli with greedy
// decoding, on prompts held out from its training by construction (tools/demo_model/corpus.py writes them to
// tests/data/demo_model/): at least 95% exact results on two-digit addition and subtraction, and every
// held-out English and Korean greeting answered with the offer of help. Also that the file is what the app
// lists: int8, instruction-tuned, under 20 MB, named as the demo.
//
// One gemma-cli process answers all prompts in its interactive mode, with /reset between them, so each prompt
// is a fresh single-turn conversation exactly as `gemma-cli --prompt` would run it, without 500 model loads.
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <QtEndian>

namespace {

const QString kCli = QStringLiteral(GEMMA_CLI_PATH);
const QString kModel = QStringLiteral(GEMMA_DEMO_MODEL_PATH);
constexpr double kRequiredArithmeticShare = 0.95;

struct Case {
  QString prompt;
  QString expected;  // the result (arithmetic) or a phrase the reply must contain (greetings)
};

QString DataPath(const QString& name) { return qEnvironmentVariable("GEMMA_TEST_DATA") + "/demo_model/" + name; }

// "prompt<TAB>expected" lines; '#' starts a comment line.
QList<Case> ReadCases(const QString& name) {
  QFile file(DataPath(name));
  if (!file.open(QIODevice::ReadOnly)) qFatal("cannot read %s (is GEMMA_TEST_DATA set?)", qPrintable(file.fileName()));
  QList<Case> cases;
  for (const QString& line : QString::fromUtf8(file.readAll()).split('\n')) {
    if (line.isEmpty() || line.startsWith('#')) continue;
    const QStringList fields = line.split('\t');
    if (fields.size() != 2) qFatal("%s: not 'prompt<TAB>expected': %s", qPrintable(name), qPrintable(line));
    cases.append({fields[0], fields[1]});
  }
  return cases;
}

// Greedy replies to each prompt as its own conversation, in order. Fails the test if gemma-cli fails.
QStringList Replies(const QList<Case>& cases, int max_tokens) {
  QProcess cli;
  cli.start(kCli, {"--model", kModel, "--temperature", "0", "-n", QString::number(max_tokens), "--threads", "1"});
  if (!cli.waitForStarted()) qFatal("cannot start %s", qPrintable(kCli));
  QByteArray input;
  for (const Case& c : cases) input += c.prompt.toUtf8() + "\n/reset\n";
  cli.write(input);
  cli.closeWriteChannel();
  if (!cli.waitForFinished(10 * 60 * 1000)) {
    cli.kill();
    qFatal("gemma-cli did not finish in 10 minutes");
  }
  if (cli.exitStatus() != QProcess::NormalExit || cli.exitCode() != 0) {
    qFatal("gemma-cli failed (exit %d): %s", cli.exitCode(), cli.readAllStandardError().constData());
  }
  // stdout: "> " before each input line, each reply followed by a newline, nothing for /reset; so a reply is
  // a line once its "> " prompts are stripped, and the text after the last newline is the final prompt.
  QStringList lines = QString::fromUtf8(cli.readAllStandardOutput()).split('\n');
  lines.removeLast();
  for (QString& line : lines) {
    while (line.startsWith("> ")) line.remove(0, 2);
  }
  return lines;
}

bool IsKorean(const QString& text) {
  for (const QChar c : text) {
    if ((c.unicode() >= 0xAC00 && c.unicode() <= 0xD7A3) || (c.unicode() >= 0x3131 && c.unicode() <= 0x318E)) {
      return true;  // a Hangul syllable or letter
    }
  }
  return false;
}

// The result a reply gives: the integer after its last "=" ("12 + 30 = 42." gives 42), or empty.
QString ResultOf(const QString& reply) {
  static const QRegularExpression result(QStringLiteral("=\\s*(-?\\d+)"));
  QString last;
  for (const QRegularExpressionMatch& m : result.globalMatch(reply)) last = m.captured(1);
  return last;
}

}  // namespace

class TestDemoModel : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QVERIFY2(QFileInfo::exists(kCli), qPrintable("gemma-cli is not built: " + kCli));
    QVERIFY2(QFileInfo::exists(kModel), qPrintable(kModel + " is missing: build it with "
                                                   "/usr/bin/python3 tools/demo_model/build_demo_model.py"));
  }

  // The header as model_file.h documents it: magic, version, flags, u64 JSON length, JSON.
  void modelFileIsTheSmallInstructionTunedDemo() {
    QFile file(kModel);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY2(file.size() <= 20 * 1000 * 1000, qPrintable(QString("the demo model is %1 bytes").arg(file.size())));
    const QByteArray preamble = file.read(24);
    QCOMPARE(preamble.left(8), QByteArray("GEMMACHT"));
    const quint64 json_bytes = qFromLittleEndian<quint64>(preamble.constData() + 16);
    QVERIFY(json_bytes < quint64(file.size()));
    QJsonParseError error;
    const QJsonObject header = QJsonDocument::fromJson(file.read(qint64(json_bytes)), &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    const QJsonObject model = header["model"].toObject();
    QCOMPARE(model["name"].toString(), QString::fromUtf8("GemmaChat demo — tiny, not Gemma"));
    QVERIFY(model["instruction_tuned"].toBool());
    QCOMPARE(header["weight_type"].toString(), QString("int8"));
    QCOMPARE(header["file_size"].toInteger(), file.size());
  }

  // The held-out data itself: enough problems of both kinds, every expected result recomputed from the prompt,
  // so a wrong data file cannot pass or fail the model.
  void heldOutArithmeticIsTwoDigitAndCorrect() {
    const QList<Case> cases = ReadCases("arithmetic_heldout.tsv");
    static const QRegularExpression problem(QStringLiteral("(\\d+) ?(\\+|-|plus|minus|더하기|빼기) ?(\\d+)"));
    int additions = 0, subtractions = 0;
    for (const Case& c : cases) {
      const QRegularExpressionMatch m = problem.match(c.prompt);
      QVERIFY2(m.hasMatch(), qPrintable(c.prompt));
      const int a = m.captured(1).toInt(), b = m.captured(3).toInt();
      QVERIFY2(a >= 10 && a <= 99 && b >= 10 && b <= 99, qPrintable(c.prompt));
      const bool add = m.captured(2) == "+" || m.captured(2) == "plus" || m.captured(2) == QString::fromUtf8("더하기");
      (add ? additions : subtractions)++;
      QCOMPARE(c.expected.toInt(), add ? a + b : a - b);
    }
    QVERIFY2(additions >= 100 && subtractions >= 100,
             qPrintable(QString("%1 additions, %2 subtractions").arg(additions).arg(subtractions)));
  }

  void answersHeldOutArithmetic() {
    const QList<Case> cases = ReadCases("arithmetic_heldout.tsv");
    const QStringList replies = Replies(cases, 64);
    QCOMPARE(replies.size(), cases.size());
    int exact = 0;
    QStringList wrong;
    for (int i = 0; i < cases.size(); ++i) {
      if (ResultOf(replies[i]) == cases[i].expected) {
        ++exact;
      } else {
        wrong << QString("  %1 -> %2 (expected %3)").arg(cases[i].prompt, replies[i], cases[i].expected);
      }
    }
    const double share = double(exact) / cases.size();
    qInfo("%d of %d held-out problems exact (%.1f%%)", exact, int(cases.size()), 100 * share);
    if (!wrong.isEmpty()) qInfo("wrong:\n%s", qPrintable(wrong.mid(0, 30).join('\n')));
    QVERIFY2(share >= kRequiredArithmeticShare,
             qPrintable(QString("only %1% exact; %2% needed").arg(100 * share).arg(100 * kRequiredArithmeticShare)));
  }

  void greetsBackOnHeldOutGreetings() {
    const QList<Case> cases = ReadCases("greetings_heldout.tsv");
    int english = 0, korean = 0;
    for (const Case& c : cases) (IsKorean(c.prompt) ? korean : english)++;
    QVERIFY2(english >= 10 && korean >= 10, "the held-out greetings need both languages");
    const QStringList replies = Replies(cases, 32);
    QCOMPARE(replies.size(), cases.size());
    QStringList wrong;
    for (int i = 0; i < cases.size(); ++i) {
      if (!replies[i].contains(cases[i].expected)) {
        wrong << QString("  %1 -> %2 (should contain %3)").arg(cases[i].prompt, replies[i], cases[i].expected);
      }
    }
    QVERIFY2(wrong.isEmpty(), qPrintable(QString("%1 of %2 greetings answered wrongly:\n%3")
                                             .arg(wrong.size()).arg(cases.size()).arg(wrong.join('\n'))));
  }
};

QTEST_GUILESS_MAIN(TestDemoModel)
#include "tst_demo_model.moc"
