#include "target_6502.hpp"

#include <fmt/core.h>

#include <filesystem>
#include <system_error>

#include "asm_templates.hpp"
#include "emit_header.hpp"
#include "error.hpp"

namespace tinylm::gen {

namespace {

std::size_t total(const std::vector<asm_reservation>& r) {
  std::size_t n = 0;
  for (const asm_reservation& x : r) n += x.size;
  return n;
}

// Consecutive regions for reservations starting at `address`.
void add_reservations(std::vector<ram_region>& map, std::uint32_t address, const std::vector<asm_reservation>& r,
                      const std::string& kind) {
  for (const asm_reservation& x : r) {
    map.push_back({address, x.size, kind, x.comment.empty() ? x.label : x.label + ": " + x.comment});
    address += static_cast<std::uint32_t>(x.size);
  }
}

std::string quote(const std::string& s) {
  bool plain = !s.empty();
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("_./+-=:,@%").find(c) != std::string_view::npos;
    if (!ok) plain = false;
  }
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string in_dir(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : (std::filesystem::path(dir) / name).string();
}

// The low RAM of both sim6502 programs: the zero page (allocated by ld65 in
// link order: the runtime, then main.s, then cc65's library), the stack and
// main.s's buffers, added to p.ram_map. Throws when they do not fit; returns
// the zero-page bytes used.
std::size_t plan_sim6502_low_ram(program_6502& p, const std::vector<asm_reservation>& runtime_zero_page,
                                 const std::vector<asm_reservation>& main_zero_page,
                                 const std::vector<asm_reservation>& buffers, const char* target,
                                 const char* stack_note) {
  namespace plan = sim6502_plan;
  const std::size_t zp = p.zero_page_bytes + total(main_zero_page) + plan::cc65_zero_page;
  if (zp > 256)
    throw error(fmt::format("the zero page does not fit the {} target: {} bytes needed, 256 available", target, zp));
  if (total(buffers) > plan::buffers_size)
    throw error(fmt::format("the buffers do not fit the {} target: {} bytes needed, {} available", target,
                            total(buffers), plan::buffers_size));
  std::vector<ram_region>& map = p.ram_map;
  add_reservations(map, 0, runtime_zero_page, "zero page");
  add_reservations(map, static_cast<std::uint32_t>(p.zero_page_bytes), main_zero_page, "zero page");
  const auto zp_used = static_cast<std::uint32_t>(zp - plan::cc65_zero_page);
  map.push_back({zp_used, plan::cc65_zero_page, "zero page", "cc65 runtime: sp, sreg, regsave, ptr1-4, tmp1-4, regbank"});
  if (zp < 256) map.push_back({static_cast<std::uint32_t>(zp), 256 - zp, "zero page", "free"});
  map.push_back({0x0100, 256, "stack", stack_note});
  add_reservations(map, plan::buffers_start, buffers, "buffer");
  if (total(buffers) < plan::buffers_size)
    map.push_back({plan::buffers_start + static_cast<std::uint32_t>(total(buffers)),
                   plan::buffers_size - total(buffers), "buffer", "free"});
  return zp;
}

program_6502 sim6502_program(const ngram_tables& model) {
  namespace plan = sim6502_plan;
  ngram_6502 code = emit_ngram_6502(model);
  const std::string main_text = asm_template("sim6502/main.s");
  const std::vector<asm_reservation> main_zero_page = asm_reservations(main_text, "ZEROPAGE");
  const std::vector<asm_reservation> buffers = asm_reservations(main_text, "BUFFERS");

  program_6502 p;
  p.target = target_6502::sim6502;
  p.table_bytes = code.table_bytes;
  p.table_room = plan::table_room;
  p.zero_page_bytes = total(code.zero_page);
  p.code_bytes = code.code_bytes;
  p.output_name = "prog.prg";
  p.map_name = "prog.map";

  // The fit checks, before anything is written.
  if (p.table_bytes > p.table_room)
    throw error(fmt::format(
        "the model does not fit the sim6502 target: its tables need {} bytes, the target has room for {} "
        "(the program space ${:04X}-${:04X} is {} bytes, less {} reserved for code); use a smaller --budget",
        p.table_bytes, p.table_room, plan::program_start, plan::program_start + plan::program_size - 1,
        plan::program_size, plan::code_reserve));
  plan_sim6502_low_ram(p, code.zero_page, main_zero_page, buffers, "sim6502",
                      "the 6502 stack (the runtime needs at most 6 bytes of it)");
  std::vector<ram_region>& map = p.ram_map;
  map.push_back({plan::program_start, plan::program_size, "program",
                 fmt::format("code, the tables ({} bytes; room for {}), cc65's data and BSS", p.table_bytes,
                             p.table_room)});
  map.push_back({plan::program_start + static_cast<std::uint32_t>(plan::program_size), plan::c_stack_size, "C stack",
                 "cc65's argument stack (read and write)"});
  map.push_back({plan::io_start, 0x10000 - plan::io_start, "I/O", "sim65's paravirtualised I/O and vectors"});

  p.sources.push_back(std::move(code.runtime));
  p.sources.push_back(std::move(code.tables));
  p.sources.push_back({"main.s", main_text});
  p.config = {"sim6502.cfg", asm_template("sim6502/sim6502.cfg")};
  return p;
}

// The zero-page lines of the map and the total, for sources linked in order.
std::size_t add_zero_page(std::vector<ram_region>& map,
                          const std::vector<std::pair<std::string, std::vector<asm_reservation>>>& parts) {
  std::uint32_t at = 0;
  for (const auto& [who, r] : parts) {
    for (const asm_reservation& x : r) {
      map.push_back({at, x.size, "zero page",
                     fmt::format("{}{}{}", who, x.label, x.comment.empty() ? "" : ": " + x.comment)});
      at += static_cast<std::uint32_t>(x.size);
    }
  }
  return at;
}

// The 2 KB RAM plan of both NES cartridges (the shell is the same): the zero
// page (ld65 allocates it in link order, the shell first), the stack and the
// shell's fixed buffers, added to p.ram_map. Throws when the zero page does
// not fit. `runtime_stack` is the deepest stack path of the runtime.
void plan_nes_ram(program_6502& p, const std::vector<asm_reservation>& shell_zero_page,
                  const std::vector<asm_reservation>& runtime_zero_page, const char* target,
                  std::size_t runtime_stack) {
  namespace plan = nes_plan;
  constexpr std::size_t nrom_runtime_stack = 8;  // the runtime's path counted in plan::stack_use
  const std::size_t zp = p.zero_page_bytes + total(shell_zero_page);
  if (zp > 256)
    throw error(fmt::format("the zero page does not fit the {} target: the shell needs {} bytes, the runtime {}, "
                            "{} in all, 256 available",
                            target, total(shell_zero_page), p.zero_page_bytes, zp));
  std::vector<ram_region>& map = p.ram_map;
  add_zero_page(map, {{"shell ", shell_zero_page}, {"", runtime_zero_page}});
  if (zp < 256) map.push_back({static_cast<std::uint32_t>(zp), 256 - zp, "zero page", "free"});
  map.push_back({0x0100, 256, "stack",
                 fmt::format("the 6502 stack (at most {} bytes in use: the shell's calls and an NMI; the runtime's "
                             "path {})",
                             plan::stack_use - nrom_runtime_stack + runtime_stack, runtime_stack)});
  map.push_back({plan::oam_start, plan::results_start - plan::oam_start, "free", "kept for an OAM page (no sprites)"});
  map.push_back({plan::results_start, plan::ring_start - plan::results_start, "buffer",
                 "shell: results and UI state at fixed addresses (OUT_LEN $0300, OUT $0301-$0380, ...; shell.s)"});
  map.push_back({plan::ring_start, plan::bss_start - plan::ring_start, "buffer", "shell: the VRAM update ring"});
  map.push_back({plan::bss_start, plan::bss_size, "free", "segment BSS (unused)"});
}

program_6502 nes_program(const ngram_tables& model) {
  namespace plan = nes_plan;
  ngram_6502 code = emit_ngram_6502(model);
  const std::string shell = asm_template("nes/shell.s");
  const std::vector<asm_reservation> shell_zero_page = asm_reservations(shell, "ZEROPAGE");

  program_6502 p;
  p.target = target_6502::nes;
  p.table_bytes = code.table_bytes;
  p.code_bytes = code.code_bytes;
  p.zero_page_bytes = total(code.zero_page);
  p.rom_bytes = plan::prg_size;
  p.shell_bytes = plan::shell_prg;
  p.vector_bytes = plan::vectors;
  p.table_room = plan::runtime_room - p.code_bytes;
  p.output_name = "tinylm.nes";
  p.map_name = "tinylm.map";

  // The fit checks, before anything is written.
  if (p.used_rom_bytes() > p.rom_bytes)
    throw error(fmt::format(
        "the model does not fit the nes target (NROM, {} bytes of PRG ROM): the shell needs {}, the runtime {}, "
        "the tables {} and the vectors {}, {} bytes in all, {} too many; the tables may have at most {} bytes. "
        "Use a smaller --budget (at most about {} for tinylm-gen ngram) or the banked cartridge "
        "(--target nes-uxrom)",
        p.rom_bytes, p.shell_bytes, p.code_bytes, p.table_bytes, p.vector_bytes, p.used_rom_bytes(),
        p.used_rom_bytes() - p.rom_bytes, p.table_room, p.table_room));
  plan_nes_ram(p, shell_zero_page, code.zero_page, "nes", 8);

  p.rom_plan = fmt::format(
      "  $8000-$FFFF {:>6}  PRG ROM (NROM-256)\n"
      "              {:>6}  shell: CODE + RODATA (shell.s, prompts.inc)\n"
      "              {:>6}  runtime: CODE (ngram_runtime.s)\n"
      "              {:>6}  tables: RODATA (ngram_tables.s; room for {})\n"
      "              {:>6}  vectors ($FFFA-$FFFF)\n"
      "              {:>6}  free\n"
      "  CHR ROM     {:>6}  the font of cc65's nes.lib (4,096 used)\n",
      p.rom_bytes, p.shell_bytes, p.code_bytes, p.table_bytes, p.table_room, p.vector_bytes,
      p.rom_bytes - p.used_rom_bytes(), 8192);

  p.sources.push_back({"shell.s", shell});
  p.sources.push_back(std::move(code.runtime));
  p.sources.push_back(std::move(code.tables));
  p.includes.push_back({"prompts.inc", asm_template("nes/prompts.inc")});
  p.config = {"nrom.cfg", asm_template("nes/nrom.cfg")};
  return p;
}

std::string features_text() {
  return "FEATURES {\n"
         "    CONDES: type    = constructor,\n"
         "            label   = __CONSTRUCTOR_TABLE__,\n"
         "            count   = __CONSTRUCTOR_COUNT__,\n"
         "            segment = ONCE;\n"
         "    CONDES: type    = destructor,\n"
         "            label   = __DESTRUCTOR_TABLE__,\n"
         "            count   = __DESTRUCTOR_COUNT__,\n"
         "            segment = RODATA;\n"
         "    CONDES: type    = interruptor,\n"
         "            label   = __INTERRUPTOR_TABLE__,\n"
         "            count   = __INTERRUPTOR_COUNT__,\n"
         "            segment = RODATA,\n"
         "            import  = __CALLIRQ__;\n"
         "}\n";
}

program_6502 sim6502_banked_program(const ngram_tables& model) {
  namespace plan = sim6502_plan;
  namespace bplan = sim6502_banked_plan;
  const bank_layout layout = plan_banks(model, 0x4000, bplan::window);
  if (layout.banks() > bplan::max_banks)
    throw error(fmt::format("the model does not fit the sim6502-banked target: its tables need {} banks of 16 KB, "
                            "the program can load {}; use a smaller --budget",
                            layout.banks(), bplan::max_banks));
  ngram_6502 code = emit_ngram_6502(model, &layout);
  const std::string main_text = asm_template("sim6502/main.s");
  const std::string banks_text = asm_template("sim6502/banks.s");
  const std::vector<asm_reservation> main_zero_page = asm_reservations(main_text, "ZEROPAGE");
  std::vector<asm_reservation> buffers = asm_reservations(main_text, "BUFFERS");
  for (const asm_reservation& r : asm_reservations(banks_text, "BUFFERS")) buffers.push_back(r);

  program_6502 p;
  p.target = target_6502::sim6502_banked;
  p.table_bytes = code.table_bytes;
  p.table_room = bplan::max_banks * layout.bank_size;
  p.banks = layout.banks();
  p.zero_page_bytes = total(code.zero_page);
  p.code_bytes = code.code_bytes;
  p.output_name = "prog.prg";
  p.map_name = "prog.map";
  plan_sim6502_low_ram(p, code.zero_page, main_zero_page, buffers, "sim6502-banked", "the 6502 stack");
  std::vector<ram_region>& map = p.ram_map;
  map.push_back({plan::program_start, bplan::program_size - plan::c_stack_size, "program",
                 "code (runtime, main.s, banks.s, cc65's library), cc65's data and BSS"});
  map.push_back({bplan::window - static_cast<std::uint32_t>(plan::c_stack_size), plan::c_stack_size, "C stack",
                 "cc65's argument stack"});
  map.push_back({bplan::window, layout.bank_size, "window",
                 fmt::format("the bank window: one of the {} banks of tables ({} bytes), loaded from bankNN.bin",
                             p.banks, p.table_bytes)});
  map.push_back({bplan::window + static_cast<std::uint32_t>(layout.bank_size),
                 plan::io_start - bplan::window - layout.bank_size, "free", "unused"});
  map.push_back({plan::io_start, 0x10000 - plan::io_start, "I/O", "sim65's paravirtualised I/O and vectors"});

  std::string memory, segments;
  for (std::size_t b = 0; b < p.banks; ++b) {
    memory += fmt::format("    BANK{0}:{1:{2}}file = \"bank{0:02x}.bin\", start = ${3:04X}, size = ${4:04X};\n", b, "",
                          b < 10 ? 3 : 2, bplan::window, layout.bank_size);
    segments += fmt::format("    BANK{0}:{1:{2}}load = BANK{0},{1:{2}}type = ro;\n", b, "", b < 10 ? 3 : 2);
  }
  const std::string config = fmt::format(
      "# sim6502-banked.cfg - ld65 configuration of `tinylm-gen emit --target sim6502-banked` (generated).\n"
      "# As sim6502.cfg, with the program below $8000 (the C stack at its top) and\n"
      "# the {banks} banks of tables written to bank00.bin, bank01.bin, ... (beside the\n"
      "# program: link in its directory), each linked at the window $8000-$BFFF where\n"
      "# banks.s loads it.\n"
      "SYMBOLS {{\n"
      "    __EXEHDR__:    type = import;\n"
      "    __STACKSIZE__: type = weak, value = $0100;\n"
      "}}\n"
      "MEMORY {{\n"
      "    ZP:     file = \"\",               start = $0000, size = $0100;\n"
      "    HEADER: file = %O,               start = $0000, size = $000C;\n"
      "    BUF:    file = \"\",               start = $0200, size = $0400;\n"
      "    MAIN:   file = %O, define = yes, start = $0600, size = ${main:04X} - __STACKSIZE__;\n"
      "{memory}"
      "}}\n"
      "SEGMENTS {{\n"
      "    ZEROPAGE: load = ZP,     type = zp;\n"
      "    EXEHDR:   load = HEADER, type = ro;\n"
      "    BUFFERS:  load = BUF,    type = bss, define = yes;\n"
      "    STARTUP:  load = MAIN,   type = ro;\n"
      "    LOWCODE:  load = MAIN,   type = ro,  optional = yes;\n"
      "    ONCE:     load = MAIN,   type = ro,  optional = yes;\n"
      "    CODE:     load = MAIN,   type = ro;\n"
      "    RODATA:   load = MAIN,   type = ro;\n"
      "    DATA:     load = MAIN,   type = rw;\n"
      "    BSS:      load = MAIN,   type = bss, define = yes;\n"
      "{segments}"
      "}}\n"
      "{features}",
      fmt::arg("banks", p.banks), fmt::arg("main", bplan::program_size), fmt::arg("memory", memory),
      fmt::arg("segments", segments), fmt::arg("features", features_text()));

  p.sources.push_back(std::move(code.runtime));
  p.sources.push_back(std::move(code.tables));
  p.sources.push_back({"main.s", main_text});
  p.sources.push_back({"banks.s", banks_text});
  p.config = {"sim6502-banked.cfg", config};
  return p;
}

program_6502 nes_uxrom_program(const ngram_tables& model) {
  namespace plan = nes_plan;
  namespace uplan = uxrom_plan;
  const bank_layout layout = plan_banks(model, uplan::bank_size, 0x8000);
  if (layout.banks() > uplan::max_table_banks)
    throw error(fmt::format(
        "the model does not fit the nes-uxrom target: its tables need {} bytes, {} banks of 16 KB, and UxROM has "
        "{} banks of which {} can hold tables ({} bytes; the last bank is fixed: shell and runtime); use a smaller "
        "--budget (at most about {})",
        layout.bytes, layout.banks(), uplan::max_banks, uplan::max_table_banks,
        uplan::max_table_banks * uplan::bank_size, uplan::max_table_banks * uplan::bank_size));
  std::size_t prg_banks = 2;
  while (prg_banks < layout.banks() + 1) prg_banks *= 2;
  ngram_6502 code = emit_ngram_6502(model, &layout);
  const std::string shell = asm_template("nes/shell.s");
  const std::vector<asm_reservation> shell_zero_page = asm_reservations(shell, "ZEROPAGE");
  std::string uxrom = asm_template("nes/uxrom.s");
  const std::string marker = ";@UXROM_CONSTANTS@";
  const std::size_t at = uxrom.find(marker);
  if (at == std::string::npos) throw error("internal error: uxrom.s has no constants marker");
  uxrom.replace(at, marker.size(),
                fmt::format("TLM_PRG_BANKS = {:<6}; PRG ROM: {} banks of 16 KB (tables in 0 .. {}, bank {} fixed)",
                            prg_banks, prg_banks, layout.banks() - 1, prg_banks - 1));

  program_6502 p;
  p.target = target_6502::nes_uxrom;
  p.table_bytes = code.table_bytes;
  p.code_bytes = code.code_bytes;
  p.zero_page_bytes = total(code.zero_page);
  p.banks = layout.banks();
  p.table_room = uplan::max_table_banks * uplan::bank_size;
  p.rom_bytes = prg_banks * uplan::bank_size;
  p.shell_bytes = plan::shell_prg;
  p.vector_bytes = plan::vectors;
  p.output_name = "tinylm.nes";
  p.map_name = "tinylm.map";
  const std::size_t fixed_used = p.shell_bytes + p.code_bytes + uplan::uxrom_code + prg_banks + p.vector_bytes;
  if (fixed_used > uplan::bank_size)
    throw error(fmt::format("the fixed bank of the nes-uxrom target overflows: shell {}, runtime {}, bank switch {}, "
                            "vectors {}: {} bytes of {}",
                            p.shell_bytes, p.code_bytes, uplan::uxrom_code + prg_banks, p.vector_bytes, fixed_used,
                            uplan::bank_size));
  plan_nes_ram(p, shell_zero_page, code.zero_page, "nes-uxrom", 10);

  // PRG used: everything but the free space of the fixed bank and the unused banks.
  const std::size_t fixed_free = uplan::bank_size - fixed_used;
  const std::size_t tables_free = (prg_banks - 1) * uplan::bank_size - p.table_bytes;
  p.rom_plan = fmt::format(
      "  PRG ROM     {:>6}  PRG ROM: {} banks of 16 KB (UxROM, mapper 2)\n"
      "  $8000-$BFFF {:>6}  tables in banks 0-{} (ngram_tables.s; room for {} in 15 banks)\n"
      "              {:>6}  unused in banks 0-{}\n"
      "  $C000-$FFFF {:>6}  fixed bank {}:\n"
      "              {:>6}  shell: CODE + RODATA (shell.s, prompts.inc)\n"
      "              {:>6}  runtime: CODE (ngram_runtime.s)\n"
      "              {:>6}  bank switch and its bus-conflict table (uxrom.s)\n"
      "              {:>6}  vectors ($FFFA-$FFFF)\n"
      "              {:>6}  free in the fixed bank\n"
      "              {:>6}  free\n"
      "  CHR ROM     {:>6}  the font of cc65's nes.lib (4,096 used)\n",
      p.rom_bytes, prg_banks, p.table_bytes, prg_banks - 2, p.table_room, tables_free, prg_banks - 2,
      uplan::bank_size, prg_banks - 1, p.shell_bytes, p.code_bytes, uplan::uxrom_code + prg_banks, p.vector_bytes,
      fixed_free, fixed_free + tables_free, 8192);

  std::string memory, segments;
  for (std::size_t b = 0; b + 1 < prg_banks; ++b) {
    memory += fmt::format("    BANK{0}:{1:{2}}file = %O, start = $8000, size = $4000, fill = yes, fillval = $FF;\n", b,
                          "", b < 10 ? 4 : 3);
    if (b < layout.banks())
      segments += fmt::format("    BANK{0}:{1:{2}}load = BANK{0},{1:{2}}type = ro;\n", b, "", b < 10 ? 3 : 2);
  }
  p.config = {"uxrom.cfg",
              fmt::format(
                  "# uxrom.cfg - ld65 configuration of `tinylm-gen emit --target nes-uxrom` (generated): iNES,\n"
                  "# mapper 2 (UxROM), {banks} x 16 KB PRG ROM, 8 KB CHR ROM. Banks 0-{last} at $8000 (the\n"
                  "# tables, segments BANKn), bank {fixed} fixed at $C000 (CODE, RODATA, VECTORS).\n"
                  "# The shell's NROM header (HEADER) goes nowhere; uxrom.s writes INESHDR.\n"
                  "MEMORY {{\n"
                  "    ZP:       file = \"\", start = $0000, size = $0100, type = rw;\n"
                  "    RAM:      file = \"\", start = $0500, size = $0300, type = rw;\n"
                  "    NROMHDR:  file = \"\", start = $0000, size = $0010;\n"
                  "    INES:     file = %O, start = $0000, size = $0010, fill = yes;\n"
                  "{memory}"
                  "    FIXED:    file = %O, start = $C000, size = $3FFA, fill = yes, fillval = $FF;\n"
                  "    VECTORS:  file = %O, start = $FFFA, size = $0006, fill = yes;\n"
                  "    CHR:      file = %O, start = $0000, size = $2000, fill = yes;\n"
                  "}}\n"
                  "SEGMENTS {{\n"
                  "    ZEROPAGE: load = ZP,      type = zp;\n"
                  "    BSS:      load = RAM,     type = bss, optional = yes;\n"
                  "    HEADER:   load = NROMHDR, type = ro;\n"
                  "    INESHDR:  load = INES,    type = ro;\n"
                  "{segments}"
                  "    CODE:     load = FIXED,   type = ro;\n"
                  "    RODATA:   load = FIXED,   type = ro;\n"
                  "    VECTORS:  load = VECTORS, type = ro;\n"
                  "    CHARS:    load = CHR,     type = ro;\n"
                  "}}\n",
                  fmt::arg("banks", prg_banks), fmt::arg("last", prg_banks - 2), fmt::arg("fixed", prg_banks - 1),
                  fmt::arg("memory", memory), fmt::arg("segments", segments))};
  p.sources.push_back({"shell.s", shell});
  p.sources.push_back(std::move(code.runtime));
  p.sources.push_back(std::move(code.tables));
  p.sources.push_back({"uxrom.s", uxrom});
  p.includes.push_back({"prompts.inc", asm_template("nes/prompts.inc")});
  return p;
}

}  // namespace

target_6502 parse_target_6502(const std::string& name) {
  if (name == "sim6502") return target_6502::sim6502;
  if (name == "nes") return target_6502::nes;
  if (name == "sim6502-banked") return target_6502::sim6502_banked;
  if (name == "nes-uxrom") return target_6502::nes_uxrom;
  throw error(fmt::format("unknown 6502 target '{}' (targets: sim6502, nes, sim6502-banked, nes-uxrom)", name));
}

const char* target_name(target_6502 target) {
  switch (target) {
    case target_6502::sim6502:
      return "sim6502";
    case target_6502::nes:
      return "nes";
    case target_6502::sim6502_banked:
      return "sim6502-banked";
    case target_6502::nes_uxrom:
      return "nes-uxrom";
  }
  return "?";
}

program_6502 emit_program_6502(const ngram_tables& model, target_6502 target) {
  switch (target) {
    case target_6502::sim6502:
      return sim6502_program(model);
    case target_6502::nes:
      return nes_program(model);
    case target_6502::sim6502_banked:
      return sim6502_banked_program(model);
    case target_6502::nes_uxrom:
      return nes_uxrom_program(model);
  }
  throw error("internal error: unknown 6502 target");
}

std::string ram_map_text(const program_6502& program) {
  std::string out;
  for (const ram_region& r : program.ram_map) {
    const std::size_t last = r.address + r.size - 1;
    out += fmt::format("  ${:04X}-${:04X} {:>6}  {:<10} {}\n", r.address, last, r.size, r.kind, r.what);
  }
  return out;
}

std::string build_command(const program_6502& program, const std::string& dir) {
  if (program.target == target_6502::sim6502_banked) {
    // ld65 writes the bank files in its working directory: link in `dir`.
    std::string cmd = fmt::format("{}cl65 -t sim6502 -C {} -m {} -o {}", dir.empty() ? "" : "cd " + quote(dir) + " && ",
                                  program.config.name, program.map_name, program.output_name);
    for (const asm_file& f : program.sources) cmd += ' ' + f.name;
    return cmd;
  }
  const bool nes = program.target == target_6502::nes || program.target == target_6502::nes_uxrom;
  std::string cmd = fmt::format("cl65 -t {} -C {} -m {} -o {}", nes ? "nes" : target_name(program.target),
                                quote(in_dir(dir, program.config.name)), quote(in_dir(dir, program.map_name)),
                                quote(in_dir(dir, program.output_name)));
  for (const asm_file& f : program.sources) {
    cmd += ' ';
    cmd += quote(in_dir(dir, f.name));
  }
  return cmd;
}

void write_program(const program_6502& program, const std::string& dir) {
  std::error_code ec;
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  if (ec) throw error(fmt::format("cannot create the directory '{}': {}", dir, ec.message()));
  for (const asm_file& f : program.sources) write_text_file(in_dir(dir, f.name), f.text);
  for (const asm_file& f : program.includes) write_text_file(in_dir(dir, f.name), f.text);
  write_text_file(in_dir(dir, program.config.name), program.config.text);
}

}  // namespace tinylm::gen
