#include "targets/nes/nes.hpp"

#include <fmt/core.h>

#include "common/error.hpp"
#include "targets/m6502/ngram_runtime.hpp"
#include "targets/template/asm_template.hpp"

namespace tinylm::gen {

namespace {

// The 2 KB RAM plan of both NES cartridges (the shell is the same): the zero
// page (ld65 allocates it in link order, the shell first), the stack and the
// shell's fixed buffers, added to p.ram_map. Throws when the zero page does
// not fit. `runtime_stack` is the deepest stack path of the runtime.
void plan_nes_ram(program_6502& p, const std::vector<asm_variable>& shell_zero_page,
                  const std::vector<asm_variable>& runtime_zero_page, const char* target,
                  std::size_t runtime_stack) {
  namespace plan = nes_plan;
  constexpr std::size_t nrom_runtime_stack = 8;  // the runtime's path counted in plan::stack_use
  const std::size_t zp = p.zero_page_bytes + total_bytes(shell_zero_page);
  if (zp > 256)
    throw error(fmt::format("the zero page does not fit the {} target: the shell needs {} bytes, the runtime {}, "
                            "{} in all, 256 available",
                            target, total_bytes(shell_zero_page), p.zero_page_bytes, zp));
  std::vector<ram_region>& map = p.ram_map;
  add_variables(map, 0, shell_zero_page, "zero page", "shell ");
  add_variables(map, static_cast<std::uint32_t>(total_bytes(shell_zero_page)), runtime_zero_page, "zero page");
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

}  // namespace

std::vector<asm_variable> nes_shell_zero_page() {
  return {{"nmi_count", 1, "+1 per NMI", ""},
          {"ring_rd", 1, "next record the NMI reads (NMI-owned)", ""},
          {"ring_wr", 1, "end of published records (main-owned)", ""},
          {"budget", 1, "NMI-private", ""},
          {"nmi_tmp", 1, "NMI-private", ""},
          {"rec_open", 1, "main: a record is being built at rec_start", ""},
          {"rec_start", 1, "", ""},
          {"rec_len", 1, "", ""},
          {"rec_wp", 1, "where its next tile goes", ""},
          {"rec_next", 2, "VRAM address that would extend it", ""},
          {"vaddr", 2, "VRAM address of the next put_tile", ""},
          {"tile_tmp", 1, "", ""},
          {"need", 1, "", ""},
          {"count", 1, "", ""},
          {"ptr", 2, "", ""},
          {"pad", 1, "buttons held (A B Select Start Up Down Left Right)", ""},
          {"pad_prev", 1, "", ""},
          {"pad_new", 1, "newly pressed (or auto-repeated)", ""},
          {"rep", 1, "auto-repeat timer", ""},
          {"out_col", 1, "", ""},
          {"last_nmi", 1, "", ""},
          {"gen_t0", 2, "FRAME when A was read", ""},
          {"tmp", 1, "", ""}};
}

program_6502 nes_program(const ngram_tables& model) {
  namespace plan = nes_plan;
  ngram_6502 code = emit_ngram_6502(model);
  const std::vector<asm_variable> shell_zero_page = nes_shell_zero_page();
  const std::string shell = fill_template("m6502/nes/shell.s", {{"ZERO_PAGE", reservation_lines(shell_zero_page)}});

  program_6502 p;
  p.target = target_6502::nes;
  p.table_bytes = code.table_bytes;
  p.code_bytes = code.code_bytes;
  p.zero_page_bytes = total_bytes(code.zero_page);
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
  p.includes.push_back({"prompts.inc", asm_template("m6502/nes/prompts.inc")});
  p.config = {"nrom.cfg", asm_template("m6502/nes/nrom.cfg")};
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
  const std::vector<asm_variable> shell_zero_page = nes_shell_zero_page();
  const std::string shell = fill_template("m6502/nes/shell.s", {{"ZERO_PAGE", reservation_lines(shell_zero_page)}});
  const std::string uxrom = fill_template(
      "m6502/nes/uxrom.s",
      {{"UXROM_CONSTANTS",
        fmt::format("TLM_PRG_BANKS = {:<6}; PRG ROM: {} banks of 16 KB (tables in 0 .. {}, bank {} fixed)\n", prg_banks,
                    prg_banks, layout.banks() - 1, prg_banks - 1)}});

  program_6502 p;
  p.target = target_6502::nes_uxrom;
  p.table_bytes = code.table_bytes;
  p.code_bytes = code.code_bytes;
  p.zero_page_bytes = total_bytes(code.zero_page);
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
  p.config = {"uxrom.cfg", fill_template("m6502/nes/uxrom.cfg", {{"PRG_BANKS", std::to_string(prg_banks)},
                                                                {"LAST_TABLE_BANK", std::to_string(prg_banks - 2)},
                                                                {"FIXED_BANK", std::to_string(prg_banks - 1)},
                                                                {"BANK_MEMORY", memory},
                                                                {"BANK_SEGMENTS", segments}})};
  p.sources.push_back({"shell.s", shell});
  p.sources.push_back(std::move(code.runtime));
  p.sources.push_back(std::move(code.tables));
  p.sources.push_back({"uxrom.s", uxrom});
  p.includes.push_back({"prompts.inc", asm_template("m6502/nes/prompts.inc")});
  return p;
}

}  // namespace tinylm::gen
