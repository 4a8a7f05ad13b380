// SplitMarkdown: prose and fenced code blocks, as replies (and replies still streaming) contain them.
#include <QTest>

#include "ui/markdown_segments.h"

using gemma::MarkdownSegment;
using gemma::SplitMarkdown;
using Kind = gemma::MarkdownSegment::Kind;

class TestMarkdownSegments : public QObject {
  Q_OBJECT

 private slots:
  void PlainProseIsOneTextSegment() {
    const auto s = SplitMarkdown("# Title\n\nSome *text*.\n\n- a\n- b\n\n| x | y |\n|---|---|\n| 1 | 2 |");
    QCOMPARE(s.size(), 1);
    QCOMPARE(s[0].kind, Kind::kText);
    QVERIFY(s[0].text.startsWith("# Title"));
    QVERIFY(s[0].text.endsWith("| 1 | 2 |"));
  }

  void EmptyTextHasNoSegments() {
    QCOMPARE(SplitMarkdown("").size(), 0);
    QCOMPARE(SplitMarkdown("  \n\n ").size(), 0);
  }

  void CodeBlockBetweenProse() {
    const auto s = SplitMarkdown("Before:\n\n```python\nprint('hi')\n\nx = 1\n```\nAfter.");
    QCOMPARE(s.size(), 3);
    QCOMPARE(s[0].kind, Kind::kText);
    QCOMPARE(s[0].text, QString("Before:\n"));
    QCOMPARE(s[1].kind, Kind::kCode);
    QCOMPARE(s[1].language, QString("python"));
    QCOMPARE(s[1].text, QString("print('hi')\n\nx = 1"));  // inner blank line kept
    QVERIFY(s[1].closed);
    QCOMPARE(s[2].kind, Kind::kText);
    QCOMPARE(s[2].text, QString("After."));
  }

  void InfoStringTakesTheFirstWord() {
    const auto s = SplitMarkdown("```cpp title=main.cpp\nint main() {}\n```");
    QCOMPARE(s.size(), 1);
    QCOMPARE(s[0].language, QString("cpp"));
  }

  void NoLanguage() {
    const auto s = SplitMarkdown("```\nls -l\n```");
    QCOMPARE(s.size(), 1);
    QCOMPARE(s[0].kind, Kind::kCode);
    QCOMPARE(s[0].language, QString());
    QCOMPARE(s[0].text, QString("ls -l"));
  }

  void UnclosedFenceIsCodeToTheEnd() {
    // As a reply streams, the closing fence has not arrived yet.
    const auto s = SplitMarkdown("Here:\n```js\nconst a = 1;\nconst b");
    QCOMPARE(s.size(), 2);
    QCOMPARE(s[1].kind, Kind::kCode);
    QCOMPARE(s[1].text, QString("const a = 1;\nconst b"));
    QVERIFY(!s[1].closed);
  }

  void UnclosedFenceRightAfterOpening() {
    const auto s = SplitMarkdown("```python\n");
    QCOMPARE(s.size(), 1);
    QCOMPARE(s[0].kind, Kind::kCode);
    QCOMPARE(s[0].text, QString());
    QVERIFY(!s[0].closed);
  }

  void TildeFencesAndLongerFences() {
    const auto s = SplitMarkdown("~~~~\n```\nnot a close\n~~~\n~~~~~\nend");
    QCOMPARE(s.size(), 2);
    QCOMPARE(s[0].kind, Kind::kCode);
    // A shorter fence (~~~) and a different character (```) do not close a ~~~~ block.
    QCOMPARE(s[0].text, QString("```\nnot a close\n~~~"));
    QCOMPARE(s[1].text, QString("end"));
  }

  void IndentedFenceInAListItem() {
    const auto s = SplitMarkdown("1. Install:\n   ```sh\n   pip install x\n     --upgrade\n   ```\n2. Done");
    QCOMPARE(s.size(), 3);
    QCOMPARE(s[1].kind, Kind::kCode);
    QCOMPARE(s[1].language, QString("sh"));
    QCOMPARE(s[1].text, QString("pip install x\n  --upgrade"));  // only the fence's indentation removed
  }

  void InlineBackticksAreNotFences() {
    const auto s = SplitMarkdown("Use ``x`` and `y`, and ``` inline ``` too.");
    QCOMPARE(s.size(), 1);
    QCOMPARE(s[0].kind, Kind::kText);
  }

  void BacktickFenceWithBacktickInInfoIsNotAFence() {
    const auto s = SplitMarkdown("``` a`b\ntext");
    QCOMPARE(s.size(), 1);
    QCOMPARE(s[0].kind, Kind::kText);
  }

  void CrLfIsTreatedAsLf() {
    const auto s = SplitMarkdown("a\r\n```c\r\nint x;\r\n```\r\nb");
    QCOMPARE(s.size(), 3);
    QCOMPARE(s[1].text, QString("int x;"));
  }

  void TwoCodeBlocksBackToBack() {
    const auto s = SplitMarkdown("```a\n1\n```\n```b\n2\n```");
    QCOMPARE(s.size(), 2);
    QCOMPARE(s[0].language, QString("a"));
    QCOMPARE(s[1].language, QString("b"));
    QCOMPARE(s[1].text, QString("2"));
  }

  void GrowingTextOnlyChangesTheTail() {
    // Each prefix of a reply splits into segments whose all-but-last are final: what the view relies on
    // to re-render only the last segment while streaming.
    const QString reply = "Intro line.\n\n```py\nx = 1\ny = 2\n```\n\nOutro *done*.";
    QList<MarkdownSegment> previous;
    for (int n = 1; n <= reply.size(); ++n) {
      const auto now = SplitMarkdown(reply.left(n));
      for (int i = 0; i + 1 < int(previous.size()) && i < int(now.size()); ++i) {
        QCOMPARE(now[i].kind, previous[i].kind);
      }
      QVERIFY(now.size() >= previous.size() - 1);
      previous = now;
    }
    QCOMPARE(previous.size(), 3);
  }
};

QTEST_APPLESS_MAIN(TestMarkdownSegments)
#include "tst_markdown_segments.moc"
