// The one template mechanism of every target: the assembly runtimes and
// shells of codegen/asm/<cpu>/ (6502 for sim6502, the NES and the C64; Z80
// for CP/M) and their linker configurations, compiled into tinylm-gen at
// build time by cmake/embed_text.cmake (the generator needs no data files, so
// it works from the build tree and from an install alike), and filled in with
// what depends on the model.
//
// A template is the assembly source as it reads; what the generator fills in
// is marked by placeholders, NAME in [A-Z0-9_]+:
//   @NAME@     inline: replaced by the value (a number, a constant's text)
//   ;@NAME@    a line of its own (after the comment sign `;`, or `#` in a
//   #@NAME@    linker configuration): a block; the whole line, newline
//              included, is replaced by the value, which brings its own
//              newlines (constants, reservations, tables, generated code)
// Placeholders are only ever numbers or whole lines: every routine is in the
// template, none in a C++ string.
#pragma once

#include <cstddef>
#include <map>
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

// The text of codegen/asm/<name> (e.g. "m6502/ngram_runtime.s",
// "z80/cpm/chat.asm"), unfilled. Throws gen::error for a name that was not
// embedded.
std::string asm_template(std::string_view name);

using template_values = std::map<std::string, std::string, std::less<>>;

// The template `name` with every placeholder replaced by its value. Throws
// gen::error (an internal error: the template and the emitter disagree) for
// a placeholder without a value and for a value no placeholder asks for.
std::string fill_template(std::string_view name, const template_values& values);

// The same for a template's text (`name` only names it in errors).
std::string fill_template_text(std::string_view text, std::string_view name, const template_values& values);

}  // namespace tinylm::gen
