// Utf8Stream: characters split across byte tokens are released whole, incomplete tails are held back,
// ill-formed bytes become U+FFFD as soon as they are known to be ill-formed, and random byte streams give
// exactly what sentencepiece's own Decode gives for the same byte pieces.
#include <sentencepiece_processor.h>

#include <QTest>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/engine/utf8_stream.h"
#include "tests/support/tiny_model.h"

namespace {

const std::string kFffd = "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

bool IsValidUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t n = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    char32_t c = n == 1 ? b : b & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) {
      const auto t = static_cast<unsigned char>(s[i + k]);
      if ((t & 0xC0) != 0x80) return false;
      c = (c << 6) | (t & 0x3F);
    }
    const char32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < smallest[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

}  // namespace

class TestUtf8Stream : public QObject {
  Q_OBJECT

 private slots:
  void accentSplitAcrossTwoByteTokens() {
    gemma::Utf8Stream s;
    QCOMPARE(s.Push("caf"), std::string("caf"));
    QCOMPARE(s.Push("\xC3"), std::string());
    QCOMPARE(s.Push("\xA9"), std::string("\xC3\xA9"));  // é
    QCOMPARE(s.Flush(), std::string());
  }

  void emojiPushedByteByByte() {
    gemma::Utf8Stream s;
    const std::string emoji = "\xF0\x9F\x98\x80";  // U+1F600
    for (int repeat = 0; repeat < 3; ++repeat) {
      for (int i = 0; i < 3; ++i) QCOMPARE(s.Push(emoji.substr(i, 1)), std::string());
      QCOMPARE(s.Push(emoji.substr(3, 1)), emoji);
    }
    // The highest code point, U+10FFFF, and the lowest 4-byte one, U+10000.
    for (const std::string c : {"\xF4\x8F\xBF\xBF", "\xF0\x90\x80\x80"}) {
      for (int i = 0; i < 3; ++i) QCOMPARE(s.Push(c.substr(i, 1)), std::string());
      QCOMPARE(s.Push(c.substr(3, 1)), c);
    }
    QCOMPARE(s.Flush(), std::string());
  }

  void releasesTheWholePrefixAndHoldsTheTail() {
    gemma::Utf8Stream s;
    QCOMPARE(s.Push("h\xC3\xA9\xF0\x9F"), std::string("h\xC3\xA9"));
    QCOMPARE(s.Push("\x98"), std::string());
    QCOMPARE(s.Push("\x80!\xEA\xB0"), std::string("\xF0\x9F\x98\x80!"));
    QCOMPARE(s.Push("\x80"), std::string("\xEA\xB0\x80"));  // 가
    QCOMPARE(s.Push(""), std::string());
  }

  void bytesThatCanNeverBeCharactersAreReplacedAtOnce_data() {
    QTest::addColumn<QByteArray>("byte");
    QTest::newRow("continuation 80") << QByteArray("\x80");
    QTest::newRow("continuation BF") << QByteArray("\xBF");
    QTest::newRow("overlong lead C0") << QByteArray("\xC0");
    QTest::newRow("overlong lead C1") << QByteArray("\xC1");
    QTest::newRow("past U+10FFFF F5") << QByteArray("\xF5");
    QTest::newRow("FE") << QByteArray("\xFE");
    QTest::newRow("FF") << QByteArray("\xFF");
  }
  void bytesThatCanNeverBeCharactersAreReplacedAtOnce() {
    QFETCH(QByteArray, byte);
    gemma::Utf8Stream s;
    QCOMPARE(s.Push(byte.toStdString()), kFffd);
    QCOMPARE(s.Flush(), std::string());
  }

  void illFormedSequencesAreReplacedAsSoonAsKnown() {
    gemma::Utf8Stream s;
    // A lead byte followed by something that is not its continuation: the lead is replaced, the rest read anew.
    QCOMPARE(s.Push("\xC3"), std::string());
    QCOMPARE(s.Push("A"), kFffd + "A");
    QCOMPARE(s.Push("\xE2\x82"), std::string());
    QCOMPARE(s.Push("x"), Repeat(kFffd, 2) + "x");
    // A surrogate (ED A0..BF) is known to be ill-formed at its second byte.
    QCOMPARE(s.Push("\xED"), std::string());
    QCOMPARE(s.Push("\xA0"), Repeat(kFffd, 2));
    QCOMPARE(s.Push("\x80"), kFffd);
    // Overlong 3- and 4-byte forms, and a code point past U+10FFFF, likewise.
    QCOMPARE(s.Push("\xE0\x80"), Repeat(kFffd, 2));
    QCOMPARE(s.Push("\xF0\x8F"), Repeat(kFffd, 2));
    QCOMPARE(s.Push("\xF4\x90"), Repeat(kFffd, 2));
    // A new lead byte in the middle of a sequence starts a character of its own.
    QCOMPARE(s.Push("\xF0\x9F\xC3\xA9"), kFffd + kFffd + "\xC3\xA9");
    QCOMPARE(s.Flush(), std::string());
  }

  void flushReplacesAnUnfinishedCharacter() {
    gemma::Utf8Stream s;
    QCOMPARE(s.Push("ok\xF0\x9F\x98"), std::string("ok"));
    QCOMPARE(s.Flush(), Repeat(kFffd, 3));
    QCOMPARE(s.Flush(), std::string());
    // The stream is usable again after a flush, with nothing left over.
    QCOMPARE(s.Push("\xC3"), std::string());
    QCOMPARE(s.Flush(), kFffd);
    QCOMPARE(s.Push("\xA9"), kFffd);  // a continuation byte with its lead flushed away
  }

  void agreesWithSentencePieceDecodeOnRandomBytes() {
    // sentencepiece decodes a run of byte pieces by replacing each ill-formed byte with U+FFFD; the stream
    // must give the same text however the bytes are split into pushes, and only ever release valid UTF-8.
    sentencepiece::SentencePieceProcessor sp;
    QVERIFY(sp.LoadFromSerializedProto(gemma::testing::TinyTokenizerModel()).ok());
    std::vector<int> byte_piece(256);
    for (int b = 0; b < 256; ++b) {
      char name[8];
      std::snprintf(name, sizeof name, "<0x%02X>", b);
      byte_piece[b] = sp.PieceToId(name);
      QCOMPARE(sp.IdToPiece(byte_piece[b]), std::string(name));
    }
    // Bytes biased toward UTF-8's structure so well-formed characters occur often.
    const std::vector<int> interesting{0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xC3,
                                       0xDF, 0xE0, 0xE2, 0xEA, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
    std::mt19937_64 rng(7);
    auto below = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
    for (int trial = 0; trial < 3000; ++trial) {
      std::string bytes;
      std::vector<int> ids;
      for (int i = below(12); i >= 0; --i) {
        const int b = below(3) == 0 ? below(256) : interesting[below(int(interesting.size()))];
        bytes += char(b);
        ids.push_back(byte_piece[b]);
      }
      gemma::Utf8Stream s;
      std::string streamed;
      for (size_t at = 0; at < bytes.size();) {
        const size_t n = std::min<size_t>(1 + below(3), bytes.size() - at);
        const std::string out = s.Push(std::string_view(bytes).substr(at, n));
        QVERIFY(IsValidUtf8(out));
        streamed += out;
        at += n;
      }
      const std::string rest = s.Flush();
      QVERIFY(IsValidUtf8(rest));
      streamed += rest;
      if (streamed != sp.DecodeIds(ids)) {
        QString hex = QByteArray::fromStdString(bytes).toHex(' ');
        QFAIL(qPrintable("differs from sentencepiece for bytes " + hex));
      }
    }
  }
};

QTEST_APPLESS_MAIN(TestUtf8Stream)
#include "tst_utf8_stream.moc"
