// NameSaysInstructionTuned: which checkpoint names mean an instruction-tuned ("-it") model.
#include <QTest>

#include "core/model/model_name.h"

using gemma::NameSaysInstructionTuned;

class TstModelName : public QObject {
  Q_OBJECT

 private slots:
  void names_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("it");
    QTest::newRow("2b-it") << "gemma-2b-it" << true;
    QTest::newRow("1.1 7b it quantized") << "gemma-1.1-7b-it-Q8_0" << true;
    QTest::newRow("underscores") << "gemma_7b_it" << true;
    QTest::newRow("upper case") << "Gemma-2B-IT" << true;
    QTest::newRow("file name") << "gemma-7b-it.gguf" << true;
    QTest::newRow("pretrained") << "gemma-2b" << false;
    QTest::newRow("word containing it") << "italian-gemma-2b" << false;
    QTest::newRow("suffix containing it") << "gemma-2b-split" << false;
    QTest::newRow("empty") << "" << false;
  }
  void names() {
    QFETCH(QString, name);
    QFETCH(bool, it);
    QCOMPARE(NameSaysInstructionTuned(name.toStdString()), it);
  }
};

QTEST_GUILESS_MAIN(TstModelName)
#include "tst_model_name.moc"
