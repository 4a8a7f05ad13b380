// AppSettings: choices survive a restart (QSettings), nonsense is clamped, the generation options follow.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "ui/app_settings.h"

class TestAppSettings : public QObject {
  Q_OBJECT

 private slots:
  void SavedAndReadBack() {
    QTemporaryDir dir;
    const QString file = dir.filePath("settings.ini");
    {
      gemma::AppSettings settings(file);
      QSignalSpy changed(&settings, &gemma::AppSettings::changed);
      settings.setTemperature(0.3);
      settings.setTopK(12);
      settings.setTopP(0.8);
      settings.setMinP(0.1);
      settings.setRepetitionPenalty(1.3);
      settings.setMaxReplyTokens(300);
      settings.setSeed(42);
      settings.setSystemPrompt("Be brief.");
      settings.setContextSize(2048);
      settings.setThreads(1);
      settings.setTheme("dark");
      settings.setLanguage("ko");
      QCOMPARE(changed.count(), 12);
    }
    gemma::AppSettings again(file);
    QCOMPARE(again.temperature(), 0.3);
    QCOMPARE(again.topK(), 12);
    QCOMPARE(again.topP(), 0.8);
    QCOMPARE(again.minP(), 0.1);
    QCOMPARE(again.repetitionPenalty(), 1.3);
    QCOMPARE(again.maxReplyTokens(), 300);
    QCOMPARE(again.seed(), 42);
    QCOMPARE(again.systemPrompt(), QString("Be brief."));
    QCOMPARE(again.contextSize(), 2048);
    QCOMPARE(again.threads(), 1);
    QCOMPARE(again.theme(), QString("dark"));
    QCOMPARE(again.language(), QString("ko"));

    const gemma::GenerationOptions options = again.generationOptions();
    QCOMPARE(options.sampling.temperature, 0.3f);
    QCOMPARE(options.sampling.top_k, 12);
    QCOMPARE(options.sampling.top_p, 0.8f);
    QCOMPARE(options.sampling.min_p, 0.1f);
    QCOMPARE(options.sampling.repetition_penalty, 1.3f);
    QCOMPARE(options.sampling.seed, uint64_t(42));
    QCOMPARE(options.max_tokens, 300);
  }

  void NonsenseIsClamped() {
    QTemporaryDir dir;
    const QString file = dir.filePath("settings.ini");
    {
      QSettings raw(file, QSettings::IniFormat);
      raw.setValue("sampling/temperature", -3);
      raw.setValue("sampling/topP", 7);
      raw.setValue("engine/contextSize", 10);
      raw.setValue("ui/theme", "purple");
      raw.setValue("ui/language", "xx");
    }
    gemma::AppSettings settings(file);
    QCOMPARE(settings.temperature(), 0.0);
    QCOMPARE(settings.topP(), 1.0);
    QCOMPARE(settings.contextSize(), gemma::AppSettings::kMinContext);
    QCOMPARE(settings.theme(), QString("system"));
    QCOMPARE(settings.language(), QString());
    settings.setContextSize(100000);
    QCOMPARE(settings.contextSize(), gemma::AppSettings::kMaxContext);
  }

  void SeedZeroIsRandomPerReply() {
    QTemporaryDir dir;
    gemma::AppSettings settings(dir.filePath("settings.ini"));
    settings.setSeed(0);
    QVERIFY(settings.generationOptions().sampling.seed != settings.generationOptions().sampling.seed);
  }

  void ResetSamplingKeepsTheRest() {
    QTemporaryDir dir;
    gemma::AppSettings settings(dir.filePath("settings.ini"));
    settings.setTemperature(1.5);
    settings.setSystemPrompt("Keep me");
    settings.resetSampling();
    QCOMPARE(settings.temperature(), 0.7);
    QCOMPARE(settings.systemPrompt(), QString("Keep me"));
  }
};

QTEST_GUILESS_MAIN(TestAppSettings)
#include "tst_app_settings.moc"
