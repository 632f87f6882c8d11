#include "targets/m6502_targets.hpp"

#include <fmt/core.h>

#include "common/error.hpp"
#include "targets/nes/nes.hpp"
#include "targets/sim6502/sim6502.hpp"

namespace tinylm::gen {

target_6502 parse_target_6502(const std::string& name) {
  if (name == "sim6502") return target_6502::sim6502;
  if (name == "nes") return target_6502::nes;
  if (name == "sim6502-banked") return target_6502::sim6502_banked;
  if (name == "nes-uxrom") return target_6502::nes_uxrom;
  if (name == "c64") return target_6502::c64;
  throw error(fmt::format("unknown 6502 target '{}' (targets: sim6502, nes, sim6502-banked, nes-uxrom, c64)", name));
}

program_6502 emit_program_6502(const ngram_tables& model, target_6502 target) {
  switch (target) {
    case target_6502::sim6502:
      return sim6502_program(model);
    case target_6502::nes:
      return nes_program(model);
    case target_6502::sim6502_banked:
      return sim6502_banked_program(model);
    case target_6502::nes_uxrom:
      return nes_uxrom_program(model);
    case target_6502::c64:
      throw error("the c64 target runs transformer models (an n-gram model runs on sim6502, nes and nes-uxrom)");
  }
  throw error("internal error: unknown 6502 target");
}

}  // namespace tinylm::gen
