// The 6502 targets of `tinylm-gen emit`: for each, the program around the
// n-gram runtime (its main program and ld65 configuration, from the templates
// in codegen/asm/<target>/), its static memory plan (the RAM map, printed by
// the generator) and the one command that assembles and links it.
//
//   sim6502  sim65's simulated 6502: a test and benchmark program that reads
//            requests (seed, max length, prompt) from stdin and writes the
//            replies to stdout (protocol: codegen/asm/sim6502/main.s).
//   nes      an NES cartridge (iNES, mapper 0, NROM-256: 32 KB PRG, 8 KB CHR):
//            the shell of codegen/asm/nes (menu of prompts, seed, text on
//            screen) linked with the runtime and the tables.
//   sim6502-banked  the sim6502 program with the banked runtime: the tables in
//            16 KB banks (files bankNN.bin) loaded on demand into a RAM
//            window at $8000 (codegen/asm/sim6502/banks.s): the test of the
//            banked runtime, since sim65 has no mapper.
//   nes-uxrom  an NES cartridge with mapper 2 (UxROM): the tables in 16 KB
//            switchable banks at $8000, the shell and runtime in the fixed
//            last bank at $C000; up to 16 banks (256 KB of PRG ROM).
//
// A plan that does not fit (tables larger than the target's room, zero page
// or buffers overflowing) is refused with a gen::error naming the numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "emit_6502.hpp"
#include "ngram_builder.hpp"

namespace tinylm::gen {

enum class target_6502 { sim6502, nes, sim6502_banked, nes_uxrom };

// "sim6502" -> target_6502::sim6502, "nes" -> target_6502::nes; throws gen::error for another name.
target_6502 parse_target_6502(const std::string& name);
const char* target_name(target_6502 target);

// One line of the RAM map: [address, address + size).
struct ram_region {
  std::uint32_t address = 0;
  std::size_t size = 0;
  std::string kind;  // "zero page", "stack", "buffer", "program", "C stack", "I/O"
  std::string what;
};

struct program_6502 {
  target_6502 target = target_6502::sim6502;
  std::vector<asm_file> sources;  // in link order (sim6502: the runtime first; nes: the shell first)
  std::vector<asm_file> includes; // files the sources .include (written beside them)
  asm_file config;                // the ld65 configuration
  std::string output_name;        // what the build command writes
  std::string map_name;           // the ld65 map file it writes
  std::vector<ram_region> ram_map;
  std::size_t table_bytes = 0;    // data bytes of the tables
  std::size_t table_room = 0;     // the most the target's plan allows
  std::size_t banks = 0;          // banked targets: 16 KB banks of tables
  std::size_t zero_page_bytes = 0;  // the runtime's zero page
  std::size_t code_bytes = 0;       // the runtime's CODE
  // ROM targets: the program ROM and what is in it (0 for sim6502).
  std::size_t rom_bytes = 0;        // PRG ROM size
  std::size_t shell_bytes = 0;      // the shell's CODE + RODATA
  std::size_t vector_bytes = 0;     // the interrupt vectors
  std::size_t used_rom_bytes() const { return shell_bytes + code_bytes + table_bytes + vector_bytes; }
  std::string rom_plan;             // the ROM plan as text (empty for sim6502)
};

// The sim6502 memory plan (see codegen/asm/sim6502/sim6502.cfg).
namespace sim6502_plan {
inline constexpr std::uint32_t buffers_start = 0x0200;
inline constexpr std::size_t buffers_size = 0x0400;
inline constexpr std::uint32_t program_start = 0x0600;
inline constexpr std::size_t c_stack_size = 0x0100;
inline constexpr std::uint32_t io_start = 0xFFF0;
inline constexpr std::size_t program_size = io_start - program_start - c_stack_size;
inline constexpr std::size_t code_reserve = 4096;  // the runtime, main.s and cc65's library, with room to spare
inline constexpr std::size_t table_room = program_size - code_reserve;
inline constexpr std::size_t cc65_zero_page = 26;  // sp, sreg, regsave, ptr1-4, tmp1-4, regbank (cc65 2.19)
}  // namespace sim6502_plan

// The NES plan (NROM-256, see codegen/asm/nes/nrom.cfg and the RAM map at the
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

// The sim6502-banked plan: the program below the window, the window at $8000.
namespace sim6502_banked_plan {
inline constexpr std::uint32_t window = 0x8000;
inline constexpr std::size_t max_banks = 256;
inline constexpr std::size_t program_size = window - sim6502_plan::program_start;  // with the C stack at its top
}  // namespace sim6502_banked_plan

// Throws gen::error if the model or the RAM plan does not fit the target.
program_6502 emit_program_6502(const ngram_tables& model, target_6502 target);

// The RAM map as lines of text ("  $0000-$0003      4  zero page  tlm_rng: ...").
std::string ram_map_text(const program_6502& program);

// One shell command (cl65) that assembles and links the files written to
// `dir` by write_program into dir/output_name.
std::string build_command(const program_6502& program, const std::string& dir);

// Writes the sources and the configuration into `dir` (created if missing).
void write_program(const program_6502& program, const std::string& dir);

}  // namespace tinylm::gen
