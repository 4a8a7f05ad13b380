// AppSettings: the user's choices, saved with QSettings as soon as they change. Sampling values are checked
// and clamped here, so a hand-edited settings file cannot feed the engine nonsense.
#pragma once

#include <QObject>
#include <QSettings>
#include <QtQml/qqmlregistration.h>
#include <memory>

#include "core/engine/session.h"

namespace gemma {

class AppSettings : public QObject {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("AppController owns the settings")
  Q_PROPERTY(double temperature READ temperature WRITE setTemperature NOTIFY changed)
  Q_PROPERTY(int topK READ topK WRITE setTopK NOTIFY changed)
  Q_PROPERTY(double topP READ topP WRITE setTopP NOTIFY changed)
  Q_PROPERTY(double minP READ minP WRITE setMinP NOTIFY changed)
  Q_PROPERTY(double repetitionPenalty READ repetitionPenalty WRITE setRepetitionPenalty NOTIFY changed)
  Q_PROPERTY(int maxReplyTokens READ maxReplyTokens WRITE setMaxReplyTokens NOTIFY changed)
  // 0: a new random seed for every reply; otherwise replies are reproducible.
  Q_PROPERTY(int seed READ seed WRITE setSeed NOTIFY changed)
  Q_PROPERTY(QString systemPrompt READ systemPrompt WRITE setSystemPrompt NOTIFY changed)
  Q_PROPERTY(int contextSize READ contextSize WRITE setContextSize NOTIFY changed)
  // 0: every core.
  Q_PROPERTY(int threads READ threads WRITE setThreads NOTIFY changed)
  Q_PROPERTY(int maxThreads READ maxThreads CONSTANT)
  // "system", "light" or "dark".
  Q_PROPERTY(QString theme READ theme WRITE setTheme NOTIFY changed)
  // "" (the system's), "en" or "ko".
  Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY languageChanged)
  Q_PROPERTY(QString lastModel READ lastModel WRITE setLastModel NOTIFY changed)
  // After a conversation's first reply, ask the model for a short title (replacing the one made from the
  // first message, never one typed by the user). On by default.
  Q_PROPERTY(bool suggestTitles READ suggestTitles WRITE setSuggestTitles NOTIFY changed)

 public:
  static constexpr int kMinContext = 256;
  static constexpr int kDefaultContext = 4096;
  static constexpr int kMaxContext = 8192;

  // file empty: the platform's usual place (QSettings' default); otherwise an INI file there.
  explicit AppSettings(const QString& file = QString(), QObject* parent = nullptr);

  double temperature() const;
  void setTemperature(double value);
  int topK() const;
  void setTopK(int value);
  double topP() const;
  void setTopP(double value);
  double minP() const;
  void setMinP(double value);
  double repetitionPenalty() const;
  void setRepetitionPenalty(double value);
  int maxReplyTokens() const;
  void setMaxReplyTokens(int value);
  int seed() const;
  void setSeed(int value);
  QString systemPrompt() const;
  void setSystemPrompt(const QString& value);
  int contextSize() const;
  void setContextSize(int value);
  int threads() const;
  void setThreads(int value);
  int maxThreads() const;
  QString theme() const;
  void setTheme(const QString& value);
  QString language() const;
  void setLanguage(const QString& value);
  QString lastModel() const;
  void setLastModel(const QString& value);
  bool suggestTitles() const;
  void setSuggestTitles(bool value);

  Q_INVOKABLE void resetSampling();
  // The generation options these settings describe (a fresh random seed when seed is 0).
  GenerationOptions generationOptions() const;
  QString fileName() const { return settings_->fileName(); }

 signals:
  void changed();
  void languageChanged();

 private:
  QVariant Get(const char* key, const QVariant& fallback) const;
  void Set(const char* key, const QVariant& value);

  std::unique_ptr<QSettings> settings_;
};

}  // namespace gemma
