// Writing an n-gram model as 6502 assembly (ca65): the runtime, from its
// template codegen/asm/m6502/ngram_runtime.s with the model's constants and
// its zero page (the RAM plan, data made here) filled in,
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
#include <cstdint>
#include <string>
#include <vector>

#include "families/ngram/builder.hpp"
#include "targets/m6502/asm_source.hpp"

namespace tinylm::gen {

struct ngram_6502 {
  asm_file runtime;                        // ngram_runtime.s
  asm_file tables;                         // ngram_tables.s
  std::size_t table_bytes = 0;             // bytes of data in `tables`
  std::size_t code_bytes = 0;              // bytes of the runtime's CODE (runtime_code_bytes)
  std::vector<asm_variable> zero_page;    // the runtime's zero page, in order
};

// The tables of a banked target: the arrays one after another in a linear
// space (in the order keys K=1..N-1 J=0..K-1, first_entry lo, hi,
// entry_weight, entry_byte) cut into banks of bank_size bytes; an element at
// linear address L is in bank L / bank_size at window + L % bank_size.
struct banked_array {
  std::string name;       // "tlm_key_2_1", "tlm_first_entry_lo", ...
  std::string constant;   // its linear address's constant in the runtime: "TLM_LIN_KEY_2_1", ...
  std::uint32_t base = 0; // linear address of element 0
  std::vector<std::uint8_t> data;
};
struct bank_layout {
  std::size_t bank_size = 0x4000;
  std::uint32_t window = 0x8000;  // the CPU address of the bank window
  std::vector<banked_array> arrays;
  std::size_t bytes = 0;          // the linear space used
  std::size_t banks() const { return (bytes + bank_size - 1) / bank_size; }
};
bank_layout plan_banks(const ngram_tables& model, std::size_t bank_size = 0x4000, std::uint32_t window = 0x8000);

// The largest table size (nodes of one table, entries) the 16-bit layout
// holds; emit_ngram_6502 throws gen::error beyond it.
inline constexpr std::size_t max_6502_index = 0xFFFF;

// With `banks`, the banked runtime (TLM_BANKED = 1) and the tables in
// segments BANK0, BANK1, ... as laid out by plan_banks.
ngram_6502 emit_ngram_6502(const ngram_tables& model, const bank_layout* banks = nullptr);

// The size of the runtime's CODE segment for a model, exactly as ca65
// assembles codegen/asm/m6502/ngram_runtime.s: a fixed part, the history routines
// (N-1 bytes), and per table K one find_context_K (8-bit or 16-bit search,
// by the table's node count) and its call in tlm_sample. The target tests
// compare it with ld65's map.
std::size_t runtime_code_bytes(const tinylm::ngram::model_view& v, bool banked = false);

// The runtime's zero page for a model (its history length) and layout
// (banked or not): what ngram_runtime.s's ;@ZERO_PAGE@ block becomes.
std::vector<asm_variable> ngram_runtime_zero_page(int order, bool banked);

}  // namespace tinylm::gen
