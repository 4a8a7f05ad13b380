#include "core/model/model_name.h"

#include <cctype>
#include <string>

namespace gemma {

bool NameSaysInstructionTuned(std::string_view name) {
  std::string word;
  auto word_is_it = [&] { return word == "it"; };
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.' || c == ' ' || c == '/') {
      if (word_is_it()) return true;
      word.clear();
    } else {
      word.push_back(char(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return word_is_it();
}

}  // namespace gemma
