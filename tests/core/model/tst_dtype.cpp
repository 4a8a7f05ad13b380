// Element conversions: bf16 and f16 decoding checked against hand-written bit patterns and, over every one
// of the 65536 patterns, against the test writers' independent encoders; Q8_0 blocks against their definition.
#include <QTest>
#include <bit>
#include <cmath>
#include <cstring>

#include "core/model/dtype.h"
#include "tests/support/gguf_writer.h"
#include "tests/support/half_float.h"

using namespace gemma;
using namespace gemma::testing;

class TstDtype : public QObject {
  Q_OBJECT

 private slots:
  void bf16() {
    QCOMPARE(Bf16ToF32(0x3f80), 1.0f);
    QCOMPARE(Bf16ToF32(0xc040), -3.0f);
    QCOMPARE(Bf16ToF32(0x0001), std::bit_cast<float>(uint32_t(0x00010000)));  // subnormal
    QVERIFY(std::isinf(Bf16ToF32(0x7f80)));
    QVERIFY(std::isnan(Bf16ToF32(0x7fc0)));
  }

  void f16KnownValues() {
    QCOMPARE(F16ToF32(0x3c00), 1.0f);
    QCOMPARE(F16ToF32(0xc000), -2.0f);
    QCOMPARE(F16ToF32(0x3555), 0.333251953125f);
    QCOMPARE(F16ToF32(0x7bff), 65504.0f);
    QCOMPARE(F16ToF32(0x0400), std::ldexp(1.0f, -14));
    QCOMPARE(F16ToF32(0x0001), std::ldexp(1.0f, -24));
    QCOMPARE(F16ToF32(0x8001), -std::ldexp(1.0f, -24));
    QVERIFY(std::signbit(F16ToF32(0x8000)) && F16ToF32(0x8000) == 0.0f);
    QCOMPARE(F16ToF32(0xfc00), -INFINITY);
    QVERIFY(std::isnan(F16ToF32(0x7e00)));
  }

  void everyHalfRoundTripsThroughTheWritersEncoder() {
    for (uint32_t bits = 0; bits < 65536; ++bits) {
      const float f = F16ToF32(uint16_t(bits));
      if (std::isnan(f)) continue;
      QCOMPARE(F16BitsToF32(uint16_t(bits)), f);
      if (F32ToF16(f) != bits) QFAIL(qPrintable(QString("f16 0x%1 does not round-trip").arg(bits, 4, 16)));
      if (F32ToBf16(Bf16ToF32(uint16_t(bits))) != bits && !std::isnan(Bf16ToF32(uint16_t(bits)))) {
        QFAIL(qPrintable(QString("bf16 0x%1 does not round-trip").arg(bits, 4, 16)));
      }
    }
  }

  void convertsUnalignedBuffers() {
    const uint16_t values[] = {0x3c00, 0xc000, 0x3555};
    std::string bytes = "x";  // odd offset
    bytes.append(reinterpret_cast<const char*>(values), sizeof values);
    float out[3];
    ConvertF16(reinterpret_cast<const uint8_t*>(bytes.data() + 1), 3, out);
    QCOMPARE(out[0], 1.0f);
    QCOMPARE(out[1], -2.0f);
    QCOMPARE(ElementBytes(ElementType::kF16, 3), uint64_t(6));
    QCOMPARE(ElementBytes(ElementType::kQ8_0, 64), uint64_t(68));
    QCOMPARE(std::string(ElementTypeName(ElementType::kQ8_0)), std::string("Q8_0"));
  }

  void q8_0Block() {
    // One block by hand: d = 0.5 (f16 0x3800), q = -127, -1, 0, 1, ..., 127.
    std::string block = {char(0x00), char(0x38)};
    for (int i = 0; i < 32; ++i) block.push_back(char(int8_t(i == 0 ? -127 : i == 31 ? 127 : i - 2)));
    float out[32];
    DequantizeQ8_0(reinterpret_cast<const uint8_t*>(block.data()), 32, out);
    QCOMPARE(out[0], -63.5f);
    QCOMPARE(out[1], -0.5f);
    QCOMPARE(out[2], 0.0f);
    QCOMPARE(out[31], 63.5f);
  }

  void q8_0MatchesTheWritersQuantization() {
    // llama.cpp's scheme: d = max|x| / 127, q = round(x / d); the dequantized value is within d / 2 of x.
    std::vector<float> x(64);
    for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(float(i)) * (i < 32 ? 3.0f : 0.01f);
    const std::string q = EncodeGgml(x, kGgmlQ8_0);
    QCOMPARE(q.size(), size_t(68));
    std::vector<float> y(64);
    DequantizeQ8_0(reinterpret_cast<const uint8_t*>(q.data()), 64, y.data());
    for (size_t b = 0; b < 2; ++b) {
      float amax = 0;
      for (size_t i = 0; i < 32; ++i) amax = std::max(amax, std::fabs(x[b * 32 + i]));
      for (size_t i = 0; i < 32; ++i) QVERIFY(std::fabs(y[b * 32 + i] - x[b * 32 + i]) <= 0.51f * amax / 127);
    }
  }
};

QTEST_GUILESS_MAIN(TstDtype)
#include "tst_dtype.moc"
