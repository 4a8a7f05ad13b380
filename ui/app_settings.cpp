// AppSettings: typed, clamped access to QSettings.
#include "ui/app_settings.h"

#include <QRandomGenerator>
#include <QThread>
#include <algorithm>

namespace gemma {
namespace {

constexpr double kDefaultTemperature = 0.7;
constexpr int kDefaultTopK = 40;
constexpr double kDefaultTopP = 0.95;
constexpr double kDefaultMinP = 0.05;
constexpr double kDefaultRepetitionPenalty = 1.1;
constexpr int kDefaultMaxReply = 1024;

}  // namespace

AppSettings::AppSettings(const QString& file, QObject* parent)
    : QObject(parent),
      settings_(file.isEmpty() ? std::make_unique<QSettings>() : std::make_unique<QSettings>(file, QSettings::IniFormat)) {}

QVariant AppSettings::Get(const char* key, const QVariant& fallback) const {
  return settings_->value(QLatin1String(key), fallback);
}

void AppSettings::Set(const char* key, const QVariant& value) {
  if (settings_->value(QLatin1String(key)) == value) return;
  settings_->setValue(QLatin1String(key), value);
  settings_->sync();
  emit changed();
}

double AppSettings::temperature() const {
  return std::clamp(Get("sampling/temperature", kDefaultTemperature).toDouble(), 0.0, 2.0);
}
void AppSettings::setTemperature(double v) { Set("sampling/temperature", std::clamp(v, 0.0, 2.0)); }

int AppSettings::topK() const { return std::clamp(Get("sampling/topK", kDefaultTopK).toInt(), 0, 1000); }
void AppSettings::setTopK(int v) { Set("sampling/topK", std::clamp(v, 0, 1000)); }

double AppSettings::topP() const { return std::clamp(Get("sampling/topP", kDefaultTopP).toDouble(), 0.01, 1.0); }
void AppSettings::setTopP(double v) { Set("sampling/topP", std::clamp(v, 0.01, 1.0)); }

double AppSettings::minP() const { return std::clamp(Get("sampling/minP", kDefaultMinP).toDouble(), 0.0, 1.0); }
void AppSettings::setMinP(double v) { Set("sampling/minP", std::clamp(v, 0.0, 1.0)); }

double AppSettings::repetitionPenalty() const {
  return std::clamp(Get("sampling/repetitionPenalty", kDefaultRepetitionPenalty).toDouble(), 1.0, 2.0);
}
void AppSettings::setRepetitionPenalty(double v) { Set("sampling/repetitionPenalty", std::clamp(v, 1.0, 2.0)); }

int AppSettings::maxReplyTokens() const {
  return std::clamp(Get("sampling/maxReplyTokens", kDefaultMaxReply).toInt(), 1, kMaxContext);
}
void AppSettings::setMaxReplyTokens(int v) { Set("sampling/maxReplyTokens", std::clamp(v, 1, kMaxContext)); }

int AppSettings::seed() const { return std::max(0, Get("sampling/seed", 0).toInt()); }
void AppSettings::setSeed(int v) { Set("sampling/seed", std::max(0, v)); }

bool AppSettings::suggestTitles() const { return Get("chat/suggestTitles", true).toBool(); }
void AppSettings::setSuggestTitles(bool v) { Set("chat/suggestTitles", v); }

QString AppSettings::systemPrompt() const { return Get("chat/systemPrompt", QString()).toString(); }
void AppSettings::setSystemPrompt(const QString& v) { Set("chat/systemPrompt", v); }

int AppSettings::contextSize() const {
  return std::clamp(Get("engine/contextSize", kDefaultContext).toInt(), kMinContext, kMaxContext);
}
void AppSettings::setContextSize(int v) { Set("engine/contextSize", std::clamp(v, kMinContext, kMaxContext)); }

int AppSettings::threads() const { return std::clamp(Get("engine/threads", 0).toInt(), 0, maxThreads()); }
void AppSettings::setThreads(int v) { Set("engine/threads", std::clamp(v, 0, maxThreads())); }
int AppSettings::maxThreads() const { return std::max(1, QThread::idealThreadCount()); }

QString AppSettings::theme() const {
  const QString v = Get("ui/theme", QStringLiteral("system")).toString();
  return v == QLatin1String("light") || v == QLatin1String("dark") ? v : QStringLiteral("system");
}
void AppSettings::setTheme(const QString& v) {
  Set("ui/theme", v == QLatin1String("light") || v == QLatin1String("dark") ? v : QStringLiteral("system"));
}

QString AppSettings::language() const {
  const QString v = Get("ui/language", QString()).toString();
  return v == QLatin1String("en") || v == QLatin1String("ko") ? v : QString();
}
void AppSettings::setLanguage(const QString& v) {
  const QString value = v == QLatin1String("en") || v == QLatin1String("ko") ? v : QString();
  if (value == language()) return;
  Set("ui/language", value);
  emit languageChanged();
}

QString AppSettings::lastModel() const { return Get("engine/lastModel", QString()).toString(); }
void AppSettings::setLastModel(const QString& v) { Set("engine/lastModel", v); }

void AppSettings::resetSampling() {
  for (const char* key : {"sampling/temperature", "sampling/topK", "sampling/topP", "sampling/minP",
                          "sampling/repetitionPenalty", "sampling/maxReplyTokens", "sampling/seed"}) {
    settings_->remove(QLatin1String(key));
  }
  settings_->sync();
  emit changed();
}

GenerationOptions AppSettings::generationOptions() const {
  GenerationOptions options;
  options.sampling.temperature = float(temperature());
  options.sampling.top_k = topK();
  options.sampling.top_p = float(topP());
  options.sampling.min_p = float(minP());
  options.sampling.repetition_penalty = float(repetitionPenalty());
  options.sampling.seed = seed() != 0 ? uint64_t(seed()) : QRandomGenerator::global()->generate64();
  options.max_tokens = maxReplyTokens();
  return options;
}

}  // namespace gemma
