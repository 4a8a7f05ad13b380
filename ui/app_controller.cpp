// AppController: builds the app's objects in order and keeps the settings applied to them.
#include "ui/app_controller.h"

#include <QClipboard>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QLocale>
#include <QQmlEngine>
#include <QStandardPaths>

#include "core/chat/conversation_store.h"

namespace gemma {

namespace {

bool HasUsableImportedModel(const ModelManager& models) {
  for (int row = 0; row < models.rowCount(); ++row) {
    const QModelIndex index = models.index(row);
    if (!index.data(ModelManager::BundledRole).toBool() && !index.data(ModelManager::DamagedRole).toBool()) return true;
  }
  return false;
}

}  // namespace

AppController::AppController(QObject* parent) : QObject(parent) {
  data_dir_ = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
  bundled_model_dirs_ = DefaultBundledModelDirs();
}

QStringList AppController::DefaultBundledModelDirs() {
  QStringList dirs;
  // applicationDirPath needs the application object; a test may make a controller before it.
  if (QCoreApplication::instance()) {
    dirs << QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/../share/gemma-chat/models"));
  }
  const QString system = QStringLiteral("/usr/share/gemma-chat/models");
  if (!dirs.contains(system)) dirs << system;
  return dirs;
}

void AppController::setBundledModelDirs(const QStringList& dirs) {
  if (started_ || dirs == bundled_model_dirs_) return;
  bundled_model_dirs_ = dirs;
  emit dataDirChanged();
}

AppController::~AppController() {
  // Reverse order of creation (see the members); spelled out because the order matters.
  exporter_.reset();
  chat_.reset();
  importer_.reset();
  models_.reset();
  if (store_) store_->close();
  store_.reset();
  engine_.reset();
  if (translator_installed_) QCoreApplication::removeTranslator(&translator_);
}

void AppController::setDataDir(const QString& dir) {
  if (started_ || dir == data_dir_) return;
  data_dir_ = dir;
  emit dataDirChanged();
}

void AppController::setSettingsFile(const QString& file) {
  if (started_ || file == settings_file_) return;
  settings_file_ = file;
  emit dataDirChanged();
}

QString AppController::storeError() const { return store_ ? store_->errorString() : QString(); }

QString AppController::version() const { return QCoreApplication::applicationVersion(); }

bool AppController::start() { return Start(InstalledBackend()); }

bool AppController::Start(std::shared_ptr<EngineBackend> backend) {
  if (started_) return true;
  if (!backend) {
    qWarning("AppController: no engine backend installed");
    return false;
  }
  const QString models_dir = QDir(data_dir_).filePath(QStringLiteral("models"));
  if (!QDir().mkpath(models_dir)) {
    qWarning("AppController: cannot create %s", qPrintable(models_dir));
    return false;
  }
  settings_ = std::make_unique<AppSettings>(settings_file_);
  engine_ = std::make_unique<EngineController>(backend);
  store_ = std::make_unique<ConversationStore>();
  store_->open(QDir(data_dir_).filePath(QStringLiteral("conversations.sqlite")));
  connect(store_.get(), &ConversationStore::errorChanged, this, &AppController::storeErrorChanged);
  models_ = std::make_unique<ModelManager>(backend, engine_.get(), models_dir, nullptr, bundled_model_dirs_);
  importer_ = std::make_unique<ImportController>(backend, models_dir);
  chat_ = std::make_unique<ChatController>(store_.get(), engine_.get(), settings_.get());
  exporter_ = std::make_unique<ExportController>(store_.get(), chat_.get());
  connect(store_.get(), &ConversationStore::openChanged, this, &AppController::UpdateRecoveryNotice);
  connect(store_.get(), &ConversationStore::writeFailureChanged, this, [this] {
    // The store's own message about the failure is in the banner's words now; once writes go through
    // again it is over, so it goes too.
    if (store_->writeFailure() == ConversationStore::NoWriteFailure) store_->clearError();
    emit saveProblemChanged();
  });
  UpdateRecoveryNotice();

  connect(settings_.get(), &AppSettings::changed, this, &AppController::ApplyEngineSettings);
  connect(settings_.get(), &AppSettings::languageChanged, this, &AppController::ApplyLanguage);
  connect(importer_.get(), &ImportController::imported, this, [this](const QString& path) {
    models_->refresh();
    // The first model someone imports is the one they want to talk to, rather than the demo.
    if (engine_->state() == EngineController::NoModel ||
        (engine_->state() == EngineController::Ready && models_->isBundled(engine_->modelPath()))) {
      models_->load(path);
    }
  });
  connect(engine_.get(), &EngineController::modelLoaded, this, [this] {
    if (models_->indexOf(engine_->modelPath()) >= 0) settings_->setLastModel(engine_->modelPath());
  });
  ApplyEngineSettings();
  ApplyLanguage();
  started_ = true;
  emit startedChanged();
  emit storeErrorChanged();
  return true;
}

void AppController::UpdateRecoveryNotice() {
  const QString backup = store_ ? store_->damagedBackupPath() : QString();
  if (backup.isEmpty() || backup == noticed_backup_) return;
  noticed_backup_ = backup;
  // Singular and plural spelled out: the app ships no English translation to resolve a %n plural.
  const qint64 recovered = store_->recoveredConversations();
  const QString what =
      recovered == 1 ? tr("The conversation database was damaged, so GemmaChat repaired it: 1 conversation could "
                          "be recovered. The damaged file was kept unchanged at %1; anything not recovered may "
                          "still be in it.")
                     : tr("The conversation database was damaged, so GemmaChat repaired it: %2 conversations "
                          "could be recovered. The damaged file was kept unchanged at %1; anything not recovered "
                          "may still be in it.");
  recovery_notice_ = what.arg(QDir::toNativeSeparators(backup)).arg(recovered);
  emit recoveryNoticeChanged();
}

void AppController::dismissRecoveryNotice() {
  if (recovery_notice_.isEmpty()) return;
  recovery_notice_.clear();
  // The store's message says the same in English: it goes with the notice.
  if (store_ && store_->writeFailure() == ConversationStore::NoWriteFailure) store_->clearError();
  emit recoveryNoticeChanged();
}

QString AppController::saveProblem() const {
  if (!store_) return QString();
  switch (store_->writeFailure()) {
    case ConversationStore::NoWriteFailure:
      return QString();
    case ConversationStore::DiskFull:
      return tr("This conversation could not be saved: the disk is full. Your earlier conversations are safe. "
                "Free some disk space; GemmaChat saves again as soon as it can.");
    case ConversationStore::WriteError:
      break;
  }
  return tr("This conversation could not be saved (%1). Your earlier conversations are safe. Check that the "
            "disk has free space and the data folder can be written to; GemmaChat saves again as soon as it "
            "can.")
      .arg(store_->writeFailureDetail());
}

void AppController::ApplyEngineSettings() {
  models_->setContextSize(settings_->contextSize());
  models_->SetThreads(settings_->threads());
  // The context a reply gets follows the setting at once (the worker starts the session afresh).
  if (engine_->state() == EngineController::Ready) engine_->SetContextSize(models_->ContextFor(engine_->model()));
}

void AppController::loadInitialModel(const QString& path) {
  if (!started_) return;
  if (path.isEmpty()) {
    const QString last = settings_->lastModel();
    if (!last.isEmpty() && models_->indexOf(last) >= 0) {
      models_->load(last);
    } else if (!HasUsableImportedModel(*models_) && !models_->demoModel().isEmpty()) {
      // Nothing (readable) imported yet: the app is ready to chat with its demo model from the first start.
      models_->load(models_->demoModel());
    }
    return;
  }
  const QString absolute = QFileInfo(path).absoluteFilePath();
  if (models_->load(absolute)) return;
  if (!QFileInfo(absolute).isDir() && !absolute.endsWith(QStringLiteral(".gguf"), Qt::CaseInsensitive)) return;
  // A checkpoint, not a model file: quantized into memory on loading (slower, and no memory check first).
  models_->clearError();
  engine_->SetContextSize(settings_->contextSize());
  engine_->load(absolute, settings_->threads());
}

QString AppController::effectiveLanguage() const {
  const QString chosen = settings_ ? settings_->language() : QString();
  if (!chosen.isEmpty()) return chosen;
  return QLocale::system().language() == QLocale::Korean ? QStringLiteral("ko") : QStringLiteral("en");
}

void AppController::ApplyLanguage() {
  if (translator_installed_) {
    QCoreApplication::removeTranslator(&translator_);
    translator_installed_ = false;
  }
  const QString language = effectiveLanguage();
  if (language == QLatin1String("ko")) {
    if (translator_.load(QStringLiteral(":/i18n/gemma_ko.qm"))) {
      translator_installed_ = QCoreApplication::installTranslator(&translator_);
    } else {
      qWarning("AppController: the Korean translation is missing from the resources");
    }
    QLocale::setDefault(QLocale(QLocale::Korean, QLocale::SouthKorea));
  } else {
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
  }
  QQmlEngine* engine = qml_engine_ ? qml_engine_.data() : qmlEngine(this);
  if (engine) engine->retranslate();
}

void AppController::copyText(const QString& text) {
  if (QClipboard* clipboard = QGuiApplication::clipboard()) clipboard->setText(text);
}

QString AppController::formatBytes(qint64 bytes) const {
  return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString AppController::localPath(const QUrl& url) const { return url.isLocalFile() ? url.toLocalFile() : url.toString(); }

}  // namespace gemma
