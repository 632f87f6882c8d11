// The assembly templates of codegen/asm (the 6502 runtime, each target's main
// program and linker configuration), compiled into tinylm-gen at build time
// by cmake/embed_text.cmake: the generator needs no data files, so it works
// from the build tree and from an install alike.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tinylm::gen {

// One embedded file: its path under codegen/asm and its text in pieces.
struct embedded_file {
  const char* name;
  const char* const* pieces;
  std::size_t piece_count;
};

// Defined in the generated asm_templates_data.cpp.
extern const embedded_file embedded_files[];
extern const std::size_t embedded_file_count;

// The text of codegen/asm/<name> (e.g. "ngram_runtime.s", "sim6502/main.s").
// Throws gen::error for a name that was not embedded.
std::string asm_template(std::string_view name);

}  // namespace tinylm::gen
