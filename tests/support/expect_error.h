// For Qt tests of bad input: run code that must throw gemma::Error and check what its message says.
#pragma once

#include <QString>
#include <QTest>
#include <exception>

#include "core/engine/error.h"

namespace gemma::testing {

// The gemma::Error message `f` throws; "<no error>" if it returns, "<not gemma::Error> …" for other exceptions.
template <typename F>
QString ErrorMessageOf(F&& f) {
  try {
    f();
  } catch (const gemma::Error& e) {
    return QString::fromUtf8(e.what());
  } catch (const std::exception& e) {
    return "<not gemma::Error> " + QString::fromUtf8(e.what());
  }
  return "<no error>";
}

}  // namespace gemma::testing

// Fails the test unless `statement` throws gemma::Error whose message contains every given fragment
// (case-insensitive).
#define EXPECT_GEMMA_ERROR(statement, ...)                                                                \
  do {                                                                                                    \
    const QString message_ = ::gemma::testing::ErrorMessageOf([&] { statement; });                        \
    for (const char* fragment_ : {__VA_ARGS__}) {                                                         \
      QVERIFY2(!message_.startsWith('<') && message_.contains(QString::fromUtf8(fragment_), Qt::CaseInsensitive), \
               qPrintable(QString("expected \"%1\" in: %2").arg(fragment_, message_)));                  \
    }                                                                                                     \
  } while (0)
