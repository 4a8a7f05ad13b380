// Child process of tst_chat_crash: writes into a chat store the way the app does while a reply streams,
// until the test SIGKILLs it. It prints what it has done, so the test knows what must have survived:
//   question <id>          a user message committed
//   reply <id>             the streaming reply began
//   appended <length>      the reply's text (in memory) is now this long
//   side <id> <k>          a complete message committed in another conversation while streaming
// Usage: chat_crash_helper <database> <run>
#include <QCoreApplication>
#include <QTimer>
#include <cstdio>

#include "core/chat/conversation_store.h"

using gemma::ConversationStore;

namespace {

void Say(const QString& line) {
  std::fputs(qPrintable(line + QLatin1Char('\n')), stdout);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  if (argc != 3) {
    std::fprintf(stderr, "usage: chat_crash_helper <database> <run>\n");
    return 2;
  }
  const QString path = QString::fromLocal8Bit(argv[1]);
  const int run = QString::fromLocal8Bit(argv[2]).toInt();
  ConversationStore store;  // default flush interval: the app's
  if (!store.open(path)) {
    std::fprintf(stderr, "open failed: %s\n", qPrintable(store.errorString()));
    return 1;
  }
  const qint64 conversation = store.createConversation(QStringLiteral("crash-model"));
  const qint64 side = store.createConversation(QStringLiteral("crash-model"));
  const qint64 question = store.addUserMessage(conversation, 0, QStringLiteral("run %1 question").arg(run));
  if (conversation == 0 || side == 0 || question == 0) return 1;
  Say(QStringLiteral("question %1").arg(question));
  const qint64 reply = store.beginModelMessage(conversation, question, QStringLiteral("crash-model"));
  if (reply == 0) return 1;
  Say(QStringLiteral("reply %1").arg(reply));

  qsizetype length = 0;
  int token = 0;
  qint64 side_parent = 0;
  QTimer timer;
  QObject::connect(&timer, &QTimer::timeout, [&] {
    // The same stream the test recomputes: "r<run>t<k> " for k = 0, 1, ...
    const QString piece = QStringLiteral("r%1t%2 ").arg(run).arg(token);
    store.appendToStreamingMessage(reply, piece);
    length += piece.size();
    Say(QStringLiteral("appended %1").arg(length));
    if (++token % 25 == 0) {
      const int k = token / 25;
      side_parent = store.addUserMessage(side, side_parent, QStringLiteral("run %1 side %2").arg(run).arg(k));
      if (side_parent != 0) Say(QStringLiteral("side %1 %2").arg(side_parent).arg(k));
    }
  });
  timer.start(2);
  return app.exec();
}
