#include "targets/m6502/transformer_runtime.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include <tinylm/bpe.hpp>
#include <tinylm/exp_table.hpp>
#include <tinylm/fixed_string.hpp>

#include "common/error.hpp"
#include "targets/template/asm_template.hpp"

namespace tinylm::gen {

namespace {

namespace tf = tinylm::transformer;

// The data of transformer_tables.s: labels and `.byte` lines (byte_lines),
// counted.
class data_writer {
 public:
  explicit data_writer(std::string& out) : out_(out) {}
  void label(const std::string& name, const std::string& comment = "") {
    out_ += comment.empty() ? name + ":\n" : fmt::format("{:<23} ; {}\n", name + ":", comment);
  }
  void bytes(const std::vector<std::uint8_t>& v) {
    out_ += byte_lines(v);
    bytes_ += v.size();
  }
  std::size_t count() const { return bytes_; }

 private:
  std::string& out_;
  std::size_t bytes_ = 0;
};

// A matrix (rows x cols, row-major int8) as the runtime reads it: column by
// column, each byte 127 - w; and the sums of squares of its rows.
struct stored_matrix {
  std::string name;
  std::size_t rows = 0, cols = 0;
  std::vector<std::uint8_t> columns;            // rows * cols
  std::vector<std::uint8_t> sq[3];              // rows each
};

stored_matrix store_matrix(const std::string& name, const std::int8_t* w, std::size_t rows, std::size_t cols) {
  stored_matrix m{name, rows, cols, {}, {}};
  m.columns.resize(rows * cols);
  for (auto& s : m.sq) s.resize(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    std::uint32_t sum = 0, abs_sum = 0;
    for (std::size_t j = 0; j < cols; ++j) {
      const int v = w[i * cols + j];
      m.columns[j * rows + i] = static_cast<std::uint8_t>((v ^ 0x7F) & 0xFF);
      sum += static_cast<std::uint32_t>(v * v);
      abs_sum += static_cast<std::uint32_t>(std::abs(v));
    }
    // |2 dot| <= 2 * 128 * sum |w| must stay below 2^23 (the 24-bit accumulator).
    if (256u * abs_sum >= (1u << 23))
      throw error(fmt::format("the 6502 runtime cannot run this model: row {} of {} has sum |w| = {}, so its dot "
                              "product may leave the 24-bit accumulator (at most 32767)",
                              i, name, abs_sum));
    for (int b = 0; b < 3; ++b) m.sq[b][i] = static_cast<std::uint8_t>(sum >> (8 * b));
  }
  return m;
}

int clamp_shift(int s) { return s > 24 ? 24 : s; }  // requantize by >= 24 gives 0 for |2 dot| < 2^23 as for 24

std::string shift_byte(int s) { return fmt::format("${:02X}", static_cast<std::uint8_t>(clamp_shift(s))); }

// A matvec descriptor (transformer_runtime.s, tlm_matvec) of the stored
// matrix `w` (columns of `rows` bytes; its sums of squares w_sq0..2).
std::string matvec_descriptor(const std::string& label, const std::string& w, std::size_t rows, std::size_t cols,
                              const std::string& in, int shift, int mode, const std::string& out_lo,
                              const std::string& out_hi, int lo, int hi, const std::string& finish) {
  return fmt::format(
      "{}:\n        .word {}\n        .byte {}, {}\n        .word {}, {}, {}_sq0, {}_sq1, {}_sq2\n"
      "        .byte {}, {}\n        .word {}, {}\n        .byte ${:02X}, ${:02X}\n        .word {}\n",
      label, w, rows, cols & 0xFF, rows, in, w, w, w, shift_byte(shift), mode, out_lo, out_hi,
      static_cast<std::uint8_t>(lo), static_cast<std::uint8_t>(hi), finish.empty() ? "0" : finish);
}

// The finish of a matmul's rows (rows == 0: mv_rows of them) as straight-line 6502 code (mv_finish of
// transformer_runtime.s, specialised): for row i, A = acc[i] = 2 dot (24
// bits), W = A + 2^s (4 bytes, tlm_r), V = W >> (s + 1) (arithmetic: B whole
// bytes and b bits, done as 8 - b bits left and one byte more when b >= 5),
// then mode 0: out_lo[i] = clamp(V, lo, 127); 1: out_lo/hi[i] = sat16(V);
// 2: out_lo/hi[i] = sat16(out[i] + V). Empty for a shift < 0 (mv_finish's
// saturating left shift).
std::string finish_routine(const std::string& label, std::size_t rows, int shift, int mode,
                           const std::string& out_lo, const std::string& out_hi, int lo) {
  if (shift < 0) return {};
  const int s = shift > 24 ? 24 : shift;
  const int n = s + 1, B = n / 8, b = n % 8, j0 = s / 8;
  const std::uint32_t k = std::uint32_t{1} << s;
  std::string c = fmt::format("; {}: rows {}, shift {}, mode {}\n{}:\n", label, rows == 0 ? std::string("mv_rows") : std::to_string(rows), s, mode, label);
  c += rows == 0 ? std::string("        ldx mv_rows\n        dex\n") : fmt::format("        ldx #{}\n", rows - 1);
  c += "@row:\n";
  const auto r = [](int j) { return fmt::format("tlm_r+{}", j); };
  // r3 = the sign byte of acc2, then W = A + 2^s from byte j0 up
  c += "        lda mv_acc2,x\n        cmp #$80\n        lda #0\n        sbc #0\n        eor #$FF\n";
  c += "        sta " + r(3) + "\n        clc\n";
  for (int j = j0; j < 3; ++j)
    c += fmt::format("        lda mv_acc{},x\n        adc #${:02X}\n        sta {}\n", j, (k >> (8 * j)) & 0xFF, r(j));
  c += fmt::format("        lda {0}\n        adc #${1:02X}\n        sta {0}\n", r(3), (k >> 24) & 0xFF);
  // V = W >> n: value bytes first .. 3 of tlm_r, the sign above
  int first = B;
  if (b != 0 && b <= 4) {
    for (int i = 0; i < b; ++i) {
      c += fmt::format("        lda {}\n        cmp #$80\n", r(3));
      for (int j = 3; j >= B; --j) c += "        ror " + r(j) + "\n";
    }
  } else if (b >= 5) {
    for (int i = 0; i < 8 - b; ++i) {
      c += "        asl " + r(B) + "\n";
      for (int j = B + 1; j <= 3; ++j) c += "        rol " + r(j) + "\n";
    }
    first = B + 1;
  }
  // the value's bytes v(0), v(1), ... (the sign byte r3 beyond 3)
  const auto v = [&](int i) { return r(first + i > 3 ? 3 : first + i); };
  const int count = 4 - first;  // bytes of the value held in tlm_r (the top one carries the sign)
  if (mode == 0) {
    // in range: every byte above v(0) is v(0)'s sign; else lo or 127
    c += fmt::format("        lda {}\n        bmi @neg\n", r(3));
    if (count > 1) {
      c += fmt::format("        lda {}\n", v(1));
      for (int i = 2; i < count; ++i) c += fmt::format("        ora {}\n", v(i));
      c += "        bne @hi\n";
    }
    c += fmt::format("        lda {}\n        bpl @st\n@hi:    lda #$7F\n        bne @st\n", v(0));
    if (lo == 0) {
      c += "@neg:   lda #0\n        beq @st\n";
    } else {
      c += "@neg:";
      if (count > 1) {
        c += fmt::format("   lda {}\n", v(1));
        for (int i = 2; i < count; ++i) c += fmt::format("        and {}\n", v(i));
        c += "        cmp #$FF\n        bne @lo\n        lda " + v(0) + "\n";
      } else {
        c += "   lda " + v(0) + "\n";
      }
      c += "        bmi @st\n@lo:    lda #$80\n";
    }
    c += fmt::format("@st:    sta {},x\n", out_lo);
  } else {
    // the value as 4 bytes in tlm_r+4 .. +7, the sign above its bytes
    const std::string sign = "        cmp #$80\n        lda #0\n        sbc #0\n        eor #$FF\n";
    if (count < 4) c += fmt::format("        lda {}\n", r(3)) + sign + "        tay\n";
    for (int i = 0; i < 4; ++i)
      c += i < count ? fmt::format("        lda {}\n        sta tlm_r+{}\n", v(i), 4 + i)
                     : fmt::format("        sty tlm_r+{}\n", 4 + i);
    if (mode == 2) {  // + out[i], sign-extended
      c += fmt::format("        lda {},x\n", out_hi) + sign + "        tay\n";
      c += fmt::format(
          "        clc\n        lda {0},x\n        adc tlm_r+4\n        sta tlm_r+4\n        lda {1},x\n"
          "        adc tlm_r+5\n        sta tlm_r+5\n        tya\n        adc tlm_r+6\n        sta tlm_r+6\n"
          "        tya\n        adc tlm_r+7\n        sta tlm_r+7\n",
          out_lo, out_hi);
    }
    c += fmt::format("        lda tlm_r+7\n        bmi @neg\n        ora tlm_r+6\n        bne @hi\n        lda tlm_r+5\n"
                     "        bpl @st\n@hi:    lda #$FF\n        sta tlm_r+4\n        lda #$7F\n        bne @st2\n"
                     "@neg:   and tlm_r+6\n        cmp #$FF\n        bne @lo\n        lda tlm_r+5\n        bmi @st\n"
                     "@lo:    lda #0\n        sta tlm_r+4\n        lda #$80\n        bne @st2\n@st:    lda tlm_r+5\n"
                     "@st2:   sta {1},x\n        lda tlm_r+4\n        sta {0},x\n",
                     out_lo, out_hi);
  }
  c += "        dex\n        bmi @end\n        jmp @row\n@end:   rts\n\n";
  return c;
}

std::string call(const std::string& routine, const std::string& descriptor) {
  return fmt::format("        ldx #<{0}\n        ldy #>{0}\n        jsr {1}\n", descriptor, routine);
}

int log2_exact(std::size_t n) {
  int k = 0;
  while ((std::size_t{1} << k) < n) ++k;
  return (std::size_t{1} << k) == n ? k : -1;
}

// Each source line without its label and comment, trimmed.
std::vector<std::string> statements(const std::string& source) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < source.size()) {
    std::size_t end = source.find('\n', at);
    if (end == std::string::npos) end = source.size();
    std::string line = source.substr(at, end - at);
    at = end + 1;
    if (const auto semi = line.find(';'); semi != std::string::npos) line.resize(semi);
    if (!line.empty() && line[0] != ' ') {  // a label
      const auto colon = line.find(':');
      line = colon == std::string::npos ? std::string() : line.substr(colon + 1);
    }
    const auto first = line.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    line = line.substr(first, line.find_last_not_of(' ') - first + 1);
    out.push_back(line);
  }
  return out;
}

}  // namespace

std::size_t transformer_code_bytes(const transformer_6502& code) {
  return transformer_runtime_code_bytes + (code.rows32 ? transformer_rows32_code_bytes : 0) + code.code_bytes +
         255;  // 255: the worst padding before the page-aligned tables
}

std::size_t instruction_bytes(const std::string& source) {
  std::size_t bytes = 0;
  for (const std::string& st : statements(source)) {
    if (st[0] == '.') continue;
    const std::string op = st.substr(0, 3);
    const auto space = st.find(' ');
    const std::string operand = space == std::string::npos ? std::string() : st.substr(space + 1);
    if (operand.empty()) bytes += 1;                          // implied
    else if (operand[0] == '#') bytes += 2;                   // immediate
    else if (op[0] == 'b' && op != "bit") bytes += 2;         // a branch
    else if (operand.rfind("tlm_r", 0) == 0 && (operand.size() == 5 || operand[5] == '+' || operand[5] == ','))
      bytes += 2;                                             // the zero page
    else bytes += 3;                                          // absolute
  }
  return bytes;
}

std::size_t data_bytes(const std::string& source) {
  std::size_t bytes = 0;
  for (const std::string& st : statements(source)) {
    const bool word = st.rfind(".word", 0) == 0, byte = st.rfind(".byte", 0) == 0;
    if (!word && !byte) continue;
    const std::size_t items = static_cast<std::size_t>(std::count(st.begin(), st.end(), ',')) + 1;
    bytes += items * (word ? 2 : 1);
  }
  return bytes;
}

transformer_6502 emit_transformer_6502(const transformer_tables& model, bool generated_finishes, bool rows32) {
  const tf::model_view m = model.view();
  if (const char* e = tf::validate_shape(m)) throw error(fmt::format("the model is invalid: {}", e));
  const std::size_t d = m.d_model, H = m.heads, hd = m.head_size(), L = m.layers, F = m.ffn, T = m.context,
                    V = m.vocab;
  if (m.formats != nullptr)
    for (std::size_t i = 0; i < m.format_count(); ++i)
      if (m.formats[i] != static_cast<std::uint8_t>(tinylm::weight_format::int8))
        throw error(fmt::format("the 6502 transformer runtime runs int8 matrices only (this model has {} weights; the "
                                "compact formats' 6502 kernels are not in this runtime yet)",
                                tinylm::format_name(static_cast<tinylm::weight_format>(m.formats[i]))));
  const int log2d = log2_exact(d);
  if (log2d < 0) throw error(fmt::format("the 6502 runtime needs d_model a power of two (this model has {})", d));
  for (const auto& [what, n] : {std::pair{"d_model", d}, {"ffn", F}, {"the vocabulary", V}, {"the context", T}})
    if (n > max_6502_rows)
      throw error(fmt::format("the 6502 runtime runs models with {} of at most {} (this model has {})", what,
                              max_6502_rows, n));
  if (H * T > 256)
    throw error(fmt::format("the 6502 runtime needs heads x context <= 256 (this model has {} x {})", H, T));
  const tinylm::reply_set_view& rs = m.replies;
  if (rs.count > 255)
    throw error(fmt::format("the 6502 runtime takes a reply set of at most 255 replies (this model has {})", rs.count));
  for (std::size_t r = 0; r < rs.count; ++r)
    if (rs.length(r) > 255)
      throw error(fmt::format("the 6502 runtime takes replies of at most 254 tokens (reply {} has {})", r,
                              rs.length(r) - 1));

  transformer_6502 out;
  out.rows32 = rows32;
  out.zero_page = {{"tlm_plo", 2, "the squares' low page + (a + 128): D[255 + a - w]", ""},
                   {"tlm_phi", 2, "the same on the high page", ""},
                   {"tlm_in", 2, "a matmul's input vector", ""},
                   {"tlm_sq0", 2, "a matmul's row sums of squares, bits 0-7", ""},
                   {"tlm_sq1", 2, "... bits 8-15", ""},
                   {"tlm_sq2", 2, "... bits 16-23", ""},
                   {"tlm_olo", 2, "a matmul's output (low bytes)", ""},
                   {"tlm_ohi", 2, "its high bytes", ""},
                   {"tlm_ptr", 2, "the prompt; a descriptor; a token's bytes", ""},
                   {"tlm_p2", 2, "a walking pointer", ""},
                   {"tlm_r", 9, "requantize's register (4 bytes, and 5 for the shifts)", ""},
                   {"tlm_q1", 2, "SETQ: the quarter squares + b (low bytes)", ""},
                   {"tlm_q2", 2, "... (high bytes)", ""},
                   {"tlm_q3", 2, "the quarter squares of differences + 255 - b (low bytes)", ""},
                   {"tlm_q4", 2, "... (high bytes)", ""},
                   {"nm_p", 8, "rmsnorm: a product", ""},
                   {"nm_tl", 1, "a byte product's low byte", ""},
                   {"mv_r0", 3, "mv_rows32: a row's sum (24 bits)", ""},
                   {"mv_cw", 2, "mv_rows32: the next column's address", ""}};
  const std::string Ts = std::to_string(T), HDs = std::to_string(hd);
  out.buffers = {
      {"mv_w", 2, "mv_core: column 0", ""}, {"mv_stride", 2, "bytes between columns", ""},
      {"mv_rows", 1, "", ""}, {"mv_cols", 1, "", ""}, {"mv_j", 1, "", ""}, {"mv_shift", 1, "", ""},
      {"mv_mode", 1, "", ""}, {"mv_lo", 1, "", ""}, {"mv_hi", 1, "", ""}, {"mv_sa", 3, "sum of the input's squares", ""},
      {"mv_savex", 1, "", ""}, {"mv_t", 1, "", ""}, {"mv_blocks", 1, "mv_rows32: blocks of 32 columns left", ""},
      {"mv_in", 2, "mv_rows32: tlm_in on entry", ""},
      {"mv_acc0", max_6502_rows, "the rows' accumulators, bits 0-7", ""},
      {"mv_acc1", max_6502_rows, "bits 8-15", ""}, {"mv_acc2", max_6502_rows, "bits 16-23", ""},
      {"um_a", 4, "attention: |the weighted sum of the values|", ""},
      {"dv_n", 6, "udiv: dividend, then quotient", ""}, {"dv_d", 4, "divisor", ""}, {"dv_r", 5, "remainder", ""},
      {"dv_t", 4, "", ""},
      {"sq_v", 8, "isqrt64: the value", ""}, {"sq_rem", 5, "", ""}, {"sq_root", 4, "the root", ""},
      {"sq_t", 5, "", ""}, {"sq_n", 1, "", ""},
      {"nm_sum", 6, "rmsnorm: sum of squares", ""}, {"nm_inv", 6, "2^40 / rms", ""}, {"nm_inv_len", 1, "", ""},
      {"nm_sign", 1, "", ""}, {"nm_i", 1, "", ""}, {"nm_shift", 1, "", ""}, {"nm_l", 1, "", ""},
      {"rq_rb", 1, "rq_row: the byte of 2^s", ""}, {"rq_rv", 1, "its bit", ""}, {"rq_B", 1, "bytes to shift", ""},
      {"rq_b", 1, "bits to shift (bit 7: left)", ""}, {"nm_h", 1, "", ""},
      {"nm_ml", 1, "the multiplier's bytes", ""}, {"nm_mh", 1, "", ""}, {"nm_t4", 4, "|t|", ""}, {"nm_m", 3, "", ""}, {"nm_t", 2, "", ""},
      {"at_desc", 23, "attention: the layer's descriptor", ""}, {"at_h", 1, "", ""}, {"at_i", 1, "", ""},
      {"at_x", 1, "", ""}, {"at_c0", 1, "", ""}, {"at_s", 3, "sum of the exp weights", ""}, {"at_m", 2, "", ""},
      {"at_t", 4, "", ""}, {"at_u", 1, "", ""}, {"at_r", 3, "2^32 / S", ""},
      {"at_sc_lo", T, "scores", Ts}, {"at_sc_hi", T, "", Ts}, {"at_w_lo", T, "exp weights", Ts},
      {"at_w_hi", T, "", Ts}, {"at_hin", T, "w_hi - 64", Ts}, {"at_lin", T, "w_lo - 128", Ts},
      {"at_ah0", hd, "2 dot of the high bytes", HDs}, {"at_ah1", hd, "", HDs}, {"at_ah2", hd, "", HDs},
      {"mul_a", 1, "", ""}, {"mul_r", 2, "", ""},
      {"tlm_rng", 4, "the xorshift32 state", ""}, {"tlm_inv_temp", 2, "sampling: 256 / temperature (0: argmax)", ""},
      {"tlm_top_k", 1, "sampling: the k best (0: all)", ""}, {"xs_t", 4, "", ""}, {"mc_m", 4, "", ""},
      {"sm_uh", V, "sampling: high bytes of the logits + 32768", ""}, {"sm_keep", V, "the candidates", ""},
      {"sm_wl", V, "their weights", ""}, {"sm_wh", V, "", ""}, {"sm_lo", 3, "", ""}, {"sm_hi", 3, "", ""},
      {"sm_mid", 2, "", ""}, {"sm_n", 1, "", ""}, {"sm_s", 3, "", ""}, {"sm_i", 1, "", ""}, {"sm_t", 1, "", ""},
      {"st_i", 1, "", ""}, {"st_e", 4, "", ""}, {"st_best", 1, "", ""}, {"st_m", 2, "", ""},
      {"ch_n", 1, "tlm_choose: the candidates (argmax, sampling)", ""},
      {"bp_k", 1, "encode: the merge", ""}, {"bp_l", 1, "", ""}, {"bp_r", 1, "", ""}, {"bp_id", 1, "", ""},
      {"tlm_token", 1, "the token being stepped", ""}, {"tlm_pos", 1, "its position", ""},
      {"tlm_seq_n", 1, "", ""}, {"tlm_seq", T, "the start sequence", Ts},
      {"tlm_tokens", 255, "the prompt's tokens", ""},
      {"tlm_x_lo", d, "the residual stream x (int16)", ""}, {"tlm_x_hi", d, "", ""},
      {"tlm_abuf", d, "a norm's output (int8)", ""}, {"tlm_qbuf", d, "q", ""}, {"tlm_kbuf", d, "k", ""},
      {"tlm_vbuf", d, "v", ""}, {"tlm_obuf", d, "the attention output", ""}, {"tlm_ubuf", F, "the FFN hidden layer", ""},
      {"tlm_logits_lo", V, "the logits (int16, Q8.8)", ""}, {"tlm_logits_hi", V, "", ""},
      {"tlm_kcache", L * d * T, "K, per layer column by column (127 - k)", ""},
      {"tlm_vcache", L * T * d, "V, per layer position by position (127 - v)", ""},
      {"tlm_sk_lo", L * H * T, "per layer, head, position: sum of k^2", ""}, {"tlm_sk_mid", L * H * T, "", ""},
      {"tlm_sk_hi", L * H * T, "", ""},
      {"tlm_sv2_lo", L * d, "per layer, column: sum over positions of v^2", ""}, {"tlm_sv2_mid", L * d, "", ""},
      {"tlm_sv2_hi", L * d, "", ""},
      {"tlm_sv1_lo", L * d, "per layer, column: sum over positions of v", ""}, {"tlm_sv1_hi", L * d, "", ""}};
  if (!rs.empty()) {
    out.buffers.insert(out.buffers.end(),
                       {{"ch_sym", V, "the candidates' tokens", ""}, {"ch_lo", V, "their logits", ""},
                        {"ch_hi", V, "", ""}, {"rs_lo", 1, "the reply cursor: live replies [lo, hi)", ""},
                        {"rs_hi", 1, "", ""}, {"rs_k", 1, "tokens chosen", ""},
                        {"rs_room", 1, "the most tokens a reply may have", ""}, {"rs_fit", 1, "", ""},
                        {"rs_i", 1, "", ""}, {"rs_t", 1, "", ""}});
  }
  std::string buffers = reservation_lines(out.buffers);
  if (rs.empty()) buffers += "ch_lo = tlm_logits_lo   ; no reply set: the candidates are the logits\nch_hi = tlm_logits_hi\n";
  buffers +=
      "at_k = at_desc\nat_v = at_desc+2\nat_sklo = at_desc+4\nat_skmid = at_desc+6\nat_skhi = at_desc+8\n"
      "at_sv2lo = at_desc+10\nat_sv2mid = at_desc+12\nat_sv2hi = at_desc+14\nat_sv1lo = at_desc+16\n"
      "at_sv1hi = at_desc+18\nat_shift = at_desc+20\nat_fin = at_desc+21\n";

  const tinylm::bpe::tokenizer_view& tok = m.tokenizer;
  out.runtime = {"transformer_runtime.s",
                 fill_template("m6502/transformer_runtime.s",
                               {{"D", std::to_string(d)},
                                {"HEADS", std::to_string(H)},
                                {"HEAD_SIZE", std::to_string(hd)},
                                {"CONTEXT", std::to_string(T)},
                                {"VOCAB", std::to_string(V)},
                                {"LOG2_D", std::to_string(log2d)},
                                {"TOK_SHIFT", std::to_string(m.global(tf::frac_tok) - 8)},
                                {"POS_SHIFT", std::to_string(m.global(tf::frac_pos) - 8)},
                                {"CHAT", m.chat ? "1" : "0"},
                                {"PROMPT_ROOM", std::to_string(m.prompt_room())},
                                {"MERGES", std::to_string(tok.merge_count)},
                                {"FIRST_MERGE", std::to_string(tinylm::bpe::first_base + tok.base_count)},
                                {"REPLIES", std::to_string(rs.count)},
                                {"ROWS32", rows32 ? "1" : "0"},
                                {"ZERO_PAGE", reservation_lines(out.zero_page)},
                                {"BUFFERS", buffers}})};

  // ---- the data ----
  std::string text =
      "; transformer_tables.s - a transformer model as the 6502 runtime reads it\n"
      "; (transformer_runtime.s). Generated by tinylm-gen; do not edit.\n\n"
      ".setcpu \"6502\"\n\n"
      ".export tlm_layers, tlm_head, tlm_norm_final\n"
      ".export tlm_dlo, tlm_dhi, tlm_exp_lo, tlm_exp_hi, tlm_qs_lo, tlm_qs_hi, tlm_qn_lo, tlm_qn_hi\n"
      ".export tlm_tok, tlm_pos_emb, tlm_token_of, tlm_merge_l, tlm_merge_r\n"
      ".export tlm_tb_off_lo, tlm_tb_off_hi, tlm_tb_len, tlm_tb_bytes\n" +
      std::string(rs.empty() ? "" : ".export tlm_rs_syms, tlm_rs_off_lo, tlm_rs_off_hi, tlm_rs_len\n") +
      ".import tlm_matvec, tlm_norm, tlm_attention\n"
      ".import tlm_x_lo, tlm_x_hi, tlm_abuf, tlm_qbuf, tlm_kbuf, tlm_vbuf, tlm_obuf, tlm_ubuf\n"
      ".import tlm_logits_lo, tlm_logits_hi, tlm_kcache, tlm_vcache\n"
      ".import tlm_sk_lo, tlm_sk_mid, tlm_sk_hi, tlm_sv2_lo, tlm_sv2_mid, tlm_sv2_hi, tlm_sv1_lo, tlm_sv1_hi\n"
      ".import mv_acc0, mv_acc1, mv_acc2, mv_rows, at_sc_lo, at_sc_hi\n.importzp tlm_r\n\n";
  data_writer data(text);
  std::size_t fixed_tables = 0;

  text += ".segment \"PAGES\"\n";
  {
    std::vector<std::uint8_t> lo(512), hi(512);
    for (int t = -255; t <= 255; ++t) {
      const auto sq = static_cast<std::uint32_t>(t * t);
      lo[static_cast<std::size_t>(255 + t)] = static_cast<std::uint8_t>(sq);
      hi[static_cast<std::size_t>(255 + t)] = static_cast<std::uint8_t>(sq >> 8);
    }
    data.label("tlm_dlo", "D[255 + t] = t^2, low bytes (t = -255 .. 255; the last byte pads)");
    data.bytes(lo);
    data.label("tlm_dhi", "high bytes");
    data.bytes(hi);
    std::vector<std::uint8_t> elo(256), ehi(256);
    for (std::size_t k = 0; k < 256; ++k) {
      elo[k] = static_cast<std::uint8_t>(tinylm::exp_table[k]);
      ehi[k] = static_cast<std::uint8_t>(tinylm::exp_table[k] >> 8);
    }
    std::vector<std::uint8_t> qs_lo(512), qs_hi(512), qn_lo(512), qn_hi(512);
    for (int x = 0; x < 512; ++x) {
      const auto q = static_cast<std::uint32_t>(x * x / 4), n = static_cast<std::uint32_t>((x - 255) * (x - 255) / 4);
      qs_lo[static_cast<std::size_t>(x)] = static_cast<std::uint8_t>(q);
      qs_hi[static_cast<std::size_t>(x)] = static_cast<std::uint8_t>(q >> 8);
      qn_lo[static_cast<std::size_t>(x)] = static_cast<std::uint8_t>(n);
      qn_hi[static_cast<std::size_t>(x)] = static_cast<std::uint8_t>(n >> 8);
    }
    data.label("tlm_qs_lo", "floor(x^2 / 4), x = 0 .. 511, low bytes (SETQ, MULADD)");
    data.bytes(qs_lo);
    data.label("tlm_qs_hi", "high bytes");
    data.bytes(qs_hi);
    data.label("tlm_qn_lo", "floor((x - 255)^2 / 4), low bytes");
    data.bytes(qn_lo);
    data.label("tlm_qn_hi", "high bytes");
    data.bytes(qn_hi);
    data.label("tlm_exp_lo", "exp_table (exp_table.hpp), low bytes");
    data.bytes(elo);
    data.label("tlm_exp_hi", "high bytes");
    data.bytes(ehi);
    fixed_tables = data.count();
  }

  text += "\n.segment \"RODATA\"\n";
  const auto write_matrix = [&](const stored_matrix& sm) {
    data.label(sm.name, fmt::format("{} x {}, column by column, 127 - w", sm.rows, sm.cols));
    data.bytes(sm.columns);
    for (int b = 0; b < 3; ++b) {
      data.label(fmt::format("{}_sq{}", sm.name, b), b == 0 ? "sum of the squares of each row, bits 0-7" : "");
      data.bytes(sm.sq[b]);
    }
  };
  const stored_matrix tok_matrix = store_matrix("tlm_tok", m.weights + m.tok_offset(), V, d);
  write_matrix(tok_matrix);
  {
    std::vector<std::uint8_t> pos(T * d);
    for (std::size_t i = 0; i < T * d; ++i) pos[i] = static_cast<std::uint8_t>(m.weights[m.pos_offset() + i]);
    data.label("tlm_pos_emb", "T x d, row by row, int8");
    data.bytes(pos);
  }
  for (std::size_t l = 0; l < L; ++l) {
    write_matrix(store_matrix(fmt::format("tlm_m_q{}", l), m.wq(l), d, d));
    write_matrix(store_matrix(fmt::format("tlm_m_k{}", l), m.wk(l), d, d));
    write_matrix(store_matrix(fmt::format("tlm_m_v{}", l), m.wv(l), d, d));
    write_matrix(store_matrix(fmt::format("tlm_m_o{}", l), m.wo(l), d, d));
    write_matrix(store_matrix(fmt::format("tlm_m_up{}", l), m.w1(l), F, d));
    write_matrix(store_matrix(fmt::format("tlm_m_down{}", l), m.w2(l), d, F));
  }
  const std::string head_name = m.tied ? "tlm_tok" : "tlm_m_head";
  if (!m.tied) write_matrix(store_matrix("tlm_m_head", m.weights + m.head_offset(), V, d));
  for (std::size_t n = 0; n < 2 * L + 1; ++n) {
    std::vector<std::uint8_t> lo(d), hi(d);
    for (std::size_t i = 0; i < d; ++i) {
      const auto g = static_cast<std::uint16_t>(m.gains[n * d + i]);
      lo[i] = static_cast<std::uint8_t>(g);
      hi[i] = static_cast<std::uint8_t>(g >> 8);
    }
    data.label(fmt::format("tlm_g{}_lo", n), "a norm's gains (Q8.8)");
    data.bytes(lo);
    data.label(fmt::format("tlm_g{}_hi", n));
    data.bytes(hi);
  }
  // the tokenizer
  {
    std::vector<std::uint8_t> token_of(256);
    for (std::size_t b = 0; b < 256; ++b)
      token_of[b] = tinylm::bpe::base_token(tok, tok.normalise[b]);
    data.label("tlm_token_of", "byte -> base token (encode's step 1)");
    data.bytes(token_of);
    std::vector<std::uint8_t> left(tok.merge_count), right(tok.merge_count);
    for (std::size_t k = 0; k < tok.merge_count; ++k) {
      left[k] = tok.merges[2 * k];
      right[k] = tok.merges[2 * k + 1];
    }
    if (left.empty()) left.push_back(0), right.push_back(0);  // no merges: a byte for the label
    data.label("tlm_merge_l", "merge k: left token");
    data.bytes(left);
    data.label("tlm_merge_r", "right token");
    data.bytes(right);
    std::vector<std::uint8_t> off_lo(V), off_hi(V), len(V), bytes;
    for (std::size_t t = 0; t < V; ++t) {
      tinylm::fixed_string<256> s;
      tinylm::bpe::append_token(tok, static_cast<std::uint8_t>(t), s);
      off_lo[t] = static_cast<std::uint8_t>(bytes.size());
      off_hi[t] = static_cast<std::uint8_t>(bytes.size() >> 8);
      len[t] = static_cast<std::uint8_t>(s.size());
      for (char c : s) bytes.push_back(static_cast<std::uint8_t>(c));
    }
    if (bytes.empty()) bytes.push_back(0);
    data.label("tlm_tb_off_lo", "token -> offset of its bytes in tlm_tb_bytes");
    data.bytes(off_lo);
    data.label("tlm_tb_off_hi");
    data.bytes(off_hi);
    data.label("tlm_tb_len", "token -> its number of bytes");
    data.bytes(len);
    data.label("tlm_tb_bytes", "every token's bytes (decode)");
    data.bytes(bytes);
  }
  // the reply set (reply_set.hpp)
  if (!rs.empty()) {
    std::vector<std::uint8_t> syms(rs.symbols, rs.symbols + rs.symbol_bytes()), off_lo, off_hi, len;
    for (std::size_t r = 0; r < rs.count; ++r) {
      off_lo.push_back(static_cast<std::uint8_t>(rs.offsets[r]));
      off_hi.push_back(static_cast<std::uint8_t>(rs.offsets[r] >> 8));
      len.push_back(static_cast<std::uint8_t>(rs.length(r) - 1));
    }
    data.label("tlm_rs_syms", fmt::format("the {} replies' tokens, each ending with END, sorted", rs.count));
    data.bytes(syms);
    data.label("tlm_rs_off_lo", "reply -> offset of its tokens");
    data.bytes(off_lo);
    data.label("tlm_rs_off_hi");
    data.bytes(off_hi);
    data.label("tlm_rs_len", "reply -> its tokens before END");
    data.bytes(len);
  }

  // ---- the stages of a token: descriptors and calls ----
  std::string desc, code;
  const auto f = [&](std::size_t l, tf::layer_frac x) { return m.layer(l, x); };
  std::string finishes;
  const auto norm = [&](const std::string& label, std::size_t n, int frac) {
    const std::string fin =
        generated_finishes ? finish_routine(label + "_fin", d, 8 - frac, 0, "tlm_abuf", "tlm_abuf", -128) : "";
    finishes += fin;
    desc += fmt::format("{}:\n        .word tlm_g{}_lo, tlm_g{}_hi\n        .byte {}\n        .word tlm_abuf, {}\n",
                        label, n, n, shift_byte(8 - frac), fin.empty() ? "0" : label + "_fin");
    code += call("tlm_norm", label);
  };
  const auto matvec = [&](const std::string& label, const std::string& w, std::size_t rows, std::size_t cols,
                          const std::string& in, int shift, int mode, const std::string& out_lo,
                          const std::string& out_hi, int lo, int hi) {
    const std::string fin =
        generated_finishes ? finish_routine(label + "_fin", rows, shift, mode, out_lo, out_hi, lo) : "";
    finishes += fin;
    desc += matvec_descriptor(label, w, rows, cols, in, shift, mode, out_lo, out_hi, lo, hi,
                              fin.empty() ? "" : label + "_fin");
    code += call("tlm_matvec", label);
  };
  code += "\n.segment \"CODE\"\n\n; tlm_layers: every layer of a token (transformer.hpp, step_validated)\ntlm_layers:\n";
  for (std::size_t l = 0; l < L; ++l) {
    code += fmt::format("        ; layer {}\n", l);
    norm(fmt::format("tlm_n1_{}", l), 2 * l, f(l, tf::frac_a1));
    matvec(fmt::format("tlm_d_q{}", l), fmt::format("tlm_m_q{}", l), d, d, "tlm_abuf",
           f(l, tf::frac_wq) + f(l, tf::frac_a1) - f(l, tf::frac_q), 0, "tlm_qbuf", "tlm_qbuf", -128, 127);
    matvec(fmt::format("tlm_d_k{}", l), fmt::format("tlm_m_k{}", l), d, d, "tlm_abuf",
           f(l, tf::frac_wk) + f(l, tf::frac_a1) - f(l, tf::frac_k), 0, "tlm_kbuf", "tlm_kbuf", -128, 127);
    matvec(fmt::format("tlm_d_v{}", l), fmt::format("tlm_m_v{}", l), d, d, "tlm_abuf",
           f(l, tf::frac_wv) + f(l, tf::frac_a1) - f(l, tf::frac_v), 0, "tlm_vbuf", "tlm_vbuf", -128, 127);
    const std::string att = fmt::format("tlm_att{}", l);
    const std::string score_fin =
        generated_finishes ? finish_routine(att + "_fin", 0,
                                            f(l, tf::frac_q) + f(l, tf::frac_k) + tf::attention_shift(hd) - 8, 1,
                                            "at_sc_lo", "at_sc_hi", 0)
                           : "";
    finishes += score_fin;
    desc += fmt::format(
        "{0}:\n        .word tlm_kcache+{1}, tlm_vcache+{2}\n        .word tlm_sk_lo+{3}, tlm_sk_mid+{3}, tlm_sk_hi+{3}\n"
        "        .word tlm_sv2_lo+{4}, tlm_sv2_mid+{4}, tlm_sv2_hi+{4}, tlm_sv1_lo+{4}, tlm_sv1_hi+{4}\n"
        "        .byte {5}\n        .word {6}\n",
        att, l * d * T, l * T * d, l * H * T, l * d,
        shift_byte(f(l, tf::frac_q) + f(l, tf::frac_k) + tf::attention_shift(hd) - 8),
        score_fin.empty() ? "0" : att + "_fin");
    code += call("tlm_attention", att);
    matvec(fmt::format("tlm_d_o{}", l), fmt::format("tlm_m_o{}", l), d, d, "tlm_obuf",
           f(l, tf::frac_wo) + f(l, tf::frac_v) - 8, 2, "tlm_x_lo", "tlm_x_hi", 0, 0);
    norm(fmt::format("tlm_n2_{}", l), 2 * l + 1, f(l, tf::frac_a2));
    matvec(fmt::format("tlm_d_up{}", l), fmt::format("tlm_m_up{}", l), F, d, "tlm_abuf",
           f(l, tf::frac_w1) + f(l, tf::frac_a2) - f(l, tf::frac_u), 0, "tlm_ubuf", "tlm_ubuf", 0, 127);
    matvec(fmt::format("tlm_d_down{}", l), fmt::format("tlm_m_down{}", l), d, F, "tlm_ubuf",
           f(l, tf::frac_w2) + f(l, tf::frac_u) - 8, 2, "tlm_x_lo", "tlm_x_hi", 0, 0);
  }
  code += "        rts\n\n; tlm_norm_final: the final norm\ntlm_norm_final:\n";
  norm("tlm_nf", 2 * L, m.global(tf::frac_af));
  code += "        rts\n\n; tlm_head: the logits (int16, Q8.8)\ntlm_head:\n";
  matvec("tlm_d_head", head_name, V, d, "tlm_abuf", m.global(tf::frac_head) + m.global(tf::frac_af) - 8, 1,
         "tlm_logits_lo", "tlm_logits_hi", 0, 0);
  code += "        rts\n";
  out.code_bytes = instruction_bytes(code) + instruction_bytes(finishes);
  text += "\n; descriptors (transformer_runtime.s: tlm_matvec, tlm_norm, tlm_attention)\n" + desc;
  text += code;
  text += "\n; the matmuls' finishes (transformer_runtime.s, tlm_matvec +22)\n" + finishes;

  out.table_bytes = data.count() + data_bytes(desc);
  out.weight_bytes = out.table_bytes - fixed_tables;
  out.tables = {"transformer_tables.s", std::move(text)};
  return out;
}

}  // namespace tinylm::gen
