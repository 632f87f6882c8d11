// tinylm-cpm-programs DIR: writes the CP/M programs of the bundled hash-MLP
// models from their compiled-in headers (no model files, no training):
//   DIR/tinychat.asm  TINYCHAT.COM, the chat loop of tinylm::zoo::tinychat
//   DIR/guess.asm     GUESS.COM, twenty questions with tinylm::zoo::guess
// and prints each program's plan. The examples/cpm target `cpm-com`
// assembles them with z80asm. `tinylm-gen emit --target cpm` writes the
// same sources from the model files.
#include <tinylm/zoo/guess.hpp>
#include <tinylm/zoo/tinychat.hpp>

#include <fmt/core.h>

#include <string>

#include "targets/cpm/cpm.hpp"
#include "common/error.hpp"

namespace {

// The objects of codegen/corpus/guess.txt (the prompt prefix "<object>: ").
const std::vector<std::string> guess_objects = {"apple", "book", "car", "cat", "moon", "piano"};

void write(const tinylm::hashmlp::model_view& model, const tinylm::gen::cpm_options& options, const char* name,
           const std::string& dir) {
  tinylm::gen::cpm_program program = tinylm::gen::emit_cpm(model, options);
  tinylm::gen::set_cpm_name(program, name);
  tinylm::gen::write_cpm_program(program, dir);
  fmt::print("{}/{} ({}):\n{}", dir, program.asm_name, program.com_name, tinylm::gen::cpm_plan_text(program));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::fprintf(argc == 2 ? stdout : stderr,
                 "usage: tinylm-cpm-programs DIR\n"
                 "Writes DIR/tinychat.asm and DIR/guess.asm (z80asm sources of TINYCHAT.COM and GUESS.COM)\n"
                 "from the bundled models tinylm::zoo::tinychat and tinylm::zoo::guess.\n");
    return argc == 2 ? 0 : 2;
  }
  try {
    write(tinylm::hashmlp::view_of<tinylm::zoo::tinychat>(), {}, "TINYCHAT", argv[1]);
    tinylm::gen::cpm_options game;
    game.objects = guess_objects;
    game.max_reply = 8;
    write(tinylm::hashmlp::view_of<tinylm::zoo::guess>(), game, "GUESS", argv[1]);
  } catch (const tinylm::gen::error& e) {
    std::fprintf(stderr, "tinylm-cpm-programs: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
