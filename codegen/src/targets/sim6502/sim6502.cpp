#include "targets/sim6502/sim6502.hpp"

#include <fmt/core.h>

#include "common/error.hpp"
#include "targets/m6502/ngram_runtime.hpp"
#include "targets/m6502/transformer_runtime.hpp"
#include "targets/template/asm_template.hpp"

namespace tinylm::gen {

namespace {

// The low RAM of both sim6502 programs: the zero page (allocated by ld65 in
// link order: the runtime, then cc65's library; main.s has none), the stack and
// main.s's buffers, added to p.ram_map. Throws when they do not fit; returns
// the zero-page bytes used.
std::size_t plan_sim6502_low_ram(program_6502& p, const std::vector<asm_variable>& runtime_zero_page,
                                 const std::vector<asm_variable>& buffers, const char* target,
                                 const char* stack_note) {
  namespace plan = sim6502_plan;
  const std::size_t zp = p.zero_page_bytes + plan::cc65_zero_page;
  if (zp > 256)
    throw error(fmt::format("the zero page does not fit the {} target: {} bytes needed, 256 available", target, zp));
  if (total_bytes(buffers) > plan::buffers_size)
    throw error(fmt::format("the buffers do not fit the {} target: {} bytes needed, {} available", target,
                            total_bytes(buffers), plan::buffers_size));
  std::vector<ram_region>& map = p.ram_map;
  add_variables(map, 0, runtime_zero_page, "zero page");
  const auto zp_used = static_cast<std::uint32_t>(zp - plan::cc65_zero_page);
  map.push_back({zp_used, plan::cc65_zero_page, "zero page", "cc65 runtime: sp, sreg, regsave, ptr1-4, tmp1-4, regbank"});
  if (zp < 256) map.push_back({static_cast<std::uint32_t>(zp), 256 - zp, "zero page", "free"});
  map.push_back({0x0100, 256, "stack", stack_note});
  add_variables(map, plan::buffers_start, buffers, "buffer");
  if (total_bytes(buffers) < plan::buffers_size)
    map.push_back({plan::buffers_start + static_cast<std::uint32_t>(total_bytes(buffers)),
                   plan::buffers_size - total_bytes(buffers), "buffer", "free"});
  return zp;
}

}  // namespace

std::vector<asm_variable> sim6502_main_buffers() {
  return {{"in_buf", 256, "a request's header, then the prompt's last bytes", ""},
          {"out_buf", 256, "a record: the length byte, then up to 255 bytes", ""},
          {"io_addr", 2, "read_in: where the next bytes go", ""},
          {"io_left", 1, "read_in: bytes still to read", ""},
          {"io_got", 1, "read_in: bytes the last read returned", ""},
          {"max_left", 2, "bytes the reply may still have", ""},
          {"skip_left", 2, "prompt bytes still to discard", ""},
          {"keep", 1, "prompt bytes kept in in_buf (0-255)", ""}};
}

std::vector<asm_variable> sim6502_banks_buffers() {
  return {{"bank_name", 11, "\"bankNN.bin\", 0", ""},
          {"bank_fd", 1, "", ""},
          {"bank_x", 1, "", ""},
          {"tlm_bank_switches", 4, "banks loaded so far (for the benchmark)", ""}};
}

program_6502 sim6502_program(const ngram_tables& model) {
  namespace plan = sim6502_plan;
  ngram_6502 code = emit_ngram_6502(model);
  const std::vector<asm_variable> buffers = sim6502_main_buffers();

  program_6502 p;
  p.target = target_6502::sim6502;
  p.table_bytes = code.table_bytes;
  p.table_room = plan::table_room;
  p.zero_page_bytes = total_bytes(code.zero_page);
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
  plan_sim6502_low_ram(p, code.zero_page, buffers, "sim6502",
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
  p.sources.push_back({"main.s", fill_template("m6502/sim6502/main.s", {{"BUFFERS", reservation_lines(buffers)}})});
  p.config = {"sim6502.cfg", asm_template("m6502/sim6502/sim6502.cfg")};
  return p;
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
  const std::vector<asm_variable> main_buffers = sim6502_main_buffers(), bank_buffers = sim6502_banks_buffers();
  std::vector<asm_variable> buffers = main_buffers;
  buffers.insert(buffers.end(), bank_buffers.begin(), bank_buffers.end());

  program_6502 p;
  p.target = target_6502::sim6502_banked;
  p.table_bytes = code.table_bytes;
  p.table_room = bplan::max_banks * layout.bank_size;
  p.banks = layout.banks();
  p.zero_page_bytes = total_bytes(code.zero_page);
  p.code_bytes = code.code_bytes;
  p.output_name = "prog.prg";
  p.map_name = "prog.map";
  plan_sim6502_low_ram(p, code.zero_page, buffers, "sim6502-banked", "the 6502 stack");
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
  const std::string config =
      fill_template("m6502/sim6502/sim6502-banked.cfg",
                    {{"BANKS", std::to_string(p.banks)}, {"MAIN_SIZE", fmt::format("{:04X}", bplan::program_size)},
                     {"BANK_MEMORY", memory}, {"BANK_SEGMENTS", segments}});

  p.sources.push_back(std::move(code.runtime));
  p.sources.push_back(std::move(code.tables));
  p.sources.push_back({"main.s", fill_template("m6502/sim6502/main.s", {{"BUFFERS", reservation_lines(main_buffers)}})});
  p.sources.push_back(
      {"banks.s", fill_template("m6502/sim6502/banks.s", {{"BUFFERS", reservation_lines(bank_buffers)}})});
  p.config = {"sim6502-banked.cfg", config};
  return p;
}

std::vector<asm_variable> sim6502_transformer_buffers() {
  return {{"in_buf", 256, "a request's header, then the prompt's last bytes", ""},
          {"out_buf", 256, "a record to write", ""},
          {"io_addr", 2, "read_in: where the next bytes go", ""},
          {"io_left", 1, "read_in: bytes still to read", ""},
          {"io_got", 1, "read_in: bytes the last read returned", ""},
          {"max_left", 2, "bytes the reply may still have", ""},
          {"skip_left", 2, "prompt bytes still to discard", ""},
          {"keep", 1, "prompt bytes kept in in_buf (0-255)", ""},
          {"flags", 1, "the request's flags", ""},
          {"token", 1, "the chosen token", ""}};
}

program_6502 sim6502_transformer_program(const transformer_tables& model) {
  namespace plan = sim6502_plan;
  transformer_6502 code = emit_transformer_6502(model);
  const std::vector<asm_variable> buffers = sim6502_transformer_buffers();

  program_6502 p;
  p.target = target_6502::sim6502;
  p.table_bytes = code.table_bytes;
  // The code: main.s and cc65's library (as the n-gram plan reserves), then
  // the runtime's and the model's.
  const std::size_t code_bytes = plan::code_reserve + transformer_code_bytes(code);
  p.code_bytes = code_bytes;
  p.table_room = plan::program_size - code_bytes - total_bytes(code.buffers);
  p.zero_page_bytes = total_bytes(code.zero_page);
  p.output_name = "prog.prg";
  p.map_name = "prog.map";
  if (p.table_bytes > p.table_room)
    throw error(fmt::format(
        "the model does not fit the sim6502 target: its tables need {} bytes, leaving room for {} beside its "
        "buffers ({}) and code ({}) in the program space ${:04X}-${:04X}",
        p.table_bytes, p.table_room, total_bytes(code.buffers), code_bytes, plan::program_start,
        plan::program_start + plan::program_size - 1));
  plan_sim6502_low_ram(p, code.zero_page, buffers, "sim6502", "the 6502 stack (the runtime needs at most 22 bytes of it)");
  std::vector<ram_region>& map = p.ram_map;
  map.push_back({plan::program_start, plan::program_size, "program",
                 fmt::format("code, the model ({} bytes of tables), the runtime's buffers ({} bytes: activations, "
                             "the KV cache), cc65's data and BSS",
                             p.table_bytes, total_bytes(code.buffers))});
  map.push_back({plan::program_start + static_cast<std::uint32_t>(plan::program_size), plan::c_stack_size, "C stack",
                 "cc65's argument stack (read and write)"});
  map.push_back({plan::io_start, 0x10000 - plan::io_start, "I/O", "sim65's paravirtualised I/O and vectors"});

  p.sources.push_back(std::move(code.runtime));
  p.sources.push_back(std::move(code.tables));
  p.sources.push_back(
      {"main.s", fill_template("m6502/sim6502/transformer_main.s", {{"BUFFERS", reservation_lines(buffers)}})});
  p.config = {"sim6502.cfg", asm_template("m6502/sim6502/sim6502-transformer.cfg")};
  return p;
}

}  // namespace tinylm::gen
