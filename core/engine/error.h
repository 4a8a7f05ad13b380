// The one error type of the engine and the model formats: its message says what is wrong and, where it can,
// what the user can do about it. Bad input throws this; nothing in core/ aborts on bad input.
#pragma once

#include <stdexcept>
#include <string>

namespace gemma {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace gemma
