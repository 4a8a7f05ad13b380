// MarkdownModel: a growing reply updates rows in place (the last one, mostly) and never resets, so the
// view keeps the delegates of the segments above.
#include <QColor>
#include <QSignalSpy>
#include <QTest>

#include "ui/markdown_model.h"

class TestMarkdownModel : public QObject {
  Q_OBJECT

 private slots:
  void StreamingTouchesOnlyTheLastRow() {
    gemma::MarkdownModel model;
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

    model.setText("Hello");
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(inserted.count(), 1);
    model.setText("Hello there");
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.last().at(0).toModelIndex().row(), 0);

    model.setText("Hello there\n\n```cpp\nint");
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(inserted.count(), 2);
    const int changes = changed.count();
    model.setText("Hello there\n\n```cpp\nint x = 1;");
    QCOMPARE(changed.count(), changes + 1);
    QCOMPARE(changed.last().at(0).toModelIndex().row(), 1);  // only the code block
    QCOMPARE(changed.last().at(1).toModelIndex().row(), 1);
    QCOMPARE(model.data(model.index(1), gemma::MarkdownModel::SegmentTextRole).toString(), QString("int x = 1;"));
    QCOMPARE(model.data(model.index(1), gemma::MarkdownModel::KindRole).toString(), QString("code"));
    QCOMPARE(model.data(model.index(1), gemma::MarkdownModel::LanguageRole).toString(), QString("cpp"));
    QCOMPARE(model.data(model.index(1), gemma::MarkdownModel::ClosedRole).toBool(), false);
    QCOMPARE(reset.count(), 0);
  }

  void ShorterTextRemovesRows() {
    gemma::MarkdownModel model;
    model.setText("a\n```\nb\n```\nc");
    QCOMPARE(model.rowCount(), 3);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.setText("a");
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(removed.count(), 1);
    model.setText("");
    QCOMPARE(model.rowCount(), 0);
  }

  void SameTextChangesNothing() {
    gemma::MarkdownModel model;
    model.setText("x");
    QSignalSpy text(&model, &gemma::MarkdownModel::textChanged);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setText("x");
    QCOMPARE(text.count(), 0);
    QCOMPARE(changed.count(), 0);
  }

  void HtmlSpacesParagraphsPadsTablesAndShadesCode() {
    const QString html = gemma::MarkdownToHtml("Para one.\n\nUse `x`.\n\n| a | b |\n|---|---|\n| 1 | 2 |",
                                               QColor("#123456"), QColor("#abcdef"));
    QVERIFY2(html.contains("margin-bottom:8px"), qPrintable(html));
    QVERIFY2(html.contains("background-color:#123456"), qPrintable(html));
    QVERIFY2(html.contains("#abcdef"), qPrintable(html));
    QVERIFY(html.contains("Para one."));
  }

  void HtmlIsRemadeWhenTheStyleChanges() {
    gemma::MarkdownModel model;
    model.setCodeBackground(QColor("#00ff00"));
    model.setText("Use `x`.");
    QVERIFY(model.data(model.index(0), gemma::MarkdownModel::HtmlRole).toString().contains("background-color:#00ff00"));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setCodeBackground(QColor("#ff0000"));
    QCOMPARE(changed.count(), 1);
    QVERIFY(model.data(model.index(0), gemma::MarkdownModel::HtmlRole).toString().contains("#ff0000"));
    QCOMPARE(model.data(model.index(0), gemma::MarkdownModel::HtmlRole).toString().contains("#00ff00"), false);
  }

  void RoleNamesForQml() {
    gemma::MarkdownModel model;
    const auto roles = model.roleNames();
    QCOMPARE(roles.value(gemma::MarkdownModel::KindRole), QByteArray("kind"));
    QCOMPARE(roles.value(gemma::MarkdownModel::SegmentTextRole), QByteArray("segmentText"));
  }
};

QTEST_GUILESS_MAIN(TestMarkdownModel)
#include "tst_markdown_model.moc"
