// Joins the bytes of streamed tokens and releases only whole UTF-8 characters, so a callback never receives
// half of a multi-byte character (byte-fallback tokens split é or an emoji across several tokens).
#pragma once

#include <string>
#include <string_view>

namespace gemma {

class Utf8Stream {
 public:
  // Appends bytes; returns the longest prefix of everything pending that ends on a character boundary.
  std::string Push(std::string_view bytes);
  // End of stream: returns what is left (an invalid trailing sequence becomes U+FFFD).
  std::string Flush();

 private:
  std::string pending_;
};

}  // namespace gemma
