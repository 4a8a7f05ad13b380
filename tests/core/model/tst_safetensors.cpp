// SafetensorsFile: one file's header parsed and validated, rows read back in every float dtype; each kind of
// damage is refused with a message that names it.
#include <QTemporaryDir>
#include <QTest>
#include <sys/resource.h>
#include <cmath>
#include <random>

#include "core/model/safetensors.h"
#include "tests/support/expect_error.h"
#include "tests/support/half_float.h"
#include "tests/support/hf_writer.h"

using namespace gemma;
using namespace gemma::testing;

namespace {

std::vector<float> RandomValues(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 2.0f);
  std::vector<float> v(n);
  for (float& x : v) x = normal(rng);
  return v;
}

// What a value becomes after storing it in `dtype`, decoded by the test's own helpers.
float Stored(float v, HfDtype dtype) {
  switch (dtype) {
    case HfDtype::kF32: return v;
    case HfDtype::kBF16: return Bf16BitsToF32(F32ToBf16(v));
    case HfDtype::kF16: return F16BitsToF32(F32ToF16(v));
  }
  return NAN;
}

std::string F32Bytes(size_t count) { return std::string(count * 4, '\0'); }

}  // namespace

class TstSafetensors : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::filesystem::path Path(const char* name) { return std::filesystem::path(dir_.path().toStdString()) / name; }

 private slots:
  void readsEveryFloatDtypeExactlyAsStored_data() {
    QTest::addColumn<int>("dtype");
    QTest::newRow("F32") << int(HfDtype::kF32);
    QTest::newRow("BF16") << int(HfDtype::kBF16);
    QTest::newRow("F16") << int(HfDtype::kF16);
  }
  void readsEveryFloatDtypeExactlyAsStored() {
    QFETCH(int, dtype);
    const HfDtype d = HfDtype(dtype);
    const auto matrix = RandomValues(5 * 6, 1), vector = RandomValues(6, 2);
    const auto path = Path("values.safetensors");
    WriteSafetensors(path, {{"vector", HfDtypeName(d), {6}, EncodeTensor(vector, d)},
                            {"matrix", HfDtypeName(d), {5, 6}, EncodeTensor(matrix, d)}});
    SafetensorsFile file(path);
    QCOMPARE(file.tensors().size(), size_t(2));
    QCOMPARE(file.metadata().at("format"), std::string("pt"));
    const SafetensorsTensor* m = file.Find("matrix");
    QVERIFY(m);
    QCOMPARE(m->shape, (std::vector<int64_t>{5, 6}));
    QCOMPARE(m->rows(), int64_t(5));
    QCOMPARE(m->row_elements(), int64_t(6));
    std::vector<float> rows(12);
    file.ReadRows(*m, 2, 2, rows.data());  // rows 2 and 3 only
    for (int i = 0; i < 12; ++i) QCOMPARE(rows[size_t(i)], Stored(matrix[size_t(12 + i)], d));
    const SafetensorsTensor* v = file.Find("vector");
    std::vector<float> all(6);
    file.ReadRows(*v, 0, 1, all.data());  // a 1-D tensor is one row
    for (int i = 0; i < 6; ++i) QCOMPARE(all[size_t(i)], Stored(vector[size_t(i)], d));
    QVERIFY(!file.Find("absent"));
  }

  void f16SpecialValuesDecode() {
    // Subnormals, the largest half, infinities and signed zero, from hand-written bit patterns.
    const uint16_t bits[] = {0x0001, 0x03ff, 0x0400, 0x7bff, 0x7c00, 0xfc00, 0x8000, 0x3c00, 0xc000};
    const float want[] = {std::ldexp(1.0f, -24), 1023 * std::ldexp(1.0f, -24), std::ldexp(1.0f, -14), 65504.0f,
                          INFINITY, -INFINITY, -0.0f, 1.0f, -2.0f};
    std::string data;
    for (uint16_t b : bits) data += char(b & 0xff), data += char(b >> 8);
    const auto path = Path("special.safetensors");
    WriteSafetensors(path, {{"x", "F16", {9}, data}});
    SafetensorsFile file(path);
    std::vector<float> out(9);
    file.ReadRows(*file.Find("x"), 0, 1, out.data());
    for (int i = 0; i < 9; ++i) {
      QCOMPARE(out[size_t(i)], want[i]);
      QCOMPARE(std::signbit(out[size_t(i)]), std::signbit(want[i]));
    }
  }

  void rowsOutOfRangeAreRefused() {
    const auto path = Path("rows.safetensors");
    WriteSafetensors(path, {{"m", "F32", {3, 2}, F32Bytes(6)}});
    SafetensorsFile file(path);
    std::vector<float> out(8);
    EXPECT_GEMMA_ERROR(file.ReadRows(*file.Find("m"), 2, 2, out.data()), "out of range");
    EXPECT_GEMMA_ERROR(file.ReadRows(*file.Find("m"), -1, 1, out.data()), "out of range");
    EXPECT_GEMMA_ERROR(file.ReadRows(*file.Find("m"), 0, INT64_MAX, out.data()), "out of range");
  }

  void integerTensorsAreListedButNotRead() {
    const auto path = Path("ints.safetensors");
    WriteSafetensors(path, {{"ids", "I64", {4}, std::string(32, '\0')}});
    SafetensorsFile file(path);
    std::vector<float> out(4);
    EXPECT_GEMMA_ERROR(file.ReadRows(*file.Find("ids"), 0, 1, out.data()), "I64", "cannot read");
  }

  void truncatedFileSaysTruncated() {
    const auto path = Path("whole.safetensors");
    WriteSafetensors(path, {{"a", "F32", {100}, F32Bytes(100)}, {"b", "F32", {50, 4}, F32Bytes(200)}});
    const std::string bytes = ReadFileBytes(path);
    const size_t header_end = 8 + size_t(uint8_t(bytes[0])) + 256 * size_t(uint8_t(bytes[1]));
    // Inside the data (several places), right at its start, inside the header, inside the length field.
    for (size_t cut : {bytes.size() - 1, bytes.size() - 400, header_end + 1, header_end}) {
      const auto cut_path = Path("cut.safetensors");
      WriteFileBytes(cut_path, bytes.substr(0, cut));
      EXPECT_GEMMA_ERROR(SafetensorsFile{cut_path}, "truncated", "download it again");
    }
    for (size_t cut : {header_end - 1, size_t(20), size_t(5), size_t(0)}) {
      const auto cut_path = Path("cut.safetensors");
      WriteFileBytes(cut_path, bytes.substr(0, cut));
      EXPECT_GEMMA_ERROR(SafetensorsFile{cut_path}, "cut.safetensors", "download it again");
    }
  }

  void headerLengthPastTheEnd() {
    const auto path = Path("long_header.safetensors");
    WriteRawSafetensors(path, R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})", F32Bytes(1));
    std::string bytes = ReadFileBytes(path);
    bytes[0] = char(0xff), bytes[1] = char(0xff), bytes[5] = char(0x7f);  // an absurd length
    WriteFileBytes(path, bytes);
    EXPECT_GEMMA_ERROR(SafetensorsFile{path}, "header length", "past the end");
  }

  void malformedJson() {
    const auto path = Path("bad_json.safetensors");
    WriteRawSafetensors(path, R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]})", F32Bytes(1));
    EXPECT_GEMMA_ERROR(SafetensorsFile{path}, "not valid JSON");
    WriteRawSafetensors(path, R"([1, 2, 3])", "");
    EXPECT_GEMMA_ERROR(SafetensorsFile{path}, "not a JSON object");
    WriteRawSafetensors(path, R"({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})", F32Bytes(1));
    EXPECT_GEMMA_ERROR(SafetensorsFile{path}, "\"a\"", "shape");
    WriteRawSafetensors(path, R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0]}})", F32Bytes(1));
    EXPECT_GEMMA_ERROR(SafetensorsFile{path}, "\"a\"", "data_offsets");
    WriteRawSafetensors(path, R"({"a": 5})", F32Bytes(1));
    EXPECT_GEMMA_ERROR(SafetensorsFile{path}, "\"a\"", "JSON object");
  }

  void offsetsOutOfRange() {
    const auto path = Path("range.safetensors");
    WriteRawSafetensors(path,
                        R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},)"
                        R"( "b": {"dtype": "F32", "shape": [2], "data_offsets": [4096, 4104]}})",
                        F32Bytes(4));
    EXPECT_GEMMA_ERROR(SafetensorsFile{path}, "\"b\"", "outside");
  }

  void overlappingOffsets() {
    const auto path = Path("overlap.safetensors");
    WriteRawSafetensors(path,
                        R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},)"
                        R"( "b": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}})",
                        F32Bytes(4));
    EXPECT_GEMMA_ERROR(SafetensorsFile{path}, "overlap", "\"a\"", "\"b\"");
  }

  void byteSizeMustMatchShapeAndDtype() {
    const auto path = Path("size.safetensors");
    WriteRawSafetensors(path, R"({"a": {"dtype": "BF16", "shape": [3, 2], "data_offsets": [0, 16]}})",
                        std::string(16, '\0'));
    EXPECT_GEMMA_ERROR(SafetensorsFile{path}, "\"a\"", "16 bytes", "need 12");
    WriteRawSafetensors(path, R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}})", F32Bytes(2));
    EXPECT_GEMMA_ERROR(SafetensorsFile{path}, "\"a\"", "end before");
    // Element counts whose byte size overflows 64 bits.
    WriteRawSafetensors(path,
                        R"({"a": {"dtype": "F32", "shape": [1099511627776, 1099511627776], "data_offsets": [0, 4]}})",
                        F32Bytes(1));
    EXPECT_GEMMA_ERROR(SafetensorsFile{path}, "\"a\"");
  }

  void unknownDtype() {
    const auto path = Path("dtype.safetensors");
    WriteRawSafetensors(path, R"({"a": {"dtype": "Q4", "shape": [4], "data_offsets": [0, 4]}})", F32Bytes(1));
    EXPECT_GEMMA_ERROR(SafetensorsFile{path}, "unknown dtype", "Q4");
  }

  void readingRowsNeedsOnlyTheRowsMemory() {
#if defined(__SANITIZE_ADDRESS__)
    QSKIP("AddressSanitizer's quarantine keeps freed buffers resident; peak memory means nothing here");
#endif
    // A 256 MiB BF16 tensor in a sparse file (the data reads as zeros without using disk). Reading it all in
    // chunks of 64 rows must raise the peak resident size by a few MB, not by the size of the tensor.
    const auto path = Path("big.safetensors");
    const int64_t rows = 65536, cols = 2048;
    const std::string header = R"({"big": {"dtype": "BF16", "shape": [65536, 2048], "data_offsets": [0, 268435456]}})";
    WriteRawSafetensors(path, header, "");
    std::filesystem::resize_file(path, 8 + header.size() + uint64_t(rows * cols * 2));
    SafetensorsFile file(path);
    std::vector<float> chunk(size_t(64 * cols), 1.0f);
    struct rusage before {}, after {};
    getrusage(RUSAGE_SELF, &before);
    double sum = 0;
    for (int64_t r = 0; r < rows; r += 64) {
      file.ReadRows(*file.Find("big"), r, 64, chunk.data());
      sum += chunk[size_t(r % cols)];
    }
    getrusage(RUSAGE_SELF, &after);
    QCOMPARE(sum, 0.0);
    const long grown_kb = after.ru_maxrss - before.ru_maxrss;
    QVERIFY2(grown_kb < 32 * 1024, qPrintable(QString("peak RSS grew by %1 KB").arg(grown_kb)));
  }

  void emptyAndScalarTensorsAreFine() {
    const auto path = Path("empty.safetensors");
    WriteRawSafetensors(path,
                        R"({"__metadata__": {"format": "pt", "n": 3}, "e": {"dtype": "F32", "shape": [0, 4], "data_offsets": [0, 0]},)"
                        R"( "s": {"dtype": "F32", "shape": [], "data_offsets": [0, 4]}})",
                        F32Bytes(1));
    SafetensorsFile file(path);
    QCOMPARE(file.Find("s")->rows(), int64_t(1));
    QCOMPARE(file.Find("e")->rows(), int64_t(0));
    QCOMPARE(file.metadata().size(), size_t(1));  // non-string metadata is ignored
  }
};

QTEST_GUILESS_MAIN(TstSafetensors)
#include "tst_safetensors.moc"
