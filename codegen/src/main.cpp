// tinylm-gen: builds tinylm models and writes them out as model files, C++
// headers and 8-bit programs. Run `tinylm-gen --help` or
// `tinylm-gen <command> --help`.
//
// The generator is laid out as the pipeline it runs (codegen/ARCHITECTURE.md):
// corpus/ -> families/ -> formats/ -> targets/, with cli/ holding one file per
// subcommand; this file only parses the command line and dispatches.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <new>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"

namespace gen = tinylm::gen;

int main(int argc, char** argv) {
  CLI::App app{
      "tinylm-gen: builds tiny integer language models and writes them as model files (safetensors)\n"
      "and as C++ headers in which the model is a constexpr type."};
  app.name("tinylm-gen");
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show the help of every command");

  const gen::command commands[] = {gen::add_ngram_command(app), gen::add_eval_command(app),
                                   gen::add_generate_command(app), gen::add_header_command(app),
                                   gen::add_emit_command(app), gen::add_train_command(app)};

  try {
    std::vector<std::string> args = gen::split_empty_assignments(argc, argv);
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "tinylm-gen: error: {}\nRun 'tinylm-gen --help' or 'tinylm-gen <command> --help'.\n", e.what());
    return 2;
  }

  try {
    for (const gen::command& c : commands)
      if (c.parsed()) c.run();
  } catch (const gen::error& e) {
    fmt::print(stderr, "tinylm-gen: error: {}\n", e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "tinylm-gen: error: out of memory\n");
    return 1;
  }
  return 0;
}
