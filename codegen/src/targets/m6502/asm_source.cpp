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

std::string byte_lines(const std::vector<std::uint8_t>& bytes, bool text_comment) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 16) {
    std::string line = "        .byte ";
    std::string text;
    for (std::size_t j = i; j < bytes.size() && j < i + 16; ++j) {
      line += fmt::format("{}${:02X}", j > i ? "," : "", bytes[j]);
      const std::uint8_t b = bytes[j];
      text += (b >= 32 && b < 127) ? static_cast<char>(b) : '.';
    }
    if (text_comment) line += fmt::format("{:{}}; {}", "", line.size() < 78 ? 78 - line.size() : 1, text);
    out += line + "\n";
  }
  return out;
}

}  // namespace tinylm::gen
