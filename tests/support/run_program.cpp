#include "tests/support/run_program.h"

#include <QProcess>

namespace gemma::testing {

ProgramRun RunProgram(const QString& program, const QStringList& arguments, const QByteArray& input,
                      int timeout_ms) {
  QProcess process;
  process.start(program, arguments);
  process.write(input);
  process.closeWriteChannel();
  if (!process.waitForFinished(timeout_ms)) process.kill();
  return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
          QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

}  // namespace gemma::testing
