// ImportController: the import thread and its queued reports.
#include "ui/import_controller.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <exception>

namespace gemma {
namespace {

QString LocalPath(const QString& source) {
  const QUrl url(source);
  if (url.isLocalFile()) return url.toLocalFile();
  return source;
}

// A file the import takes as it is: a .gguf, or a GemmaChat model file (known by its magic, as the core
// knows it), which importing converts when an earlier version made it.
bool IsImportableFile(const QString& path) {
  if (path.endsWith(QStringLiteral(".gguf"), Qt::CaseInsensitive)) return true;
  QFile file(path);
  return file.open(QIODevice::ReadOnly) && file.read(8) == QByteArrayLiteral("GEMMACHT");
}

}  // namespace

ImportController::ImportController(std::shared_ptr<EngineBackend> backend, const QString& models_dir,
                                   QObject* parent)
    : QObject(parent), backend_(std::move(backend)), models_dir_(models_dir) {}

ImportController::~ImportController() {
  if (cancel_) cancel_->store(true);
  if (thread_) {
    thread_->wait();
    delete thread_;
  }
}

QString ImportController::DestinationFor(const QString& source) const {
  const QFileInfo info(source);
  QString name = info.isDir() ? QDir(info.absoluteFilePath()).dirName() : info.completeBaseName();
  name.replace(QLatin1Char('/'), QLatin1Char('_'));
  if (name.isEmpty()) name = QStringLiteral("model");
  const QDir dir(models_dir_);
  QString candidate = dir.filePath(name + QStringLiteral(".gemma"));
  for (int n = 2; QFileInfo::exists(candidate); ++n) {
    candidate = dir.filePath(QStringLiteral("%1-%2.gemma").arg(name).arg(n));
  }
  return candidate;
}

bool ImportController::start(const QString& source_text) {
  if (busy()) return false;
  QString source = LocalPath(source_text.trimmed());
  QFileInfo info(source);
  // A file inside a Hugging Face folder (config.json, a shard) stands for its folder.
  if (info.isFile() && !IsImportableFile(source)) {
    const QFileInfo folder(info.absolutePath());
    if (QFileInfo::exists(folder.absoluteFilePath() + QStringLiteral("/config.json"))) {
      info = folder;
      source = folder.absoluteFilePath();
    }
  }
  source_ = info.absoluteFilePath();
  destination_.clear();
  progress_ = 0;
  emit progressChanged();
  if (!info.exists()) {
    Finish(Failed, tr("“%1” does not exist.").arg(QDir::toNativeSeparators(source)));
    return false;
  }
  if (info.isFile() && !IsImportableFile(source)) {
    Finish(Failed, tr("“%1” is neither a GGUF file nor a Hugging Face folder. Choose the folder you downloaded "
                      "(with config.json, tokenizer.model and the .safetensors files) or a .gguf file.")
                       .arg(info.fileName()));
    return false;
  }
  if (!QDir().mkpath(models_dir_)) {
    Finish(Failed, tr("The model folder %1 cannot be created.").arg(QDir::toNativeSeparators(models_dir_)));
    return false;
  }
  destination_ = DestinationFor(source_);
  error_.clear();
  cancel_ = std::make_shared<std::atomic<bool>>(false);
  SetState(Importing);

  if (thread_) {
    thread_->wait();
    delete thread_;
  }
  QPointer<ImportController> self(this);
  auto backend = backend_;
  auto cancel = cancel_;
  const QString from = source_, to = destination_;
  thread_ = QThread::create([self, backend, cancel, from, to] {
    double reported = -1;
    auto progress = [&](uint64_t done, uint64_t total) {
      // Report each half percent, not each chunk: the GUI needs no more, and each report is a queued event.
      const double fraction = total > 0 ? double(done) / double(total) : 0.0;
      if (total > 0 && (fraction - reported >= 0.005 || done >= total)) {
        reported = fraction;
        QMetaObject::invokeMethod(self, [self, fraction] {
          if (!self || !self->busy()) return;
          self->progress_ = fraction;
          emit self->progressChanged();
        }, Qt::QueuedConnection);
      }
      return !cancel->load();
    };
    State result = Succeeded;
    QString error;
    try {
      if (!backend->Import(from, to, progress)) result = Cancelled;
    } catch (const std::bad_alloc&) {
      result = Failed;
      error = QObject::tr("There is not enough memory to import this model.");
    } catch (const std::exception& e) {
      result = Failed;
      error = QString::fromUtf8(e.what());
    }
    if (result == Succeeded && cancel->load()) result = Cancelled;
    QMetaObject::invokeMethod(self, [self, result, error] {
      if (self) self->Finish(result, error);
    }, Qt::QueuedConnection);
  });
  thread_->setObjectName(QStringLiteral("import"));
  thread_->start();
  return true;
}

void ImportController::cancel() {
  if (state_ != Importing) return;
  if (cancel_) cancel_->store(true);
  SetState(Cancelling);
}

void ImportController::reset() {
  if (busy()) return;
  error_.clear();
  progress_ = 0;
  emit progressChanged();
  SetState(Idle);
}

void ImportController::Finish(State state, const QString& error) {
  error_ = error;
  if (state == Succeeded) {
    progress_ = 1;
    emit progressChanged();
  }
  SetState(state);
  emit stateChanged();  // the error text may change with the same state
  if (state == Succeeded) emit imported(destination_);
}

void ImportController::SetState(State state) {
  if (state_ == state) return;
  state_ = state;
  emit stateChanged();
}

}  // namespace gemma
