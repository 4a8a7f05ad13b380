// gemma-chat end to end, offscreen, on real model files the test makes (random weights, the real engine):
// type a message and press Enter, watch the reply arrive in the view token by token, stop one with Esc,
// switch model in the middle of the conversation, save a screenshot. Then the same executable users run,
// with --data-dir, --model and --screenshot. And the demo model that comes with the app (when it has been
// built into resources/models/): selected at the first start, it answers "What is 12 + 30?" with 42.
#include <QDir>
#include <QImage>
#include <QProcess>
#include <QQmlProperty>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>
#include <set>

#include "core/chat/message_list_model.h"
#include "core/model/model_file.h"
#include "tests/app/gemma_chat/test_models.h"
#include "tests/support/model_file_v1.h"
#include "ui/gemma_chat_app.h"
#include "ui/import_controller.h"
#include "ui/model_manager.h"

Q_IMPORT_QML_PLUGIN(GemmaChatPlugin)

using gemma::EngineController;
using gemma::MessageListModel;

namespace {

// Records every value a QML property takes.
class PropertyRecorder : public QObject {
  Q_OBJECT

 public:
  PropertyRecorder(QObject* object, const char* name) : property_(object, QString::fromLatin1(name)) {
    values_ << property_.read().toString();
    property_.connectNotifySignal(this, SLOT(Record()));
  }
  const QStringList& values() const { return values_; }

 public slots:
  void Record() { values_ << property_.read().toString(); }

 private:
  QQmlProperty property_;
  QStringList values_;
};

QQuickItem* FindItem(QQuickWindow* window, const char* name) {
  // QML items hang under the window or its content item, depending on how they were declared.
  if (auto* item = window->contentItem()->findChild<QQuickItem*>(QString::fromLatin1(name))) return item;
  return window->findChild<QQuickItem*>(QString::fromLatin1(name));
}

QQuickItem* ItemAtIndex(QQuickItem* list, int row) {
  QQuickItem* item = nullptr;
  QMetaObject::invokeMethod(list, "itemAtIndex", Q_RETURN_ARG(QQuickItem*, item), Q_ARG(int, row));
  return item;
}

// Types text into the window's focused item, one key at a time (QTest::keyClicks is for widgets only).
void Type(QQuickWindow* window, const char* text) {
  for (const char* c = text; *c; ++c) QTest::keyClick(window, *c);
}

QVariant Role(MessageListModel& model, int row, MessageListModel::Role role) {
  return model.data(model.index(row), role);
}

// The demo model as the build copies it for build/app/gemma-chat (app/gemma_chat.cmake), or empty.
QString DemoModelFile() {
  const QFileInfoList files = QDir(GEMMA_BUNDLED_MODELS_DIR).entryInfoList({"*.gemma"}, QDir::Files, QDir::Name);
  return files.isEmpty() ? QString() : files.first().absoluteFilePath();
}

QString OutputPath(const QString& file) {
  const QString dir = qEnvironmentVariable("GEMMA_TEST_OUTPUT", QDir::tempPath());
  QDir().mkpath(dir);
  return QDir(dir).filePath(file);
}

}  // namespace

// Types `text` into the composer of a conversation with no messages yet and presses Enter, then waits until the
// reply has finished streaming; *shown gets every text the reply's view displayed on the way.
void SendFirstMessageAndWatchReply(QQuickWindow* window, gemma::AppController& c, const char* text,
                                   QStringList* shown) {
  MessageListModel& messages = c.chat()->messageList();
  QQuickItem* input = FindItem(window, "composerInput");
  QVERIFY(input);
  input->forceActiveFocus();
  Type(window, text);
  QTest::keyClick(window, Qt::Key_Return);
  QTRY_COMPARE(messages.count(), 2);
  QCOMPARE(Role(messages, 0, MessageListModel::kTextRole).toString(), QString::fromUtf8(text));
  QQuickItem* list = FindItem(window, "messageList");
  QVERIFY(list);
  QQuickItem* reply = nullptr;
  QTRY_VERIFY((reply = ItemAtIndex(list, 1)) != nullptr);
  QObject* reply_view = reply->findChild<QObject*>("replyView");
  QVERIFY(reply_view);
  PropertyRecorder recorder(reply_view, "text");
  QTRY_VERIFY_WITH_TIMEOUT(!c.chat()->generating(), 60000);
  *shown = recorder.values();
}

class TestGemmaChatE2e : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QVERIFY(data_.isValid());
    models_ = data_.filePath("models");
    QVERIFY(QDir().mkpath(models_));
    gemma::testing::WriteSyntheticModelFile(models_ + "/small-a-it.gemma", gemma::testing::SmallChatConfig(),
                                            "small-a-it", 1);
    gemma::testing::WriteSyntheticModelFile(models_ + "/small-b-it.gemma", gemma::testing::SmallChatConfig(),
                                            "small-b-it", 2);
  }

  void ChatStreamStopSwitchAndScreenshot() {
    gemma::GemmaChatApp app;
    gemma::AppOptions options;
    options.data_dir = data_.path();
    options.model = models_ + "/small-a-it.gemma";
    options.size = QSize(1100, 760);
    options.language = "en";
    QVERIFY(app.Start(options));
    gemma::AppController& c = app.controller();
    c.settings()->setSeed(7);  // reproducible replies
    c.settings()->setMaxReplyTokens(24);
    QTRY_COMPARE_WITH_TIMEOUT(c.engine()->state(), EngineController::Ready, 60000);
    QCOMPARE(c.engine()->modelName(), QString("small-a-it"));
    QQuickWindow* window = app.window();
    QVERIFY(window);
    QVERIFY(QTest::qWaitForWindowExposed(window));
    MessageListModel& messages = c.chat()->messageList();
    QSignalSpy outcomes(c.engine(), &EngineController::replyFinished);
    auto last_outcome = [&] { return outcomes.last().at(0).value<gemma::ReplyOutcome>(); };

    // 1. Type and press Enter; the reply streams into the view token by token.
    QStringList shown;
    SendFirstMessageAndWatchReply(window, c, "Hello Gemma", &shown);
    if (QTest::currentTestFailed()) return;
    const QString final_text = Role(messages, 1, MessageListModel::kTextRole).toString();
    QVERIFY2(!final_text.isEmpty(), "the model replied");
    QCOMPARE(shown.last(), final_text);
    std::set<QString> distinct(shown.begin(), shown.end());
    distinct.erase(QString());
    QVERIFY2(distinct.size() >= 3, qPrintable(QString("the view showed %1 states of the reply: %2")
                                                  .arg(distinct.size()).arg(shown.join(" | "))));
    for (int i = 1; i < shown.size(); ++i) {
      QVERIFY2(shown[i].startsWith(shown[i - 1]), "the reply only grows while it streams");
    }
    QTRY_COMPARE(outcomes.count(), 1);
    QVERIFY(last_outcome().generated_tokens > 0);
    QVERIFY(c.engine()->contextUsed() > 0);

    // 2. A long reply, stopped with Esc soon after it starts.
    c.settings()->setMaxReplyTokens(3000);
    QQuickItem* input = FindItem(window, "composerInput");
    QVERIFY(input);
    input->forceActiveFocus();
    Type(window, "Tell me more");
    QTest::keyClick(window, Qt::Key_Return);
    QTRY_COMPARE(messages.count(), 4);
    QTRY_VERIFY_WITH_TIMEOUT(Role(messages, 3, MessageListModel::kTextRole).toString().size() > 0, 60000);
    QVERIFY(c.chat()->generating());
    QTest::keyClick(window, Qt::Key_Escape);
    QTRY_VERIFY_WITH_TIMEOUT(!c.chat()->generating(), 10000);
    QCOMPARE(Role(messages, 3, MessageListModel::kStateRole).toString(), QString("stopped"));
    const qint64 stopped_tokens = Role(messages, 3, MessageListModel::kReplyTokensRole).toLongLong();
    QVERIFY2(stopped_tokens < 3000, qPrintable(QString("stopped after %1 tokens").arg(stopped_tokens)));
    QTRY_COMPARE(outcomes.count(), 2);
    QCOMPARE(last_outcome().stop, gemma::StopReason::kCancelled);
    // The same model's second turn reused the first turn's cache.
    QVERIFY2(last_outcome().reused_tokens > 0, "the second turn reused the cached conversation");

    // 3. Switch model mid-conversation: the next reply is the new model's, over the whole conversation.
    QVERIFY(c.models()->load(models_ + "/small-b-it.gemma"));
    QTRY_COMPARE_WITH_TIMEOUT(c.engine()->modelName(), QString("small-b-it"), 60000);
    QTRY_COMPARE(c.engine()->state(), EngineController::Ready);
    c.settings()->setMaxReplyTokens(16);
    input->forceActiveFocus();
    Type(window, "And you?");
    QTest::keyClick(window, Qt::Key_Return);
    QTRY_COMPARE(messages.count(), 6);
    QTRY_VERIFY_WITH_TIMEOUT(!c.chat()->generating(), 60000);
    QCOMPARE(Role(messages, 5, MessageListModel::kModelRole).toString(), QString("small-b-it"));
    QCOMPARE(Role(messages, 5, MessageListModel::kStateRole).toString(), QString("complete"));
    QTRY_COMPARE(outcomes.count(), 3);
    // Nothing of the old model's cache could be reused: the new one read the whole conversation, exactly
    // as Gemma's template writes it.
    const gemma::ReplyOutcome switched = last_outcome();
    QCOMPARE(switched.reused_tokens, 0);
    const std::vector<gemma::ChatMessage> conversation = c.chat()->ConversationUpTo(4);
    QCOMPARE(int(conversation.size()), 5);
    const auto model_b = gemma::OpenModelFile((models_ + "/small-b-it.gemma").toStdString());
    QCOMPARE(switched.prompt_tokens, int(gemma::ApplyChatTemplate(model_b->tokenizer(), conversation).size()));

    // 4. A screenshot of the window, as --screenshot takes it.
    QTest::qWait(300);
    const QString file = OutputPath("gemma-chat-e2e.png");
    QVERIFY(app.SaveScreenshot(file));
    const QImage image(file);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 1000 && image.height() >= 700);
    std::set<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7) {
      for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
    }
    QVERIFY2(colours.size() > 20, "the screenshot shows the window, not a blank surface");
  }

  void ExecutableTakesAScreenshot() {
    // The installed program, as a user or a script runs it.
    QTemporaryDir data;
    QVERIFY(QDir().mkpath(data.filePath("models")));
    QVERIFY(QFile::copy(models_ + "/small-a-it.gemma", data.filePath("models/small-a-it.gemma")));
    const QString file = OutputPath("gemma-chat-executable.png");
    QFile::remove(file);
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(GEMMA_CHAT_PATH, {"--data-dir", data.path(), "--model", data.filePath("models/small-a-it.gemma"),
                                    "--size", "1000x700", "--screenshot", file});
    QVERIFY(process.waitForFinished(120000));
    const QString output = QString::fromUtf8(process.readAll());
    QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0, qPrintable(output));
    const QImage image(file);
    QVERIFY2(!image.isNull(), qPrintable(output));
    QCOMPARE(image.size(), QSize(1000, 700));
  }

  // A model file an earlier GemmaChat made (format 1) stays in the list, marked unusable with how to convert
  // it, instead of vanishing or failing only when loaded; importing that file converts it into a usable one.
  void OldModelFileIsListedWithHowToConvertItAndImportConvertsIt() {
    QTemporaryDir data;
    QVERIFY(QDir().mkpath(data.filePath("models")));
    const QString current = data.filePath("current.gemma"), old = data.filePath("models/old-it.gemma");
    gemma::testing::WriteTinyModelFile(current, gemma::testing::Attention::kMultiQuery, "old-it");
    gemma::testing::WriteAsModelFileVersion1(current.toStdString(), old.toStdString());
    gemma::GemmaChatApp app;
    gemma::AppOptions options;
    options.data_dir = data.path();
    options.size = QSize(1000, 700);
    options.language = "en";
    QVERIFY(app.Start(options));
    gemma::AppController& c = app.controller();
    gemma::ModelManager& models = *c.models();
    const int row = models.indexOf(old);
    QVERIFY(row >= 0);
    const QModelIndex index = models.index(row);
    QVERIFY(models.data(index, gemma::ModelManager::DamagedRole).toBool());
    const QString problem = models.data(index, gemma::ModelManager::ProblemRole).toString();
    QVERIFY2(problem.contains("made by an earlier GemmaChat") && problem.contains("gemma-convert"), qPrintable(problem));
    QVERIFY(!models.load(old));
    QVERIFY2(models.errorString().contains("gemma-convert"), qPrintable(models.errorString()));

    QVERIFY(c.importer()->start(old));
    QTRY_COMPARE_WITH_TIMEOUT(c.importer()->state(), gemma::ImportController::Succeeded, 60000);
    const QString converted = c.importer()->destinationPath();
    QCOMPARE(converted, data.filePath("models/old-it-2.gemma"));
    QCOMPARE(gemma::ReadModelFileHeader(converted.toStdString()).format_version, gemma::kModelFileVersion);
    QTRY_VERIFY(models.indexOf(converted) >= 0);
    QVERIFY(!models.data(models.index(models.indexOf(converted)), gemma::ModelManager::DamagedRole).toBool());
    QCOMPARE(models.data(models.index(models.indexOf(converted)), gemma::ModelManager::NameRole).toString(),
             QString("old-it"));
    QVERIFY(models.load(converted));
    QTRY_COMPARE_WITH_TIMEOUT(c.engine()->state(), EngineController::Ready, 60000);
    QCOMPARE(c.engine()->modelName(), QString("old-it"));
  }

  void DemoModelIsReadyAtFirstStartAndAdds() {
    const QString demo = DemoModelFile();
    if (demo.isEmpty()) QSKIP("no demo model in resources/models/ (tools/demo_model builds it)");
    QTemporaryDir data;  // a first start: nothing imported, no model chosen before
    gemma::GemmaChatApp app;
    app.controller().setBundledModelDirs({GEMMA_BUNDLED_MODELS_DIR});
    gemma::AppOptions options;
    options.data_dir = data.path();
    options.size = QSize(1100, 760);
    options.language = "en";
    QVERIFY(app.Start(options));
    gemma::AppController& c = app.controller();
    c.settings()->setTemperature(0);  // greedy: the demo's answer, not a sample around it
    c.settings()->setMaxReplyTokens(96);
    QCOMPARE(c.models()->importedCount(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(c.engine()->state(), EngineController::Ready, 60000);
    QCOMPARE(c.engine()->modelPath(), demo);
    QVERIFY(c.models()->isBundled(demo));
    QVERIFY2(c.engine()->modelName().contains("not Gemma"), qPrintable(c.engine()->modelName()));
    QQuickWindow* window = app.window();
    QVERIFY(window);
    QVERIFY(QTest::qWaitForWindowExposed(window));
    // The new chat still says how to get Gemma, and what the demo is.
    QQuickItem* welcome = FindItem(window, "welcomeView");
    QVERIFY(welcome);
    QTRY_VERIFY(welcome->isVisible());
    QQuickItem* note = FindItem(window, "welcomeDemoNote");
    QVERIFY(note);
    QVERIFY(note->isVisible());
    QVERIFY(QQmlProperty::read(note, "text").toString().contains("not Gemma"));

    MessageListModel& messages = c.chat()->messageList();
    QStringList shown;
    SendFirstMessageAndWatchReply(window, c, "What is 12 + 30?", &shown);
    if (QTest::currentTestFailed()) return;
    QVERIFY(!welcome->isVisible());
    const QString answer = Role(messages, 1, MessageListModel::kTextRole).toString();
    QCOMPARE(Role(messages, 1, MessageListModel::kStateRole).toString(), QString("complete"));
    qInfo("the demo answered: %s", qPrintable(answer));
    QVERIFY2(answer.contains("42"), qPrintable("the demo answered: " + answer));
    QCOMPARE(shown.last(), answer);
    std::set<QString> distinct(shown.begin(), shown.end());
    distinct.erase(QString());
    QVERIFY2(distinct.size() >= 2, qPrintable("the reply streamed: " + shown.join(" | ")));
  }

  void ExecutableStartsWithTheDemoModel() {
    // build/app/gemma-chat finds the copy the build makes in build/share/gemma-chat/models by itself.
    const QString demo = DemoModelFile();
    if (demo.isEmpty()) QSKIP("no demo model in resources/models/ (tools/demo_model builds it)");
    QTemporaryDir data;
    const QString file = OutputPath("gemma-chat-demo.png");
    QFile::remove(file);
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(GEMMA_CHAT_PATH, {"--data-dir", data.path(), "--size", "1000x700", "--screenshot", file});
    QVERIFY(process.waitForFinished(120000));
    const QString output = QString::fromUtf8(process.readAll());
    QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0, qPrintable(output));
    QVERIFY2(!QImage(file).isNull(), qPrintable(output));
    // It loaded the demo (a load that succeeded is remembered as the last model) and wrote nothing beside it.
    QSettings settings(data.filePath("settings.ini"), QSettings::IniFormat);
    QCOMPARE(settings.value("engine/lastModel").toString(), demo);
    QVERIFY(QDir(data.filePath("models")).entryList(QDir::Files).isEmpty());
  }

  void ExecutableRejectsBadOptions() {
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("LANGUAGE", "en");
    env.insert("LC_ALL", "C");
    process.setProcessEnvironment(env);
    process.start(GEMMA_CHAT_PATH, {"--theme", "purple"});
    QVERIFY(process.waitForFinished(30000));
    QCOMPARE(process.exitCode(), 2);
    QVERIFY(QString::fromUtf8(process.readAllStandardError()).contains("--theme takes light, dark or system"));
  }

 private:
  QTemporaryDir data_;
  QString models_;
};

QTEST_MAIN(TestGemmaChatE2e)
#include "tst_gemma_chat_e2e.moc"
