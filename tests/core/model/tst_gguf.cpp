// GgufFile, the generic GGUF reader: metadata of every value type (arrays, nested arrays), tensor infos,
// alignment and data offsets; every structural defect refused with a message that names it.
#include <QTemporaryDir>
#include <QTest>
#include <cstring>

#include "core/model/gguf.h"
#include "tests/support/expect_error.h"
#include "tests/support/gguf_writer.h"
#include "tests/support/hf_writer.h"

using namespace gemma;
using namespace gemma::testing;
namespace fs = std::filesystem;

namespace {

template <typename T>
std::string Bytes(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}
std::string StringBytes(const std::string& s) { return Bytes<uint64_t>(s.size()) + s; }

// Two small tensors after a little metadata.
GgufBuilder SmallFile() {
  GgufBuilder b;
  b.AddString("general.architecture", "test");
  b.AddUint32("test.count", 7);
  b.AddTensor("a", {32, 3}, kGgmlF32, std::string(32 * 3 * 4, '\1'));
  b.AddTensor("b", {64}, kGgmlQ8_0, std::string(2 * 34, '\2'));
  return b;
}

}  // namespace

class TstGguf : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  fs::path Path(const std::string& name) { return fs::path(tmp_.path().toStdString()) / name; }
  fs::path Write(const std::string& bytes, const std::string& name = "test.gguf") {
    WriteFileBytes(Path(name), bytes);
    return Path(name);
  }

 private slots:
  void metadataOfEveryType() {
    GgufBuilder b;
    b.AddRaw("u8", 0, Bytes<uint8_t>(200));
    b.AddRaw("i8", 1, Bytes<int8_t>(-100));
    b.AddRaw("u16", 2, Bytes<uint16_t>(60000));
    b.AddRaw("i16", 3, Bytes<int16_t>(-30000));
    b.AddUint32("u32", 4000000000u);
    b.AddInt32("i32", -2000000000);
    b.AddFloat32("f32", 0.25f);
    b.AddBool("bool", true);
    b.AddString("string", "안녕 gemma");
    b.AddUint64("u64", 1ull << 40);
    b.AddRaw("i64", 11, Bytes<int64_t>(-(1ll << 40)));
    b.AddRaw("f64", 12, Bytes<double>(1e-300));
    b.AddStringArray("strings", {"a", "", "ccc"});
    b.AddFloat32Array("floats", {1.5f, -2.0f});
    b.AddInt32Array("ints", {-1, 0, 7});
    b.AddRaw("bytes", 9, Bytes<uint32_t>(0) + Bytes<uint64_t>(3) + "\x01\x02\xff");
    b.AddRaw("bools", 9, Bytes<uint32_t>(7) + Bytes<uint64_t>(2) + std::string("\x01\x00", 2));
    // An array of two arrays of u16.
    const std::string inner = Bytes<uint32_t>(2) + Bytes<uint64_t>(1) + Bytes<uint16_t>(5);
    b.AddRaw("nested", 9, Bytes<uint32_t>(9) + Bytes<uint64_t>(2) + inner + inner);
    GgufFile f(Write(b.Build()));

    QCOMPARE(f.version(), 3u);
    QCOMPARE(f.metadata().size(), size_t(18));
    QCOMPARE(*f.GetUint("u8"), uint64_t(200));
    QCOMPARE(f.Find("i8")->i, int64_t(-100));
    QCOMPARE(*f.GetUint("u16"), uint64_t(60000));
    QCOMPARE(f.Find("i16")->i, int64_t(-30000));
    QCOMPARE(*f.GetUint("u32"), uint64_t(4000000000u));
    QCOMPARE(f.Find("i32")->i, int64_t(-2000000000));
    QCOMPARE(*f.GetFloat("f32"), 0.25);
    QCOMPARE(*f.GetBool("bool"), true);
    QCOMPARE(*f.GetString("string"), std::string("안녕 gemma"));
    QCOMPARE(*f.GetUint("u64"), uint64_t(1) << 40);
    QCOMPARE(f.Find("i64")->i, -(int64_t(1) << 40));
    QCOMPARE(*f.GetFloat("f64"), 1e-300);
    QCOMPARE(*f.GetStringArray("strings"), (std::vector<std::string>{"a", "", "ccc"}));
    QCOMPARE(*f.GetFloatArray("floats"), (std::vector<double>{1.5, -2.0}));
    QCOMPARE(*f.GetIntArray("ints"), (std::vector<int64_t>{-1, 0, 7}));
    QCOMPARE(*f.GetIntArray("bytes"), (std::vector<int64_t>{1, 2, 255}));
    QCOMPARE(*f.GetIntArray("bools"), (std::vector<int64_t>{1, 0}));
    const GgufValue* nested = f.Find("nested");
    QCOMPARE(nested->array.size(), size_t(2));
    QCOMPARE(nested->array[1].ints, std::vector<int64_t>{5});
    QVERIFY(!f.Find("absent") && !f.GetUint("absent") && !f.GetStringArray("absent"));
  }

  void typedAccessRefusesTheWrongType() {
    GgufBuilder b;
    b.AddInt32("negative", -3);
    b.AddString("text", "x");
    b.AddFloat32Array("floats", {1});
    GgufFile f(Write(b.Build()));
    EXPECT_GEMMA_ERROR(f.GetUint("negative"), "\"negative\"", "non-negative integer");
    EXPECT_GEMMA_ERROR(f.GetUint("text"), "\"text\"", "integer");
    EXPECT_GEMMA_ERROR(f.GetString("negative"), "\"negative\"", "string");
    EXPECT_GEMMA_ERROR(f.GetStringArray("floats"), "\"floats\"", "array of strings");
    EXPECT_GEMMA_ERROR(f.GetFloat("text"), "float");
    EXPECT_GEMMA_ERROR(f.GetBool("text"), "bool");
    EXPECT_GEMMA_ERROR(f.GetIntArray("floats"), "array of integers");
  }

  void tensorInfosAndAlignment_data() {
    QTest::addColumn<int>("alignment");
    QTest::addColumn<bool>("key");
    QTest::newRow("default 32") << 32 << false;
    QTest::newRow("explicit 32") << 32 << true;
    QTest::newRow("explicit 64") << 64 << true;
    QTest::newRow("explicit 4096") << 4096 << true;
  }
  void tensorInfosAndAlignment() {
    QFETCH(int, alignment);
    QFETCH(bool, key);
    GgufBuilder b = SmallFile();
    if (key) b.AddUint32("general.alignment", uint32_t(alignment));
    b.AddTensor("k", {256, 2}, 12 /* Q4_K */, std::string(2 * 144, '\3'));
    const std::string bytes = b.Build(3, uint32_t(alignment));
    GgufFile f(Write(bytes));
    QCOMPARE(f.alignment(), uint64_t(alignment));
    QCOMPARE(f.data_offset() % uint64_t(alignment), uint64_t(0));
    QCOMPARE(f.tensors().size(), size_t(3));
    const GgufTensorInfo* a = f.FindTensor("a");
    QCOMPARE(a->ne, (std::vector<uint64_t>{32, 3}));
    QCOMPARE(a->type, kGgmlF32);
    QCOMPARE(a->bytes, uint64_t(384));
    QCOMPARE(a->offset, f.data_offset());
    QCOMPARE(bytes[size_t(a->offset)], '\1');
    const GgufTensorInfo* bt = f.FindTensor("b");
    QCOMPARE(bt->bytes, uint64_t(68));
    QCOMPARE(bt->offset % uint64_t(alignment), uint64_t(0));
    QCOMPARE(bytes[size_t(bt->offset)], '\2');
    QCOMPARE(f.FindTensor("k")->bytes, uint64_t(288));
    QCOMPARE(GgmlTypeName(12), std::string("Q4_K"));
    QCOMPARE(GgmlTypeName(99), std::string("type 99"));
  }

  void version2IsRead() {
    GgufFile f(Write(SmallFile().Build(2)));
    QCOMPARE(f.version(), 2u);
    QCOMPARE(*f.GetUint("test.count"), uint64_t(7));
  }

  void badMagic() {
    std::string bytes = SmallFile().Build();
    bytes[0] = 'X';
    EXPECT_GEMMA_ERROR(GgufFile{Write(bytes)}, "not a GGUF file");
    QVERIFY(!HasGgufMagic(Path("test.gguf")));
    EXPECT_GEMMA_ERROR(GgufFile{Write("GG")}, "truncated");
  }

  void badVersions() {
    EXPECT_GEMMA_ERROR(GgufFile{Write(SmallFile().Build(1))}, "version 1", "too old");
    EXPECT_GEMMA_ERROR(GgufFile{Write(SmallFile().Build(4))}, "version 4");
    EXPECT_GEMMA_ERROR(GgufFile{Write(SmallFile().Build(0x03000000))}, "big-endian");
  }

  void truncatedFile() {
    const std::string bytes = SmallFile().Build();
    GgufFile whole(Write(bytes));
    const size_t data = size_t(whole.data_offset());
    // Inside the tensor data (the file's last bytes are alignment padding, which may go missing harmlessly).
    const size_t end = size_t(whole.FindTensor("b")->offset + whole.FindTensor("b")->bytes);
    QVERIFY(GgufFile(Write(bytes.substr(0, end))).tensors().size() == 2);
    for (size_t cut : {end - 1, data + 100, data + 1}) {
      EXPECT_GEMMA_ERROR(GgufFile{Write(bytes.substr(0, cut))}, "truncated at", "of", "download it again");
    }
    // Inside the header: counts, metadata, tensor infos.
    for (size_t cut : {size_t(6), size_t(20), size_t(30), size_t(60), data - 40}) {
      EXPECT_GEMMA_ERROR(GgufFile{Write(bytes.substr(0, cut))}, "test.gguf", "truncated", "download it again");
    }
  }

  void tensorOffsetOutOfRange() {
    GgufBuilder b = SmallFile();
    b.AddTensor("far", {8}, kGgmlF32, std::string(32, '\0'), 1u << 20);
    EXPECT_GEMMA_ERROR(GgufFile{Write(b.Build())}, "\"far\"", "outside");
    GgufBuilder huge = SmallFile();
    huge.AddTensor("huge", {8}, kGgmlF32, std::string(32, '\0'), ~uint64_t(0) - 31);
    EXPECT_GEMMA_ERROR(GgufFile{Write(huge.Build())}, "\"huge\"");
  }

  void overlappingTensors() {
    GgufBuilder b = SmallFile();
    b.AddTensor("c", {32}, kGgmlF32, std::string(128, '\0'), 64);  // inside "a" (bytes 0..384)
    EXPECT_GEMMA_ERROR(GgufFile{Write(b.Build())}, "overlap", "\"a\"", "\"c\"");
  }

  void misalignedOffset() {
    GgufBuilder b = SmallFile();
    b.AddTensor("c", {8}, kGgmlF32, std::string(32, '\0'), 1000);
    EXPECT_GEMMA_ERROR(GgufFile{Write(b.Build())}, "\"c\"", "alignment");
  }

  void badAlignment() {
    GgufBuilder b = SmallFile();
    b.AddUint32("general.alignment", 48);
    EXPECT_GEMMA_ERROR(GgufFile{Write(b.Build(3, 48))}, "general.alignment", "power of two");
    b.AddString("general.alignment", "32");
    EXPECT_GEMMA_ERROR(GgufFile{Write(b.Build())}, "general.alignment");
  }

  void unknownGgmlType() {
    GgufBuilder b = SmallFile();
    b.AddTensor("odd", {32}, 99, std::string(128, '\0'));
    EXPECT_GEMMA_ERROR(GgufFile{Write(b.Build())}, "\"odd\"", "unknown ggml type 99");
  }

  void rowsNotAMultipleOfTheBlock() {
    GgufBuilder b;
    b.AddTensor("q", {48, 2}, kGgmlQ8_0, std::string(102, '\0'));
    EXPECT_GEMMA_ERROR(GgufFile{Write(b.Build())}, "\"q\"", "block size");
  }

  void tooManyDimensions() {
    GgufBuilder b;
    b.AddTensor("t", {1, 1, 1, 1, 1}, kGgmlF32, std::string(4, '\0'));
    EXPECT_GEMMA_ERROR(GgufFile{Write(b.Build())}, "\"t\"", "5 dimensions");
  }

  void impossibleShape() {
    GgufBuilder b;
    b.AddTensor("t", {1ull << 32, 1ull << 32}, kGgmlF32, std::string(4, '\0'));
    EXPECT_GEMMA_ERROR(GgufFile{Write(b.Build())}, "\"t\"", "impossible");
  }

  void unknownMetadataType() {
    GgufBuilder b = SmallFile();
    b.AddRaw("strange", 13, Bytes<uint32_t>(0));
    EXPECT_GEMMA_ERROR(GgufFile{Write(b.Build())}, "\"strange\"", "unknown type 13");
    GgufBuilder c = SmallFile();
    c.AddRaw("strange_array", 9, Bytes<uint32_t>(77) + Bytes<uint64_t>(0));
    EXPECT_GEMMA_ERROR(GgufFile{Write(c.Build())}, "\"strange_array\"", "unknown type 77");
  }

  void arrayCountLargerThanTheFile() {
    GgufBuilder b = SmallFile();
    b.AddRaw("liar", 9, Bytes<uint32_t>(8) + Bytes<uint64_t>(1ull << 60) + StringBytes("x"));
    EXPECT_GEMMA_ERROR(GgufFile{Write(b.Build())}, "truncated");
    GgufBuilder s = SmallFile();
    s.AddRaw("long string", 8, Bytes<uint64_t>(1ull << 50) + "abc");
    EXPECT_GEMMA_ERROR(GgufFile{Write(s.Build())}, "truncated");
  }

  void deeplyNestedArrays() {
    std::string value = Bytes<uint32_t>(0) + Bytes<uint64_t>(0);
    for (int depth = 0; depth < 10; ++depth) value = Bytes<uint32_t>(9) + Bytes<uint64_t>(1) + value;
    GgufBuilder b;
    b.AddRaw("deep", 9, value);
    EXPECT_GEMMA_ERROR(GgufFile{Write(b.Build())}, "\"deep\"", "too deeply");
  }

  void duplicates() {
    GgufBuilder b = SmallFile();
    b.AddTensor("a", {8}, kGgmlF32, std::string(32, '\0'));
    EXPECT_GEMMA_ERROR(GgufFile{Write(b.Build())}, "\"a\"", "twice");
    // Two metadata entries of one key (the builder replaces, so write the second by hand).
    std::string bytes = SmallFile().Build();
    const std::string key = StringBytes("test.count") + Bytes<uint32_t>(4) + Bytes<uint32_t>(7);
    const size_t at = bytes.find(key);
    QVERIFY(at != std::string::npos);
    bytes.insert(at, key);
    bytes[16] = char(bytes[16] + 1);  // one more metadata entry
    EXPECT_GEMMA_ERROR(GgufFile{Write(bytes)}, "\"test.count\"", "twice");
  }
};

QTEST_GUILESS_MAIN(TstGguf)
#include "tst_gguf.moc"
