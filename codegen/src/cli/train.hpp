// The `tinylm-gen train ...` command line (trainers), kept out of main.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "families/hashmlp/trainer.hpp"

namespace tinylm::gen {

struct train_command {
  CLI::App* train = nullptr;
  CLI::App* hashmlp = nullptr;
  std::string corpus, heldout, output, name, ns = "tinylm::zoo", hidden = "256,192,128", alphabet;
  hashmlp_options opts;
  bool quiet = false;
  bool parsed() const { return train != nullptr && train->parsed(); }
  void run();  // throws gen::error
};

std::unique_ptr<train_command> add_train_command(CLI::App& app);

}  // namespace tinylm::gen
