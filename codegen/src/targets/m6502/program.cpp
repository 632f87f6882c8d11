#include "targets/m6502/program.hpp"

#include <fmt/core.h>

#include <filesystem>
#include <string_view>
#include <system_error>

#include "common/error.hpp"
#include "common/files.hpp"

namespace tinylm::gen {

namespace {

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

}  // namespace

void add_variables(std::vector<ram_region>& map, std::uint32_t address, const std::vector<asm_variable>& variables,
                   const std::string& kind, const std::string& prefix) {
  for (const asm_variable& v : variables) {
    map.push_back({address, v.size, kind, prefix + (v.comment.empty() ? v.label : v.label + ": " + v.comment)});
    address += static_cast<std::uint32_t>(v.size);
  }
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
    case target_6502::c64:
      return "c64";
  }
  return "?";
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
  if (program.target == target_6502::c64) {
    // The PRG (cc65's BASIC SYS line: -u __EXEHDR__), then the D64 holding it (names in lower
    // case: cc1541 stores them as the unshifted PETSCII that LOAD "TINYLM",8 types).
    std::string cmd = fmt::format("cl65 -t c64 -C {} -u __EXEHDR__ -m {} -o {}", quote(in_dir(dir, program.config.name)),
                                  quote(in_dir(dir, program.map_name)), quote(in_dir(dir, program.output_name)));
    for (const asm_file& f : program.sources) cmd += ' ' + quote(in_dir(dir, f.name));
    const std::string disk = quote(in_dir(dir, program.disk_name));
    return cmd + fmt::format(" && rm -f {0} && cc1541 -q -n tinylm -f tinylm -w {1} {0}", disk,
                             quote(in_dir(dir, program.output_name)));
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
