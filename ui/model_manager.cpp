// ModelManager: the model folder as a list, and the memory check before a load.
#include "ui/model_manager.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <algorithm>
#include <exception>

#include "ui/engine_controller.h"
#include "ui/system_memory.h"

namespace gemma {
namespace {

QString Size(uint64_t bytes) { return QLocale().formattedDataSize(qint64(bytes), 1, QLocale::DataSizeTraditionalFormat); }

}  // namespace

ModelManager::ModelManager(std::shared_ptr<EngineBackend> backend, EngineController* engine,
                           const QString& models_dir, QObject* parent, const QStringList& bundled_dirs)
    : QAbstractListModel(parent),
      backend_(std::move(backend)),
      engine_(engine),
      models_dir_(models_dir),
      bundled_dirs_(bundled_dirs),
      available_([] { return AvailableMemoryBytes(); }) {
  QDir().mkpath(models_dir_);
  watcher_.addPath(models_dir_);
  rescan_.setSingleShot(true);
  rescan_.setInterval(300);
  connect(&watcher_, &QFileSystemWatcher::directoryChanged, &rescan_, qOverload<>(&QTimer::start));
  connect(&rescan_, &QTimer::timeout, this, &ModelManager::refresh);
  if (engine_) {
    connect(engine_, &EngineController::modelChanged, this, &ModelManager::OnEngineModelChanged);
    connect(engine_, &EngineController::stateChanged, this, &ModelManager::OnEngineModelChanged);
  }
  refresh();
}

void ModelManager::setContextSize(int context) {
  if (context == context_size_) return;
  context_size_ = context;
  emit contextSizeChanged();
  if (!entries_.isEmpty()) emit dataChanged(index(0), index(int(entries_.size()) - 1), {MemoryNeededRole, FitsRole});
}

ModelManager::Entry ModelManager::Read(const QFileInfo& file, bool bundled) const {
  Entry entry;
  entry.bundled = bundled;
  entry.model.path = file.absoluteFilePath();
  entry.model.name = file.completeBaseName();
  entry.model.file_bytes = uint64_t(file.size());
  try {
    entry.model = backend_->Describe(file.absoluteFilePath());
  } catch (const std::exception& e) {
    entry.problem = QString::fromUtf8(e.what());
  }
  return entry;
}

void ModelManager::refresh() {
  const auto model_files = [](const QString& dir) {
    return QDir(dir).entryInfoList({QStringLiteral("*.gemma")}, QDir::Files | QDir::Readable, QDir::Name);
  };
  QList<Entry> entries;
  QStringList names;
  for (const QFileInfo& file : model_files(models_dir_)) {
    entries.append(Read(file, false));
    names.append(file.fileName());
  }
  // The bundled folders are only ever read: the app's own install (or build) tree first, then the
  // system's. The same file seen twice (/usr/bin/../share is /usr/share) is listed once.
  for (const QString& dir : bundled_dirs_) {
    if (QFileInfo(dir).canonicalFilePath() == QFileInfo(models_dir_).canonicalFilePath()) continue;
    for (const QFileInfo& file : model_files(dir)) {
      if (names.contains(file.fileName())) continue;
      entries.append(Read(file, true));
      names.append(file.fileName());
    }
  }
  beginResetModel();
  const int imported_before = importedCount();
  const bool count_changed = entries.size() != entries_.size();
  entries_ = std::move(entries);
  endResetModel();
  if (count_changed || importedCount() != imported_before) emit countChanged();
}

int ModelManager::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(entries_.size()); }

int ModelManager::ContextFor(const ModelDescription& model) const {
  return model.max_context > 0 ? std::min(context_size_, model.max_context) : context_size_;
}

bool ModelManager::Fits(const Entry& entry) const {
  const uint64_t available = AvailableForNewModel();
  return available == 0 || entry.model.MemoryFor(ContextFor(entry.model)) <= available;
}

QVariant ModelManager::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= entries_.size()) return {};
  const Entry& e = entries_[index.row()];
  switch (role) {
    case Qt::DisplayRole:
    case NameRole: return e.model.name;
    case PathRole: return e.model.path;
    case VariantRole: return e.model.variant;
    case InstructionTunedRole: return e.model.instruction_tuned;
    case FileSizeRole: return qint64(e.model.file_bytes);
    case MemoryNeededRole: return e.problem.isEmpty() ? qint64(e.model.MemoryFor(ContextFor(e.model))) : qint64(0);
    case FitsRole: return e.problem.isEmpty() && Fits(e);
    case LoadedRole: return engine_ && engine_->state() == EngineController::Ready && engine_->modelPath() == e.model.path;
    case DamagedRole: return !e.problem.isEmpty();
    case ProblemRole: return e.problem;
    case BundledRole: return e.bundled;
  }
  return {};
}

QHash<int, QByteArray> ModelManager::roleNames() const {
  return {{PathRole, "path"},
          {NameRole, "name"},
          {VariantRole, "variant"},
          {InstructionTunedRole, "instructionTuned"},
          {FileSizeRole, "fileSize"},
          {MemoryNeededRole, "memoryNeeded"},
          {FitsRole, "fits"},
          {LoadedRole, "loaded"},
          {DamagedRole, "damaged"},
          {ProblemRole, "problem"},
          {BundledRole, "bundled"}};
}

int ModelManager::indexOf(const QString& path) const {
  const QString absolute = QFileInfo(path).absoluteFilePath();
  for (int i = 0; i < entries_.size(); ++i) {
    if (entries_[i].model.path == absolute) return i;
  }
  return -1;
}

qint64 ModelManager::memoryNeeded(const QString& path) const {
  const int row = indexOf(path);
  if (row < 0 || !entries_[row].problem.isEmpty()) return 0;
  return qint64(entries_[row].model.MemoryFor(ContextFor(entries_[row].model)));
}

int ModelManager::importedCount() const {
  return int(std::count_if(entries_.begin(), entries_.end(), [](const Entry& e) { return !e.bundled; }));
}

bool ModelManager::isBundled(const QString& path) const {
  const int row = indexOf(path);
  return row >= 0 && entries_[row].bundled;
}

QString ModelManager::demoModel() const {
  for (const Entry& e : entries_) {
    if (e.bundled && e.problem.isEmpty()) return e.model.path;
  }
  return QString();
}

bool ModelManager::load(const QString& path) {
  ModelDescription model;
  try {
    model = backend_->Describe(path);
  } catch (const std::exception& e) {
    SetError(tr("This model file cannot be used: %1").arg(QString::fromUtf8(e.what())));
    return false;
  }
  const int context = ContextFor(model);
  const uint64_t needed = model.MemoryFor(context);
  const uint64_t available = AvailableForNewModel();
  if (available > 0 && needed > available) {
    //: %1 model name, %2 memory needed, %3 context size in tokens, %4 memory available
    SetError(tr("%1 needs %2 of memory with a %3-token context, but only %4 is available. Close other "
                "programs, choose a smaller context size in Settings, or use a smaller model.")
                 .arg(model.name, Size(needed), QLocale().toString(context), Size(available)));
    return false;
  }
  SetError(QString());
  if (engine_) {
    engine_->SetContextSize(context);
    engine_->load(model.path, threads_);
  }
  return true;
}

void ModelManager::clearError() { SetError(QString()); }

void ModelManager::SetAvailableMemoryFunction(std::function<uint64_t()> available) {
  available_ = std::move(available);
  if (!entries_.isEmpty()) emit dataChanged(index(0), index(int(entries_.size()) - 1), {FitsRole});
}

uint64_t ModelManager::AvailableForNewModel() const {
  // A loaded model file's pages are page cache, which MemAvailable already counts as reclaimable, so the
  // model being replaced needs no special accounting.
  return available_ ? available_() : 0;
}

void ModelManager::SetError(const QString& error) {
  if (error == error_) return;
  error_ = error;
  emit errorStringChanged();
}

void ModelManager::OnEngineModelChanged() {
  if (!entries_.isEmpty()) emit dataChanged(index(0), index(int(entries_.size()) - 1), {LoadedRole});
}

}  // namespace gemma
