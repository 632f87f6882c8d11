// Writing a transformer model as 6502 assembly (ca65): the runtime, from its
// template codegen/asm/m6502/transformer_runtime.s with the model's constants,
// zero page and buffers (the RAM plan, data made here) filled in, and the
// model as data in the layout that runtime reads (transformer_tables.s):
//
//   tlm_dlo, tlm_dhi      the table of squares D[255 + t] = t^2, t = -255..255
//                         (two 512-byte arrays, page-aligned: segment PAGES)
//   tlm_exp_lo, _hi       exp_table (exp_table.hpp), low and high bytes
//   tlm_tok               the token embedding, column by column (V bytes per
//                         column), each byte 127 - w: the head too when tied
//   tlm_pos_emb           the position embedding, row by row, plain int8
//   tlm_m_<name>          every other matrix, column by column, 127 - w, with
//   tlm_m_<name>_sq0/1/2  the sum of its squares per row (24 bits, 3 arrays)
//   tlm_g_<n>_lo, _hi     the norms' gains (Q8.8)
//   tlm_token_of          byte -> base token (normalise, then base_token)
//   tlm_merge_l, _r       the BPE merges, left and right tokens
//   tlm_tb_*              every token's bytes (decode)
//   descriptors and tlm_layers, tlm_norm_final, tlm_head: a token's stages as
//                         a list of calls (transformer.hpp's order)
//
// No timestamps and no paths: the same model gives the same bytes.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "families/transformer/model.hpp"
#include "targets/m6502/asm_source.hpp"

namespace tinylm::gen {

struct transformer_6502 {
  asm_file runtime;                      // transformer_runtime.s
  asm_file tables;                       // transformer_tables.s
  std::size_t weight_bytes = 0;          // the model's data (matrices, sums of squares, gains, tokenizer)
  std::size_t table_bytes = 0;           // the data of transformer_tables.s (with the squares and exp tables, descriptors)
  std::size_t code_bytes = 0;            // its code: the list of a token's stages and the generated finishes
  std::vector<asm_variable> zero_page;   // the runtime's zero page, in order
  std::vector<asm_variable> buffers;     // its RAM (segment TLMBSS): activations, the KV cache, work areas
  bool rows32 = true;                    // mv_rows32 assembled (emit_transformer_6502's `rows32`)
};

// The bytes of the runtime's own code (transformer_runtime.s assembled; the
// model's generated code is code_bytes), measured with ld65's map, with room
// to spare; a target's plan adds it to the model's: 7,693 bytes on
// 2026-12-05 without mv_rows32, whose unrolled columns and their setup add
// 1,925.
inline constexpr std::size_t transformer_runtime_code_bytes = 7936;
inline constexpr std::size_t transformer_rows32_code_bytes = 1984;

// The code bytes a target plans for a transformer program besides its own
// shell: the runtime, the model's generated code, and the padding before the
// page-aligned tables.
std::size_t transformer_code_bytes(const transformer_6502& code);

// Bytes of 6502 machine code in ca65 source lines (one instruction a line;
// labels, comments and directives take none): the generator's measure of its
// own generated code.
std::size_t instruction_bytes(const std::string& source);

// Bytes of the .byte and .word data in ca65 source lines.
std::size_t data_bytes(const std::string& source);

// The 6502 runtime's limits, checked by emit_transformer_6502 (gen::error
// naming the number otherwise).
inline constexpr std::size_t max_6502_rows = 128;  // d_model, ffn, vocabulary, context: one X-indexed pass

// Throws gen::error for a model the 6502 runtime cannot run (d_model not a
// power of two, a dimension above max_6502_rows, heads x context above 256,
// a weight row whose dot product could leave 24 bits).
// With `generated_finishes` false, every matmul's rows are finished by the
// runtime's mv_finish (slower, about 2.5 KB less code for 2 layers); with
// `rows32` false, the matmuls of whole blocks of 32 columns run mv_core's
// column loop instead of mv_rows32 (about 0.2 s a token slower at d_model 32,
// 1,925 bytes less code).
transformer_6502 emit_transformer_6502(const transformer_tables& model, bool generated_finishes = true,
                                       bool rows32 = true);

}  // namespace tinylm::gen
