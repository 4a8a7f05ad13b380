// The importer: atomic (cancel, errors, exceptions and a killed process leave no model file and no stray
// partial file, and never damage an earlier one), bounded in memory, and the same bytes in memory as on disk.
#include <QtTest>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/engine/error.h"
#include "core/model/importer.h"
#include "core/model/model_file.h"
#include "core/model/synthetic_checkpoint.h"
#include "tests/support/hf_writer.h"
#include "tests/support/model_file_v1.h"
#include "tests/support/tiny_checkpoint.h"
#include "tests/support/tiny_model.h"

namespace fs = std::filesystem;

namespace {

std::set<std::string> ListDir(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void Spit(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

// Forwards to a real reader, throwing on the n-th ReadRows call (or writing a NaN there).
class FaultyReader : public gemma::CheckpointReader {
 public:
  enum class Fault { kThrow, kNaN };
  FaultyReader(gemma::CheckpointReader& inner, int fail_at, Fault fault)
      : inner_(inner), fail_at_(fail_at), fault_(fault) {}
  const gemma::ModelConfig& config() const override { return inner_.config(); }
  const std::string& tokenizer_model() const override { return inner_.tokenizer_model(); }
  const gemma::ModelInfo& info() const override { return inner_.info(); }
  void ReadRows(const std::string& name, int64_t first, int64_t count, float* out) override {
    inner_.ReadRows(name, first, count, out);
    if (++calls_ == fail_at_) {
      if (fault_ == Fault::kThrow) throw gemma::Error("simulated read error in " + name);
      out[count / 2] = std::nanf("");
    }
  }
  int calls() const { return calls_; }

 private:
  gemma::CheckpointReader& inner_;
  int fail_at_;
  Fault fault_;
  int calls_ = 0;
};

int64_t StatusKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::stoll(line.substr(std::strlen(field) + 1));
  }
  return -1;
}

// Resets VmHWM to the current RSS, so a later VmHWM is the peak of what ran in between.
bool ResetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return bool(out);
}

// ~360 MB of f32 weights: a 32000 x 1024 embedding (131 MB alone) and four layers.
gemma::ModelConfig MediumConfig() {
  return gemma::ModelConfig{.vocab_size = 32000, .hidden = 1024, .layers = 4, .heads = 8, .kv_heads = 1,
                            .head_dim = 128, .ffn = 4096, .context = 2048};
}

// Waits up to `seconds` for one byte on `fd`.
bool WaitForByte(int fd, int seconds) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, seconds * 1000) != 1) return false;
  char c;
  return ::read(fd, &c, 1) == 1;
}

std::string ReadAll(int fd) {
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, size_t(n));
  return text;
}

}  // namespace

class TestImporter : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  gemma::testing::TinyModel tiny_;
  int case_ = 0;

  // A fresh empty folder per test, so listings only show what that test made.
  fs::path NewFolder() {
    const fs::path folder = fs::path(dir_.path().toStdString()) / ("case" + std::to_string(++case_));
    fs::create_directories(folder);
    return folder;
  }

  void ImportTiny(const fs::path& out, gemma::WeightType type = gemma::WeightType::kInt8) {
    auto checkpoint = gemma::testing::MakeTinyCheckpoint(tiny_);
    gemma::ImportOptions options;
    options.weight_type = type;
    gemma::ImportCheckpoint(*checkpoint, out, options);
  }

  fs::path ConvertBinary() const {
    return fs::path(QCoreApplication::applicationDirPath().toStdString()) / "../../../app/gemma-convert";
  }

 private slots:
  void initTestCase();

  void importWritesOnlyTheModelFile();
  void progressIsMonotonicAndComplete();
  void cancelHalfWayLeavesNothing();
  void existingFileSurvivesAFailedImport();
  void throwingReaderLeavesNothing();
  void successfulImportReplacesAnExistingFile();
  void nonFiniteWeightIsRefused();
  void int8NeedsWidthsThatAreMultiplesOf64();
  void tokenizerLargerThanVocabularyIsRefused();
  void missingFolderIsAnError();
  void inMemoryModelHasTheFileBytes_data();
  void inMemoryModelHasTheFileBytes();
  void inMemoryBuildCanBeCancelled();
  void importMemoryIsBounded();
  void inMemoryBuildNeedsOnlyTheOutputSize();
  void killedImportLeavesNoFileAndTheNextImportCleansUp();
  void staleCleanupSparesLiveAndForeignFiles();
  void writeFailureIsAClearErrorAndLeavesNothing();
  void convertCommandLine();
  void convertSigintRemovesThePartialFile();
};

void TestImporter::initTestCase() {
  QVERIFY(dir_.isValid());
  tiny_ = gemma::testing::MakeTinyModel(gemma::testing::Attention::kMultiQuery, 21);
}

void TestImporter::importWritesOnlyTheModelFile() {
  const fs::path folder = NewFolder();
  ImportTiny(folder / "tiny.gemma");
  QCOMPARE(ListDir(folder), std::set<std::string>{"tiny.gemma"});
  QCOMPARE(gemma::ReadModelFileHeader(folder / "tiny.gemma").info.name, tiny_.name);

  // A relative output name goes to the current folder.
  const fs::path previous = fs::current_path();
  fs::current_path(folder);
  ImportTiny("relative.gemma");
  fs::current_path(previous);
  QVERIFY(gemma::IsModelFile(folder / "relative.gemma"));
}

void TestImporter::progressIsMonotonicAndComplete() {
  const fs::path folder = NewFolder();
  auto checkpoint = gemma::testing::MakeTinyCheckpoint(tiny_);
  std::vector<gemma::ImportProgress> reports;
  gemma::ImportOptions options;
  options.progress = [&](const gemma::ImportProgress& p) {
    reports.push_back(p);
    return true;
  };
  gemma::ImportCheckpoint(*checkpoint, folder / "p.gemma", options);
  QVERIFY(reports.size() > size_t(2 + 9 * tiny_.config.layers));
  for (size_t i = 1; i < reports.size(); ++i) {
    QVERIFY(reports[i].bytes_done > reports[i - 1].bytes_done);
    QCOMPARE(reports[i].bytes_total, reports[0].bytes_total);
  }
  QCOMPARE(reports.back().bytes_done, reports.back().bytes_total);
  QCOMPARE(reports.back().bytes_total, gemma::ReadModelFileHeader(folder / "p.gemma").memory_bytes);
  QCOMPARE(reports.back().tensor, std::string("model.norm.weight"));
  QCOMPARE(reports[1].tensor, std::string("model.embed_tokens.weight"));
}

void TestImporter::cancelHalfWayLeavesNothing() {
  const fs::path folder = NewFolder();
  auto checkpoint = gemma::testing::MakeTinyCheckpoint(tiny_);
  bool cancelled = false;
  gemma::ImportOptions options;
  options.progress = [&](const gemma::ImportProgress& p) {
    cancelled = p.bytes_done * 2 >= p.bytes_total;
    return !cancelled;
  };
  QVERIFY_THROWS_EXCEPTION(gemma::ImportCancelled, gemma::ImportCheckpoint(*checkpoint, folder / "c.gemma", options));
  QVERIFY(cancelled);
  QCOMPARE(ListDir(folder), std::set<std::string>{});
}

void TestImporter::existingFileSurvivesAFailedImport() {
  const fs::path folder = NewFolder();
  const fs::path out = folder / "keep.gemma";
  ImportTiny(out);
  const std::string before = Slurp(out);

  auto checkpoint = gemma::testing::MakeTinyCheckpoint(tiny_);
  gemma::ImportOptions cancel;
  cancel.weight_type = gemma::WeightType::kF32;
  cancel.progress = [](const gemma::ImportProgress& p) { return p.bytes_done * 3 < p.bytes_total * 2; };
  QVERIFY_THROWS_EXCEPTION(gemma::ImportCancelled, gemma::ImportCheckpoint(*checkpoint, out, cancel));
  QCOMPARE(Slurp(out), before);

  FaultyReader faulty(*checkpoint, 7, FaultyReader::Fault::kThrow);
  QVERIFY_THROWS_EXCEPTION(gemma::Error, gemma::ImportCheckpoint(faulty, out, {}));
  QCOMPARE(Slurp(out), before);
  QCOMPARE(ListDir(folder), std::set<std::string>{"keep.gemma"});
}

void TestImporter::throwingReaderLeavesNothing() {
  const fs::path folder = NewFolder();
  auto checkpoint = gemma::testing::MakeTinyCheckpoint(tiny_);
  FaultyReader faulty(*checkpoint, 10, FaultyReader::Fault::kThrow);
  try {
    gemma::ImportCheckpoint(faulty, folder / "t.gemma", {});
    QFAIL("the import did not fail");
  } catch (const gemma::Error& e) {
    QVERIFY(std::string(e.what()).find("simulated read error") != std::string::npos);
  }
  QCOMPARE(faulty.calls(), 10);
  QCOMPARE(ListDir(folder), std::set<std::string>{});
}

void TestImporter::successfulImportReplacesAnExistingFile() {
  const fs::path folder = NewFolder();
  Spit(folder / "old.gemma", "an older file");
  ImportTiny(folder / "old.gemma", gemma::WeightType::kF32);
  QCOMPARE(gemma::ReadModelFileHeader(folder / "old.gemma").weight_type, gemma::WeightType::kF32);
  QCOMPARE(ListDir(folder), std::set<std::string>{"old.gemma"});
}

void TestImporter::nonFiniteWeightIsRefused() {
  const fs::path folder = NewFolder();
  auto checkpoint = gemma::testing::MakeTinyCheckpoint(tiny_);
  FaultyReader faulty(*checkpoint, 4, FaultyReader::Fault::kNaN);
  try {
    gemma::ImportCheckpoint(faulty, folder / "nan.gemma", {});
    QFAIL("the import did not fail");
  } catch (const gemma::Error& e) {
    QVERIFY2(std::string(e.what()).find("non-finite value") != std::string::npos, e.what());
  }
  QCOMPARE(ListDir(folder), std::set<std::string>{});
}

void TestImporter::int8NeedsWidthsThatAreMultiplesOf64() {
  const fs::path folder = NewFolder();
  gemma::ModelConfig config{.vocab_size = 512, .hidden = 96, .layers = 1, .heads = 2, .kv_heads = 1,
                            .head_dim = 32, .ffn = 192, .context = 64};
  auto checkpoint = gemma::MakeSyntheticCheckpoint(config, 1, tiny_.tokenizer_model);
  try {
    gemma::ImportCheckpoint(*checkpoint, folder / "odd.gemma", {});
    QFAIL("the import did not fail");
  } catch (const gemma::Error& e) {
    QVERIFY2(std::string(e.what()).find("import with f32 weights") != std::string::npos, e.what());
  }
  QCOMPARE(ListDir(folder), std::set<std::string>{});
  gemma::ImportOptions f32;
  f32.weight_type = gemma::WeightType::kF32;
  gemma::ImportCheckpoint(*checkpoint, folder / "odd.gemma", f32);
  QCOMPARE(gemma::OpenModelFile(folder / "odd.gemma")->weights().embedding.cols, 96);
}

void TestImporter::tokenizerLargerThanVocabularyIsRefused() {
  const fs::path folder = NewFolder();
  gemma::ModelConfig config{.vocab_size = 128, .hidden = 64, .layers = 1, .heads = 1, .kv_heads = 1,
                            .head_dim = 64, .ffn = 64, .context = 64};
  auto checkpoint = gemma::MakeSyntheticCheckpoint(config, 1, tiny_.tokenizer_model);
  try {
    gemma::ImportCheckpoint(*checkpoint, folder / "v.gemma", {});
    QFAIL("the import did not fail");
  } catch (const gemma::Error& e) {
    QVERIFY2(std::string(e.what()).find("but its embedding only 128 rows") != std::string::npos, e.what());
  }
  QVERIFY_THROWS_EXCEPTION(gemma::Error, gemma::BuildModelInMemory(*checkpoint, gemma::WeightType::kInt8));
  QCOMPARE(ListDir(folder), std::set<std::string>{});
}

void TestImporter::missingFolderIsAnError() {
  const fs::path folder = NewFolder();
  try {
    ImportTiny(folder / "no" / "such" / "x.gemma");
    QFAIL("the import did not fail");
  } catch (const gemma::Error& e) {
    QVERIFY2(std::string(e.what()).find("does not exist") != std::string::npos, e.what());
  }
  QVERIFY_THROWS_EXCEPTION(gemma::Error, ImportTiny(folder));
}

void TestImporter::inMemoryModelHasTheFileBytes_data() {
  QTest::addColumn<bool>("f32");
  QTest::newRow("int8") << false;
  QTest::newRow("f32") << true;
}

void TestImporter::inMemoryModelHasTheFileBytes() {
  QFETCH(bool, f32);
  const auto type = f32 ? gemma::WeightType::kF32 : gemma::WeightType::kInt8;
  const fs::path folder = NewFolder();
  ImportTiny(folder / "m.gemma", type);
  const auto file = gemma::OpenModelFile(folder / "m.gemma");
  auto checkpoint = gemma::testing::MakeTinyCheckpoint(tiny_);
  const auto memory = gemma::BuildModelInMemory(*checkpoint, type);
  QVERIFY(memory->config() == file->config());
  QCOMPARE(memory->info().name, file->info().name);
  QCOMPARE(memory->tokenizer().serialized(), file->tokenizer().serialized());
  auto same_matrix = [](const gemma::MatrixView& a, const gemma::MatrixView& b) {
    const size_t n = size_t(a.rows) * a.cols;
    if (a.type != b.type || a.rows != b.rows || a.cols != b.cols) return false;
    if (a.type == gemma::WeightType::kF32) return std::memcmp(a.f32, b.f32, n * 4) == 0;
    return std::memcmp(a.q, b.q, n) == 0 &&
           std::memcmp(a.scales, b.scales, n / gemma::kQuantBlock * sizeof(*a.scales)) == 0;
  };
  const int h = file->config().hidden;
  const auto& fw = file->weights();
  const auto& mw = memory->weights();
  QVERIFY(same_matrix(fw.embedding, mw.embedding));
  QVERIFY(std::memcmp(fw.final_norm, mw.final_norm, size_t(h) * 4) == 0);
  for (size_t l = 0; l < fw.layers.size(); ++l) {
    const auto &a = fw.layers[l], &b = mw.layers[l];
    QVERIFY(std::memcmp(a.attn_norm, b.attn_norm, size_t(h) * 4) == 0);
    QVERIFY(std::memcmp(a.ffn_norm, b.ffn_norm, size_t(h) * 4) == 0);
    QVERIFY(same_matrix(a.q, b.q) && same_matrix(a.k, b.k) && same_matrix(a.v, b.v) && same_matrix(a.o, b.o));
    QVERIFY(same_matrix(a.gate, b.gate) && same_matrix(a.up, b.up) && same_matrix(a.down, b.down));
  }
}

void TestImporter::inMemoryBuildCanBeCancelled() {
  auto checkpoint = gemma::testing::MakeTinyCheckpoint(tiny_);
  int calls = 0;
  QVERIFY_THROWS_EXCEPTION(gemma::ImportCancelled,
                           gemma::BuildModelInMemory(*checkpoint, gemma::WeightType::kInt8,
                                                     [&](const gemma::ImportProgress&) { return ++calls < 5; }));
  QCOMPARE(calls, 5);
}

void TestImporter::importMemoryIsBounded() {
  const fs::path folder = NewFolder();
  const gemma::ModelConfig config = MediumConfig();
  auto checkpoint = gemma::MakeSyntheticCheckpoint(config, 3, tiny_.tokenizer_model);
  const int64_t f32_mb = config.ParameterCount() * 4 >> 20;
  QVERIFY(f32_mb > 340);
  QVERIFY(ResetPeakRss());
  const int64_t before_kb = StatusKb("VmRSS");
  gemma::ImportCheckpoint(*checkpoint, folder / "medium.gemma", {});
  const int64_t peak_kb = StatusKb("VmHWM");
  const int64_t growth_mb = (peak_kb - before_kb) >> 10;
  qInfo("import of %lld MB of f32 weights: peak RSS grew by %lld MB", (long long)f32_mb, (long long)growth_mb);
  QVERIFY(before_kb > 0 && peak_kb >= before_kb);
  QVERIFY2(growth_mb < 64, qPrintable(QString("peak RSS grew by %1 MB").arg(growth_mb)));
  QCOMPARE(gemma::ReadModelFileHeader(folder / "medium.gemma").config, config);
}

void TestImporter::inMemoryBuildNeedsOnlyTheOutputSize() {
  // The same measurement sees the in-memory model's own bytes (so it does measure), and nothing like f32.
  const gemma::ModelConfig config = MediumConfig();
  auto checkpoint = gemma::MakeSyntheticCheckpoint(config, 3, tiny_.tokenizer_model);
  QVERIFY(ResetPeakRss());
  const int64_t before_kb = StatusKb("VmRSS");
  const auto model = gemma::BuildModelInMemory(*checkpoint, gemma::WeightType::kInt8);
  const int64_t growth_mb = (StatusKb("VmHWM") - before_kb) >> 10;
  const int64_t int8_mb = (config.ParameterCount() + config.ParameterCount() / 64 * 4) >> 20;
  qInfo("in-memory int8 build: %lld MB of weights, peak RSS grew by %lld MB", (long long)int8_mb,
        (long long)growth_mb);
  QVERIFY2(growth_mb > int8_mb * 9 / 10 && growth_mb < int8_mb + 64,
           qPrintable(QString("grew by %1 MB for %2 MB of weights").arg(growth_mb).arg(int8_mb)));
  QCOMPARE(model->weights().layers.size(), size_t(4));
}

void TestImporter::killedImportLeavesNoFileAndTheNextImportCleansUp() {
  const fs::path folder = NewFolder();
  const fs::path out = folder / "killed.gemma";
  gemma::ModelConfig config = MediumConfig();
  config.layers = 1;
  int pipe_fds[2];
  QCOMPARE(::pipe(pipe_fds), 0);
  const pid_t child = ::fork();
  QVERIFY(child >= 0);
  if (child == 0) {
    // The child imports and, half way, tells the parent and waits to be killed.
    ::close(pipe_fds[0]);
    auto checkpoint = gemma::MakeSyntheticCheckpoint(config, 5, tiny_.tokenizer_model);
    gemma::ImportOptions options;
    options.progress = [&](const gemma::ImportProgress& p) {
      if (p.bytes_done * 2 >= p.bytes_total) {
        (void)!::write(pipe_fds[1], "h", 1);
        for (;;) ::pause();
      }
      return true;
    };
    try {
      gemma::ImportCheckpoint(*checkpoint, out, options);
    } catch (...) {
    }
    ::_exit(1);
  }
  ::close(pipe_fds[1]);
  const bool half_way = WaitForByte(pipe_fds[0], 300);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(pipe_fds[0]);
  QVERIFY(half_way);
  QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  QVERIFY(!fs::exists(out));
  // What a killed import leaves: its partial file, named after its process id.
  const std::set<std::string> left = ListDir(folder);
  QCOMPARE(left.size(), size_t(1));
  const std::string partial = *left.begin();
  QVERIFY2(partial.rfind("killed.gemma.partial-" + std::to_string(child) + ".", 0) == 0, partial.c_str());
  QVERIFY(fs::file_size(folder / partial) > 0);

  ImportTiny(out);
  QCOMPARE(ListDir(folder), std::set<std::string>{"killed.gemma"});
}

void TestImporter::staleCleanupSparesLiveAndForeignFiles() {
  const fs::path folder = NewFolder();
  const pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  const std::string magic(gemma::kModelFileMagic, sizeof gemma::kModelFileMagic);
  const std::string d = std::to_string(dead);
  Spit(folder / ("live.gemma.partial-" + std::to_string(::getppid()) + ".0"), magic + "live");
  Spit(folder / ("mine.gemma.partial-" + std::to_string(::getpid()) + ".9"), magic + "this process");
  Spit(folder / ("foreign.txt.partial-" + d), "someone else's file");
  Spit(folder / ("notes.partial-" + d + ".txt"), magic);
  Spit(folder / ("stale.gemma.partial-" + d + ".0"), magic + "half a model");
  Spit(folder / ("empty.gemma.partial-" + d), "");
  fs::create_directory(folder / ("folder.partial-" + d));
  QCOMPARE(gemma::RemoveStalePartialFiles(folder), 2);
  const std::set<std::string> expected{"live.gemma.partial-" + std::to_string(::getppid()) + ".0",
                                       "mine.gemma.partial-" + std::to_string(::getpid()) + ".9",
                                       "foreign.txt.partial-" + d, "notes.partial-" + d + ".txt",
                                       "folder.partial-" + d};
  QCOMPARE(ListDir(folder), expected);
  QCOMPARE(gemma::RemoveStalePartialFiles(folder / "does-not-exist"), 0);
}

void TestImporter::writeFailureIsAClearErrorAndLeavesNothing() {
  // A file size limit makes writing fail the way a full disk does, without needing a full disk.
  const fs::path folder = NewFolder();
  int pipe_fds[2];
  QCOMPARE(::pipe(pipe_fds), 0);
  const pid_t child = ::fork();
  QVERIFY(child >= 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{64 << 10, 64 << 10};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    std::string message = "(no error)";
    try {
      ImportTiny(folder / "big.gemma");
    } catch (const gemma::Error& e) {
      message = e.what();
    }
    (void)!::write(pipe_fds[1], message.data(), message.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  const std::string message = ReadAll(pipe_fds[0]);
  ::close(pipe_fds[0]);
  ::waitpid(child, nullptr, 0);
  QVERIFY2(message.find("is larger than this system allows") != std::string::npos, message.c_str());
  QCOMPARE(ListDir(folder), std::set<std::string>{});
}

void TestImporter::convertCommandLine() {
  const fs::path convert = ConvertBinary();
  if (!fs::exists(convert)) QSKIP("gemma-convert is not built (cmake --build build --target gemma-convert)");
  auto run = [&](const QStringList& args, QString* out) {
    QProcess p;
    p.start(QString::fromStdString(convert.string()), args);
    p.waitForFinished(120000);
    *out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
  };
  QString output;
  QCOMPARE(run({"--help"}, &output), 0);
  QVERIFY(output.contains("Usage"));
  QCOMPARE(run({"--version"}, &output), 0);
  QVERIFY(output.startsWith("gemma-convert "));
  QCOMPARE(run({}, &output), 2);
  QVERIFY2(output.contains("give a source"), qPrintable(output));
  QCOMPARE(run({"--synthetic", "3b", "x.gemma"}, &output), 2);
  QVERIFY2(output.contains("--synthetic takes 2b or 7b"), qPrintable(output));
  QCOMPARE(run({"in", "out", "--tokenizer", "t.model"}, &output), 2);
  QVERIFY2(output.contains("--tokenizer is only for --synthetic"), qPrintable(output));
  QCOMPARE(run({"a", "b", "--weights", "int4"}, &output), 2);
  QVERIFY2(output.contains("--weights takes int8 or f32"), qPrintable(output));

  const fs::path folder = NewFolder();
  QCOMPARE(run({"--synthetic", "2b", QString::fromStdString((folder / "s.gemma").string()), "--tokenizer",
                QString::fromStdString((folder / "none.model").string())},
               &output),
           1);
  QVERIFY2(output.contains("cannot read"), qPrintable(output));
  QCOMPARE(ListDir(folder), std::set<std::string>{});

  // A model file of the earlier format converts to the current one, keeping its name and weight type
  // (tst_model_file_checkpoint checks the weights); --weights and --name still apply.
  auto path = [&](const char* name) { return QString::fromStdString((folder / name).string()); };
  ImportTiny(folder / "current.gemma");
  ImportTiny(folder / "current-f32.gemma", gemma::WeightType::kF32);
  gemma::testing::WriteAsModelFileVersion1(folder / "current.gemma", folder / "old.gemma", &tiny_);  // as v1 made it
  gemma::testing::WriteAsModelFileVersion1(folder / "current-f32.gemma", folder / "old-f32.gemma");
  QCOMPARE(run({path("old.gemma"), path("new.gemma")}, &output), 0);
  QVERIFY2(output.contains("format 1") && output.contains("int8 weights") && output.contains("Wrote"), qPrintable(output));
  QCOMPARE(run({path("old-f32.gemma"), path("new-f32.gemma")}, &output), 0);
  QCOMPARE(run({path("old.gemma"), path("renamed.gemma"), "--weights", "f32", "--name", "Renamed"}, &output), 0);
  const gemma::ModelFileHeader converted = gemma::ReadModelFileHeader(folder / "new.gemma");
  QCOMPARE(converted.format_version, gemma::kModelFileVersion);
  QCOMPARE(converted.info.name, tiny_.name);
  QCOMPARE(converted.weight_type, gemma::WeightType::kInt8);
  QCOMPARE(gemma::ReadModelFileHeader(folder / "new-f32.gemma").weight_type, gemma::WeightType::kF32);
  QCOMPARE(gemma::ReadModelFileHeader(folder / "renamed.gemma").weight_type, gemma::WeightType::kF32);
  QCOMPARE(gemma::ReadModelFileHeader(folder / "renamed.gemma").info.name, std::string("Renamed"));
  QVERIFY(gemma::OpenModelFile(folder / "new.gemma") != nullptr);
  QCOMPARE(gemma::DefaultImportWeightType(folder / "old-f32.gemma"), gemma::WeightType::kF32);
  QCOMPARE(gemma::DefaultImportWeightType(folder / "old.gemma"), gemma::WeightType::kInt8);
  for (const char* name : {"current.gemma", "current-f32.gemma", "old.gemma", "old-f32.gemma", "new.gemma",
                           "new-f32.gemma", "renamed.gemma"}) {
    fs::remove(folder / name);
  }

  // A real conversion: a Hugging Face folder to an f32 file under another name.
  gemma::testing::WriteHfFolder(folder / "hf", tiny_, gemma::testing::HfDtype::kBF16, /*shards=*/2);
  QCOMPARE(gemma::DefaultImportWeightType(folder / "hf"), gemma::WeightType::kInt8);
  const fs::path out = folder / "converted.gemma";
  QCOMPARE(run({QString::fromStdString((folder / "hf").string()), QString::fromStdString(out.string()), "--weights",
                "f32", "--name", "My Gemma"},
               &output),
           0);
  QVERIFY2(output.contains("100%") && output.contains("Wrote"), qPrintable(output));
  const gemma::ModelFileHeader header = gemma::ReadModelFileHeader(out);
  QCOMPARE(header.info.name, std::string("My Gemma"));
  QCOMPARE(header.weight_type, gemma::WeightType::kF32);
  QVERIFY(header.config == tiny_.config);
}

void TestImporter::convertSigintRemovesThePartialFile() {
  const fs::path convert = ConvertBinary();
  if (!fs::exists(convert)) QSKIP("gemma-convert is not built (cmake --build build --target gemma-convert)");
  const fs::path folder = NewFolder();
  const fs::path tokenizer = fs::path(dir_.path().toStdString()) / "tiny.model";
  Spit(tokenizer, tiny_.tokenizer_model);
  const fs::path out = folder / "synthetic-2b.gemma";

  for (int signal : {SIGINT, SIGKILL}) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QString::fromStdString(convert.string()),
            {"--synthetic", "2b", QString::fromStdString(out.string()), "--tokenizer",
             QString::fromStdString(tokenizer.string())});
    QVERIFY(p.waitForStarted());
    // Wait for the first progress line: the partial file exists and the import is under way.
    QByteArray output;
    while (!output.contains("MB/s") && p.state() == QProcess::Running) {
      p.waitForReadyRead(1000);
      output += p.readAll();
    }
    QVERIFY2(output.contains("MB/s"), output.constData());
    ::kill(pid_t(p.processId()), signal);
    QVERIFY(p.waitForFinished(120000));
    output += p.readAll();
    QVERIFY(!fs::exists(out));
    if (signal == SIGINT) {
      QCOMPARE(p.exitStatus(), QProcess::NormalExit);
      QCOMPARE(p.exitCode(), 130);
      QVERIFY2(output.contains("cancelled"), output.constData());
      QCOMPARE(ListDir(folder), std::set<std::string>{});
    } else {
      QCOMPARE(p.exitStatus(), QProcess::CrashExit);
      QCOMPARE(ListDir(folder).size(), size_t(1));  // the dead process's partial file
      ImportTiny(folder / "next.gemma");
      QCOMPARE(ListDir(folder), std::set<std::string>{"next.gemma"});
    }
  }
}

QTEST_GUILESS_MAIN(TestImporter)
#include "tst_importer.moc"
