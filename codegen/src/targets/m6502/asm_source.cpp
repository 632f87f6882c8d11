#include "targets/m6502/asm_source.hpp"

#include <fmt/core.h>

namespace tinylm::gen {

std::size_t total_bytes(const std::vector<asm_variable>& variables) {
  std::size_t n = 0;
  for (const asm_variable& v : variables) n += v.size;
  return n;
}

std::string reservation_lines(const std::vector<asm_variable>& variables) {
  std::string out;
  for (const asm_variable& v : variables) {
    const std::string head = fmt::format("{:<10} .res {}", v.label + ":", v.size_text.empty() ? std::to_string(v.size) : v.size_text);
    out += v.comment.empty() ? head + "\n" : fmt::format("{:<30} ; {}\n", head, v.comment);
  }
  return out;
}

}  // namespace tinylm::gen
