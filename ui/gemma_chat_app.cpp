// GemmaChatApp: options, start-up, and the screenshot run.
#include "ui/gemma_chat_app.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QImage>
#include <QQuickWindow>
#include <QTimer>
#include <cstdio>

#include "core/chat/conversation_list_model.h"
#include "ui/core_backend.h"

namespace gemma {

bool ParseAppOptions(const QStringList& args, AppOptions* options, QString* error, QString* help_text) {
  QCommandLineParser parser;
  parser.setApplicationDescription(QCoreApplication::translate(
      "main", "GemmaChat: chat with Google's Gemma 2B or 7B on this computer, offline."));
  const QCommandLineOption help = parser.addHelpOption();
  const QCommandLineOption version = parser.addVersionOption();
  const QCommandLineOption data_dir({QStringLiteral("data-dir")},
      QCoreApplication::translate("main", "Keep models, conversations and settings in DIR."), QStringLiteral("DIR"));
  const QCommandLineOption model({QStringLiteral("model")},
      QCoreApplication::translate("main", "Load this model file (or Hugging Face folder, or GGUF file) at start."),
      QStringLiteral("FILE"));
  const QCommandLineOption screenshot({QStringLiteral("screenshot")},
      QCoreApplication::translate("main", "Save a screenshot of the window to FILE once it is ready, then quit."),
      QStringLiteral("FILE"));
  const QCommandLineOption theme({QStringLiteral("theme")},
      QCoreApplication::translate("main", "Use the light or dark theme, or follow the system."),
      QStringLiteral("light|dark|system"));
  const QCommandLineOption language({QStringLiteral("language")},
      QCoreApplication::translate("main", "Use English or Korean."), QStringLiteral("en|ko"));
  const QCommandLineOption show({QStringLiteral("show")},
      QCoreApplication::translate("main", "Open the model list or the settings at start."),
      QStringLiteral("models|settings"));
  const QCommandLineOption open_latest({QStringLiteral("open-latest")},
      QCoreApplication::translate("main", "Open the newest conversation at start."));
  const QCommandLineOption size({QStringLiteral("size")},
      QCoreApplication::translate("main", "The window's size in pixels."), QStringLiteral("WIDTHxHEIGHT"));
  parser.addOptions({data_dir, model, screenshot, theme, language, show, open_latest, size});

  if (!parser.parse(args)) {
    *error = parser.errorText();
    return false;
  }
  if (parser.isSet(help)) {
    *help_text = parser.helpText();
    return true;
  }
  if (parser.isSet(version)) {
    *help_text = QCoreApplication::applicationName() + QLatin1Char(' ') + QCoreApplication::applicationVersion() +
                 QLatin1Char('\n');
    return true;
  }
  if (!parser.positionalArguments().isEmpty()) {
    *error = QCoreApplication::translate("main", "Unexpected argument: %1").arg(parser.positionalArguments().first());
    return false;
  }
  options->data_dir = parser.value(data_dir);
  options->model = parser.value(model);
  options->screenshot = parser.value(screenshot);
  options->theme = parser.value(theme);
  options->language = parser.value(language);
  options->show = parser.value(show);
  options->open_latest = parser.isSet(open_latest);
  if (!options->theme.isEmpty() && !QStringList{"light", "dark", "system"}.contains(options->theme)) {
    *error = QCoreApplication::translate("main", "--theme takes light, dark or system");
    return false;
  }
  if (!options->language.isEmpty() && !QStringList{"en", "ko"}.contains(options->language)) {
    *error = QCoreApplication::translate("main", "--language takes en or ko");
    return false;
  }
  if (!options->show.isEmpty() && !QStringList{"models", "settings"}.contains(options->show)) {
    *error = QCoreApplication::translate("main", "--show takes models or settings");
    return false;
  }
  if (parser.isSet(size)) {
    const QStringList parts = parser.value(size).split(QLatin1Char('x'));
    bool ok_w = false, ok_h = false;
    const int w = parts.size() == 2 ? parts[0].toInt(&ok_w) : 0;
    const int h = parts.size() == 2 ? parts[1].toInt(&ok_h) : 0;
    if (!ok_w || !ok_h || w < 200 || h < 200 || w > 10000 || h > 10000) {
      *error = QCoreApplication::translate("main", "--size takes WIDTHxHEIGHT, for example 1280x800");
      return false;
    }
    options->size = QSize(w, h);
  }
  return true;
}

GemmaChatApp::GemmaChatApp(QObject* parent) : QObject(parent), controller_(std::make_unique<AppController>()) {}

GemmaChatApp::~GemmaChatApp() = default;

QQuickWindow* GemmaChatApp::window() const {
  const QList<QObject*> roots = engine_.rootObjects();
  return roots.isEmpty() ? nullptr : qobject_cast<QQuickWindow*>(roots.first());
}

bool GemmaChatApp::Start(const AppOptions& options) {
  if (!InstalledBackend()) InstallBackend(std::make_shared<CoreBackend>());
  if (!options.data_dir.isEmpty()) {
    const QString dir = QDir(options.data_dir).absolutePath();
    controller_->setDataDir(dir);
    controller_->setSettingsFile(QDir(dir).filePath(QStringLiteral("settings.ini")));
  }
  controller_->SetQmlEngine(&engine_);
  if (!controller_->start()) {
    std::fprintf(stderr, "gemma-chat: cannot use the data folder %s\n", qPrintable(controller_->dataDir()));
    return false;
  }
  if (!options.theme.isEmpty()) controller_->settings()->setTheme(options.theme);
  if (!options.language.isEmpty()) controller_->settings()->setLanguage(options.language);

  engine_.addImportPath(QStringLiteral("qrc:/"));
  engine_.setInitialProperties({{QStringLiteral("app"), QVariant::fromValue(controller_.get())}});
  engine_.load(QUrl(QStringLiteral("qrc:/GemmaChat/Main.qml")));
  QQuickWindow* win = window();
  if (!win) {
    std::fprintf(stderr, "gemma-chat: the window could not be created (see the QML errors above)\n");
    return false;
  }
  if (options.size.isValid()) win->resize(options.size);

  if (options.open_latest) {
    QAbstractListModel* conversations = controller_->chat()->conversations();
    if (conversations->rowCount() > 0) {
      controller_->chat()->openConversation(conversations->index(0, 0).data(ConversationListModel::kIdRole).toLongLong());
    }
  }
  controller_->loadInitialModel(options.model);
  if (!options.show.isEmpty()) {
    // Opened once the window is up, so popups size themselves against it.
    QTimer::singleShot(0, this, [this, show = options.show] {
      QObject* item = window()->findChild<QObject*>(show == QLatin1String("models") ? QStringLiteral("modelPickerPopup")
                                                                                    : QStringLiteral("settingsDialog"));
      if (item) QMetaObject::invokeMethod(item, "open");
    });
  }
  if (!options.screenshot.isEmpty()) ScheduleScreenshot(options.screenshot);
  return true;
}

bool GemmaChatApp::SaveScreenshot(const QString& file) const {
  QQuickWindow* win = window();
  if (!win) return false;
  const QImage image = win->grabWindow();
  if (image.isNull()) return false;
  QDir().mkpath(QFileInfo(file).absolutePath());
  return image.save(file);
}

void GemmaChatApp::ScheduleScreenshot(const QString& file) {
  // Wait for the model to finish loading (or fail), then give the scene a moment to lay out and render.
  auto* poll = new QTimer(this);
  auto* waited = new QElapsedTimer;
  waited->start();
  poll->setInterval(100);
  connect(poll, &QTimer::timeout, this, [this, poll, waited, file] {
    const bool busy = controller_->engine()->state() == EngineController::Loading || controller_->importer()->busy();
    if (busy && waited->elapsed() < 120000) return;
    poll->stop();
    poll->deleteLater();
    delete waited;
    QTimer::singleShot(600, this, [this, file] {
      const bool ok = SaveScreenshot(file);
      if (ok) {
        std::printf("gemma-chat: saved %s\n", qPrintable(file));
      } else {
        std::fprintf(stderr, "gemma-chat: could not save the screenshot to %s\n", qPrintable(file));
      }
      std::fflush(stdout);
      emit screenshotDone(ok);
    });
  });
  poll->start();
}

}  // namespace gemma
