// tinylm-gen emit: a model file as an 8-bit program (the targets/ stage).
#include <fmt/core.h>

#include <memory>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "formats/hashmlp_file.hpp"
#include "formats/ngram_file.hpp"
#include "formats/safetensors.hpp"
#include "formats/transformer_file.hpp"
#include "targets/cpm/cpm.hpp"
#include "targets/m6502/program.hpp"
#include "targets/m6502_targets.hpp"
#include "targets/c64/c64.hpp"
#include "targets/sim6502/sim6502.hpp"

namespace tinylm::gen {

namespace {

// The banner's title: the model file's name without its folder and extension.
std::string model_title(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  return name.substr(0, name.rfind(".safetensors"));
}

struct emit_args {
  std::string model_path, output, target = "sim6502";
  std::size_t max_reply = 64;
  std::string com_name = "TINYLM";
  unsigned inv_temp = 0;
  std::size_t top_k = 0;
  std::uint32_t seed = 1;
  std::vector<std::string> game_objects;
};

// The CP/M chat program of a hash-MLP model file (targets/cpm).
void emit_cpm_target(const emit_args& a) {
  require_family(a.model_path, hashmlp_format,
                 "the cpm target runs hash-MLP models (the 6502 targets run n-gram models)");
  const hashmlp_tables model = read_hashmlp_file(a.model_path);
  cpm_options cpm;
  cpm.max_reply = a.max_reply;
  cpm.objects = a.game_objects;
  cpm.inv_temp_q8 = static_cast<std::uint16_t>(a.inv_temp);
  cpm.top_k = a.top_k;
  cpm.seed = a.seed;
  cpm_program program = emit_cpm(model.view(), cpm);
  set_cpm_name(program, a.com_name);
  write_cpm_program(program, a.output);
  fmt::print("tinylm-gen: wrote {} in {}\nPlan (cpm):\n{}Build with:\n{}\n", program.asm_name, a.output,
             cpm_plan_text(program), cpm_build_command(program, a.output));
}

// A 6502 program of an n-gram model file (targets/m6502, sim6502, nes), or
// of a transformer model file (sim6502).
void emit_6502_target(const emit_args& a) {
  program_6502 program;
  std::string what;
  if (model_file_format(a.model_path) == transformer_format) {
    if (a.target != "sim6502" && a.target != "c64")
      throw error(fmt::format("the {} target runs n-gram models; a transformer model runs on --target sim6502 "
                              "or c64",
                              a.target));
    const transformer_tables model = read_transformer_file(a.model_path);
    c64_sampling sampling;
    sampling.seed = a.seed;
    sampling.inv_temp_q8 = static_cast<std::uint16_t>(a.inv_temp);
    sampling.top_k = a.top_k;
    program = a.target == "c64" ? c64_transformer_program(model, model_title(a.model_path), sampling)
                                : sim6502_transformer_program(model);
    what = "a transformer";
  } else {
    if (a.target == "c64") throw error("the c64 target runs transformer models (tinylm-gen train transformer)");
    require_family(a.model_path, ngram_format,
                   "the 6502 targets run n-gram and transformer models (hash-MLP models: --target cpm)");
    const ngram_tables model = read_model_file(a.model_path);
    program = emit_program_6502(model, parse_target_6502(a.target));
    what = fmt::format("order {}", model.order);
  }
  write_program(program, a.output);
  std::string names;
  for (const auto& f : program.sources) names += f.name + ", ";
  for (const auto& f : program.includes) names += f.name + ", ";
  fmt::print("tinylm-gen: wrote {}{} in {} ({}, {} bytes of tables, {} bytes of zero page)\n", names,
             program.config.name, a.output, what, program.table_bytes, program.zero_page_bytes);
  fmt::print("RAM map ({}):\n{}", a.target, ram_map_text(program));
  if (!program.rom_plan.empty()) fmt::print("ROM plan ({}):\n{}", a.target, program.rom_plan);
  fmt::print("Build with:\n{}\n", build_command(program, a.output));
  if (program.target == target_6502::c64)
    fmt::print("Then LOAD \"TINYLM\",8 and RUN on a C64 (or an emulator) with {} in drive 8.\n", program.disk_name);
}

}  // namespace

command add_emit_command(CLI::App& app) {
  auto a = std::make_shared<emit_args>();
  auto* c = app.add_subcommand(
      "emit", "Write a model as an 8-bit program: 6502 (sim6502, NES; ca65) or Z80 (CP/M; z80asm)");
  c->add_option("--model", a->model_path, "Model file (.safetensors)")->required();
  c->add_option("--target", a->target,
                "Target: sim6502 (sim65, for tests and benchmarks), nes (an NROM cartridge with a prompt menu), "
                "nes-uxrom (the same on a banked UxROM cartridge: tables up to 240 KB) or sim6502-banked "
                "(the banked runtime in sim65); cpm: a CP/M chat .COM (z80asm source) of a hash-MLP model file; c64: a "
                "Commodore 64 chat program (TINYLM.PRG and tinylm.d64) of a transformer model file, which also "
                "runs on sim6502")
      ->default_val("sim6502")
      ->check(CLI::IsMember({"sim6502", "nes", "sim6502-banked", "nes-uxrom", "cpm", "c64"}));
  c->add_option("-o,--output", a->output, "Directory to write the program's files to (created if missing)")
      ->required();
  c->add_option("--max-reply", a->max_reply, "cpm: most symbols per reply (1-255)")
      ->default_val(64)
      ->check(CLI::Range(1, 255));
  c->add_option("--com-name", a->com_name, "cpm: the program's name, NAME.COM and name.asm (1-8 of A-Z, 0-9)")
      ->default_val("TINYLM");
  c->add_option("--inv-temp", a->inv_temp,
                "cpm, c64: sample with 256 / temperature in Q8 (0: argmax, the default), as generate --inv-temp")
      ->default_val(0)
      ->check(CLI::Range(0, 65535));
  c->add_option("--top-k", a->top_k, "cpm, c64, with --inv-temp: sample among the k best (0: all)")
      ->default_val(0)
      ->check(CLI::Range(0, 256));
  c->add_option("--seed", a->seed, "cpm, c64, with --inv-temp: the seed (the generator restarts from it every line)")
      ->default_val(1);
  c->add_option("--game", a->game_objects,
                "cpm: twenty questions instead of chat, with these objects (comma separated; each line is "
                "asked as '<object>: <line>', the reply WIN wins)")
      ->delimiter(',');
  return {c, [a] {
            if (a->target == "cpm") emit_cpm_target(*a);
            else emit_6502_target(*a);
          }};
}

}  // namespace tinylm::gen
