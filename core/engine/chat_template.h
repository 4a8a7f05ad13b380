// Gemma's chat template as token arithmetic (no template engine):
// <bos><start_of_turn>user\n{u1}<end_of_turn>\n<start_of_turn>model\n{m1}<end_of_turn>\n...<start_of_turn>model\n
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer.h"

namespace gemma {

enum class Role { kUser, kModel };

struct ChatMessage {
  Role role = Role::kUser;
  std::string text;
};

// Tokens of a conversation for an instruction-tuned model. Roles must alternate starting with the user
// (throws gemma::Error otherwise); contents are trimmed. There is no system role: a non-empty system prompt
// is put at the start of the first user turn, followed by a blank line. With add_generation_prompt the
// result ends with "<start_of_turn>model\n", ready for the reply.
std::vector<int> ApplyChatTemplate(const Tokenizer& tokenizer, std::span<const ChatMessage> messages,
                                   std::string_view system_prompt = {}, bool add_generation_prompt = true);

// Plain text after BOS, for pretrained (non "-it") models and --raw.
std::vector<int> RawPrompt(const Tokenizer& tokenizer, std::string_view text);

}  // namespace gemma
