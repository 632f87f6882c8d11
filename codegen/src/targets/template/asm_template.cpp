#include "targets/template/asm_template.hpp"

#include <fmt/core.h>

#include <set>

#include "common/error.hpp"

namespace tinylm::gen {

namespace {

bool is_name_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

// The length of the placeholder NAME in `@NAME@` at text[at] ('@'), or 0.
std::size_t placeholder_at(std::string_view text, std::size_t at) {
  std::size_t end = at + 1;
  while (end < text.size() && is_name_char(text[end])) ++end;
  if (end == at + 1 || end >= text.size() || text[end] != '@') return 0;
  return end - at - 1;
}

}  // namespace

std::string asm_template(std::string_view name) {
  for (std::size_t i = 0; i < embedded_file_count; ++i) {
    const embedded_file& f = embedded_files[i];
    if (name != f.name) continue;
    std::string text;
    for (std::size_t p = 0; p < f.piece_count; ++p) text += f.pieces[p];
    return text;
  }
  throw error(fmt::format("internal error: no embedded assembly template '{}'", name));
}

std::string fill_template_text(std::string_view text, std::string_view name, const template_values& values) {
  std::string out;
  out.reserve(text.size());
  std::set<std::string, std::less<>> used;
  const auto value_of = [&](std::string_view key) -> const std::string& {
    const auto it = values.find(key);
    if (it == values.end())
      throw error(fmt::format("internal error: template '{}' has the placeholder @{}@ and no value for it", name, key));
    used.insert(it->first);
    return it->second;
  };
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (i == line_start && i + 1 < text.size() && (text[i] == ';' || text[i] == '#') && text[i + 1] == '@') {
      const std::size_t n = placeholder_at(text, i + 1);
      const std::size_t after = i + n + 3;  // sign, '@', NAME, '@'
      if (n > 0 && (after == text.size() || text[after] == '\n')) {
        out += value_of(text.substr(i + 2, n));
        i = line_start = after == text.size() ? after : after + 1;
        continue;
      }
    }
    if (text[i] == '@') {
      const std::size_t n = placeholder_at(text, i);
      if (n > 0) {
        out += value_of(text.substr(i + 1, n));
        i += n + 2;
        continue;
      }
    }
    out += text[i];
    if (text[i] == '\n') line_start = i + 1;
    ++i;
  }
  for (const auto& [key, value] : values)
    if (used.find(key) == used.end())
      throw error(fmt::format("internal error: template '{}' has no placeholder @{}@", name, key));
  return out;
}

std::string fill_template(std::string_view name, const template_values& values) {
  return fill_template_text(asm_template(name), name, values);
}

}  // namespace tinylm::gen
