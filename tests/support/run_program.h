// Runs one of the project's executables as a user would (QProcess), for the tests of the command-line tools.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace gemma::testing {

struct ProgramRun {
  int exit_code = -1;  // -1 if it crashed or had to be killed
  QString out, err;
};

// Starts `program`, writes `input` to its standard input and closes it, and waits up to timeout_ms.
ProgramRun RunProgram(const QString& program, const QStringList& arguments, const QByteArray& input = {},
                      int timeout_ms = 120000);

}  // namespace gemma::testing
