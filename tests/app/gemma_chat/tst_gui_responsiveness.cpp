// The GUI thread stays responsive while a full 2B-shaped model loads and while it streams a reply: a 10 ms
// timer on the GUI thread never waits 100 ms or more for its next tick (in one of up to three attempts:
// see below). The model (random weights, ~2.7 GB)
// is written once into a temporary folder by the importer and deleted at the end.
#include <QDir>
#include <QElapsedTimer>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QtQml/qqmlextensionplugin.h>
#include <cstdio>

#include "tests/app/gemma_chat/test_models.h"
#include "ui/gemma_chat_app.h"

Q_IMPORT_QML_PLUGIN(GemmaChatPlugin)

using gemma::EngineController;

namespace {

constexpr int kTickMs = 10;
constexpr qint64 kMaxGapMs = 100;

// The longest wait between two ticks of a kTickMs timer on the GUI thread.
class GapMeter : public QObject {
 public:
  GapMeter() {
    timer_.setInterval(kTickMs);
    timer_.setTimerType(Qt::PreciseTimer);
    connect(&timer_, &QTimer::timeout, this, [this] {
      max_gap_ = std::max(max_gap_, since_.restart());
      ++ticks_;
    });
  }
  void Start() {
    max_gap_ = 0;
    ticks_ = 0;
    since_.start();
    timer_.start();
  }
  void Stop() { timer_.stop(); }
  qint64 max_gap() const { return max_gap_; }
  int ticks() const { return ticks_; }

 private:
  QTimer timer_;
  QElapsedTimer since_;
  qint64 max_gap_ = 0;
  int ticks_ = 0;
};

}  // namespace

class TestGuiResponsiveness : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QQuickStyle::setStyle("Fusion");
    QVERIFY(data_.isValid());
    QVERIFY(QDir().mkpath(data_.filePath("models")));
    model_ = data_.filePath("models/synthetic-2b-it.gemma");
    QElapsedTimer t;
    t.start();
    // GEMMA_TEST_2B_MODEL names a 2B-shaped model file made earlier (gemma-convert --synthetic 2b), to skip
    // the minute it takes to write one when the test is run again and again.
    const QString existing = qEnvironmentVariable("GEMMA_TEST_2B_MODEL");
    if (!existing.isEmpty()) {
      QVERIFY(QFile::link(existing, model_));
    } else {
      gemma::testing::WriteSyntheticModelFile(model_, gemma::Gemma2B(), "synthetic-2b-it");
    }
    std::printf("wrote a 2B-shaped model (%.2f GB) in %.1f s\n", QFileInfo(model_).size() / 1e9, t.elapsed() / 1e3);
  }

  void GuiStaysResponsiveWhileA2BModelLoadsAndStreams() {
    gemma::GemmaChatApp app;
    gemma::AppOptions options;
    options.data_dir = data_.path();
    options.size = QSize(1000, 700);
    QVERIFY(app.Start(options));
    QVERIFY(QTest::qWaitForWindowExposed(app.window()));
    gemma::AppController& c = app.controller();
    c.settings()->setContextSize(1024);
    c.settings()->setMaxReplyTokens(12);
    c.settings()->setSeed(3);
    QTest::qWait(200);  // let the window settle before measuring

    // What this machine does to a 10 ms timer with the app idle: printed, so a failure can be read against
    // it (other programs on a shared machine can hold a core for a while too).
    GapMeter meter;
    meter.Start();
    QTest::qWait(2000);
    meter.Stop();
    const qint64 idle_gap = meter.max_gap();
    std::printf("idle: longest gap %lld ms\n", idle_gap);

    // A block of the GUI thread by the app shows in every attempt; a moment when other programs on a
    // shared machine took both cores does not. So up to three attempts, and one clean attempt passes.
    QStringList attempts;
    bool clean = false;
    for (int attempt = 1; attempt <= 3 && !clean; ++attempt) {
      c.engine()->unload();
      c.chat()->newConversation();
      QElapsedTimer load_time;
      load_time.start();
      meter.Start();
      QVERIFY2(c.models()->load(model_), qPrintable(c.models()->errorString()));
      QTRY_VERIFY_WITH_TIMEOUT(c.engine()->state() != EngineController::Loading, 300000);
      meter.Stop();
      QCOMPARE(c.engine()->state(), EngineController::Ready);
      const qint64 load_gap = meter.max_gap();
      std::printf("attempt %d: load %.2f s, %d GUI ticks, longest gap %lld ms\n", attempt,
                  load_time.elapsed() / 1e3, meter.ticks(), load_gap);

      QElapsedTimer reply_time;
      reply_time.start();
      meter.Start();
      QVERIFY(c.chat()->send("Hello, how are you?"));
      QTRY_VERIFY_WITH_TIMEOUT(!c.chat()->generating(), 600000);
      meter.Stop();
      QVERIFY2(c.chat()->errorString().isEmpty(), qPrintable(c.chat()->errorString()));
      const qint64 reply_gap = meter.max_gap();
      std::printf("attempt %d: reply %.2f s, %.1f tokens/s, %d GUI ticks, longest gap %lld ms\n", attempt,
                  reply_time.elapsed() / 1e3, c.engine()->tokensPerSecond(), meter.ticks(), reply_gap);
      attempts << QString("load %1 ms, reply %2 ms").arg(load_gap).arg(reply_gap);
      clean = load_gap < kMaxGapMs && reply_gap < kMaxGapMs;
    }
    QVERIFY2(clean, qPrintable(QString("the GUI waited 100 ms or more in every attempt (%1; idle: %2 ms)")
                                   .arg(attempts.join("; ")).arg(idle_gap)));
  }

  void cleanupTestCase() { QFile::remove(model_); }

 private:
  QTemporaryDir data_;
  QString model_;
};

QTEST_MAIN(TestGuiResponsiveness)
#include "tst_gui_responsiveness.moc"
