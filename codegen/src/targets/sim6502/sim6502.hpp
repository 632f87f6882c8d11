// The sim6502 targets of `tinylm-gen emit`: programs for sim65, cc65's
// simulated 6502, that run the n-gram runtime on requests read from stdin and
// write the replies to stdout (protocol: codegen/asm/m6502/sim6502/main.s);
// the target tests and the cycle benchmarks drive them.
//
//   sim6502         the tables in the address space, below the C stack
//   sim6502-banked  the banked runtime: the tables in 16 KB banks (files
//                   bankNN.bin) loaded on demand into a RAM window at $8000
//                   (codegen/asm/m6502/sim6502/banks.s): the test of the
//                   banked runtime, since sim65 has no mapper
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "families/ngram/builder.hpp"
#include "families/transformer/model.hpp"
#include "targets/m6502/asm_source.hpp"
#include "targets/m6502/program.hpp"

namespace tinylm::gen {

// The sim6502 memory plan (see codegen/asm/m6502/sim6502/sim6502.cfg).
namespace sim6502_plan {
inline constexpr std::uint32_t buffers_start = 0x0200;
inline constexpr std::size_t buffers_size = 0x0400;
inline constexpr std::uint32_t program_start = 0x0600;
inline constexpr std::size_t c_stack_size = 0x0100;
inline constexpr std::uint32_t io_start = 0xFFF0;
inline constexpr std::size_t program_size = io_start - program_start - c_stack_size;
inline constexpr std::size_t code_reserve = 4096;  // the runtime, main.s and cc65's library, with room to spare
inline constexpr std::size_t table_room = program_size - code_reserve;
inline constexpr std::size_t cc65_zero_page = 26;  // sp, sreg, regsave, ptr1-4, tmp1-4, regbank (cc65 2.19)
}  // namespace sim6502_plan

// The sim6502-banked plan: the program below the window, the window at $8000.
namespace sim6502_banked_plan {
inline constexpr std::uint32_t window = 0x8000;
inline constexpr std::size_t max_banks = 256;
inline constexpr std::size_t program_size = window - sim6502_plan::program_start;  // with the C stack at its top
}  // namespace sim6502_banked_plan

// Throws gen::error if the model or the RAM plan does not fit the target.
program_6502 emit_program_6502(const ngram_tables& model, target_6502 target);

// The variables of main.s and banks.s (segment BUFFERS), as the RAM plan
// lists them and the emitter writes them into the templates.
std::vector<asm_variable> sim6502_main_buffers();
std::vector<asm_variable> sim6502_banks_buffers();

// Throw gen::error if the model or the RAM plan does not fit.
program_6502 sim6502_program(const ngram_tables& model);
program_6502 sim6502_banked_program(const ngram_tables& model);

// A transformer model's sim6502 program: the transformer runtime
// (targets/m6502/transformer_runtime.hpp) and transformer_main.s (protocol:
// codegen/asm/m6502/sim6502/transformer_main.s). Throws gen::error if the
// model does not fit the plan or the runtime.
program_6502 sim6502_transformer_program(const transformer_tables& model);
std::vector<asm_variable> sim6502_transformer_buffers();

}  // namespace tinylm::gen
