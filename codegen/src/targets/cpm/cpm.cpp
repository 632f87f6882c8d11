#include "targets/cpm/cpm.hpp"

#include <fmt/core.h>

#include <filesystem>
#include <fstream>

#include "common/error.hpp"
#include "targets/template/asm_template.hpp"

namespace tinylm::gen {

namespace hm = tinylm::hashmlp;

namespace {

// The program is the template codegen/asm/z80/cpm/chat.asm: fixed code with
// number placeholders (so its size does not depend on the model;
// fixed_code_bytes below is its size), then blocks filled in here: the chat
// loop's hooks (chat_hooks.asm or game.asm), the chooser (argmax_choice.asm
// or sampling.asm), forward's calls, the prompt pass, the layer descriptors,
// the page-aligned jump tables, one routine per weight byte value (generated:
// the unrolled adds of that value's four 2-bit codes) and the model's data.

// The game of twenty questions (cpm_options::objects): the hooks of the
// chat loop (game.asm). In chat mode all four are one `ret` (chat_hooks.asm).
// game.asm's code size as z80asm assembles it (its texts follow).
constexpr std::size_t game_code_bytes = 167;

// Seeded sampling (cpm_options::inv_temp_q8 != 0): tinylm::sample_top_k
// (sampling.hpp, softmax.hpp's exp_weights, prng.hpp's xorshift32::below)
// step by step; the rng restarts from the seed at every line, as
// tinylm::hashmlp::generate does per prompt. Weights of candidates outside
// the top k are stored as 0: the walk then passes them without effect,
// exactly as if it walked the kept candidates only.
// sampling.asm's code size as z80asm assembles it (the exp table follows it).
constexpr std::size_t sampling_code_bytes = 582;

// A model with a reply set (tinylm/reply_set.hpp): reply_set.asm wraps the
// chooser (its samplestart / choose become rs_samplestart / choose0 and it
// calls choosen, the chooser over the first v_chn logits); its code size as
// z80asm assembles it. Its tables: the replies' symbols, a word offset and a
// length byte per reply.
constexpr std::size_t reply_set_code_bytes = 226;

// The routine of weight byte value b (four rows, codes 2t..2t+1 = row t):
// 0 nothing, +1 add x, -1 subtract x, -2 subtract x twice; each row then
// `inc l`; after the fourth, back to cbyte unless L wrapped (column done).
// Returns the text and adds its size in bytes to *bytes.
std::string byte_routine(unsigned b, std::size_t* bytes) {
  std::string s = fmt::format("rb{}:\n        exx\n", b);
  std::size_t n = 1;
  for (unsigned t = 0; t < 4; ++t) {
    switch ((b >> (2 * t)) & 3u) {
      case 1:
        s += "        ld a,(hl)\n        add a,c\n        ld (hl),a\n        call c,carry_up\n";
        n += 6;
        break;
      case 3:
        s += "        ld a,(hl)\n        sub c\n        ld (hl),a\n        call c,borrow_down\n";
        n += 6;
        break;
      case 2:
        s += "        ld a,(hl)\n        sub c\n        call c,borrow_down\n        sub c\n        ld (hl),a\n"
             "        call c,borrow_down\n";
        n += 10;
        break;
      default:
        break;
    }
    s += "        inc l\n";
    n += 1;
  }
  s += "        jp nz,cbyte\n        ret\n";
  n += 4;
  *bytes += n;
  return s;
}

// The size of chat.asm's fixed code (up to ;@HOOKS@) as z80asm assembles it (the target test checks the
// .COM size against the plan).
constexpr std::size_t fixed_code_bytes = 693;
// forward: per layer `ld ix,nn` (4) + `call nn` (3); then `ret`.
constexpr std::size_t per_layer_code_bytes = 7;
// promptpass: ld ix (4), call (3), ld hl/ld de/ld bc (3 each), 3 x ldir (2),
// 2 x (ld hl, ld bc), ret; rtrap: jp 0.
constexpr std::size_t promptpass_bytes = 35, trap_bytes = 3;
constexpr std::size_t descriptor_bytes = 15;

void db_lines(std::string& out, const std::uint8_t* p, std::size_t n) {
  for (std::size_t i = 0; i < n; i += 16) {
    out += "        db ";
    for (std::size_t k = i; k < n && k < i + 16; ++k) {
      if (k != i) out += ',';
      out += std::to_string(p[k]);
    }
    out += '\n';
  }
}

// Column bytes of a layer: four rows a byte.
std::size_t column_bytes(std::size_t rows) { return (rows + 3) / 4; }

// Layer l's weights column by column: column j is column_bytes(rows) bytes,
// row 4k + t at bits 2t..2t+1 of byte k (the library's codes, transposed;
// padding rows 0).
std::vector<std::uint8_t> columns_of(const hm::model_view& m, std::size_t l) {
  const std::size_t rows = m.sizes[l + 1], cols = m.sizes[l], p = column_bytes(rows);
  const std::uint8_t* w = m.weights + m.weight_offset(l);
  const std::size_t stride = int2_row_bytes(cols);
  std::vector<std::uint8_t> out(cols * p, 0);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) {
      const unsigned code = (w[i * stride + j / 4] >> (2 * (j % 4))) & 3u;
      out[j * p + i / 4] = static_cast<std::uint8_t>(out[j * p + i / 4] | (code << (2 * (i % 4))));
    }
  return out;
}

}  // namespace

cpm_program emit_cpm(const hm::model_view& m, const cpm_options& options) {
  if (const char* e = hm::validate(m)) throw error(fmt::format("the model cannot be emitted for cpm: {}", e));
  if (options.max_reply < 1 || options.max_reply > 255) throw error("cpm: max_reply must be 1..255");
  cpm_program p;
  const std::size_t L = m.layer_count, outputs = m.output_size();
  const bool game = !options.objects.empty();

  // ---- the chat loop's hooks: nothing (chat) or twenty questions ----
  const bool sampled = options.inv_temp_q8 != 0;
  std::string hooks = asm_template("z80/cpm/chat_hooks.asm");
  std::size_t hooks_bytes = 1;
  // ---- choosing the next symbol: argmax, or seeded top-k sampling ----
  std::string chooser = asm_template("z80/cpm/argmax_choice.asm");
  std::size_t chooser_bytes = 9;
  if (!m.replies.empty()) chooser_bytes += reply_set_code_bytes;
  // The RAM plan comes below; the sampling code's addresses are filled in then.
  template_values sampling_values;
  if (sampled) {
    if (options.top_k > 256) throw error("cpm: top_k must be 0..256");
    const std::size_t k = options.top_k >= outputs ? 0 : options.top_k;  // 0: every candidate
    const std::uint32_t s0 = tinylm::xorshift32(options.seed).state;
    std::uint8_t table[512];
    for (std::size_t i = 0; i < 256; ++i) {
      table[2 * i] = static_cast<std::uint8_t>(tinylm::exp_table[i] & 0xFF);
      table[2 * i + 1] = static_cast<std::uint8_t>(tinylm::exp_table[i] >> 8);
    }
    std::string exp_lines;
    db_lines(exp_lines, table, sizeof table);
    sampling_values = {{"S0LO", std::to_string(s0 & 0xFFFFu)},
                       {"S0HI", std::to_string(s0 >> 16)},
                       {"TOPK", std::to_string(k)},
                       {"INVTEMP", std::to_string(options.inv_temp_q8)},
                       {"OUTPUTS8", std::to_string(outputs & 255)},
                       {"EXP_TABLE", exp_lines}};
    chooser_bytes = sampling_code_bytes + sizeof table + (m.replies.empty() ? 0 : reply_set_code_bytes);
  }
  if (game) {
    if (options.objects.size() > 32) throw error("cpm: at most 32 objects");
    if (options.max_questions < 1 || options.max_questions > 255) throw error("cpm: max_questions must be 1..255");
    std::vector<std::uint8_t> win_index;
    for (char c : options.win_reply) {
      std::size_t k = 0;
      while (k < m.symbols() && m.alphabet[k] != c) ++k;
      if (k == m.symbols())
        throw error(fmt::format("cpm: the model's alphabet cannot spell the win reply '{}' (no '{}')",
                                options.win_reply, c));
      win_index.push_back(static_cast<std::uint8_t>(k));
    }
    if (win_index.empty() || win_index.size() > options.max_reply)
      throw error("cpm: the win reply must have 1..max_reply symbols");
    hooks_bytes = game_code_bytes;
    std::string texts;
    const auto text = [&](const char* label, const std::string& t) {
      std::vector<std::uint8_t> b(t.begin(), t.end());
      b.push_back(0);
      texts += fmt::format("{}:\n", label);
      db_lines(texts, b.data(), b.size());
      hooks_bytes += b.size();
    };
    text("gbanner", cpm_game_banner);
    text("gwon", cpm_game_won);
    text("glost", cpm_game_lost);
    texts += "gwinidx:\n";
    db_lines(texts, win_index.data(), win_index.size());
    hooks_bytes += win_index.size();
    texts += "gobjects:\n";
    for (std::size_t k = 0; k < options.objects.size(); ++k) texts += fmt::format("        dw gobj{}\n", k);
    hooks_bytes += 2 * options.objects.size();
    for (std::size_t k = 0; k < options.objects.size(); ++k) {
      const std::string& name = options.objects[k];
      if (name.empty() || name.size() > 32)
        throw error(fmt::format("cpm: object name '{}' must have 1..32 characters", name));
      for (char c : name)
        if (c < 32 || c > 126) throw error(fmt::format("cpm: object name '{}' must be printable ASCII", name));
      text(fmt::format("gobj{}", k).c_str(), name);
    }
    hooks = fill_template("z80/cpm/game.asm", {{"NOBJ", std::to_string(options.objects.size())},
                                               {"WINLEN", std::to_string(win_index.size())},
                                               {"MAXQ", std::to_string(options.max_questions)},
                                               {"GAME_TEXTS", texts}});
  }

  // ---- data: alphabet, per layer the columns and the bias planes ----
  std::vector<std::vector<std::uint8_t>> cols(L);
  bool used[256] = {};
  std::string data;
  data += "; ---- the model ----\nalphabet:\n";
  db_lines(data, reinterpret_cast<const std::uint8_t*>(m.alphabet), m.symbols());
  std::size_t data_bytes = m.symbols();
  const tinylm::reply_set_view& rs = m.replies;
  if (!rs.empty()) {
    if (rs.count > 255) throw error(fmt::format("cpm: a reply set holds at most 255 replies (this one {})", rs.count));
    std::vector<std::uint8_t> len;
    std::string offsets;
    for (std::size_t r = 0; r < rs.count; ++r) {
      if (rs.length(r) > 255) throw error(fmt::format("cpm: reply {} is longer than 254 symbols", r));
      len.push_back(static_cast<std::uint8_t>(rs.length(r) - 1));
      offsets += fmt::format("        dw {}\n", rs.offsets[r]);
    }
    data += fmt::format("rssyms:  ; the reply set: {} replies' symbols, each ending with END\n", rs.count);
    db_lines(data, rs.symbols, rs.symbol_bytes());
    data += "rsoff:  ; reply -> the offset of its symbols\n" + offsets + "rslen:  ; reply -> its symbols before END\n";
    db_lines(data, len.data(), len.size());
    data_bytes += rs.symbol_bytes() + 3 * rs.count;
  }
  for (std::size_t l = 0; l < L; ++l) {
    cols[l] = columns_of(m, l);
    for (std::uint8_t b : cols[l]) used[b] = true;
    data += fmt::format("weights{}:  ; {} columns of {} bytes (four rows a byte)\n", l, m.sizes[l],
                        column_bytes(m.sizes[l + 1]));
    db_lines(data, cols[l].data(), cols[l].size());
    data_bytes += cols[l].size();
    data += fmt::format("biases{}:  ; bias + 2^(shift-1), 24 bits: the low, middle, high byte planes\n", l);
    const std::int32_t* b = m.biases + m.bias_offset(l);
    const int s = m.shifts[l];
    const std::int64_t half = s > 0 ? std::int64_t{1} << (s - 1) : 0;
    const std::size_t rows = m.sizes[l + 1];
    std::vector<std::uint8_t> bytes(3 * rows);
    for (std::size_t i = 0; i < rows; ++i) {
      const auto v = static_cast<std::uint32_t>(static_cast<std::int64_t>(b[i]) + half);
      for (std::size_t k = 0; k < 3; ++k) bytes[k * rows + i] = static_cast<std::uint8_t>(v >> (8 * k));
    }
    db_lines(data, bytes.data(), bytes.size());
    data_bytes += bytes.size();
  }

  // ---- code sizes: head, generated routines, page-aligned jump tables ----
  std::string routines;
  std::size_t routine_bytes = 0;
  for (unsigned b = 0; b < 256; ++b)
    if (used[b]) routines += byte_routine(b, &routine_bytes);
  const std::size_t before_tables =
      fixed_code_bytes + hooks_bytes + chooser_bytes + per_layer_code_bytes * L + 1 + promptpass_bytes + trap_bytes +
      descriptor_bytes * (L + 1);
  const std::size_t pad = (256 - (0x100 + before_tables) % 256) % 256;
  const std::uint32_t jt = static_cast<std::uint32_t>(0x100 + before_tables + pad);
  const std::size_t code_bytes = before_tables + pad + 512 + routine_bytes;
  p.code_bytes = code_bytes;
  p.data_bytes = data_bytes;
  p.com_bytes = code_bytes + data_bytes;
  if (p.com_bytes > options.max_com_bytes)
    throw error(fmt::format("the model does not fit the cpm target: its .COM needs {} bytes ({} of code, {} of "
                            "tables), the limit is {}",
                            p.com_bytes, code_bytes, data_bytes, options.max_com_bytes));

  // ---- RAM plan: pages after the .COM ----
  const std::uint32_t ram = static_cast<std::uint32_t>((0x100 + p.com_bytes + 255) / 256 * 256);
  const std::uint32_t acc = ram, x = ram + 0x300, act0 = ram + 0x400, act1 = ram + 0x500, logits = ram + 0x600,
                      ring = ram + 0x800, base = ram + 0x900, vars = ram + 0xC00;
  const std::uint32_t ctx = vars, v_base = vars + 64, stack_top = vars + 256;
  const std::uint32_t weights_buf = ram + 0xD00, sv = v_base + 16;  // sampling: weights, variables
  const std::size_t rows0 = m.sizes[1];
  p.ram_start = ram;
  p.ram_end = sampled ? weights_buf + 0x200 : stack_top;
  const std::uint32_t reply_page = p.ram_end;  // a reply set's candidates' symbols
  if (!m.replies.empty()) p.ram_end += 0x100;
  p.stack_top = stack_top;
  if (p.ram_end > options.tpa_top)
    throw error(fmt::format("the model does not fit the cpm target: its RAM ends at 0x{:04X}, past the TPA top "
                            "0x{:04X} (.COM {} bytes)",
                            p.ram_end, options.tpa_top, p.com_bytes));
  for (std::uint32_t k = 0; k < 3; ++k)
    p.ram.push_back({acc + 0x100 * k, 256, fmt::format("accumulator plane {} (bits {}-{})", k, 8 * k, 8 * k + 7)});
  p.ram.push_back({x, 256, "features: prompt counts, context counts"});
  if (m.hidden_layers() >= 1) p.ram.push_back({act0, m.widest_hidden(), "activations A"});
  if (m.hidden_layers() >= 2) p.ram.push_back({act1, m.widest_hidden(), "activations B"});
  p.ram.push_back({logits, 2 * outputs, "logits (int16)"});
  p.ram.push_back({ring, 256, "prompt ring (the line's last 255 bytes)"});
  p.ram.push_back({base, 3 * rows0, "layer 0: bias + the prompt's columns (once per line)"});
  if (m.context_length > 0) p.ram.push_back({ctx, m.context_length, "context"});
  p.ram.push_back({v_base, 15, "variables"});
  p.ram.push_back({stack_top - 64, 64, "stack"});
  if (sampled) {
    p.ram.push_back({sv, 27, "sampling variables (rng state, product, sum, threshold)"});
    p.ram.push_back({weights_buf, 2 * outputs, "sampling weights (16-bit)"});
  }
  if (!m.replies.empty()) {
    p.ram.push_back({v_base + 48, 5, "the reply set's cursor (tinylm/reply_set.hpp)"});
    p.ram.push_back({reply_page, outputs, "the reply set's candidates' symbols"});
  }

  // ---- code: the template filled in ----
  const auto num = [](std::uint64_t v) { return std::to_string(v); };
  if (sampled) {
    sampling_values["LOGITS"] = num(logits);
    sampling_values["WEIGHTS"] = num(weights_buf);
    chooser = fill_template("z80/cpm/sampling.asm", sampling_values);
  } else {
    chooser = fill_template("z80/cpm/argmax_choice.asm", {{"OUTPUTS8", num(outputs & 255)}});
  }
  std::string reply_ram;
  if (!rs.empty()) {
    // The chooser's entry points become the wrapper's (reply_set.asm).
    const auto rename = [&](const std::string& from, const std::string& to) {
      const auto at = chooser.find("\n" + from + ":\n");
      if (at == std::string::npos) throw error("internal: the chooser template has no " + from);
      chooser.replace(at + 1, from.size(), to);
    };
    rename("samplestart", "rs_samplestart");
    rename("choose", "choose0");
    chooser += fill_template("z80/cpm/reply_set.asm", {{"ROOM", num(std::min<std::size_t>(options.max_reply, 255))},
                                                       {"NREPLIES", num(rs.count)},
                                                       {"LOGITS", num(logits)}});
    reply_ram = fmt::format("v_rslo: equ {}\nv_rshi: equ {}\nv_rsk: equ {}\nv_rst: equ {}\nv_rsfit: equ {}\n"
                            "v_chsym: equ {}\n",
                            v_base + 48, v_base + 49, v_base + 50, v_base + 51, v_base + 52, reply_page);
  }
  std::string forward_calls;
  for (std::size_t l = 0; l < L; ++l) forward_calls += fmt::format("        ld ix,layer{}\n        call tlm_layer\n", l);
  const std::uint32_t off0 = static_cast<std::uint32_t>(256 - 4 * column_bytes(rows0));
  std::string descriptors;
  const auto descriptor = [&](const std::string& label, std::size_t l, std::size_t first, std::size_t count,
                              const std::string& init, int kind) {
    const std::size_t rows = m.sizes[l + 1], pb = column_bytes(rows);
    const std::uint32_t in_page = l == 0 ? x >> 8 : ((l - 1) % 2 == 0 ? act0 : act1) >> 8;
    const std::uint32_t dest = kind == 1 ? logits : (l % 2 == 0 ? act0 : act1);
    return fmt::format("{}:\n        db {},{},{}\n        dw weights{}+{},{},{}\n        db {},{},{}\n"
                       "        dw {}\n        db {}\n",
                       label, first, count & 255, pb, l, first * pb, init, rows, 256 - 4 * pb,
                       static_cast<unsigned>(m.shifts[l]), in_page, dest, kind);
  };
  descriptors += descriptor("layerp", 0, 0, hm::buckets, "biases0", 2);
  for (std::size_t l = 0; l < L; ++l) {
    const int kind = l + 1 == L ? 1 : 0;
    descriptors += l == 0 ? descriptor("layer0", 0, hm::buckets, hm::buckets, num(base), kind)
                          : descriptor(fmt::format("layer{}", l), l, 0, m.sizes[l], fmt::format("biases{}", l), kind);
  }
  std::string jump_lo, jump_hi;
  for (unsigned b = 0; b < 256; b += 8) {
    jump_lo += "        db ";
    jump_hi += "        db ";
    for (unsigned k = b; k < b + 8; ++k) {
      const std::string target = used[k] ? fmt::format("rb{}", k) : std::string("rtrap");
      jump_lo += fmt::format("{}{} & 255", k == b ? "" : ",", target);
      jump_hi += fmt::format("{}{} / 256", k == b ? "" : ",", target);
    }
    jump_lo += '\n';
    jump_hi += '\n';
  }
  std::string sampling_ram;
  if (sampled)
    sampling_ram = fill_template("z80/cpm/sampling_ram.asm",
                                 {{"V_STATE", num(sv)}, {"V_P7", num(sv + 4)}, {"V_SUM", num(sv + 11)},
                                  {"V_MAX", num(sv + 14)}, {"V_THR", num(sv + 16)}, {"V_MASK", num(sv + 18)},
                                  {"V_TIES", num(sv + 20)}, {"V_ALL", num(sv + 21)}, {"V_LP", num(sv + 22)},
                                  {"V_WP", num(sv + 24)}, {"V_CNT", num(sv + 26)}});
  const std::string code = fill_template(
      "z80/cpm/chat.asm",
      {{"STACK", num(stack_top)},
       {"RING", num(ring >> 8)},
       {"MAXREPLY", num(options.max_reply)},
       {"CTXPAGE", num(ctx >> 8)},
       {"CTXLEN", num(m.context_length)},
       {"CTX", num(ctx)},
       {"SYMBOLS", num(m.symbols())},
       {"OUTPUTS", num(outputs)},
       {"LOGITS", num(logits)},
       {"XPAGE", num(x >> 8)},
       {"ACCPAGE", num(acc >> 8)},
       {"JTPAGE", num(jt >> 8)},
       {"DEBUG", options.debug_logits ? "1" : "0"},
       {"HOOKS", hooks},
       {"CHOOSER", chooser},
       {"FORWARD_CALLS", forward_calls},
       {"PLANE0", num(acc + off0)},
       {"PLANE1", num(acc + 0x100 + off0)},
       {"PLANE2", num(acc + 0x200 + off0)},
       {"BASE", num(base)},
       {"ROWS0", num(rows0)},
       {"DESCRIPTORS", descriptors},
       {"PAD", num(pad)},
       {"JUMP_TABLE_LO", jump_lo},
       {"JUMP_TABLE_HI", jump_hi},
       {"BYTE_ROUTINES", routines},
       {"MODEL_DATA", data},
       {"V_RIDX", num(v_base + 1)},
       {"V_RLEN", num(v_base + 2)},
       {"V_CLEN", num(v_base + 3)},
       {"V_OCOUNT", num(v_base + 4)},
       {"V_BEST", num(v_base + 5)},
       {"V_TB2", num(v_base + 6)},
       {"V_OUTP", num(v_base + 7)},
       {"V_LLEN", num(v_base + 9)},
       {"V_POLL", num(v_base + 10)},
       {"V_OBJ", num(v_base + 11)},
       {"V_ASKED", num(v_base + 12)},
       {"V_WIN", num(v_base + 13)},
       {"V_CHN", num(v_base + 14)},
       {"SAMPLING_RAM", sampling_ram + reply_ram}});
  p.asm_text = code;
  return p;
}

std::string cpm_plan_text(const cpm_program& p) {
  std::string s = fmt::format("  .COM {} bytes at 0x0100-0x{:04X}: code {}, tables {}\n", p.com_bytes,
                              0x100 + p.com_bytes - 1, p.code_bytes, p.data_bytes);
  std::size_t used = 0;
  for (const auto& r : p.ram) {
    s += fmt::format("  0x{:04X}-0x{:04X} {:6}  {}\n", r.address, r.address + r.size - 1, r.size, r.what);
    used += r.size;
  }
  s += fmt::format("  RAM: {} bytes in buffers, 0x{:04X}-0x{:04X} reserved; highest address 0x{:04X}\n", used,
                   p.ram_start, p.ram_end - 1, p.ram_end - 1);
  return s;
}

std::string cpm_build_command(const cpm_program& p, const std::string& dir) {
  return fmt::format("z80asm -o {}/{} {}/{}", dir, p.com_name, dir, p.asm_name);
}

void set_cpm_name(cpm_program& p, const std::string& name) {
  std::string upper, lower;
  for (char c : name) {
    const char u = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    if (!((u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')))
      throw error(fmt::format("--com-name '{}': a CP/M program name is 1-8 letters and digits", name));
    upper += u;
    lower += u >= 'A' && u <= 'Z' ? static_cast<char>(u - 'A' + 'a') : u;
  }
  if (upper.empty() || upper.size() > 8)
    throw error(fmt::format("--com-name '{}': a CP/M program name is 1-8 letters and digits", name));
  p.com_name = upper + ".COM";
  p.asm_name = lower + ".asm";
}

void write_cpm_program(const cpm_program& p, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!std::filesystem::is_directory(dir)) throw error(fmt::format("cannot create the directory '{}'", dir));
  const std::string path = dir + "/" + p.asm_name;
  std::ofstream f(path, std::ios::binary);
  f << p.asm_text;
  if (!f.flush()) throw error(fmt::format("cannot write '{}'", path));
}

}  // namespace tinylm::gen
