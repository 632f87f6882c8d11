// tinylm-c64-program DIR: writes the Commodore 64 chat program of the bundled
// chat transformer (tinylm::zoo::tinychat_transformer, compiled in: no model
// file, no training) into DIR, prints its memory map, and builds it:
// DIR/TINYLM.PRG and DIR/tinylm.d64 (cl65 and cc1541 on the PATH).
// `tinylm-gen emit --target c64 --model M` does the same for any transformer
// model file.
#include <tinylm/zoo/tinychat_transformer.hpp>

#include <fmt/core.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/error.hpp"
#include "families/transformer/model.hpp"
#include "targets/c64/c64.hpp"
#include "targets/m6502/program.hpp"

int main(int argc, char** argv) {
  if (argc != 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::fprintf(argc == 2 ? stdout : stderr,
                 "usage: tinylm-c64-program DIR\n"
                 "Writes and builds DIR/TINYLM.PRG and DIR/tinylm.d64: the C64 chat program of the bundled\n"
                 "model tinylm::zoo::tinychat_transformer (needs cl65 and cc1541).\n");
    return argc == 2 ? 0 : 2;
  }
  namespace gen = tinylm::gen;
  using model = tinylm::zoo::tinychat_transformer;
  try {
    const gen::transformer_tables tables =
        gen::copy_of(tinylm::transformer::view_of<model>(), model::default_seed);
    const gen::program_6502 program = gen::c64_transformer_program(tables, model::name);
    gen::write_program(program, argv[1]);
    fmt::print("C64 memory map of {}:\n{}", model::name, gen::ram_map_text(program));
    const std::string command = gen::build_command(program, argv[1]);
    fmt::print("{}\n", command);
    std::fflush(stdout);
    if (std::system(command.c_str()) != 0) {
      std::fprintf(stderr, "tinylm-c64-program: the build failed (are cl65 and cc1541 installed?)\n");
      return 1;
    }
    fmt::print("wrote {0}/TINYLM.PRG and {0}/tinylm.d64: LOAD \"TINYLM\",8 and RUN\n", argv[1]);
  } catch (const gen::error& e) {
    std::fprintf(stderr, "tinylm-c64-program: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
