// make_demo_data DIR [--language en|ko] [--model-2b FILE]: a data folder for the README's screenshots. It
// holds a small model file made by the importer (random weights), optionally a link to a 2B-shaped one,
// and a few conversations written through the conversation store. The conversations are sample text
// written for the pictures, not replies of these models (whose random weights only make noise).
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <cstdio>

#include "core/chat/conversation_store.h"
#include "tests/app/gemma_chat/test_models.h"

namespace {

struct Exchange {
  const char* user;
  const char* model;
  int prompt_tokens;
  int reply_tokens;
  double tokens_per_second;
};

struct Conversation {
  const char* title;
  std::vector<Exchange> exchanges;
};

const char* kSortReplyEn = R"(Python has two built-in ways, and both are stable:

1. `sorted(items)` returns a **new** sorted list.
2. `items.sort()` sorts the list **in place** and returns `None`.

Use `key=` to sort by something other than the items themselves:

```python
people = [("Mina", 31), ("Joon", 25), ("Ara", 28)]
by_age = sorted(people, key=lambda p: p[1])
people.sort(key=lambda p: p[0], reverse=True)
```

| Call | Changes the list | Returns |
|---|---|---|
| `sorted(items)` | no | a new list |
| `items.sort()` | yes | `None` |

For large lists both run in *O(n log n)*.)";

const char* kSortReplyKo = R"(파이썬에는 기본 방법이 두 가지 있고, 둘 다 안정 정렬입니다.

1. `sorted(items)`는 정렬된 **새** 리스트를 돌려줍니다.
2. `items.sort()`는 리스트를 **그 자리에서** 정렬하고 `None`을 돌려줍니다.

항목 자체가 아닌 다른 기준으로 정렬하려면 `key=`를 쓰세요.

```python
people = [("민아", 31), ("준", 25), ("아라", 28)]
by_age = sorted(people, key=lambda p: p[1])
people.sort(key=lambda p: p[0], reverse=True)
```

| 호출 | 리스트를 바꾸나요 | 돌려주는 값 |
|---|---|---|
| `sorted(items)` | 아니요 | 새 리스트 |
| `items.sort()` | 예 | `None` |

큰 리스트에서도 둘 다 O(n log n)으로 동작합니다.)";

std::vector<Conversation> Conversations(bool korean) {
  if (korean) {
    return {
        {"주말 여행 준비물", {{"1박 2일 캠핑 준비물을 알려 주세요.", "- 텐트와 침낭\n- 랜턴\n- 버너와 가스\n- 여벌 옷", 30, 40, 18.2}}},
        {"이메일 다듬기", {{"이 문장을 더 공손하게 바꿔 주세요: 내일까지 보내요.", "내일까지 보내 주시면 감사하겠습니다.", 40, 20, 19.0}}},
        {"파이썬 리스트 정렬",
         {{"파이썬에서 리스트를 정렬하는 방법은?", kSortReplyKo, 52, 233, 17.6}}},
    };
  }
  return {
      {"Packing for a weekend trip", {{"What should I pack for two nights of camping?", "- A tent and sleeping bag\n- A lantern\n- A stove and fuel\n- Spare clothes", 30, 40, 18.2}}},
      {"Polishing an email", {{"Make this more polite: send it by tomorrow.", "Could you please send it by tomorrow? Thank you!", 40, 20, 19.0}}},
      {"Sorting a list in Python", {{"How do I sort a list in Python?", kSortReplyEn, 48, 210, 17.6}}},
  };
}

}  // namespace

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  QStringList args = app.arguments();
  if (args.size() < 2) {
    std::fprintf(stderr, "usage: make_demo_data DIR [--language en|ko] [--model-2b FILE]\n");
    return 2;
  }
  const QString dir = QDir(args[1]).absolutePath();
  const bool korean = args.contains("--language") && args.value(args.indexOf("--language") + 1) == "ko";
  const QString model_2b = args.contains("--model-2b") ? args.value(args.indexOf("--model-2b") + 1) : QString();
  QDir().mkpath(dir + "/models");

  gemma::testing::WriteSyntheticModelFile(dir + "/models/small-demo-it.gemma", gemma::testing::SmallChatConfig(),
                                          "small-demo-it");
  if (!model_2b.isEmpty()) QFile::link(QFileInfo(model_2b).absoluteFilePath(), dir + "/models/synthetic-2b-it.gemma");

  gemma::ConversationStore store;
  if (!store.open(dir + "/conversations.sqlite")) {
    std::fprintf(stderr, "make_demo_data: %s\n", qPrintable(store.errorString()));
    return 1;
  }
  for (const Conversation& c : Conversations(korean)) {
    const qint64 id = store.createConversation("gemma-2b-it");
    qint64 parent = 0;
    for (const Exchange& e : c.exchanges) {
      const qint64 user = store.addUserMessage(id, parent, QString::fromUtf8(e.user));
      const qint64 reply = store.beginModelMessage(id, user, "gemma-2b-it");
      store.appendToStreamingMessage(reply, QString::fromUtf8(e.model));
      store.finishMessage(reply, gemma::MessageState::kComplete, {e.prompt_tokens, e.reply_tokens, e.tokens_per_second});
      parent = reply;
    }
    store.renameConversation(id, QString::fromUtf8(c.title));
  }
  store.close();
  std::printf("wrote %s\n", qPrintable(dir));
  return 0;
}
