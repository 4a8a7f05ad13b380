// The desktop app as an object: command-line options, the AppController, the QML engine and the window,
// and the --screenshot run. app/gemma_chat.cpp is a thin main around it; the end-to-end test drives the
// same object, so what it tests is what users run.
#pragma once

#include <QObject>
#include <QPointer>
#include <QQmlApplicationEngine>
#include <QSize>
#include <QStringList>
#include <memory>

#include "ui/app_controller.h"

class QQuickWindow;

namespace gemma {

struct AppOptions {
  QString data_dir;     // empty: QStandardPaths::AppDataLocation (and the usual settings place)
  QString model;        // a model file (or checkpoint) to load at start; empty: the one used last
  QString screenshot;   // save the window here once it has settled, then quit
  QString theme;        // "light", "dark", "system": saved in the settings like a choice in Settings
  QString language;     // "en", "ko"
  QString show;         // "models" or "settings": open that on start (for screenshots)
  bool open_latest = false;  // open the newest conversation
  QSize size;           // window size; empty: the default
};

// Parses the app's arguments (args[0] is the program). On a bad option returns false with *error set;
// --help and --version are left to the caller through *help_text.
bool ParseAppOptions(const QStringList& args, AppOptions* options, QString* error, QString* help_text);

class GemmaChatApp : public QObject {
  Q_OBJECT

 public:
  explicit GemmaChatApp(QObject* parent = nullptr);
  ~GemmaChatApp() override;

  // Installs CoreBackend if no backend is installed, starts the controller, loads Main.qml and the first
  // model. Returns false (after printing why) if the window could not be made.
  bool Start(const AppOptions& options);

  AppController& controller() { return *controller_; }
  QQmlApplicationEngine& engine() { return engine_; }
  QQuickWindow* window() const;

  // Saves the window's contents (QQuickWindow::grabWindow) as an image; false if that failed.
  bool SaveScreenshot(const QString& file) const;

 signals:
  // --screenshot: emitted after the file was written (ok) or could not be (not ok).
  void screenshotDone(bool ok);

 private:
  void ScheduleScreenshot(const QString& file);

  // The controller outlives the engine's objects, which bind to it; so it is declared first.
  std::unique_ptr<AppController> controller_;
  QQmlApplicationEngine engine_;
};

}  // namespace gemma
