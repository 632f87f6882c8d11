#include "targets/c64/c64.hpp"

#include <fmt/core.h>

#include "common/error.hpp"
#include "targets/m6502/transformer_runtime.hpp"
#include "targets/template/asm_template.hpp"

namespace tinylm::gen {

std::vector<asm_variable> c64_shell_buffers(std::size_t zero_page_bytes) {
  return {{"line", c64_plan::line_length, "the typed line (model bytes)", ""},
          {"line_len", 1, "", ""},
          {"out", 256, "a token's bytes", ""},
          {"out_len", 1, "", ""},
          {"token", 1, "the chosen token", ""},
          {"saved_01", 1, "the processor port on entry", ""},
          {"saved_border", 1, "the border colour on entry", ""},
          {"saved_sp", 1, "the stack pointer on entry", ""},
          {"saved_nmi", 2, "the NMI vector on entry", ""},
          {"zp_save", zero_page_bytes, "the zero page swapped out while computing", ""}};
}

program_6502 c64_transformer_program(const transformer_tables& model, const std::string& title,
                                     const c64_sampling& sampling) {
  namespace plan = c64_plan;
  const std::size_t room = plan::io_start - plan::load_address;
  struct fit {
    std::size_t code_bytes, buffers, total;
  };
  // The shell's buffers are in the program's area; the runtime's in the RAM
  // under the KERNAL (checked below).
  const auto fit_of = [&](const transformer_6502& c) {
    const std::size_t code_bytes = plan::shell_bytes + transformer_code_bytes(c);
    const std::size_t buffers = total_bytes(c64_shell_buffers(total_bytes(c.zero_page)));
    return fit{code_bytes, buffers, code_bytes + c.table_bytes + buffers};
  };
  // The unrolled rows (mv_rows32: about 0.2 s a token, 1.9 KB) and the
  // generated finishes (about 0.1 s, 2.5 KB for 2 layers) are faster; a
  // model that only fits without them gets the runtime's loops, dropping
  // the finishes first (the plan says which).
  transformer_6502 code = emit_transformer_6502(model);
  bool generated = true, rows32 = true;
  for (const auto& [g, r] : {std::pair{false, true}, std::pair{false, false}}) {
    if (fit_of(code).total <= room) break;
    transformer_6502 lean = emit_transformer_6502(model, g, r);
    if (fit_of(lean).total <= room || !r) {
      code = std::move(lean);
      generated = g;
      rows32 = r;
    }
  }
  const std::size_t zp = total_bytes(code.zero_page);
  if (zp > plan::zero_page_size)
    throw error(fmt::format("the runtime's zero page ({} bytes) does not fit the C64 plan ({} bytes)", zp,
                            plan::zero_page_size));
  const std::vector<asm_variable> shell_buffers = c64_shell_buffers(zp);
  const auto [code_bytes, buffers, total] = fit_of(code);

  program_6502 p;
  p.target = target_6502::c64;
  p.table_bytes = code.table_bytes;
  p.code_bytes = code_bytes;
  p.table_room = room > code_bytes + buffers ? room - code_bytes - buffers : 0;
  p.zero_page_bytes = zp;
  p.output_name = "TINYLM.PRG";
  p.map_name = "tinylm.map";
  p.disk_name = "tinylm.d64";
  if (total > room)
    throw error(fmt::format(
        "the model does not fit the c64 target: its tables need {} bytes, the code {} (the shell, the runtime "
        "and {} generated for this model) and the shell's buffers {}: {} in all, the C64 has {} (${:04X}-${:04X})",
        code.table_bytes, code_bytes, code.code_bytes, buffers, total, room,
        plan::load_address, plan::io_start - 1));
  const std::size_t runtime_buffers = total_bytes(code.buffers);
  if (runtime_buffers > plan::under_kernal_size)
    throw error(fmt::format(
        "the model does not fit the c64 target: the runtime's buffers (activations, KV cache) need {} bytes, the "
        "RAM under the KERNAL has {} (${:04X}-${:04X}); a shorter context or fewer layers need less",
        runtime_buffers, plan::under_kernal_size, plan::under_kernal, plan::under_kernal + plan::under_kernal_size - 1));

  std::vector<ram_region>& map = p.ram_map;
  add_variables(map, plan::zero_page_start, code.zero_page, "zero page", "(swapped) ");
  map.push_back({static_cast<std::uint32_t>(plan::zero_page_start + zp), 0x90 - plan::zero_page_start - zp,
                 "zero page", "BASIC's, untouched"});
  map.push_back({0x0090, 0x70, "zero page", "the KERNAL's, untouched"});
  map.push_back({0x0100, 256, "stack", "the 6502 stack (the program needs at most 24 bytes of it: 8 nested calls and a push)"});
  map.push_back({0x0200, 0x0600, "system", "KERNAL buffers and vectors, screen RAM at $0400 (untouched; "
                                           "$02A7 is the program's state byte for tests)"});
  map.push_back({plan::load_address, plan::io_start - plan::load_address, "program",
                 fmt::format("BASIC line and code (at most {} bytes{}{}), the model ({} bytes of tables) and the "
                             "buffers ({} bytes: the shell's; not loaded); {} bytes free",
                             code_bytes, generated ? "" : "; the rows finished by the runtime's loop, to fit",
                             rows32 ? "" : "; the matmuls column by column, to fit",
                             code.table_bytes, buffers, room - total)});
  map.push_back({plan::io_start, 0x1000, "I/O", "VIC, SID, colour RAM, CIAs (never loaded)"});
  map.push_back({plan::under_kernal, static_cast<std::size_t>(0x10000 - plan::under_kernal), "KERNAL",
                 fmt::format("the KERNAL ROM, banked out while a token is computed; the RAM under it holds the "
                             "runtime's buffers ({} bytes: activations, KV cache; not loaded); {} bytes free up to "
                             "$FFF9, then the CPU's vectors (NMI: the program's RTI)",
                             runtime_buffers, plan::under_kernal_size - runtime_buffers)});

  std::string banner = fmt::format("tinylm - {}", title);
  if (banner.size() > 39) banner.resize(39);
  for (char& c : banner)
    if (c == '"' || static_cast<unsigned char>(c) < 32 || static_cast<unsigned char>(c) > 126) c = '?';
  p.sources.push_back({"shell.s", fill_template("m6502/c64/shell.s",
                                                {{"LINE", std::to_string(plan::line_length)},
                                                 {"ZERO_PAGE_START", fmt::format("${:02X}", plan::zero_page_start)},
                                                 {"SEED", fmt::format("${:08X}", sampling.seed)},
                                                 {"INV_TEMP", std::to_string(sampling.inv_temp_q8)},
                                                 {"TOP_K", std::to_string(sampling.top_k > 255 ? 255 : sampling.top_k)},
                                                 {"BANNER", banner},
                                                 {"BUFFERS", reservation_lines(shell_buffers)}})});
  p.sources.push_back(std::move(code.runtime));
  p.sources.push_back(std::move(code.tables));
  p.config = {"c64.cfg", asm_template("m6502/c64/c64.cfg")};
  return p;
}

}  // namespace tinylm::gen
