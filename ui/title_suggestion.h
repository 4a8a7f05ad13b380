// The model-suggested title of a conversation: the extra turn that asks for it, and the cleaning of what the
// model answers (models wrap titles in quotes, markdown, "Title:" prefixes and full stops) into a title, or
// nothing when the answer is no title at all.
#pragma once

#include <QString>

namespace gemma {

// The user turn appended to the conversation to ask for a title. English on purpose: the model follows
// English instructions best, and it still titles a Korean conversation in Korean.
inline constexpr char kTitleInstruction[] =
    "Write a short title (at most six words) for this conversation. Reply with the title only.";
// Tokens the title may take; a title longer than this is cut off and then cleaned like any other.
inline constexpr int kTitleMaxTokens = 16;

// The first line of reply that has words (a lead-in ending in ':' and lines of only markup are skipped),
// with markdown (#, *, _, `, list markers), a "Title:" prefix, surrounding quotes and brackets, and trailing
// punctuation removed, white space collapsed, and cut at a word boundary to kMaxTitleLength characters.
// Empty when no line has a letter or digit.
QString CleanSuggestedTitle(const QString& reply);

}  // namespace gemma
