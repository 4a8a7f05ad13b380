// CleanSuggestedTitle: what models really answer when asked for a title, turned into a sidebar title or
// rejected. Expected titles are written by hand from the inputs.
#include <QTest>

#include "core/chat/title.h"
#include "ui/title_suggestion.h"

using gemma::CleanSuggestedTitle;

class TestTitleSuggestion : public QObject {
  Q_OBJECT

 private slots:
  void Cleans_data() {
    QTest::addColumn<QString>("reply");
    QTest::addColumn<QString>("title");
    QTest::newRow("plain") << "Baking Sourdough Bread" << "Baking Sourdough Bread";
    QTest::newRow("full stop") << "Baking sourdough bread." << "Baking sourdough bread";
    QTest::newRow("double quotes") << "\"Rust Borrow Checker Basics\"" << "Rust Borrow Checker Basics";
    QTest::newRow("curly quotes and stop") << "“Trip to Jeju Island”." << "Trip to Jeju Island";
    QTest::newRow("single quotes") << "'Weekend plans'" << "Weekend plans";
    QTest::newRow("bold") << "**Python List Comprehensions**" << "Python List Comprehensions";
    QTest::newRow("heading") << "## Moving to Berlin" << "Moving to Berlin";
    QTest::newRow("title prefix") << "Title: Tax Return Questions" << "Tax Return Questions";
    QTest::newRow("bold title prefix") << "**Title:** Learning Korean" << "Learning Korean";
    QTest::newRow("first line only") << "Solar Panel Costs\n\nThis conversation is about..." << "Solar Panel Costs";
    QTest::newRow("lead-in line") << "Here is a title:\n\"Fixing a Leaky Tap\"" << "Fixing a Leaky Tap";
    QTest::newRow("blank lines first") << "\n\n  Garden Planning  \n" << "Garden Planning";
    QTest::newRow("white space collapsed") << "Cats   and\tdogs" << "Cats and dogs";
    QTest::newRow("question kept") << "Why is the sky blue?" << "Why is the sky blue?";
    QTest::newRow("korean") << "\"제주도 여행 계획\"" << "제주도 여행 계획";
    QTest::newRow("korean prefix") << "제목: 김치찌개 만들기." << "김치찌개 만들기";
    QTest::newRow("apostrophe inside") << "Don't Panic" << "Don't Panic";
    QTest::newRow("code") << "`std::vector` growth" << "std::vector growth";
    QTest::newRow("list marker") << "- Budget for the move" << "Budget for the move";
  }
  void Cleans() {
    QFETCH(QString, reply);
    QFETCH(QString, title);
    QCOMPARE(CleanSuggestedTitle(reply), title);
  }

  void RejectsNonsense_data() {
    QTest::addColumn<QString>("reply");
    QTest::newRow("empty") << "";
    QTest::newRow("white space") << "  \n\t\n";
    QTest::newRow("punctuation") << "...";
    QTest::newRow("markup") << "**\n---\n``";
    QTest::newRow("quotes") << "\"\"";
    QTest::newRow("prefix only") << "Title:";
  }
  void RejectsNonsense() {
    QFETCH(QString, reply);
    QCOMPARE(CleanSuggestedTitle(reply), QString());
  }

  void LongTitleIsCutAtAWord() {
    const QString reply = "A very long title that goes on and on about many different things in the conversation";
    const QString title = CleanSuggestedTitle(reply);
    QVERIFY(title.size() <= gemma::kMaxTitleLength);
    QVERIFY2(reply.startsWith(title), qPrintable(title));
    // Cut between words, not inside one.
    QCOMPARE(reply.at(title.size()), QChar(' '));
    QVERIFY(title.size() > gemma::kMaxTitleLength / 2);
  }
};

QTEST_GUILESS_MAIN(TestTitleSuggestion)
#include "tst_title_suggestion.moc"
