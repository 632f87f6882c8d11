// The Commodore 64 target of `tinylm-gen emit --target c64`: a transformer
// model as a PRG (cc65's BASIC SYS line at $0801, then the chat shell
// codegen/asm/m6502/c64/shell.s, the transformer runtime and the model) and a
// D64 disk image holding it (cc1541). The memory plan is
// codegen/asm/m6502/c64/c64.cfg: BASIC ROM banked out while the program runs,
// code, model and the shell's buffers in $0801-$CFFF, nothing across
// $D000-$DFFF, the runtime's buffers in the RAM under the KERNAL ROM
// ($E000-$FFF9, banked out while a token is computed), the runtime's zero
// page from $02 (BASIC's area, swapped in only while a token is computed).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "families/transformer/model.hpp"
#include "targets/m6502/asm_source.hpp"
#include "targets/m6502/program.hpp"

namespace tinylm::gen {

namespace c64_plan {
inline constexpr std::uint32_t load_address = 0x0801;
inline constexpr std::uint32_t io_start = 0xD000;     // nothing is loaded or kept from here
inline constexpr std::uint32_t under_kernal = 0xE000; // the runtime's buffers (TLMBSS), not loaded
inline constexpr std::size_t under_kernal_size = 0x1FFA;  // up to $FFF9: the CPU's vectors stay free
inline constexpr std::size_t zero_page_start = 0x02;
inline constexpr std::size_t zero_page_size = 0x8E;   // $02-$8F: BASIC's zero page
inline constexpr std::size_t shell_bytes = 768;       // shell.s (code and text: 529 bytes) and the BASIC line
inline constexpr std::size_t line_length = 80;        // characters of a typed line
}  // namespace c64_plan

// The shell's buffers (shell.s, segment BSS), as the plan lists them.
std::vector<asm_variable> c64_shell_buffers(std::size_t zero_page_bytes);

// How the program chooses tokens: argmax when inv_temp_q8 is 0, else
// sample_top_k (sampling.hpp) from xorshift32(mix_seed(seed)), restarted at
// every line.
struct c64_sampling {
  std::uint32_t seed = 1;
  std::uint16_t inv_temp_q8 = 0;
  std::size_t top_k = 0;  // 0: all; at most 255
};

// Throws gen::error if the model does not fit the C64's RAM or the runtime.
// `title` is shown in the banner (a model's name).
program_6502 c64_transformer_program(const transformer_tables& model, const std::string& title,
                                     const c64_sampling& sampling = {});

}  // namespace tinylm::gen
