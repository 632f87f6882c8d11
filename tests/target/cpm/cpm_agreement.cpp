// tinylm_targetz80: runs the CP/M chat program of `tinylm-gen emit --target
// cpm` (codegen/src/targets/cpm/cpm.hpp) in libz80ex and requires every reply, and
// with --debug-logits every logit of every step, to equal the C++ oracle
// tinylm::hashmlp::generate / forward (argmax) byte for byte.
//
//   tinylm_targetz80 --work DIR --z80asm Z80ASM [--pasmo PASMO]
//       (--tiny | --random SEED | --plane-edges SEED
//        | --shape 256,256,192,128,40 | --model FILE
//        | --zoo tinychat|guess)
//       [--debug-logits] [--inv-temp Q8 [--top-k K] [--sample-seed S]]
//       [--game OBJECT,OBJECT,...] [--mutate FROM TO ... --expect-mismatch]
//       [--bench N [--bench-prompts FILE]]
//       [--max-com BYTES --expect-emit-error TEXT]
//       [--stress N --stress-corpus FILE [--stress-seed S]]
//
// Steps: emit the program twice from a tinylm::hashmlp::model_view (the same
// text), assemble it with z80asm (and pasmo when given: the same bytes),
// check the .COM size against the plan, then run it as CP/M would: the .COM
// at 0x0100, RET at 0x0005 (the BDOS trap: function 1 returns the next input
// byte without echo, function 2 prints E), SP = 0xFEFE with 0x0000 pushed,
// stop at PC = 0. EOF: when the input is exhausted, BDOS 1 returns ^Z (26),
// which at the start of a line ends the program. Every memory write must fall
// in a region of the plan, and a T-state cap makes a hang fail.
//
// Prompts (~300): every byte value 0-255 alone and three times, all 256 in
// one line up and down, random text and random bytes, lines of 254-256, 300,
// 1,000 and 5,000 bytes (longer than the 256-byte ring: the last 255 count),
// then an empty line (which ends the program: a second run checks that).
// A prompt's CR (13), ^V (22) and leading ^Z (26) are sent as ^V + byte.
//
// --mutate FROM TO replaces every FROM in the emitted source with TO (FROM
// must occur); with --expect-mismatch the test passes only if the program
// then disagrees, hangs, writes outside its plan or fails to assemble.
// --stress N: instead of the prompts above, N prompts of
// tests/target/stress_prompts.hpp drawn from the corpus FILE's prompts, in
// sessions of 100 (an empty prompt ends a session early: the program must
// stop there); a session that disagrees is run again prompt by prompt. Prints
// the prompts per kind, and on a mismatch how many and the shortest failing
// prompt (bench/cross_target.sh). With --debug-logits every logit counts.
// --bench N: T-states per generated character over N prompts (markdown): 7
// short ones cycled, or the first N prompts of a `prompt | reply` file.
#include <z80ex/z80ex.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <vector>

#include <tinylm/hashmlp.hpp>
#include <tinylm/prng.hpp>
#include <tinylm/zoo/guess.hpp>
#include <tinylm/zoo/tinychat.hpp>

#include "../../support/tiny_hashmlp.hpp"
#include "../driver_util.hpp"
#include "../stress_prompts.hpp"
#include "targets/cpm/cpm.hpp"
#include "common/error.hpp"
#include "formats/hashmlp_file.hpp"
#include "families/hashmlp/trainer.hpp"

namespace fs = std::filesystem;
namespace gen = tinylm::gen;
namespace hm = tinylm::hashmlp;

namespace {

using tinylm::test::failure;
using tinylm::test::read_file;
using tinylm::test::run;

// ---- a model ------------------------------------------------------------------
using owned_model = tinylm::gen::hashmlp_tables;  // the generator's owning model

// An owning copy of a generated model type.
template <class T>
owned_model model_of() {
  owned_model m;
  m.alphabet = T::alphabet;
  m.context_length = T::context_length;
  m.sizes.assign(std::begin(T::layer_sizes), std::end(T::layer_sizes));
  m.weights.assign(std::begin(T::weights), std::end(T::weights));
  m.biases.assign(std::begin(T::biases), std::end(T::biases));
  m.shifts.assign(std::begin(T::shifts), std::end(T::shifts));
  m.default_seed = T::default_seed;
  m.replies = gen::copy_of(tinylm::reply_set_of<T>());  // the bundled chat models' reply sets
  return m;
}

// A random model that passes validate(): sizes (when `shape` is empty),
// weights with a random share of zeros, biases up to the 24-bit bound on some
// layers, shifts 0..23. The padding bits of each row are random (ignored).
owned_model random_model(std::uint32_t seed, std::vector<std::size_t> shape) {
  tinylm::xorshift32 rng(seed * 2654435761u + 12345u);
  for (int k = 0; k < 8; ++k) (void)rng.next();  // small seeds give small first draws
  owned_model m;
  if (shape.empty()) {
    shape.push_back(256);
    const std::size_t hidden = rng.below(4);
    for (std::size_t h = 0; h < hidden; ++h) shape.push_back(1 + rng.below(rng.below(4) == 0 ? 256 : 48));
    shape.push_back(2 + rng.below(rng.below(6) == 0 ? 255 : 30));
  }
  m.sizes = shape;
  const std::size_t symbols = shape.back() - 1;
  for (std::size_t i = 0; i < symbols; ++i) m.alphabet.push_back(static_cast<char>(rng.below(256)));
  m.context_length = rng.below(5) == 0 ? 0 : 1 + rng.below(rng.below(3) == 0 ? 64 : 12);
  const unsigned zero_percent = 20 + rng.below(70);
  for (std::size_t l = 0; l + 1 < shape.size(); ++l) {
    const std::size_t rows = shape[l + 1], cols = shape[l], stride = (cols + 3) / 4;
    const bool hidden = l + 2 < shape.size();
    // Shifts that keep hidden activations interesting (not all 0 or 255).
    const int shift = static_cast<int>(hidden ? 2 + rng.below(8) : rng.below(12));
    const std::int64_t half = shift > 0 ? std::int64_t{1} << (shift - 1) : 0;
    const bool huge = rng.below(4) == 0;
    const std::int64_t limit = (std::int64_t{1} << 23) - 1 - static_cast<std::int64_t>(cols) * 510 - half;
    m.shifts.push_back(static_cast<std::uint8_t>(huge ? 16 + static_cast<int>(rng.below(8)) : shift));
    const std::int64_t half2 = m.shifts.back() > 0 ? std::int64_t{1} << (m.shifts.back() - 1) : 0;
    const std::int64_t limit2 = (std::int64_t{1} << 23) - 1 - static_cast<std::int64_t>(cols) * 510 - half2;
    for (std::size_t i = 0; i < rows; ++i) {
      std::vector<std::uint8_t> row(stride, 0);
      for (std::size_t j = 0; j < stride * 4; ++j) {
        unsigned code = j >= cols ? rng.below(4) : (rng.below(100) < zero_percent ? 0u : 1 + rng.below(3));
        row[j / 4] = static_cast<std::uint8_t>(row[j / 4] | (code << (2 * (j % 4))));
      }
      m.weights.insert(m.weights.end(), row.begin(), row.end());
      std::int64_t b;
      if (huge) {
        b = static_cast<std::int64_t>(rng.next() % static_cast<std::uint32_t>(2 * limit2 + 1)) - limit2;
      } else {
        b = static_cast<std::int64_t>(rng.below(static_cast<std::uint32_t>(2 * (limit < 3000 ? limit : 3000) + 1))) -
            (limit < 3000 ? limit : 3000);
      }
      m.biases.push_back(static_cast<std::int32_t>(b));
    }
  }
  // Coverage whatever the seed: the runtime adds a weight byte (four rows,
  // row 4k + t at bits 2t) through a routine generated for its value, so
  // every code 0..3 must appear at every row position t in columns that a
  // prompt of the session turns on. Forced into layer 0's columns of
  // "how are you?" (row t, one column per code), then checked.
  std::uint8_t pb[hm::buckets]{};
  hm::prompt_features("how are you?", pb);
  std::vector<std::size_t> active;
  for (std::size_t j = 0; j < hm::buckets && j < shape[0]; ++j)  // the prompt's columns come first
    if (pb[j] != 0) active.push_back(j);
  const std::size_t rows0 = shape[1], stride0 = (shape[0] + 3) / 4;
  const auto code_at = [&](std::size_t r, std::size_t j) { return (m.weights[r * stride0 + j / 4] >> (2 * (j % 4))) & 3u; };
  const auto covered = [&](std::size_t t, unsigned c) {
    for (std::size_t r = t; r < rows0; r += 4)
      for (std::size_t j : active)
        if (code_at(r, j) == c) return true;
    return false;
  };
  for (std::size_t t = 0; t < 4 && t < rows0; ++t)
    for (unsigned c = 0; c < 4; ++c)
      if (!covered(t, c)) {
        const std::size_t j = active[c % active.size()];
        std::uint8_t& byte = m.weights[t * stride0 + j / 4];
        byte = static_cast<std::uint8_t>((byte & ~(3u << (2 * (j % 4)))) | (c << (2 * (j % 4))));
      }
  for (std::size_t t = 0; t < 4 && t < rows0; ++t)
    for (unsigned c = 0; c < 4; ++c)
      if (!covered(t, c))
        throw failure("random model: weight code " + std::to_string(c) + " is missing at row position " +
                      std::to_string(t) + " of layer 0's active columns");
  if (const char* e = hm::validate(m.view())) throw failure(std::string("random model invalid: ") + e);
  return m;
}

// A model whose accumulators start at the edges of the runtime's byte planes
// (the CP/M accumulator is 24 bits in three page-aligned planes; an add or a
// subtract carries or borrows from the low plane into the middle one and,
// only when that wraps, into the high one). No hidden layer, shift 0: the
// logits are the accumulators, saturated to int16. Row 4k + t starts at the
// bias of edge case (k + t) mod E and has one non-zero weight, that case's
// code, in one column of "how are you?" (the seed picks the column, the
// alphabet and the context length): the prompt pass then crosses every edge
// at every row position of a weight byte, and a runtime that drops or adds a
// carry or a borrow, or subtracts a -2 weight once, prints a logit that is
// off by 65,536 (saturated) or by the input, whatever the seed.
struct plane_edge {
  std::int32_t bias;
  unsigned code;  // 1 = +1, 3 = -1, 2 = -2 (matvec_int2.hpp)
};
constexpr plane_edge plane_edges[] = {
    {-1, 1},     // +x from -1: low carries, middle wraps, high carries (to >= 0)
    {65535, 1},  // +x from 0x00FFFF: the middle wraps into the high plane
    {255, 1},    // +x from 0x0000FF: a carry into the middle plane only
    {0, 3},      // -x from 0: the borrow runs through to the high plane
    {256, 3},    // -x from 0x000100: a borrow from the middle plane only
    {65536, 3},  // -x from 0x010000: the middle plane borrows from the high
    {0, 2},      // -2x from 0: two subtracts, two borrows
    {1, 2},      // -2x from 1
};
constexpr std::size_t plane_edge_count = std::size(plane_edges);

owned_model plane_edge_model(std::uint32_t seed) {
  tinylm::xorshift32 rng(seed * 2654435761u + 777u);
  for (int k = 0; k < 8; ++k) (void)rng.next();
  std::uint8_t pb[hm::buckets]{};
  hm::prompt_features("how are you?", pb);
  std::vector<std::size_t> active;
  for (std::size_t j = 0; j < hm::buckets; ++j)
    if (pb[j] != 0) active.push_back(j);
  const std::size_t column = active[rng.below(static_cast<std::uint32_t>(active.size()))];
  const std::size_t rows = 4 * plane_edge_count, cols = hm::input_size, stride = cols / 4;
  owned_model m;
  m.sizes = {cols, rows};
  for (std::size_t i = 0; i + 1 < rows; ++i) m.alphabet.push_back(static_cast<char>(rng.below(256)));
  m.context_length = rng.below(5) == 0 ? 0 : 1 + rng.below(12);
  m.shifts = {0};
  m.weights.assign(rows * stride, 0);
  for (std::size_t r = 0; r < rows; ++r) {
    const plane_edge& e = plane_edges[(r / 4 + r % 4) % plane_edge_count];
    m.weights[r * stride + column / 4] = static_cast<std::uint8_t>(e.code << (2 * (column % 4)));
    m.biases.push_back(e.bias);
  }
  if (const char* e = hm::validate(m.view())) throw failure(std::string("plane-edge model invalid: ") + e);
  // The prompt pass must reach every edge as designed (the oracle's sums).
  std::vector<std::int32_t> acc0(rows);
  std::int16_t x[hm::input_size]{};
  std::uint8_t nonzero[tinylm::int2_index_list_bytes]{};
  hm::prompt_accumulators(m.view(), pb, acc0.data(), x, nonzero);
  for (std::size_t r = 0; r < rows; ++r) {
    const plane_edge& e = plane_edges[(r / 4 + r % 4) % plane_edge_count];
    const std::int32_t want = e.bias + tinylm::int2_decode(e.code) * pb[column];
    if (acc0[r] != want || (e.bias >> 8) == (want >> 8))
      throw failure("plane-edge model: row " + std::to_string(r) + " does not cross a plane edge");
  }
  return m;
}

// ---- the CP/M machine ---------------------------------------------------------
// The console-status polls before game g's first key (some past 255: the
// program's 8-bit count wraps).
std::size_t polls(std::size_t game) { return (game * 101 + 5) % 700; }

struct machine {
  std::uint8_t mem[65536]{};
  std::vector<gen::cpm_region> writable;
  std::string input;
  std::size_t in_pos = 0;
  std::string output;
  std::uint64_t tstates = 0;
  std::string bad_write;
  // BDOS 11 (console status): game g's first key is "not ready" for
  // polls(g) calls, then ready.
  std::size_t game = 0;
  bool polling = false;
  std::size_t polls_left = 0;

  static Z80EX_BYTE mread(Z80EX_CONTEXT*, Z80EX_WORD a, int, void* u) { return static_cast<machine*>(u)->mem[a]; }
  static void mwrite(Z80EX_CONTEXT*, Z80EX_WORD a, Z80EX_BYTE v, void* u) {
    auto* m = static_cast<machine*>(u);
    bool ok = false;
    for (const auto& r : m->writable) ok = ok || (a >= r.address && a < r.address + r.size);
    if (!ok && m->bad_write.empty()) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "write of %u to 0x%04X outside the plan (PC region)", v, a);
      m->bad_write = buf;
    }
    m->mem[a] = v;
  }
  static Z80EX_BYTE pread(Z80EX_CONTEXT*, Z80EX_WORD, void*) { return 0xFF; }
  static void pwrite(Z80EX_CONTEXT*, Z80EX_WORD, Z80EX_BYTE, void*) {}
  static Z80EX_BYTE intread(Z80EX_CONTEXT*, void*) { return 0xFF; }

  // Runs the program to PC = 0; throws failure on a hang (cap), a bad write or
  // an unknown BDOS call.
  void run_program(const std::string& com, std::uint64_t cap) {
    for (auto& b : mem) b = 0;
    for (std::size_t i = 0; i < com.size(); ++i) mem[0x100 + i] = static_cast<std::uint8_t>(com[i]);
    mem[5] = 0xC9;
    Z80EX_CONTEXT* cpu = z80ex_create(mread, this, mwrite, this, pread, this, pwrite, this, intread, this);
    z80ex_set_reg(cpu, regPC, 0x100);
    z80ex_set_reg(cpu, regSP, 0xFEFC);  // 0x0000 pushed below 0xFEFE
    tstates = 0;
    game = 0;
    polling = false;
    for (;;) {
      tstates += static_cast<std::uint64_t>(z80ex_step(cpu));
      if (!bad_write.empty()) break;
      if (tstates > cap) {
        z80ex_destroy(cpu);
        throw failure("T-state cap reached (a hang?) after output of " + std::to_string(output.size()) + " bytes");
      }
      if (z80ex_last_op_type(cpu) != 0) continue;
      const Z80EX_WORD pc = z80ex_get_reg(cpu, regPC);
      if (pc == 0) break;
      if (pc == 5) {
        const unsigned fn = z80ex_get_reg(cpu, regBC) & 0xFF;
        if (fn == 1) {
          const std::uint8_t c = in_pos < input.size() ? static_cast<std::uint8_t>(input[in_pos++]) : 26;
          z80ex_set_reg(cpu, regAF, static_cast<Z80EX_WORD>((c << 8) | (z80ex_get_reg(cpu, regAF) & 0xFF)));
          z80ex_set_reg(cpu, regHL, c);
        } else if (fn == 2) {
          output.push_back(static_cast<char>(z80ex_get_reg(cpu, regDE) & 0xFF));
        } else if (fn == 11) {
          if (!polling) {
            polling = true;
            polls_left = polls(game);
          }
          std::uint8_t status = 0;
          if (polls_left > 0) {
            --polls_left;
          } else {
            status = 0xFF;
            polling = false;
            ++game;
          }
          z80ex_set_reg(cpu, regAF, static_cast<Z80EX_WORD>((status << 8) | (z80ex_get_reg(cpu, regAF) & 0xFF)));
          z80ex_set_reg(cpu, regHL, status);
        } else {
          z80ex_destroy(cpu);
          throw failure("unexpected BDOS function " + std::to_string(fn));
        }
      }
    }
    z80ex_destroy(cpu);
    if (!bad_write.empty()) throw failure(bad_write);
  }
};

std::string encode_line(const std::string& prompt) {
  std::string s;
  for (std::size_t i = 0; i < prompt.size(); ++i) {
    const auto c = static_cast<unsigned char>(prompt[i]);
    if (c == 13 || c == 22 || (c == 26 && i == 0)) s.push_back(22);
    s.push_back(prompt[i]);
  }
  return s + "\r";
}

// What the program must print for one prompt.
std::string expected_reply(const hm::model_view& v, const std::string& prompt, const gen::cpm_options& co,
                           bool logits, std::size_t* symbols = nullptr) {
  const std::size_t max_reply = co.max_reply;
  const auto reply = hm::generate<255>(v, prompt, co.seed, max_reply, co.inv_temp_q8, co.top_k);
  if (symbols != nullptr) *symbols += reply.size();
  std::string out = "> ";
  if (!logits) return out + std::string(reply.data(), reply.size()) + "\r\n";
  std::uint8_t pb[hm::buckets]{};
  hm::prompt_features(prompt, pb);
  std::string ctx;
  for (std::size_t step = 0;; ++step) {
    if (step == max_reply) break;
    std::int16_t lg[hm::max_width]{};
    hm::forward(v, pb, ctx, lg);
    for (std::size_t i = 0; i < v.output_size(); ++i) {
      const auto u = static_cast<std::uint16_t>(lg[i]);
      out.push_back(static_cast<char>(u & 0xFF));
      out.push_back(static_cast<char>(u >> 8));
    }
    if (step == reply.size()) break;
    out.push_back(reply.data()[step]);
    ctx.push_back(reply.data()[step]);
  }
  return out + "\r\n";
}

// What the program prints for a whole session of prompts (chat mode, or the
// game when `objects` is not empty), up to the "> " before the end of input.
struct session {
  std::string output;
  std::size_t symbols = 0, wins = 0, losses = 0;
};

session expected_session(const hm::model_view& v, const std::vector<std::string>& ps, const gen::cpm_options& co,
                         bool logits) {
  session s;
  const bool game = !co.objects.empty();
  std::size_t g = 0, object = 0, asked = 0;
  const auto new_game = [&] {
    s.output += gen::cpm_game_banner;
    object = (polls(g++) % 256) % co.objects.size();
    asked = 0;
  };
  if (game) new_game();
  for (const auto& p : ps) {
    const std::string prompt = game ? co.objects[object] + ": " + p : p;
    const auto reply = hm::generate<255>(v, prompt, co.seed, co.max_reply, co.inv_temp_q8, co.top_k);
    s.output += expected_reply(v, prompt, co, logits, &s.symbols);
    if (!game) continue;
    if (std::string(reply.data(), reply.size()) == co.win_reply) {
      s.output += gen::cpm_game_won;
      ++s.wins;
      new_game();
    } else if (++asked == co.max_questions) {
      s.output += std::string(gen::cpm_game_lost) + co.objects[object] + "\r\n";
      ++s.losses;
      new_game();
    }
  }
  s.output += "> ";
  return s;
}

std::vector<std::string> prompts(std::uint32_t seed) {
  std::vector<std::string> p;
  for (int b = 0; b < 256; ++b) p.emplace_back(1, static_cast<char>(b));
  for (int b = 0; b < 256; b += 5) p.emplace_back(3, static_cast<char>(b));
  std::string up, down;
  for (int b = 0; b < 256; ++b) up.push_back(static_cast<char>(b));
  for (int b = 255; b >= 0; --b) down.push_back(static_cast<char>(b));
  p.push_back(up);
  p.push_back(down);
  p.insert(p.end(), {"hi", "hello", "HELLO THERE", "yo", "how are you?", "what is your name", "Hi!"});
  tinylm::xorshift32 rng(seed + 17);
  for (std::size_t len : {254u, 255u, 256u, 300u, 1000u, 5000u}) {
    std::string s;
    for (std::size_t i = 0; i < len; ++i) s.push_back(static_cast<char>(32 + rng.below(95)));
    p.push_back(s);
  }
  for (int k = 0; k < 20; ++k) {
    std::string s;
    const std::size_t len = 1 + rng.below(40);
    for (std::size_t i = 0; i < len; ++i)
      s.push_back(static_cast<char>(rng.below(3) == 0 ? rng.below(256) : 32 + rng.below(95)));
    p.push_back(s);
  }
  return p;
}

struct options {
  fs::path work;
  std::string z80asm = "z80asm", pasmo;
  std::string model = "tiny";
  std::uint32_t seed = 1;
  std::vector<std::size_t> shape;
  bool debug_logits = false;
  std::vector<std::pair<std::string, std::string>> mutations;
  bool expect_mismatch = false;
  std::size_t bench = 0;
  std::size_t max_com = 40960;
  std::string expect_emit_error;
  std::size_t max_reply = 64;
  bool flat_output = false;  // output layer: shift 23, biases 0 (every logit 0: ties)
  std::string model_file;    // --model: a hash-MLP model file (tinylm-gen train hashmlp)
  std::string bench_prompts; // --bench-prompts: `prompt | reply` lines to time (default: 7 short ones)
  std::vector<std::string> objects;  // --game: twenty questions with these objects
  unsigned inv_temp = 0;             // --inv-temp: sampling (0: argmax)
  std::size_t top_k = 0;             // --top-k
  std::uint32_t sample_seed = 1;     // --sample-seed
  std::size_t stress = 0;            // --stress N
  std::string stress_corpus;         // --stress-corpus FILE
  std::uint32_t stress_seed = 2026;  // --stress-seed S
};

// --stress: the prompts' sessions against the oracle.
int stress(const options& o, const hm::model_view& v, const gen::cpm_options& co, machine& m, const std::string& com) {
  const auto prompts =
      tinylm::test::stress_prompts(o.stress_seed, o.stress, tinylm::test::corpus_prompts(read_file(o.stress_corpus)), 255);
  std::string first_problem;
  std::uint64_t tstates = 0;
  const auto failing = tinylm::test::disagreeing_requests(prompts.size(), 100, [&](std::size_t a, std::size_t z) {
    // One session per run of non-empty prompts: an empty prompt ends the
    // program there (a line after it must not be read), and the next
    // prompts start a new session.
    std::string problem;
    const auto session_agrees = [&](const std::vector<std::string>& ps, bool ended_by_empty_line) {
      m.input.clear();
      for (const std::string& p : ps) m.input += encode_line(p);
      if (ended_by_empty_line) m.input += encode_line("") + encode_line("hi");
      m.in_pos = 0;
      m.output.clear();
      const std::string want = expected_session(v, ps, co, o.debug_logits).output;
      try {
        m.run_program(com, 20'000'000'000ull);
        tstates += m.tstates;
      } catch (const failure& e) {
        problem = e.what();
        return false;
      }
      if (m.output == want) return true;
      std::size_t i = 0;
      while (i < m.output.size() && i < want.size() && m.output[i] == want[i]) ++i;
      problem = "output differs at byte " + std::to_string(i) + " of " + std::to_string(want.size()) + " (got " +
                std::to_string(m.output.size()) + " bytes)";
      return false;
    };
    std::vector<std::string> ps;
    bool all = true;
    for (std::size_t i = a; i < z && all; ++i) {
      if (!prompts[i].text.empty()) {
        ps.push_back(prompts[i].text);
        continue;
      }
      all = session_agrees(ps, true);
      ps.clear();
    }
    if (all && (!ps.empty() || a == z)) all = session_agrees(ps, false);
    if (!problem.empty() && z == a + 1 && first_problem.empty()) first_problem = problem;
    return problem.empty();
  });
  const std::string per_kind = tinylm::test::kinds_summary(prompts);
  std::printf("stress: %zu prompts (seed %u: %s)%s, %llu T-states: %zu mismatches\n", prompts.size(),
              static_cast<unsigned>(o.stress_seed), per_kind.c_str(), o.debug_logits ? ", every logit compared" : "",
              static_cast<unsigned long long>(tstates), failing.size());
  if (failing.empty()) return 0;
  throw failure(tinylm::test::stress_failure_report(prompts, failing, "the oracle", first_problem,
                                                    tinylm::test::shown));
}

std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'n') {
      out.push_back('\n');
      ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

int main_checked(const options& o) {
  owned_model model = o.model == "file"       ? gen::read_hashmlp_file(o.model_file)
                      : o.model == "tiny"     ? model_of<tinylm_test::tiny_hashmlp>()
                      : o.model == "tinychat" ? model_of<tinylm::zoo::tinychat>()
                      : o.model == "guess"    ? model_of<tinylm::zoo::guess>()
                      : o.model == "planes"   ? plane_edge_model(o.seed)
                                              : random_model(o.seed, o.shape);
  if (o.flat_output) {
    model.shifts.back() = 23;
    const std::size_t outputs = model.sizes.back();
    for (std::size_t i = model.biases.size() - outputs; i < model.biases.size(); ++i) model.biases[i] = 0;
  }
  const hm::model_view v = model.view();
  gen::cpm_options co;
  co.debug_logits = o.debug_logits;
  co.max_com_bytes = o.max_com;
  co.max_reply = o.max_reply;
  co.objects = o.objects;
  co.inv_temp_q8 = static_cast<std::uint16_t>(o.inv_temp);
  co.top_k = o.top_k;
  co.seed = o.sample_seed;
  if (!o.expect_emit_error.empty()) {
    try {
      (void)gen::emit_cpm(v, co);
    } catch (const gen::error& e) {
      if (std::string(e.what()).find(o.expect_emit_error) == std::string::npos)
        throw failure(std::string("emit failed with another message: ") + e.what());
      std::printf("emit refused the model as expected: %s\n", e.what());
      return 0;
    }
    throw failure("emit accepted a model it should refuse");
  }
  gen::cpm_program prog = gen::emit_cpm(v, co);
  if (gen::emit_cpm(v, co).asm_text != prog.asm_text) throw failure("two emits differ");
  for (const auto& [from, to] : o.mutations) {
    if (prog.asm_text.find(from) == std::string::npos) throw failure("mutation source not found: " + from);
    std::string t;
    for (std::size_t p = 0;;) {
      const std::size_t q = prog.asm_text.find(from, p);
      if (q == std::string::npos) {
        t += prog.asm_text.substr(p);
        break;
      }
      t += prog.asm_text.substr(p, q - p) + to;
      p = q + from.size();
    }
    prog.asm_text = t;
  }
  fs::create_directories(o.work);
  gen::write_cpm_program(prog, o.work.string());
  const fs::path com = o.work / prog.com_name;
  fs::remove(com);
  if (run(o.z80asm + " -o " + com.string() + " " + (o.work / prog.asm_name).string()) != 0 || !fs::exists(com))
    throw failure("z80asm failed");
  const std::string bytes = read_file(com);
  if (!o.pasmo.empty()) {
    const fs::path com2 = o.work / "PASMO.COM";
    if (run(o.pasmo + " " + (o.work / prog.asm_name).string() + " " + com2.string() + " >/dev/null") != 0)
      throw failure("pasmo failed");
    if (read_file(com2) != bytes) throw failure("pasmo and z80asm assemble different bytes");
  }
  if (o.mutations.empty() && bytes.size() != prog.com_bytes)
    throw failure("the .COM has " + std::to_string(bytes.size()) + " bytes, the plan says " +
                  std::to_string(prog.com_bytes));
  std::printf("model: %zu layers, %zu symbols, context %zu; .COM %zu bytes (code %zu, tables %zu), RAM 0x%04X-0x%04X\n",
              v.layer_count, v.symbols(), v.context_length, bytes.size(), prog.code_bytes, prog.data_bytes,
              prog.ram_start, prog.ram_end - 1);

  machine m;
  m.writable = prog.ram;
  if (o.stress > 0) return stress(o, v, co, m, bytes);
  if (o.bench > 0) {
    // Per prompt: a run with max_reply generation vs the same line's cost is
    // dominated by the forward passes; T-states / generated symbol.
    std::vector<std::string> ps;
    if (o.bench_prompts.empty()) {
      const auto all = prompts(o.seed);
      for (std::size_t k = 0; k < o.bench; ++k) ps.push_back(all[256 + 52 + 2 + k % 7]);
    } else {
      for (const auto& pair : gen::read_chat_corpus(o.bench_prompts, "bench prompts"))
        if (ps.size() < o.bench) ps.push_back(pair.prompt);
    }
    std::uint64_t total = 0;
    std::size_t symbols = 0;
    for (const std::string& p : ps) {
      m.input = encode_line(p);
      m.in_pos = 0;
      m.output.clear();
      m.run_program(bytes, 400'000'000'000ull);
      std::size_t n = 0;
      const std::string want = expected_reply(v, p, co, false, &n) + "> ";
      if (m.output != want) throw failure("bench: reply differs for '" + p + "'");
      total += m.tstates;
      symbols += n + 1;  // the END step is a forward pass too
    }
    const double per = static_cast<double>(total) / static_cast<double>(symbols);
    std::printf("| shape | .COM bytes | forward passes | T-states | T-states per character | s per character at 4 MHz |\n");
    std::printf("|---|---|---|---|---|---|\n| ");
    for (std::size_t l = 0; l <= v.layer_count; ++l) std::printf("%s%zu", l ? "-" : "", v.sizes[l]);
    std::printf(" | %zu | %zu | %llu | %.0f | %.3f |\n", bytes.size(), symbols, static_cast<unsigned long long>(total),
                per, per / 4e6);
    return 0;
  }

  bool mismatch = false;
  std::string why;
  try {
    auto ps = prompts(o.seed);
    if (!co.objects.empty()) {
      // Name every object twice, between questions: some games are won;
      // then questions until one is lost (max_questions without a win).
      for (int round = 0; round < 2; ++round)
        for (const auto& name : co.objects) {
          ps.push_back("is it alive");
          ps.push_back("is it a " + name);
        }
      for (std::size_t k = 0; k < co.max_questions; ++k) ps.push_back("is it bigger than a house");
    }
    const session want = expected_session(v, ps, co, o.debug_logits);
    if (!co.objects.empty() && (want.wins == 0 || want.losses == 0))
      throw failure("the game session has " + std::to_string(want.wins) + " wins and " +
                    std::to_string(want.losses) + " losses: it must exercise both");
    m.input.clear();
    for (const auto& p : ps) m.input += encode_line(p);
    m.run_program(bytes, 60'000'000'000ull);
    if (m.output != want.output) {
      std::size_t i = 0;
      while (i < m.output.size() && i < want.output.size() && m.output[i] == want.output[i]) ++i;
      throw failure("output differs at byte " + std::to_string(i) + " of " + std::to_string(want.output.size()) +
                    " (got " + std::to_string(m.output.size()) + " bytes)");
    }
    std::printf("%zu prompts, %zu symbols, %llu T-states: identical to the oracle%s", ps.size(), want.symbols,
                static_cast<unsigned long long>(m.tstates), o.debug_logits ? " (logits included)" : "");
    if (!co.objects.empty()) std::printf("; %zu games won, %zu lost", want.wins, want.losses);
    std::printf("\n");
    // An empty line ends the program; the lines after it are not read.
    m.input = encode_line("hi") + "\r" + encode_line("yo");
    m.in_pos = 0;
    m.output.clear();
    m.run_program(bytes, 20'000'000'000ull);
    if (m.output != expected_session(v, {"hi"}, co, o.debug_logits).output)
      throw failure("the empty line did not end the program as planned");
    std::printf("an empty line ends the program\n");
  } catch (const failure& e) {
    mismatch = true;
    why = e.what();
  }
  if (o.expect_mismatch) {
    if (!mismatch) throw failure("the mutant was not caught");
    std::printf("the mutant was caught: %s\n", why.c_str());
    return 0;
  }
  if (mismatch) throw failure(why);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      const auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw failure("missing value after " + a);
        return argv[++i];
      };
      if (a == "--work") o.work = next();
      else if (a == "--z80asm") o.z80asm = next();
      else if (a == "--pasmo") o.pasmo = next();
      else if (a == "--tiny") o.model = "tiny";
      else if (a == "--zoo") {
        o.model = next();
        if (o.model != "tinychat" && o.model != "guess") throw failure("--zoo takes tinychat or guess");
      }
      else if (a == "--model") {
        o.model = "file";
        o.model_file = next();
      } else if (a == "--bench-prompts") o.bench_prompts = next();
      else if (a == "--inv-temp") o.inv_temp = static_cast<unsigned>(std::stoul(next()));
      else if (a == "--top-k") o.top_k = std::stoul(next());
      else if (a == "--sample-seed") o.sample_seed = static_cast<std::uint32_t>(std::stoul(next()));
      else if (a == "--game") {
        std::stringstream ss(next());
        std::string part;
        while (std::getline(ss, part, ',')) o.objects.push_back(part);
      }
      else if (a == "--random") {
        o.model = "random";
        o.seed = static_cast<std::uint32_t>(std::stoul(next()));
      } else if (a == "--plane-edges") {
        o.model = "planes";
        o.seed = static_cast<std::uint32_t>(std::stoul(next()));
      } else if (a == "--shape") {
        o.model = "random";
        std::stringstream ss(next());
        std::string part;
        while (std::getline(ss, part, ',')) o.shape.push_back(std::stoul(part));
      } else if (a == "--debug-logits") o.debug_logits = true;
      else if (a == "--flat-output") o.flat_output = true;
      else if (a == "--mutate") {
        std::string from = unescape(next());
        o.mutations.emplace_back(from, unescape(next()));
      } else if (a == "--expect-mismatch") o.expect_mismatch = true;
      else if (a == "--bench") o.bench = std::stoul(next());
      else if (a == "--max-com") o.max_com = std::stoul(next());
      else if (a == "--max-reply") o.max_reply = std::stoul(next());
      else if (a == "--expect-emit-error") o.expect_emit_error = next();
      else if (a == "--stress") o.stress = std::stoul(next());
      else if (a == "--stress-corpus") o.stress_corpus = next();
      else if (a == "--stress-seed") o.stress_seed = static_cast<std::uint32_t>(std::stoul(next()));
      else throw failure("unknown argument " + a);
    }
    if (o.work.empty()) throw failure("--work is required");
    if (o.stress > 0 && o.stress_corpus.empty()) throw failure("--stress needs --stress-corpus FILE");
    return main_checked(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tinylm_targetz80: FAILED: %s\n", e.what());
    return 1;
  }
}
