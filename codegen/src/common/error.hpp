// The generator's one error type: a message meant for the user, printed as
// "tinylm-gen: error: <message>" with exit status 1.
#pragma once

#include <stdexcept>
#include <string>

namespace tinylm::gen {

struct error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace tinylm::gen
