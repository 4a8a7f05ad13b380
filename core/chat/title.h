// The automatic title of a new conversation, made from its first user message.
#pragma once

#include <QString>

namespace gemma {

inline constexpr int kMaxTitleLength = 60;

// The first non-empty line, white space collapsed, cut at a word boundary to kMaxTitleLength characters
// with an ellipsis; "New chat" for a message with no text.
QString TitleFromMessage(const QString& text);

}  // namespace gemma
