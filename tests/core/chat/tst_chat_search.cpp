// Full-text search: bm25 ranking, snippets with the match marked (and escaped), titles, case, Korean text
// (why trigram: unicode61 cannot find a Korean word that has a particle attached), and terms shorter than a
// trigram, which fall back to LIKE.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "core/chat/conversation_store.h"
#include "core/chat/search_model.h"
#include "core/chat/sql_util.h"

using namespace gemma;

class TestChatSearch : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  ConversationStore store_;
  qint64 weak_ = 0, strong_ = 0, korean_ = 0, long_ = 0, markup_ = 0, korean_conversation_ = 0;

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    QVERIFY(store_.open(dir_.filePath(QStringLiteral("search.sqlite"))));
    const qint64 a = store_.createConversation();
    store_.renameConversation(a, QStringLiteral("Deployment notes"));
    // Inserted first, so that id order would put it first: ranking must put the stronger match first.
    weak_ = store_.addUserMessage(a, 0, QStringLiteral("We talked about many things today, the weather, lunch, the "
                                                       "office move, and briefly kubernetes, then went home early."));
    strong_ = store_.addUserMessage(a, weak_, QStringLiteral("kubernetes kubernetes: kubernetes cluster"));
    long_ = store_.addUserMessage(a, strong_,
                                  QStringLiteral("word ").repeated(60) + QStringLiteral("needle") +
                                      QStringLiteral(" word").repeated(60));
    markup_ = store_.addUserMessage(a, long_, QStringLiteral("<i>escaped</i> & \"quoted\" markup"));
    korean_conversation_ = store_.createConversation();
    korean_ = store_.addUserMessage(korean_conversation_, 0,
                                    QStringLiteral("저는 요즘 한국어를 공부하고 있습니다. 문법이 어려워요."));
    store_.renameConversation(korean_conversation_, QStringLiteral("언어 공부"));
  }

  void ranksByRelevance() {
    const QList<SearchHit> hits = store_.search(QStringLiteral("kubernetes"), 10);
    QCOMPARE(hits.size(), 2);
    QCOMPARE(hits[0].message_id, strong_);
    QCOMPARE(hits[1].message_id, weak_);
    QVERIFY(hits[0].rank < hits[1].rank);
  }

  void isCaseInsensitive() {
    const QList<SearchHit> hits = store_.search(QStringLiteral("KuBeRnEtEs CLUSTER"), 10);
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits[0].message_id, strong_);
  }

  void snippetIsCutAroundTheMatchAndMarked() {
    const QList<SearchHit> hits = store_.search(QStringLiteral("needle"), 10);
    QCOMPARE(hits.size(), 1);
    const SearchHit& hit = hits[0];
    QCOMPARE(hit.message_id, long_);
    QVERIFY2(hit.snippet_text.contains(QStringLiteral("needle")), qPrintable(hit.snippet_text));
    QVERIFY2(hit.snippet_text.size() < 150, qPrintable(hit.snippet_text));  // the message has 660 characters
    QVERIFY(hit.snippet_text.startsWith(QStringLiteral("…")));
    QVERIFY(hit.snippet_text.endsWith(QStringLiteral("…")));
    QVERIFY2(hit.snippet_html.contains(QStringLiteral("<b>needle</b>")), qPrintable(hit.snippet_html));
    QCOMPARE(hit.conversation_title, QStringLiteral("Deployment notes"));
  }

  void snippetEscapesWhatTheUserWrote() {
    const QList<SearchHit> hits = store_.search(QStringLiteral("escaped"), 10);
    QCOMPARE(hits.size(), 1);
    QVERIFY2(hits[0].snippet_html.contains(QStringLiteral("&lt;i&gt;<b>escaped</b>&lt;/i&gt; &amp; &quot;quoted&quot;")),
             qPrintable(hits[0].snippet_html));
    QVERIFY(!hits[0].snippet_html.contains(QStringLiteral("<i>")));
    QVERIFY(hits[0].snippet_text.contains(QStringLiteral("<i>escaped</i>")));
  }

  void findsTitles() {
    const QList<SearchHit> hits = store_.search(QStringLiteral("deployment"), 10);
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits[0].message_id, 0);
    QVERIFY(hits[0].snippet_html.contains(QStringLiteral("<b>Deployment</b>")));
  }

  void unicode61CannotFindKoreanWordsWithParticles() {
    // The reason the index uses trigram: unicode61 keeps "한국어를" as one token.
    QSqlDatabase db = store_.database();
    Exec(db, QStringLiteral("CREATE VIRTUAL TABLE temp.probe USING fts5(text, tokenize='unicode61')"));
    Exec(db, QStringLiteral("INSERT INTO temp.probe VALUES ('저는 요즘 한국어를 공부하고 있습니다')"));
    QCOMPARE(QueryValue(db, QStringLiteral("SELECT count(*) FROM temp.probe WHERE probe MATCH '한국어'")).toInt(), 0);
    Exec(db, QStringLiteral("DROP TABLE temp.probe"));
  }

  void findsKoreanInsideWords() {
    QList<SearchHit> hits = store_.search(QStringLiteral("한국어"), 10);  // 3 syllables: the trigram index
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits[0].message_id, korean_);
    QVERIFY2(hits[0].snippet_html.contains(QStringLiteral("<b>한국어</b>를")), qPrintable(hits[0].snippet_html));
    hits = store_.search(QStringLiteral("문법이"), 10);
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits[0].message_id, korean_);
  }

  void shortTermsFallBackToLike() {
    // Two syllables (very common in Korean) are below a trigram: found by LIKE, snippet still marked.
    QList<SearchHit> hits = store_.search(QStringLiteral("공부"), 10);
    QCOMPARE(hits.size(), 2);  // the title "언어 공부" and the message
    QCOMPARE(hits[0].message_id, 0);
    QCOMPARE(hits[0].conversation_id, korean_conversation_);
    QCOMPARE(hits[1].message_id, korean_);
    QVERIFY2(hits[1].snippet_html.contains(QStringLiteral("<b>공부</b>")), qPrintable(hits[1].snippet_html));
    // Mixed: an indexed term narrowed by a short one.
    hits = store_.search(QStringLiteral("한국어 요즘"), 10);
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits[0].message_id, korean_);
    QVERIFY(store_.search(QStringLiteral("한국어 zz"), 10).isEmpty());
  }

  void queryCharactersAreNotSyntax() {
    QVERIFY(store_.search(QStringLiteral("%"), 10).isEmpty());  // LIKE wildcards are literal
    QVERIFY(store_.search(QStringLiteral("_"), 10).isEmpty());
    QVERIFY(store_.errorString().isEmpty());
    // FTS operators and quotes are plain text.
    QCOMPARE(store_.search(QStringLiteral("\"quoted\""), 10).size(), 1);
    QVERIFY(store_.search(QStringLiteral("NOT AND OR ("), 10).isEmpty());
    QVERIFY2(store_.errorString().isEmpty(), qPrintable(store_.errorString()));
    QVERIFY(store_.search(QStringLiteral("   "), 10).isEmpty());
  }

  void respectsTheLimit() { QCOMPARE(store_.search(QStringLiteral("e"), 2).size(), 2); }

  void modelExposesHits() {
    SearchModel model;
    model.setStore(&store_);
    QSignalSpy finished(&model, &SearchModel::searchFinished);
    model.setQuery(QStringLiteral("kubernetes"));
    model.setQuery(QStringLiteral("needle"));  // typed on: the first results shown are the latest query's
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QVERIFY(!model.busy());
    QCOMPARE(model.rowCount(), 1);
    const QModelIndex index = model.index(0);
    QCOMPARE(model.data(index, SearchModel::kMessageIdRole).toLongLong(), long_);
    QVERIFY(model.data(index, SearchModel::kSnippetRole).toString().contains(QStringLiteral("<b>needle</b>")));
    QCOMPARE(model.roleNames().value(SearchModel::kConversationIdRole), QByteArray("conversationId"));
    model.setQuery(QString());
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 0, 30000);
  }
};

QTEST_MAIN(TestChatSearch)
#include "tst_chat_search.moc"
