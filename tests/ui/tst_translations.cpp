// The Korean translation is complete: every message lupdate found has a finished, non-empty translation
// that keeps the source's placeholders (%1, %2, %n). Run lupdate (target gemma_ui_lupdate) after adding
// strings: new ones arrive unfinished, and this test fails until they are translated.
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QXmlStreamReader>

class TestTranslations : public QObject {
  Q_OBJECT

 private slots:
  void KoreanIsComplete() {
    const QString path = qEnvironmentVariable("GEMMA_TEST_DATA") + QStringLiteral("/../../translations/gemma_ko.ts");
    QFile file(path);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
    QXmlStreamReader xml(&file);
    static const QRegularExpression kPlaceholder(QStringLiteral("%(\\d|n)"));
    int messages = 0;
    QString context, source, translation, type;
    bool numerus = false;
    QStringList forms;
    QStringList problems;
    while (!xml.atEnd()) {
      xml.readNext();
      if (xml.isStartElement()) {
        const auto name = xml.name();
        if (name == QLatin1String("name")) {
          context = xml.readElementText();
        } else if (name == QLatin1String("message")) {
          numerus = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
          source.clear();
          translation.clear();
          type.clear();
          forms.clear();
        } else if (name == QLatin1String("source")) {
          source = xml.readElementText();
        } else if (name == QLatin1String("translation")) {
          type = xml.attributes().value(QLatin1String("type")).toString();
          if (!numerus) translation = xml.readElementText();
        } else if (name == QLatin1String("numerusform")) {
          forms.append(xml.readElementText());
        }
      } else if (xml.isEndElement() && xml.name() == QLatin1String("message")) {
        ++messages;
        if (numerus) translation = forms.join(QLatin1Char('|'));
        const QString where = context + QStringLiteral(": \"") + source + QLatin1Char('"');
        if (!type.isEmpty()) problems.append(where + QStringLiteral(" is ") + type);
        if (translation.trimmed().isEmpty() || (numerus && forms.contains(QString()))) {
          problems.append(where + QStringLiteral(" has no translation"));
        }
        QSet<QString> wanted;
        for (const auto& m : kPlaceholder.globalMatch(source)) wanted.insert(m.captured());
        for (const QString& placeholder : wanted) {
          if (!translation.contains(placeholder)) problems.append(where + QStringLiteral(" loses ") + placeholder);
        }
      }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(messages > 200);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
  }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
