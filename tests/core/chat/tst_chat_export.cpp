// Exports: Markdown, plain text and HTML of the current branch (HTML escapes what was written: a <script>
// comes out inert; no external resources), PDF (starts with %PDF, holds the text: pdftotext when it is
// installed, else the PDF's own text layer is not checked but QTextDocument's is), JSON with every branch
// whose import round-trips exactly, export-all to one JSON or a folder of Markdown files, and the
// asynchronous Exporter with its finished/failed signals.
#include <QDirIterator>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QtTest>

#include "core/chat/chat_repository.h"
#include "core/chat/conversation_store.h"
#include "core/chat/export_files.h"
#include "core/chat/exporter.h"
#include "core/chat/json_format.h"
#include "core/chat/text_formats.h"
#include "core/chat/sql_util.h"

using namespace gemma;

namespace {

const QString kScript = QStringLiteral("<script>alert('pwned')</script>");
const QString kKorean = QStringLiteral("서울의 날씨는 어때요?");

QByteArray ReadAll(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// The records without database ids, to compare two copies of a conversation.
struct Comparable {
  ConversationRecord info;
  QList<MessageRecord> messages;
};

Comparable WithoutIds(ConversationData data) {
  QHash<qint64, qint64> local;
  for (MessageRecord& m : data.messages) local.insert(m.id, local.size() + 1);
  for (MessageRecord& m : data.messages) {
    m.id = local.value(m.id);
    m.parent_id = local.value(m.parent_id, 0);
    m.conversation_id = 0;
  }
  data.info.id = 0;
  return {data.info, data.messages};
}

}  // namespace

class TestChatExport : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  ConversationStore store_;
  qint64 conversation_ = 0;
  qint64 hidden_reply_ = 0;

  QString Out(const char* name) const { return dir_.filePath(QLatin1String(name)); }
  ConversationData Data() {
    QSqlDatabase db = store_.database();
    return ReadConversationData(db, conversation_);
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    QVERIFY(store_.open(Out("export.sqlite")));
    conversation_ = store_.createConversation(
        QStringLiteral("gemma-2b-it"),
        {{QStringLiteral("temperature"), 0.8}, {QStringLiteral("system_prompt"), QStringLiteral("Be kind & brief.")},
         {QStringLiteral("context_size"), 8192}, {QStringLiteral("model_id"), QStringLiteral("gemma-2b-it")}});
    const qint64 u1 = store_.addUserMessage(conversation_, 0, QStringLiteral("Show me <b>HTML</b>: ") + kScript);
    store_.renameConversation(conversation_, QStringLiteral("Tags <i>&</i> \"quotes\""));
    hidden_reply_ = store_.beginModelMessage(conversation_, u1, QStringLiteral("gemma-2b-it"));
    store_.appendToStreamingMessage(hidden_reply_, QStringLiteral("An alternative nobody sees now."));
    store_.finishMessage(hidden_reply_, MessageState::kStopped, ReplyStats{10, 6, 11.125});
    const qint64 m1 = store_.beginModelMessage(conversation_, u1, QStringLiteral("gemma-2b-it"));
    store_.appendToStreamingMessage(m1, QStringLiteral("Here it is:\n\n```html\n") + kScript +
                                            QStringLiteral("\n```\n<img src=\"http://example.com/x.png\">"));
    store_.finishMessage(m1, MessageState::kComplete, ReplyStats{25, 40, 23.456789012345678});
    const qint64 u2 = store_.addUserMessage(conversation_, m1, kKorean);
    const qint64 m2 = store_.beginModelMessage(conversation_, u2, QStringLiteral("gemma-7b-it"));
    store_.appendToStreamingMessage(m2, QStringLiteral("맑고 따뜻합니다. 🌞"));
    store_.finishMessage(m2, MessageState::kError, ReplyStats{30, 4, 2.5}, QStringLiteral("context full"));
  }

  void markdownHasTheCurrentBranch() {
    const QString md = ToMarkdown(Data());
    QVERIFY(md.startsWith(QStringLiteral("# Tags <i>&</i> \"quotes\"\n")));
    QVERIFY(md.contains(kKorean));
    QVERIFY(md.contains(QStringLiteral("맑고 따뜻합니다. 🌞")));
    QVERIFY(md.contains(QStringLiteral("```html\n") + kScript));  // Markdown keeps the model's Markdown
    QVERIFY(md.contains(QStringLiteral("error: context full")));
    QVERIFY(md.contains(QStringLiteral("Be kind & brief.")));
    QVERIFY(!md.contains(QStringLiteral("An alternative nobody sees now.")));
  }

  void plainTextHasTheCurrentBranch() {
    const QString text = ToPlainText(Data());
    QVERIFY(text.contains(kKorean));
    QVERIFY(text.contains(QStringLiteral("맑고 따뜻합니다.")));
    QVERIFY(!text.contains(QStringLiteral("An alternative nobody sees now.")));
  }

  void htmlIsEscapedAndSelfContained() {
    ExportConversationFile(*std::make_unique<QSqlDatabase>(store_.database()), conversation_, ExportFormat::kHtml,
                           Out("chat.html"));
    const QString html = QString::fromUtf8(ReadAll(Out("chat.html")));
    QVERIFY(html.startsWith(QStringLiteral("<!DOCTYPE html>")));
    QVERIFY2(!html.contains(QStringLiteral("<script"), Qt::CaseInsensitive), qPrintable(html));
    QVERIFY(html.contains(QStringLiteral("&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;")) ||
            html.contains(QStringLiteral("&lt;script&gt;alert('pwned')&lt;/script&gt;")));
    QVERIFY(!html.contains(QStringLiteral("<img"), Qt::CaseInsensitive));
    QVERIFY(!html.contains(QStringLiteral("<b>HTML</b>")));
    // Only our own tags, and none of them loads anything.
    static const QRegularExpression kTag(QStringLiteral("<(/?[!a-zA-Z0-9]+)([^>]*)>"));
    const QStringList allowed{QStringLiteral("!DOCTYPE"), QStringLiteral("html"), QStringLiteral("head"),
                              QStringLiteral("meta"), QStringLiteral("title"), QStringLiteral("style"),
                              QStringLiteral("body"), QStringLiteral("h1"), QStringLiteral("p"), QStringLiteral("div")};
    int tags = 0;
    for (const QRegularExpressionMatch& tag : kTag.globalMatch(html)) {
      QString name = tag.captured(1);
      if (name.startsWith(QLatin1Char('/'))) name.remove(0, 1);
      QVERIFY2(allowed.contains(name), qPrintable(tag.captured(0)));
      QVERIFY2(!tag.captured(2).contains(QStringLiteral(" src="), Qt::CaseInsensitive) &&
                   !tag.captured(2).contains(QStringLiteral(" href="), Qt::CaseInsensitive),
               qPrintable(tag.captured(0)));
      ++tags;
    }
    QVERIFY(tags > 10);
    QVERIFY(html.contains(QStringLiteral("<title>Tags &lt;i&gt;&amp;&lt;/i&gt; &quot;quotes&quot;</title>")));
    // Nor from the style sheet.
    for (const char* forbidden : {"@import", "url("}) {
      QVERIFY2(!html.contains(QLatin1String(forbidden), Qt::CaseInsensitive), forbidden);
    }
    QVERIFY(html.contains(QStringLiteral("Content-Security-Policy")));
    QVERIFY(html.contains(kKorean));
    QVERIFY(html.contains(QStringLiteral("<meta charset=\"utf-8\">")));
  }

  void pdfHoldsTheText() {
    QSqlDatabase db = store_.database();
    ExportConversationFile(db, conversation_, ExportFormat::kPdf, Out("chat.pdf"));
    const QByteArray pdf = ReadAll(Out("chat.pdf"));
    QVERIFY(pdf.startsWith("%PDF-"));
    QVERIFY(pdf.size() > 1000);
    const QString pdftotext = QStandardPaths::findExecutable(QStringLiteral("pdftotext"));
    if (!pdftotext.isEmpty()) {
      QProcess process;
      process.start(pdftotext, {QStringLiteral("-enc"), QStringLiteral("UTF-8"), Out("chat.pdf"), QStringLiteral("-")});
      QVERIFY(process.waitForFinished(60000));
      QCOMPARE(process.exitCode(), 0);
      const QString text = QString::fromUtf8(process.readAllStandardOutput());
      QVERIFY2(text.contains(QStringLiteral("alert('pwned')")), qPrintable(text));  // shown as text
      // Word by word: poppler maps the space glyph of the fallback Hangul font to '?'.
      for (const QString& word : kKorean.split(QLatin1Char(' '))) QVERIFY2(text.contains(word), qPrintable(text));
      QVERIFY(text.contains(QStringLiteral("context full")));
      QVERIFY(!text.contains(QStringLiteral("An alternative nobody sees now.")));
    } else {
      qWarning("pdftotext not found (apt-get install poppler-utils): checking the document text only");
      QTextDocument document;
      document.setHtml(ToHtml(Data(), /*for_qt_rich_text=*/true));
      QVERIFY(document.toPlainText().contains(kKorean));
      QVERIFY(document.toPlainText().contains(kScript));
    }
  }

  void jsonRoundTripsExactly() {
    QSqlDatabase db = store_.database();
    ExportConversationFile(db, conversation_, ExportFormat::kJson, Out("chat.json"));
    const QByteArray first = ReadAll(Out("chat.json"));
    QVERIFY(first.contains("\"version\": 1"));
    QVERIFY(first.contains("An alternative nobody sees now."));  // every branch

    ConversationStore other;
    QVERIFY(other.open(Out("import.sqlite")));
    QSqlDatabase other_db = other.database();
    const QList<qint64> ids = ImportJsonFile(other_db, Out("chat.json"));
    QCOMPARE(ids.size(), 1);
    // Field by field (so that a field the export drops would fail here even if the bytes matched)...
    const ConversationData original = Data();
    const ConversationData imported = ReadConversationData(other_db, ids[0]);
    const Comparable a = WithoutIds(original);
    const Comparable b = WithoutIds(imported);
    QCOMPARE(b.info, a.info);
    QCOMPARE(b.messages.size(), a.messages.size());
    for (int i = 0; i < a.messages.size(); ++i) QCOMPARE(b.messages[i], a.messages[i]);
    QCOMPARE(b.info.settings.value(QLatin1String("context_size")).toInt(), 8192);
    // ...and byte for byte.
    ExportConversationFile(other_db, ids[0], ExportFormat::kJson, Out("chat_again.json"));
    QCOMPARE(ReadAll(Out("chat_again.json")), first);
  }

  void badJsonIsRejectedWithWhere() {
    const QByteArray good = ConversationsToJson({Data()});
    auto expect_error = [](const QByteArray& json, const QString& fragment) {
      try {
        ConversationsFromJson(json);
        QFAIL("no error");
      } catch (const Error& e) {
        QVERIFY2(QString::fromStdString(e.what()).contains(fragment), e.what());
      }
    };
    expect_error("{", QStringLiteral("JSON error"));
    expect_error(QByteArray(good).replace("\"role\": \"user\"", "\"role\": \"admin\""),
                 QStringLiteral("conversation 1, message 1: \"role\""));
    expect_error(QByteArray(good).replace("\"parent\": null", "\"parent\": 9"), QStringLiteral("\"parent\""));
    expect_error(QByteArray(good).replace("\"version\": 1", "\"version\": 7"), QStringLiteral("newer GemmaChat"));
    expect_error(QByteArray(good).replace("\"created\"", "\"made\""), QStringLiteral("\"created\" is missing"));
  }

  void exporterRunsInTheBackground() {
    Exporter exporter;
    exporter.setStore(&store_);
    QSignalSpy finished(&exporter, &Exporter::finished);
    QSignalSpy failed(&exporter, &Exporter::failed);
    QVERIFY(exporter.exportConversation(conversation_, Exporter::Markdown, Out("bg.md")));
    QVERIFY(exporter.busy());
    QVERIFY(!exporter.exportAllJson(Out("second.json")));  // one job at a time
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QCOMPARE(finished.at(0).at(0).toString(), Out("bg.md"));
    QVERIFY(QString::fromUtf8(ReadAll(Out("bg.md"))).contains(kKorean));

    QVERIFY(exporter.exportConversation(conversation_, Exporter::Pdf, Out("bg.pdf")));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
    QVERIFY(ReadAll(Out("bg.pdf")).startsWith("%PDF"));

    QVERIFY(exporter.exportConversation(conversation_, Exporter::Html, Out("no/such/folder/x.html")));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 60000);
    QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("could not write")));
    QVERIFY(!exporter.busy());
    QCOMPARE(exporter.suggestedFileName(conversation_, Exporter::Pdf), QStringLiteral("Tags  i & i   quotes (%1).pdf")
                                                                           .arg(conversation_)
                                                                           .simplified());
  }

  void exportAllAndImport() {
    const qint64 second = store_.createConversation();
    store_.addUserMessage(second, 0, QStringLiteral("Second chat / with a slash"));
    Exporter exporter;
    exporter.setStore(&store_);
    QSignalSpy finished(&exporter, &Exporter::finished);
    QVERIFY(exporter.exportAllMarkdown(Out("markdown")));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QStringList files = QDir(Out("markdown")).entryList(QDir::Files);
    QCOMPARE(files.size(), 2);
    QVERIFY(files.contains(QStringLiteral("Second chat with a slash (%1).md").arg(second)));

    QVERIFY(exporter.exportAllJson(Out("all.json")));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
    const QList<ConversationData> all = ConversationsFromJson(ReadAll(Out("all.json")));
    QCOMPARE(all.size(), 2);
    QCOMPARE(all[0].info.title, QStringLiteral("Second chat / with a slash"));  // newest first

    // Import through the exporter into the same store: the store tells the models.
    QSignalSpy imported(&exporter, &Exporter::imported);
    QSignalSpy created(&store_, &ConversationStore::conversationCreated);
    QVERIFY(exporter.importJson(Out("all.json")));
    QTRY_COMPARE_WITH_TIMEOUT(imported.count(), 1, 60000);
    QCOMPARE(imported.at(0).at(0).value<QList<qint64>>().size(), 2);
    QCOMPARE(created.count(), 2);
    QSqlDatabase db = store_.database();
    QCOMPARE(QueryValue(db, QStringLiteral("SELECT count(*) FROM conversations")).toInt(), 4);

    // A broken file imports nothing.
    QFile broken(Out("broken.json"));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write(ReadAll(Out("all.json")).replace("\"state\": \"complete\"", "\"state\": \"melted\""));
    broken.close();
    QSignalSpy failed(&exporter, &Exporter::failed);
    QVERIFY(exporter.importJson(Out("broken.json")));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 60000);
    QCOMPARE(QueryValue(db, QStringLiteral("SELECT count(*) FROM conversations")).toInt(), 4);
  }
};

QTEST_MAIN(TestChatExport)
#include "tst_chat_export.moc"
