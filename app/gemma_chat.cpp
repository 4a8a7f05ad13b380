// gemma-chat: the desktop app. Everything but the process setup lives in ui/ (GemmaChatApp).
#include <QGuiApplication>
#include <QIcon>
#include <QQuickStyle>
#include <QtQml/qqmlextensionplugin.h>
#include <cstdio>

#include "ui/gemma_chat_app.h"

Q_IMPORT_QML_PLUGIN(GemmaChatPlugin)

int main(int argc, char** argv) {
  QGuiApplication::setOrganizationName(QStringLiteral("GemmaChat"));
  QGuiApplication::setOrganizationDomain(QStringLiteral("gemmachat.example"));
  QGuiApplication::setApplicationName(QStringLiteral("gemma-chat"));
  QGuiApplication::setApplicationDisplayName(QStringLiteral("GemmaChat"));
  QGuiApplication::setApplicationVersion(QStringLiteral(GEMMA_VERSION));
  QGuiApplication::setDesktopFileName(QStringLiteral("gemma-chat"));
  QGuiApplication app(argc, argv);
  app.setWindowIcon(QIcon(QStringLiteral(":/icons/gemma-chat.svg")));
  QQuickStyle::setStyle(QStringLiteral("Fusion"));

  gemma::AppOptions options;
  QString error, help;
  if (!gemma::ParseAppOptions(app.arguments(), &options, &error, &help)) {
    std::fprintf(stderr, "gemma-chat: %s\nTry gemma-chat --help.\n", qPrintable(error));
    return 2;
  }
  if (!help.isEmpty()) {
    std::fputs(qPrintable(help), stdout);
    return 0;
  }
  gemma::GemmaChatApp chat;
  if (!chat.Start(options)) return 1;
  if (!options.screenshot.isEmpty()) {
    QObject::connect(&chat, &gemma::GemmaChatApp::screenshotDone, &app, [](bool ok) { QCoreApplication::exit(ok ? 0 : 1); });
  }
  return app.exec();
}
