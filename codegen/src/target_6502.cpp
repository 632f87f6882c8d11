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
  const std::size_t zp = p.zero_page_bytes + total(main_zero_page) + plan::cc65_zero_page;
  if (zp > 256)
    throw error(fmt::format("the zero page does not fit the sim6502 target: {} bytes needed, 256 available", zp));
  if (total(buffers) > plan::buffers_size)
    throw error(fmt::format("the buffers do not fit the sim6502 target: {} bytes needed, {} available",
                            total(buffers), plan::buffers_size));

  // The RAM map. The zero page is allocated by ld65 in link order: the
  // runtime, then main.s, then cc65's library.
  std::vector<ram_region>& map = p.ram_map;
  add_reservations(map, 0, code.zero_page, "zero page");
  add_reservations(map, static_cast<std::uint32_t>(p.zero_page_bytes), main_zero_page, "zero page");
  const auto zp_used = static_cast<std::uint32_t>(zp - plan::cc65_zero_page);
  map.push_back({zp_used, plan::cc65_zero_page, "zero page", "cc65 runtime: sp, sreg, regsave, ptr1-4, tmp1-4, regbank"});
  if (zp < 256) map.push_back({static_cast<std::uint32_t>(zp), 256 - zp, "zero page", "free"});
  map.push_back({0x0100, 256, "stack", "the 6502 stack (the runtime needs at most 6 bytes of it)"});
  add_reservations(map, plan::buffers_start, buffers, "buffer");
  if (total(buffers) < plan::buffers_size)
    map.push_back({plan::buffers_start + static_cast<std::uint32_t>(total(buffers)),
                   plan::buffers_size - total(buffers), "buffer", "free"});
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
  const std::size_t zp = p.zero_page_bytes + total(shell_zero_page);
  if (zp > 256)
    throw error(fmt::format("the zero page does not fit the nes target: the shell needs {} bytes, the runtime {}, "
                            "{} in all, 256 available",
                            total(shell_zero_page), p.zero_page_bytes, zp));

  // The RAM map: ld65 allocates the zero page in link order, the shell first.
  std::vector<ram_region>& map = p.ram_map;
  add_zero_page(map, {{"shell ", shell_zero_page}, {"", code.zero_page}});
  if (zp < 256) map.push_back({static_cast<std::uint32_t>(zp), 256 - zp, "zero page", "free"});
  map.push_back({0x0100, 256, "stack",
                 fmt::format("the 6502 stack (at most {} bytes in use: the shell's calls and an NMI; the runtime's "
                             "path 8)",
                             plan::stack_use)});
  map.push_back({plan::oam_start, plan::results_start - plan::oam_start, "free", "kept for an OAM page (no sprites)"});
  map.push_back({plan::results_start, plan::ring_start - plan::results_start, "buffer",
                 "shell: results and UI state at fixed addresses (OUT_LEN $0300, OUT $0301-$0380, ...; shell.s)"});
  map.push_back({plan::ring_start, plan::bss_start - plan::ring_start, "buffer", "shell: the VRAM update ring"});
  map.push_back({plan::bss_start, plan::bss_size, "free", "segment BSS (unused)"});

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

}  // namespace

target_6502 parse_target_6502(const std::string& name) {
  if (name == "sim6502") return target_6502::sim6502;
  if (name == "nes") return target_6502::nes;
  throw error(fmt::format("unknown 6502 target '{}' (targets: sim6502, nes)", name));
}

const char* target_name(target_6502 target) {
  switch (target) {
    case target_6502::sim6502:
      return "sim6502";
    case target_6502::nes:
      return "nes";
  }
  return "?";
}

program_6502 emit_program_6502(const ngram_tables& model, target_6502 target) {
  switch (target) {
    case target_6502::sim6502:
      return sim6502_program(model);
    case target_6502::nes:
      return nes_program(model);
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
  std::string cmd = fmt::format("cl65 -t {} -C {} -m {} -o {}", target_name(program.target),
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
