// The pieces of a 6502 program the emitters hand on: its files, and the
// variables it reserves (the RAM plan as data).
//
// A RAM plan is a list of asm_variable, made by the emitter from the model's
// shapes; the emitter writes it into the assembly (reservation_lines, at a
// template's ;@ZERO_PAGE@ or ;@BUFFERS@ block) and into the printed RAM map.
// Nothing is ever read back out of assembly text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tinylm::gen {

struct asm_file {
  std::string name;  // file name, no directory
  std::string text;
};

// One `label: .res size ; comment` line of ca65 source.
struct asm_variable {
  std::string label;
  std::size_t size = 0;
  std::string comment;
  std::string size_text;  // how the source spells the size (a constant's name); empty: the number
};

std::size_t total_bytes(const std::vector<asm_variable>& variables);

// The `.res` lines of the variables, in order (ld65 allocates them so).
std::string reservation_lines(const std::vector<asm_variable>& variables);

// `.byte` lines of 16 values each; with `text_comment`, each line ends with
// the bytes as text (non-printable bytes as '.').
std::string byte_lines(const std::vector<std::uint8_t>& bytes, bool text_comment = false);

}  // namespace tinylm::gen
