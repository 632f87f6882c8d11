// The 6502 programs of `tinylm-gen emit`, the part every 6502 target shares:
// a program is its sources (the n-gram runtime of ngram_runtime.hpp, the
// tables, the target's own files from codegen/asm/m6502/<target>/), its ld65
// configuration, its RAM map (the plan, as data) and the one command that
// assembles and links it. The targets themselves are folders beside this one:
//
//   targets/sim6502  sim6502 and sim6502-banked: programs for sim65 (tests,
//                    benchmarks); the banked one loads 16 KB banks of tables
//                    from files into a window at $8000
//   targets/nes      nes (NROM) and nes-uxrom (mapper 2): NES cartridges
//   targets/c64      c64: a transformer's chat program as a PRG and a D64
//
// and targets/m6502_targets.hpp chooses one by name. A plan that does not fit
// (tables larger than the target's room, zero page or buffers overflowing) is
// refused with a gen::error naming the numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "targets/m6502/asm_source.hpp"

namespace tinylm::gen {

enum class target_6502 { sim6502, nes, sim6502_banked, nes_uxrom, c64 };

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
  std::string disk_name;          // c64: the D64 image the build command also writes (cc1541)
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

// Regions for variables laid one after another from `address`, added to the
// map (the comment of each: "label: comment").
void add_variables(std::vector<ram_region>& map, std::uint32_t address, const std::vector<asm_variable>& variables,
                   const std::string& kind, const std::string& prefix = "");

// The RAM map as lines of text ("  $0000-$0003      4  zero page  tlm_rng: ...").
std::string ram_map_text(const program_6502& program);

// One shell command (cl65) that assembles and links the files written to
// `dir` by write_program into dir/output_name.
std::string build_command(const program_6502& program, const std::string& dir);

// Writes the sources and the configuration into `dir` (created if missing).
void write_program(const program_6502& program, const std::string& dir);

}  // namespace tinylm::gen
