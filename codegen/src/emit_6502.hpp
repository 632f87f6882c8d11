// Writing an n-gram model as 6502 assembly (ca65): the runtime, from its
// template codegen/asm/ngram_runtime.s with the model's constants filled in,
// and the model's tables as data, in the layout that runtime reads:
//
//   tlm_key_K_J         byte J (0 = oldest) of the key of each node of table K
//                       (K = 1 .. N-1): node i's byte J is at tlm_key_K_J + i
//   tlm_first_entry_lo  first_entry[] (global node numbers, total nodes + 1
//   tlm_first_entry_hi  values), low and high bytes apart
//   tlm_entry_byte      entry_byte[] and entry_weight[], as in the model
//   tlm_entry_weight
//
// No timestamps and no paths: the same model gives the same bytes. Target-
// specific parts (main program, linker configuration, memory plan) are in
// target_6502.hpp.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ngram_builder.hpp"

namespace tinylm::gen {

struct asm_file {
  std::string name;  // file name, no directory
  std::string text;
};

// A `label: .res size ; comment` line of ca65 source.
struct asm_reservation {
  std::string label;
  std::size_t size = 0;
  std::string comment;
};

struct ngram_6502 {
  asm_file runtime;                        // ngram_runtime.s
  asm_file tables;                         // ngram_tables.s
  std::size_t table_bytes = 0;             // bytes of data in `tables`
  std::size_t code_bytes = 0;              // bytes of the runtime's CODE (runtime_code_bytes)
  std::vector<asm_reservation> zero_page;  // the runtime's zero page, in order
};

// The largest table size (nodes of one table, entries) the 16-bit layout
// holds; emit_ngram_6502 throws gen::error beyond it.
inline constexpr std::size_t max_6502_index = 0xFFFF;

ngram_6502 emit_ngram_6502(const ngram_tables& model);

// The size of the runtime's CODE segment for a model, exactly as ca65
// assembles codegen/asm/ngram_runtime.s: a fixed part, the history routines
// (N-1 bytes), and per table K one find_context_K (8-bit or 16-bit search,
// by the table's node count) and its call in tlm_sample. The target tests
// compare it with ld65's map.
std::size_t runtime_code_bytes(const tinylm::ngram::model_view& v);

// The `label: .res N` lines of `segment` in ca65 source, in order. N is a
// number ($hex or decimal) or a symbol defined as `SYMBOL = number` in the
// same source. Throws gen::error for a size it cannot evaluate.
std::vector<asm_reservation> asm_reservations(const std::string& source, const std::string& segment);

}  // namespace tinylm::gen
