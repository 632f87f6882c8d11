// The subcommands of tinylm-gen, one file each in cli/: every add_* function
// adds its subcommand and options to the app and returns what runs it when
// the command line chose it. main.cpp only parses and dispatches.
//
//   ngram     cli/ngram.cpp     corpus -> n-gram family -> model file + header
//   eval      cli/eval.cpp      bits per character of an n-gram model file
//   generate  cli/generate.cpp  text from a model file (n-gram or hash-MLP)
//   header    cli/header.cpp    the C++ header of a model file
//   emit      cli/emit.cpp      a model file -> an 8-bit target's program
//   train     cli/train.cpp     the trainers, one file per family:
//             cli/train_hashmlp.cpp      chat corpus -> hash-MLP -> model file + header
//             cli/train_transformer.cpp  chat or text corpus -> transformer -> files
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace tinylm::gen {

struct command {
  CLI::App* app = nullptr;
  std::function<void()> run;  // throws gen::error
  bool parsed() const { return app != nullptr && app->parsed(); }
};

command add_ngram_command(CLI::App& app);
command add_eval_command(CLI::App& app);
command add_generate_command(CLI::App& app);
command add_header_command(CLI::App& app);
command add_emit_command(CLI::App& app);
command add_train_command(CLI::App& app);

// A family's trainer, a subcommand of `train`.
command add_train_hashmlp_command(CLI::App& train);
command add_train_transformer_command(CLI::App& train);

}  // namespace tinylm::gen
