#include "asm_templates.hpp"

#include <fmt/core.h>

#include "error.hpp"

namespace tinylm::gen {

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

}  // namespace tinylm::gen
