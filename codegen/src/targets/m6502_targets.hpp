// The 6502 targets by name: `tinylm-gen emit --target NAME` for an n-gram
// model. Each target is a folder of targets/ (sim6502, nes); this file only
// chooses among them.
#pragma once

#include <string>

#include "families/ngram/builder.hpp"
#include "targets/m6502/program.hpp"

namespace tinylm::gen {

// "sim6502" -> target_6502::sim6502, "nes" -> target_6502::nes, ...; throws
// gen::error for another name.
target_6502 parse_target_6502(const std::string& name);

// Throws gen::error if the model or the RAM plan does not fit the target.
program_6502 emit_program_6502(const ngram_tables& model, target_6502 target);

}  // namespace tinylm::gen
