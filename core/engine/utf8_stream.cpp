// Releases streamed token bytes as whole UTF-8 characters. Ill-formed bytes become U+FFFD one byte at a time,
// as sentencepiece's Decode does, so the streamed text of a reply equals Tokenizer::Decode of its ids.
#include "core/engine/utf8_stream.h"

#include <algorithm>

namespace gemma {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the character a lead byte starts, or 0 if the byte can never start one (a continuation byte,
// the overlong leads C0/C1, or F5..FF past U+10FFFF).
size_t SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// Whether `byte` may be the continuation byte at `index` (1..3) after `lead`. The second byte's range
// excludes overlong forms (E0, F0), surrogates (ED) and code points past U+10FFFF (F4), so a sequence that
// cannot become a character is known as soon as its second byte arrives (Unicode Table 3-7).
bool IsValidContinuation(unsigned char lead, size_t index, unsigned char byte) {
  unsigned char low = 0x80, high = 0xBF;
  if (index == 1) {
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  }
  return byte >= low && byte <= high;
}

}  // namespace

std::string Utf8Stream::Push(std::string_view bytes) {
  pending_.append(bytes);
  std::string out;
  out.reserve(pending_.size());
  size_t i = 0;
  while (i < pending_.size()) {
    const auto lead = static_cast<unsigned char>(pending_[i]);
    const size_t length = SequenceLength(lead);
    if (length == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    const size_t available = std::min(length, pending_.size() - i);
    bool valid = true;
    for (size_t k = 1; k < available && valid; ++k) {
      valid = IsValidContinuation(lead, k, static_cast<unsigned char>(pending_[i + k]));
    }
    if (!valid) {
      // Only the lead byte is replaced: the bytes after it are looked at again as starts of characters.
      out += kReplacement;
      ++i;
      continue;
    }
    if (available < length) break;  // a character still arriving: hold it back
    out.append(pending_, i, length);
    i += length;
  }
  pending_.erase(0, i);
  return out;
}

std::string Utf8Stream::Flush() {
  // What is pending is the start of a character that never finished; each of its bytes is ill-formed alone.
  std::string out;
  for (size_t i = 0; i < pending_.size(); ++i) out += kReplacement;
  pending_.clear();
  return out;
}

}  // namespace gemma
