// The NES targets of `tinylm-gen emit`: cartridges that run the n-gram
// runtime under the shell of codegen/asm/m6502/nes (a menu of prompts, a
// seed, the text on screen).
//
//   nes        iNES, mapper 0, NROM-256: 32 KB PRG, 8 KB CHR
//   nes-uxrom  mapper 2 (UxROM): the tables in 16 KB switchable banks at
//              $8000, the shell and runtime in the fixed last bank at $C000;
//              up to 16 banks (256 KB of PRG ROM)
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "families/ngram/builder.hpp"
#include "targets/m6502/asm_source.hpp"
#include "targets/m6502/program.hpp"

namespace tinylm::gen {

// The NES plan (NROM-256, see codegen/asm/m6502/nes/nrom.cfg and the RAM map at the
// top of shell.s). shell_prg is the shell's CODE + RODATA with the bundled
// prompts.inc, as ld65 links it (the NES test compares with ld65's map).
namespace nes_plan {
inline constexpr std::size_t prg_size = 0x8000;
inline constexpr std::size_t vectors = 6;
inline constexpr std::size_t shell_prg = 1885;
inline constexpr std::uint32_t oam_start = 0x0200;    // free, kept for an OAM page
inline constexpr std::uint32_t results_start = 0x0300;  // the shell's results and UI state
inline constexpr std::uint32_t ring_start = 0x0400;     // the shell's VRAM update ring
inline constexpr std::uint32_t bss_start = 0x0500;      // free (segment BSS)
inline constexpr std::size_t bss_size = 0x0300;
inline constexpr std::size_t stack_use = 19;            // shell calls 11 + an NMI's 8 (runtime path: 8)
// Room for the runtime's code and the tables.
inline constexpr std::size_t runtime_room = prg_size - vectors - shell_prg;
}  // namespace nes_plan

// The UxROM plan: PRG ROM of a power of two of 16 KB banks (at most 16), the
// last one fixed at $C000 with the shell, the runtime, uxrom.s and the
// vectors; the tables fill banks 0, 1, ... at $8000.
namespace uxrom_plan {
inline constexpr std::size_t bank_size = 0x4000;
inline constexpr std::size_t max_banks = 16;            // UOROM: 4 bits of bank number
inline constexpr std::size_t max_table_banks = max_banks - 1;
inline constexpr std::size_t uxrom_code = 5;            // tlm_bank_select (+ bank_numbers: one byte per bank)
}  // namespace uxrom_plan

// The shell's zero page, as the RAM plan lists it and the emitter writes it
// into shell.s.
std::vector<asm_variable> nes_shell_zero_page();

// Throw gen::error if the model or the RAM plan does not fit.
program_6502 nes_program(const ngram_tables& model);
program_6502 nes_uxrom_program(const ngram_tables& model);

}  // namespace tinylm::gen
