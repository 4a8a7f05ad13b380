// No Repeater in the views is a direct child of a Qt Quick Layout. On Qt 6.4 (Debian 12's) a Repeater whose
// model changes while it sits directly in a Layout can leave the layout holding a freed delegate, and the
// next polish crashes in QQuickLayout::effectiveSizePolicy_helper. It crashed the app's own end-to-end test
// (the problem banners' Repeater), and under a real window system it crashes for users; no test can make
// the timing happen on demand, so this one reads the .qml files and names every Repeater placed that way.
// The fix is a Column (or Row) between the Layout and the Repeater, or fixed items instead of a Repeater.
#include <QDir>
#include <QFile>
#include <QStringList>
#include <QTest>

namespace {

// Each Repeater whose enclosing QML object is a *Layout, as "name:line". A small scanner: it skips
// comments and string literals and tracks braces, recording the type before each '{' ("" for JavaScript
// blocks, object literals and grouped properties).
QStringList RepeatersDirectlyInLayouts(const QString& qml, const QString& name) {
  QStringList found;
  QList<QString> open;  // the type of each open brace, innermost last
  int line = 1;
  for (qsizetype i = 0; i < qml.size(); ++i) {
    const QChar c = qml[i];
    if (c == QLatin1Char('\n')) {
      ++line;
    } else if (c == QLatin1Char('/') && i + 1 < qml.size() && qml[i + 1] == QLatin1Char('/')) {
      while (i + 1 < qml.size() && qml[i + 1] != QLatin1Char('\n')) ++i;
    } else if (c == QLatin1Char('/') && i + 1 < qml.size() && qml[i + 1] == QLatin1Char('*')) {
      for (i += 2; i + 1 < qml.size() && !(qml[i] == QLatin1Char('*') && qml[i + 1] == QLatin1Char('/')); ++i) {
        if (qml[i] == QLatin1Char('\n')) ++line;
      }
      ++i;
    } else if (c == QLatin1Char('"') || c == QLatin1Char('\'') || c == QLatin1Char('`')) {
      for (++i; i < qml.size() && qml[i] != c; ++i) {
        if (qml[i] == QLatin1Char('\\')) ++i;
        else if (qml[i] == QLatin1Char('\n')) ++line;
      }
    } else if (c == QLatin1Char('{')) {
      qsizetype end = i;
      while (end > 0 && qml[end - 1].isSpace()) --end;
      qsizetype begin = end;
      while (begin > 0 && (qml[begin - 1].isLetterOrNumber() || qml[begin - 1] == QLatin1Char('_'))) --begin;
      const QString type = begin < end && qml[begin].isUpper() ? qml.mid(begin, end - begin) : QString();
      if (type == QLatin1String("Repeater") && !open.isEmpty() && open.last().endsWith(QLatin1String("Layout"))) {
        found.append(QStringLiteral("%1:%2 (in a %3)").arg(name).arg(line).arg(open.last()));
      }
      open.append(type);
    } else if (c == QLatin1Char('}') && !open.isEmpty()) {
      open.removeLast();
    }
  }
  return found;
}

}  // namespace

class TestQmlLayoutRepeaters : public QObject {
  Q_OBJECT

 private slots:
  void ScannerFindsTheCrashingShapeAndOnlyIt() {
    const QString bad = QStringLiteral(
        "ColumnLayout {\n"
        "    Label { text: \"Repeater {\" }  // Repeater {\n"
        "    Repeater { model: [{ a: 1 }]; delegate: Rectangle { Layout.fillWidth: true } }\n"
        "}\n");
    QCOMPARE(RepeatersDirectlyInLayouts(bad, "bad.qml"), QStringList{"bad.qml:3 (in a ColumnLayout)"});
    const QString good = QStringLiteral(
        "ColumnLayout {\n"
        "    function f() { if (x) { return { b: 2 } } }\n"
        "    Column { Layout.fillWidth: true; Repeater { model: 3; delegate: Item {} } }\n"
        "    contentItem: RowLayout { Item {} }\n"
        "}\n"
        "Row { Repeater { model: 2; delegate: Item {} } }\n");
    QCOMPARE(RepeatersDirectlyInLayouts(good, "good.qml"), QStringList{});
  }

  void NoViewPutsARepeaterDirectlyInALayout() {
    const QDir ui(qEnvironmentVariable("GEMMA_TEST_DATA") + QStringLiteral("/../../ui"));
    const QStringList files = ui.entryList({QStringLiteral("*.qml")}, QDir::Files);
    QVERIFY2(files.size() >= 10, qPrintable(ui.absolutePath()));
    int repeaters = 0;
    QStringList found;
    for (const QString& name : files) {
      QFile file(ui.filePath(name));
      QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
      const QString qml = QString::fromUtf8(file.readAll());
      repeaters += qml.count(QLatin1String("Repeater {"));
      found += RepeatersDirectlyInLayouts(qml, name);
    }
    QVERIFY2(repeaters > 0, "the scan read no Repeater at all: is it reading the views?");
    QVERIFY2(found.isEmpty(), qPrintable(QStringLiteral("put a Column between these and their Layout: ") +
                                         found.join(QStringLiteral(", "))));
  }
};

QTEST_GUILESS_MAIN(TestQmlLayoutRepeaters)
#include "tst_qml_layout_repeaters.moc"
