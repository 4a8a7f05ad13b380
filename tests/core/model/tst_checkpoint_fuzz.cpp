// Damaged checkpoints never crash: valid tiny files are flipped, overwritten, stretched and truncated at many
// (seeded) positions, and opening them either succeeds or throws gemma::Error. When opening succeeds every
// tensor is read too, which must also succeed or throw gemma::Error. Run under ASan/UBSan this is what
// proves "no out-of-bounds read, ever".
#include <QTemporaryDir>
#include <QTest>
#include <cstring>
#include <random>

#include "core/engine/error.h"
#include "core/model/checkpoint.h"
#include "core/model/gguf.h"
#include "core/model/safetensors.h"
#include "tests/support/gguf_writer.h"
#include "tests/support/hf_writer.h"

using namespace gemma;
using namespace gemma::testing;
namespace fs = std::filesystem;

namespace {

struct Outcome {
  int opened = 0, refused = 0;
};

// Opens and reads everything; returns false (with `what`) on anything but success or gemma::Error.
bool OpenAndReadAll(const fs::path& path, Outcome& outcome, std::string& what) {
  try {
    auto reader = OpenCheckpoint(path);
    std::vector<float> row;
    for (const TensorSpec& spec : GemmaTensorSpecs(reader->config())) {
      const int64_t rows = spec.shape.size() == 1 ? 1 : spec.shape[0];
      row.resize(size_t(spec.shape.back()) * 16);
      for (int64_t r = 0; r < rows; r += 16) reader->ReadRows(spec.name, r, std::min<int64_t>(16, rows - r), row.data());
    }
    ++outcome.opened;
  } catch (const Error&) {
    ++outcome.refused;
  } catch (const std::exception& e) {
    what = std::string("not a gemma::Error: ") + e.what();
    return false;
  }
  return true;
}

// One random change to `bytes`, concentrated where the structure is: the first bytes, the header.
std::string Mutate(std::string bytes, size_t header_end, std::mt19937_64& rng) {
  auto position = [&](size_t limit) { return std::uniform_int_distribution<size_t>(0, std::max<size_t>(limit, 1) - 1)(rng); };
  const int region = int(rng() % 3);
  const size_t limit = region == 0 ? std::min<size_t>(64, bytes.size()) : region == 1 ? header_end : bytes.size();
  const size_t at = position(std::min(limit, bytes.size()));
  switch (rng() % 6) {
    case 0:  // flip one bit
      bytes[at] = char(bytes[at] ^ (1 << (rng() % 8)));
      break;
    case 1:  // overwrite a few bytes with random ones
      for (size_t k = at; k < std::min(bytes.size(), at + 1 + rng() % 8); ++k) bytes[k] = char(rng());
      break;
    case 2:  // an extreme 64-bit value, as in a length or an offset
      for (size_t k = at; k < std::min(bytes.size(), at + 8); ++k) bytes[k] = char(rng() % 2 ? 0xff : 0x7f);
      break;
    case 3:  // truncate
      bytes.resize(at);
      break;
    case 4:  // insert junk (shifts everything after it)
      bytes.insert(at, std::string(1 + rng() % 16, char(rng())));
      break;
    case 5:  // erase a few bytes
      bytes.erase(at, 1 + rng() % 16);
      break;
  }
  return bytes;
}

}  // namespace

class TstCheckpointFuzz : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;

  void FuzzFile(const fs::path& open_path, const fs::path& file, size_t header_end, uint64_t seed, int rounds,
                Outcome& outcome) {
    const std::string original = ReadFileBytes(file);
    std::mt19937_64 rng(seed);
    for (int round = 0; round < rounds; ++round) {
      WriteFileBytes(file, Mutate(original, header_end, rng));
      std::string what;
      QVERIFY2(OpenAndReadAll(open_path, outcome, what),
               qPrintable(QString("%1, round %2: %3").arg(file.filename().c_str()).arg(round).arg(what.c_str())));
    }
    WriteFileBytes(file, original);
  }

 private slots:
  void damagedGgufNeverCrashes_data() {
    QTest::addColumn<int>("type");
    QTest::newRow("Q8_0") << int(GgufType::kQ8_0);
    QTest::newRow("F16") << int(GgufType::kF16);
  }
  void damagedGgufNeverCrashes() {
    QFETCH(int, type);
    const fs::path path = fs::path(tmp_.path().toStdString()) / ("fuzz" + std::to_string(type) + ".gguf");
    WriteGguf(path, MakeTinyModel(Attention::kMultiQuery, 4, 8), GgufType(type));
    const size_t header_end = size_t(GgufFile(path).data_offset());
    Outcome outcome;
    FuzzFile(path, path, header_end, 1234 + uint64_t(type), 400, outcome);
    qInfo("GGUF: %d opened, %d refused", outcome.opened, outcome.refused);
    QVERIFY(outcome.refused > 0);  // the mutations do reach the checks
  }

  void damagedHfFolderNeverCrashes() {
    const fs::path dir = fs::path(tmp_.path().toStdString()) / "gemma-fuzz-it";
    WriteHfFolder(dir, MakeTinyModel(Attention::kMultiHead, 4, 8), HfDtype::kBF16, 2);
    Outcome outcome;
    uint64_t seed = 99;
    for (const char* name : {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"}) {
      const fs::path shard = dir / name;
      uint64_t header = 0;
      const std::string bytes = ReadFileBytes(shard);
      std::memcpy(&header, bytes.data(), 8);
      FuzzFile(dir, shard, size_t(8 + header), ++seed, 250, outcome);
    }
    for (const char* name : {"config.json", "model.safetensors.index.json", "tokenizer.model", "tokenizer_config.json"}) {
      FuzzFile(dir, dir / name, fs::file_size(dir / name), ++seed, 100, outcome);
    }
    qInfo("HF folder: %d opened, %d refused", outcome.opened, outcome.refused);
    QVERIFY(outcome.refused > 0);
    std::string what;
    Outcome clean;
    QVERIFY(OpenAndReadAll(dir, clean, what) && clean.opened == 1);  // restored files open again
  }
};

QTEST_GUILESS_MAIN(TstCheckpointFuzz)
#include "tst_checkpoint_fuzz.moc"
