// Gemma's chat template as token arithmetic, in the manner of gemma.cpp's GemmaChatTemplate: the turn
// markers are inserted as ids (so they never depend on how a vocabulary types them), the text between them is
// tokenized on its own. For Gemma's tokenizer this equals tokenizing the whole templated string in one go:
// sentencepiece freezes user-defined pieces, so no merge crosses a marker, and with no dummy prefix and no
// whitespace removal a segment encodes alike alone or in context. tst_chat_template checks it on hand-written
// and 300 random conversations; no input was found where it differs. It would differ for a vocabulary with
// add_dummy_prefix or remove_extra_whitespaces (not Gemma's: a "▁" would start every segment, or spaces at
// the edges would be dropped), and for one typing the markers control, which sentencepiece alone would not
// parse from text at all (Tokenizer::Encode does, on purpose).
#include "core/engine/chat_template.h"

#include <string>

#include "core/engine/error.h"

namespace gemma {
namespace {

// Whitespace as Python's str.strip()
// sees it, since the published Jinja template trims with it: ASCII whitespace, the separators U+001C..U+001F,
// U+0085, U+00A0 and the Unicode spaces and line separators.
bool IsSpaceCodePoint(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

// Decodes a well-formed UTF-8 character of `length` (1 to 3) bytes at `at`; anything else gives U+FFFF, which
// is not a space.
char32_t DecodeAt(std::string_view s, size_t at, size_t length) {
  if (at + length > s.size()) return 0xFFFF;
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[at + i]); };
  if (length == 1) return byte(0) < 0x80 ? byte(0) : 0xFFFF;
  if (length == 2 && (byte(0) & 0xE0) != 0xC0) return 0xFFFF;
  if (length == 3 && (byte(0) & 0xF0) != 0xE0) return 0xFFFF;
  char32_t c = byte(0) & (length == 2 ? 0x1F : 0x0F);
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0xFFFF;
    c = (c << 6) | (byte(i) & 0x3F);
  }
  const char32_t smallest = length == 2 ? 0x80 : 0x800;  // overlong forms are not characters
  return c < smallest ? 0xFFFF : c;
}

std::string_view Trim(std::string_view s) {
  // The spaces this trims are 1 to 3 bytes long in UTF-8.
  bool trimmed = true;
  while (trimmed && !s.empty()) {
    trimmed = false;
    for (size_t length = 1; length <= 3 && !trimmed; ++length) {
      if (IsSpaceCodePoint(DecodeAt(s, 0, length))) s.remove_prefix(length), trimmed = true;
    }
  }
  trimmed = true;
  while (trimmed && !s.empty()) {
    trimmed = false;
    for (size_t length = 1; length <= 3 && length <= s.size() && !trimmed; ++length) {
      if (IsSpaceCodePoint(DecodeAt(s, s.size() - length, length))) s.remove_suffix(length), trimmed = true;
    }
  }
  return s;
}

void Append(std::vector<int>& ids, const std::vector<int>& more) { ids.insert(ids.end(), more.begin(), more.end()); }

}  // namespace

std::vector<int> ApplyChatTemplate(const Tokenizer& tokenizer, std::span<const ChatMessage> messages,
                                   std::string_view system_prompt, bool add_generation_prompt) {
  if (messages.empty()) throw Error("The conversation is empty: there is nothing for the model to answer.");
  for (size_t i = 0; i < messages.size(); ++i) {
    const Role expected = i % 2 == 0 ? Role::kUser : Role::kModel;
    if (messages[i].role != expected) {
      throw Error("Message " + std::to_string(i + 1) + " should be from the " +
                  (expected == Role::kUser ? "user" : "model") +
                  ": a Gemma conversation starts with the user and then alternates between user and model.");
    }
  }
  if (add_generation_prompt && messages.back().role == Role::kModel) {
    throw Error("The conversation ends with a model reply: add a user message before asking for another reply.");
  }

  const std::vector<int> newline = tokenizer.Encode("\n");
  std::vector<int> ids{tokenizer.bos_id()};
  for (size_t i = 0; i < messages.size(); ++i) {
    const bool user = messages[i].role == Role::kUser;
    std::string text = user ? "user\n" : "model\n";
    const std::string_view system = Trim(system_prompt);
    if (i == 0 && !system.empty()) (text += system) += "\n\n";
    text += Trim(messages[i].text);
    ids.push_back(tokenizer.start_of_turn_id());
    Append(ids, tokenizer.Encode(text));
    ids.push_back(tokenizer.end_of_turn_id());
    Append(ids, newline);
  }
  if (add_generation_prompt) {
    ids.push_back(tokenizer.start_of_turn_id());
    Append(ids, tokenizer.Encode("model\n"));
  }
  return ids;
}

std::vector<int> RawPrompt(const Tokenizer& tokenizer, std::string_view text) {
  std::vector<int> ids{tokenizer.bos_id()};
  Append(ids, tokenizer.Encode(text));
  return ids;
}

}  // namespace gemma
