// ChatController: the conversation the engine is given follows Gemma's rules whatever the store holds
// (failed replies, white-space replies), and a reply's end is written to the store with its state.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "core/chat/conversation_store.h"
#include "tests/ui/fake_backend.h"
#include "ui/app_settings.h"
#include "ui/chat_controller.h"
#include "ui/engine_controller.h"

using gemma::ChatController;
using gemma::EngineController;
using gemma::MessageListModel;
using gemma::MessageState;
using gemma::Role;

class TestChatController : public QObject {
  Q_OBJECT

 private slots:
  void init() {
    fake_ = std::make_shared<gemma::testing::FakeEngine>();
    QVERIFY(dir_.isValid());
    store_ = std::make_unique<gemma::ConversationStore>();
    QVERIFY(store_->open(dir_.filePath("chat.sqlite")));
    engine_ = std::make_unique<EngineController>(fake_);
    settings_ = std::make_unique<gemma::AppSettings>(dir_.filePath("settings.ini"));
    chat_ = std::make_unique<ChatController>(store_.get(), engine_.get(), settings_.get());
    engine_->load(fake_->writeModel(dir_.path(), "tiny-it"));
    QTRY_COMPARE(engine_->state(), EngineController::Ready);
  }
  void cleanup() {
    chat_.reset();
    engine_.reset();
    store_.reset();
  }

  void AFailedReplyIsLeftOutAndTheUserTurnsJoined() {
    QVERIFY(chat_->send("first"));
    QTRY_VERIFY(!chat_->generating());
    // A reply that failed before its first token, then another message: two user messages in a row.
    const qint64 conversation = chat_->conversationId();
    MessageListModel& messages = chat_->messageList();
    const qint64 user = store_->addUserMessage(conversation, messages.lastMessageId(), "second");
    const qint64 failed = store_->beginModelMessage(conversation, user, "tiny-it");
    QVERIFY(store_->finishMessage(failed, MessageState::kError, {}, "out of memory"));
    store_->addUserMessage(conversation, failed, "third");
    QCOMPARE(messages.count(), 5);
    const auto sent = chat_->ConversationUpTo(4);
    QCOMPARE(int(sent.size()), 3);
    QCOMPARE(sent[0].role, Role::kUser);
    QCOMPARE(sent[1].role, Role::kModel);
    QCOMPARE(sent[1].text, std::string("Hello, world!"));
    QCOMPARE(sent[2].role, Role::kUser);
    QCOMPARE(sent[2].text, std::string("second\n\nthird"));
  }

  void AWhiteSpaceReplyIsStillATurn() {
    fake_->setTokens({"  ", "\n"});
    QVERIFY(chat_->send("hi"));
    QTRY_VERIFY(!chat_->generating());
    QVERIFY(chat_->send("again"));
    QTRY_VERIFY(!chat_->generating());
    const QVariantList sent = fake_->lastConversation();
    QCOMPARE(sent.size(), 3);
    QCOMPARE(sent[1].toMap().value("role").toString(), QString("model"));
  }

  void StopIsWrittenAsStoppedWithItsText() {
    fake_->setGated(true);
    fake_->setTokens({"a", "b", "c"});
    QVERIFY(chat_->send("go"));
    fake_->release(1);
    QTRY_COMPARE(chat_->lastReplyText(), QString("a"));
    chat_->stop();
    QTRY_VERIFY(!chat_->generating());
    MessageListModel& messages = chat_->messageList();
    QCOMPARE(messages.data(messages.index(1), MessageListModel::kStateRole).toString(), QString("stopped"));
    QCOMPARE(messages.data(messages.index(1), MessageListModel::kTextRole).toString(), QString("a"));
  }

  void ContextUsedFollowsTheOpenConversation() {
    QVERIFY(chat_->send("a fairly long message to take some tokens"));
    QTRY_VERIFY(!chat_->generating());
    const int used = chat_->contextUsed();
    QVERIFY(used > 0);
    chat_->newConversation();
    QCOMPARE(chat_->contextUsed(), 0);
  }

  void SendWithoutAModelSaysWhatToDo() {
    engine_->unload();
    QVERIFY(!chat_->send("hello"));
    QVERIFY(chat_->errorString().contains("No model is loaded"));
  }

 private:
  std::shared_ptr<gemma::testing::FakeEngine> fake_;
  QTemporaryDir dir_;
  std::unique_ptr<gemma::ConversationStore> store_;
  std::unique_ptr<EngineController> engine_;
  std::unique_ptr<gemma::AppSettings> settings_;
  std::unique_ptr<ChatController> chat_;
};

QTEST_GUILESS_MAIN(TestChatController)
#include "tst_chat_controller.moc"
