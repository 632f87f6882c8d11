// tinylm-gen train <family>: the trainers, one file per family
// (cli/train_hashmlp.cpp, cli/train_transformer.cpp); this file only groups them under `train`.
#include <memory>
#include <vector>

#include "cli/commands.hpp"

namespace tinylm::gen {

command add_train_command(CLI::App& app) {
  auto* train = app.add_subcommand("train", "Train a model");
  train->require_subcommand(1);
  auto families = std::make_shared<std::vector<command>>();
  families->push_back(add_train_hashmlp_command(*train));
  families->push_back(add_train_transformer_command(*train));
  return {train, [families] {
            for (const command& f : *families)
              if (f.parsed()) f.run();
          }};
}

}  // namespace tinylm::gen
