// The Qt Quick Test runner for the views (tst_*.qml here): the GemmaChat module, the Fusion style, and
// FakeEngine installed as the engine backend and exposed to the tests as GemmaChatTest.FakeEngine.
#include <QCoreApplication>
#include <QGuiApplication>
#include <QQmlEngine>
#include <QQuickStyle>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest/quicktest.h>

#include "tests/ui/fake_backend.h"
#include "tests/ui/test_helpers.h"

Q_IMPORT_QML_PLUGIN(GemmaChatPlugin)

class Setup : public QObject {
  Q_OBJECT

 public slots:
  void applicationAvailable() {
    QCoreApplication::setOrganizationName(QStringLiteral("GemmaChatTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_ui_views"));
    QQuickStyle::setStyle(QStringLiteral("Fusion"));
    engine_ = std::make_shared<gemma::testing::FakeEngine>();
    gemma::InstallBackend(engine_);
  }
  void qmlEngineAvailable(QQmlEngine* engine) {
    engine->addImportPath(QStringLiteral("qrc:/"));
    QQmlEngine::setObjectOwnership(engine_.get(), QQmlEngine::CppOwnership);
    qmlRegisterSingletonInstance("GemmaChatTest", 1, 0, "FakeEngine", engine_.get());
    qmlRegisterSingletonInstance("GemmaChatTest", 1, 0, "Helpers", &helpers_);
  }
  void cleanupTestCase() { engine_->reset(); }

 private:
  std::shared_ptr<gemma::testing::FakeEngine> engine_;
  gemma::testing::TestHelpers helpers_;
};

QUICK_TEST_MAIN_WITH_SETUP(tst_ui_views, Setup)

#include "quick_test_main.moc"
