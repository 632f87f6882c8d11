// tinylm_target6502_transformer: runs the 6502 program of `tinylm-gen emit
// --target sim6502` for a transformer model in sim65 and requires its logits,
// chosen tokens and reply bytes to equal the C++ oracle (tinylm::transformer:
// step_validated, argmax, generate) bit for bit.
//
//   tinylm_target6502_transformer --gen GEN --cl65 CL65 --sim65 SIM65
//       --work DIR --model FILE [--prompts FILE ...] [--max-prompts N] [--max-length N]
//       [--mutate FROM TO ... --expect-mismatch] [--bench]
//       [--stress N [--stress-seed S]]
//
// Steps: emit the program twice (the files must be identical), build it with
// the command the generator printed, run sim65 -x CAP (a hang fails) on:
//   * raw forward passes ($02 requests): every token id at position 0, and
//     random token sequences of every length 1 .. T; the logits after the
//     last token must equal step_validated's;
//   * replies ($01 requests; a third greedy, the others sampled with
//     sample_top_k at several seeds, temperatures and k): every byte value 0-255 alone as the
//     prompt, all 256 ascending and descending, the empty prompt, prompts of
//     254, 255, 256, 1,000 and 5,000 bytes, and the prompt part of every line
//     of the --prompts files (`prompt | REPLY` or plain lines), up to
//     --max-prompts; max lengths 0, 1, 3 and --max-length (255). Every choice's logits, every
//     token and every reply byte must equal the oracle, and the reply must
//     equal tinylm::transformer::generate.
// --mutate FROM TO replaces FROM (which must occur) in the emitted
// transformer_tables.s or transformer_runtime.s, and --flip-byte LABEL flips
// bit 0 of the first data byte after LABEL: (a weight); with --expect-mismatch the
// run passes only if the program then disagrees (or hangs, or fails): the
// comparison can fail.
// --stress N: instead of the requests above, N prompts of
// tests/target/stress_prompts.hpp drawn from the --prompts files, sampled
// as above, max length --max-length, every choice's logits compared; prints
// the prompts per kind, and on a mismatch how many and the shortest failing
// prompt (bench/cross_target.sh).
// --bench: cycles of one token at positions 0 .. T-1 (sim65 -c of $02
// requests of length n minus length n-1), printed as markdown
// (bench/cycles_c64.sh).
#include <fmt/core.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

#include <tinylm/transformer.hpp>

#include "common/error.hpp"
#include "target/driver_util.hpp"
#include "target/stress_prompts.hpp"
#include "formats/transformer_file.hpp"

namespace fs = std::filesystem;
namespace gen = tinylm::gen;
namespace tf = tinylm::transformer;

namespace {

using tinylm::test::failure;
using tinylm::test::quote;
using tinylm::test::read_file;
using tinylm::test::run;
using tinylm::test::run_or_fail;
using tinylm::test::shown;
using tinylm::test::write_file;

struct options {
  std::string gen, cl65 = "cl65", sim65 = "sim65", work, model;
  std::vector<std::string> prompt_files;
  std::size_t max_prompts = 100000;
  std::uint16_t max_length = 255;  // of most replies (some get 0, 1 and 3)
  std::vector<std::pair<std::string, std::string>> mutations;
  std::vector<std::string> flip_labels;  // --flip-byte: the first data byte after LABEL: gets bit 0 flipped
  bool expect_mismatch = false, bench = false;
  std::size_t stress = 0;          // --stress N
  std::uint32_t stress_seed = 2026;  // --stress-seed S
  // --embedding-fracs TOK POS: the model's embedding fractions replaced
  // (frac_tok, frac_pos; -8..23), written beside the work directory and
  // run instead: the embeddings' requantize shifts (frac - 8) that trained
  // models rarely reach, a right shift of 1 or more (its rounding carry).
  std::optional<std::pair<int, int>> embedding_fracs;
};

// One request to the program and what the oracle says it must print.
struct request {
  std::string label;
  std::string input;     // the request's bytes
  std::string expected;  // the output the oracle predicts
  std::size_t steps = 0; // forward passes it takes (for the cycle cap)
};

std::string logits_record(const tf::buffers& b, std::size_t V) {
  std::string out(1, 'L');
  for (std::size_t v = 0; v < V; ++v) out.push_back(static_cast<char>(static_cast<std::uint16_t>(b.logits[v]) & 0xFF));
  for (std::size_t v = 0; v < V; ++v) out.push_back(static_cast<char>(static_cast<std::uint16_t>(b.logits[v]) >> 8));
  return out;
}

request steps_request(const tf::model_view& m, const tf::buffers& b, const std::vector<std::uint8_t>& tokens,
                      std::string label) {
  request r{std::move(label), "\x02", ""};
  r.input.push_back(static_cast<char>(tokens.size()));
  for (std::uint8_t t : tokens) r.input.push_back(static_cast<char>(t));
  for (std::size_t p = 0; p < tokens.size(); ++p) tf::step_validated(m, b, tokens[p], p);
  r.expected = logits_record(b, m.vocab);
  r.steps = tokens.size();
  return r;
}

// The oracle of a $01 request: generate's loop, written out to know every
// choice's logits and token; checked against generate itself.
struct sampling {
  std::uint32_t seed = 1;
  std::uint16_t inv_temp = 0;  // 0: argmax
  std::uint8_t top_k = 0;
};

request reply_request(const tf::model_view& m, const tf::buffers& b, const std::string& prompt,
                      std::uint16_t max_length, bool logits, const sampling& how, std::string label) {
  request r{std::move(label), "\x01", ""};
  r.input.push_back(static_cast<char>(logits ? 1 : 0));
  r.input.push_back(static_cast<char>(max_length & 0xFF));
  r.input.push_back(static_cast<char>(max_length >> 8));
  r.input.push_back(static_cast<char>(prompt.size() & 0xFF));
  r.input.push_back(static_cast<char>(prompt.size() >> 8));
  for (int i = 0; i < 4; ++i) r.input.push_back(static_cast<char>((how.seed >> (8 * i)) & 0xFF));
  r.input.push_back(static_cast<char>(how.inv_temp & 0xFF));
  r.input.push_back(static_cast<char>(how.inv_temp >> 8));
  r.input.push_back(static_cast<char>(how.top_k));
  r.input += prompt;

  std::uint8_t start[tf::max_context] = {};
  const std::size_t n = tf::start_tokens(m, prompt, start);
  for (std::size_t p = 0; p < n; ++p) tf::step_validated(m, b, start[p], p);
  r.steps = n;
  std::string reply;
  tinylm::xorshift32 rng(tinylm::mix_seed(how.seed));
  tinylm::reply_cursor cursor = tinylm::reply_start(m.replies, m.context - n + 1);
  for (std::size_t p = n; reply.size() < max_length;) {
    if (logits) r.expected += logits_record(b, m.vocab);
    const std::size_t k = tinylm::choose_symbol(b.logits, m.vocab, m.replies, cursor, how.inv_temp, how.top_k, rng);
    cursor = tinylm::reply_advance(m.replies, cursor, static_cast<std::uint8_t>(k));
    r.expected.push_back('T');
    r.expected.push_back(static_cast<char>(k));
    if (k == tinylm::bpe::end_token || k == tinylm::bpe::sep_token) break;
    tinylm::fixed_string<256> bytes;
    tinylm::bpe::append_token(m.tokenizer, static_cast<std::uint8_t>(k), bytes);
    std::string written;
    for (char c : bytes)
      if (reply.size() < max_length) reply.push_back(c), written.push_back(c);
    r.expected.push_back('B');
    r.expected.push_back(static_cast<char>(written.size()));
    r.expected += written;
    if (p == m.context) break;
    tf::step_validated(m, b, static_cast<std::uint8_t>(k), p++);
    ++r.steps;
  }
  r.expected.push_back('E');
  const auto lib = tf::generate<4096>(m, b, prompt, how.seed, max_length, how.inv_temp, how.top_k);
  if (lib.view() != reply) throw failure("internal error: the oracle's loop differs from generate()");
  // A model with a reply set answers with one of its replies (unless
  // max_length cut the bytes): the emulator's reply is compared with this one.
  if (!m.replies.empty() && reply.size() < max_length) {
    bool found = false;
    for (std::size_t i = 0; i < m.replies.count && !found; ++i) {
      tinylm::fixed_string<4096> text;
      for (std::size_t j = 0; j + 1 < m.replies.length(i); ++j)
        tinylm::bpe::append_token(m.tokenizer, m.replies.at(i, j), text);
      found = text.view() == reply;
    }
    if (!found) throw failure("the reply '" + reply + "' to '" + prompt + "' is not in the model's reply set");
  }
  return r;
}

std::vector<std::string> prompts_of(const std::string& path) {
  std::vector<std::string> out;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const auto bar = line.find(" | ");
    out.push_back(bar == std::string::npos ? line : line.substr(0, bar));
  }
  return out;
}

// Emits the program into dir; returns the build command the generator printed.
std::string emit(const options& o, const fs::path& dir) {
  const fs::path log = dir.string() + ".log";
  run_or_fail(quote(o.gen) + " emit --target sim6502 --model " + quote(o.model) + " -o " + quote(dir.string()),
              "tinylm-gen emit", log);
  const std::string out = read_file(log);
  const auto at = out.find("Build with:\n");
  if (at == std::string::npos) throw failure("tinylm-gen emit printed no build command:\n" + out);
  std::string command = out.substr(at + 12);
  command = command.substr(0, command.find('\n'));
  return command;
}

// Runs requests [r, r + n) in one sim65 process; the first disagreement with
// the oracle, described, or "".
std::string disagreement(const options& o, const tf::model_view& m, const std::string& prg, const request* r,
                         std::size_t n) {
  const fs::path work = o.work;
  std::string input, expected;
  std::size_t steps = 0;
  for (std::size_t i = 0; i < n; ++i) input += r[i].input, expected += r[i].expected, steps += r[i].steps + 1;
  // The cycle cap: far above any forward pass (a hang is stopped, not waited for).
  const std::size_t cap = steps * (4000000 + 100000 * m.context);
  input.push_back('\x00');
  write_file(work / "requests.bin", input);
  const std::string sim = quote(o.sim65) + " -x " + std::to_string(cap) + " " + quote(prg) + " < " +
                          quote((work / "requests.bin").string()) + " > " + quote((work / "replies.bin").string());
  const int status = run(sim);
  const std::string got = read_file(work / "replies.bin");
  if (status != 0) return fmt::format("sim65 exited with status {} (126: the cycle cap, a hang)", status);
  std::size_t at = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (got.compare(at, r[i].expected.size(), r[i].expected) != 0) {
      std::size_t k = 0;
      while (at + k < got.size() && k < r[i].expected.size() && got[at + k] == r[i].expected[k]) ++k;
      return fmt::format("{}: the output differs from the oracle at byte {} of its output\n  expected: {}\n  got:      {}",
                         r[i].label, k, shown(r[i].expected.substr(k)), shown(got.substr(at + k)));
    }
    at += r[i].expected.size();
  }
  if (at != got.size()) return fmt::format("{} bytes of output after the last request", got.size() - at);
  return "";
}

// The sampling of the i-th reply: every third greedy; the others sampled at
// temperature 1 (all candidates) or 1.28 among the 5 best, with seeds 0,
// 2^32 - 1 and others.
sampling sampling_of(std::size_t i) {
  sampling how;
  if (i % 3 != 0) {
    how.seed = i % 7 == 1 ? 0u : i % 7 == 2 ? 0xFFFFFFFFu : static_cast<std::uint32_t>(i * 2654435761u + 7u);
    how.inv_temp = i % 3 == 1 ? 256 : 200;
    how.top_k = i % 3 == 1 ? 0 : 5;
  }
  return how;
}

// --stress N: N prompts of stress_prompts.hpp (the --prompts files' prompts),
// every reply with every choice's logits, checked in chunks of 200.
int stress(const options& o, const tf::model_view& m, const tf::buffers& b, const std::string& prg) {
  std::vector<std::string> corpus;
  for (const std::string& f : o.prompt_files)
    for (const std::string& p : prompts_of(f)) corpus.push_back(p);
  const auto prompts = tinylm::test::stress_prompts(o.stress_seed, o.stress, corpus, 255);
  std::vector<request> requests;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    requests.push_back(reply_request(m, b, prompts[i].text, o.max_length, true, sampling_of(i), prompts[i].kind));
  }
  std::string first_problem;
  const auto failing = tinylm::test::disagreeing_requests(requests.size(), 200, [&](std::size_t a, std::size_t z) {
    const std::string d = disagreement(o, m, prg, requests.data() + a, z - a);
    if (!d.empty() && z == a + 1 && first_problem.empty()) first_problem = d;
    return d.empty();
  });
  const std::string per_kind = tinylm::test::kinds_summary(prompts);
  fmt::print("stress: {} prompts (seed {}: {}), every choice's logits compared: {} mismatches\n", prompts.size(),
             o.stress_seed, per_kind, failing.size());
  if (failing.empty()) return 0;
  throw failure(tinylm::test::stress_failure_report(prompts, failing, "the oracle", first_problem, shown));
}

int run_checks(options o) {
  if (o.embedding_fracs) {
    gen::transformer_tables changed = gen::read_transformer_file(o.model);
    changed.fracs.at(tf::frac_tok) = static_cast<std::int8_t>(o.embedding_fracs->first);
    changed.fracs.at(tf::frac_pos) = static_cast<std::int8_t>(o.embedding_fracs->second);
    if (const char* e = tf::validate_shape(changed.view()))
      throw failure(fmt::format("--embedding-fracs {} {}: {}", o.embedding_fracs->first, o.embedding_fracs->second, e));
    o.model = fs::path(o.work).concat(".model.safetensors").string();
    gen::write_transformer_file(o.model, changed);
  }
  const gen::transformer_tables model = gen::read_transformer_file(o.model);
  const tf::model_view m = model.view();
  gen::transformer_workspace ws(m);
  const tf::buffers b = ws.refs();

  const fs::path work = o.work;
  fs::remove_all(work);
  fs::create_directories(work);
  const std::string command = emit(o, work / "a");
  emit(o, work / "b");
  for (const auto& e : fs::directory_iterator(work / "a"))
    if (read_file(e.path()) != read_file(work / "b" / e.path().filename()))
      throw failure(fmt::format("two emits of the same model differ in {}", e.path().filename().string()));
  for (const auto& [from, to] : o.mutations) {
    bool found = false;
    for (const char* name : {"transformer_tables.s", "transformer_runtime.s"}) {
      const fs::path p = work / "a" / name;
      std::string text = read_file(p);
      for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
        found = true;
      }
      write_file(p, text);
    }
    if (!found) throw failure(fmt::format("--mutate: '{}' does not occur in the emitted program", from));
  }
  for (const std::string& label : o.flip_labels) {
    const fs::path p = work / "a" / "transformer_tables.s";
    std::string text = read_file(p);
    const auto at = text.find("\n" + label + ":");
    const auto byte = at == std::string::npos ? at : text.find(".byte $", at);
    if (byte == std::string::npos) throw failure(fmt::format("--flip-byte: no data after '{}:'", label));
    const std::size_t hex = byte + 7;
    const auto v = static_cast<unsigned>(std::stoul(text.substr(hex, 2), nullptr, 16)) ^ 1u;
    text.replace(hex, 2, fmt::format("{:02X}", v));
    write_file(p, text);
  }
  // The build command names the files of dir a by their paths.
  run_or_fail(command, "the build (cl65)", work / "build.log");
  std::string prg = command.substr(command.find(" -o ") + 4);
  prg = prg.substr(0, prg.find(' '));

  if (o.bench) {
    // cycles(n) - cycles(n - 1): the token at position n - 1.
    std::vector<std::uint64_t> cycles;
    for (std::size_t n = 0; n <= m.context; ++n) {
      std::string in;
      if (n > 0) {
        in.push_back('\x02');
        in.push_back(static_cast<char>(n));
        for (std::size_t p = 0; p < n; ++p) in.push_back(static_cast<char>(p == 0 ? 0 : 2 + (p * 7) % (m.vocab - 2)));
      }
      in.push_back('\x00');
      write_file(work / "bench.in", in);
      const std::string sim = quote(o.sim65) + " -c " + quote(prg) + " < " + quote((work / "bench.in").string()) +
                              " > " + quote((work / "bench.out").string());
      if (run(sim) != 0) throw failure("sim65 failed: " + sim);
      const std::string out = read_file(work / "bench.out");
      const auto end = out.rfind(" cycles");  // sim65 -c's last line, after the logits
      if (end == std::string::npos) throw failure("sim65 -c printed no cycle count");
      auto begin = end;
      while (begin > 0 && out[begin - 1] >= '0' && out[begin - 1] <= '9') --begin;
      cycles.push_back(std::stoull(out.substr(begin, end - begin)));
    }
    fmt::print("| position | cycles | seconds at 985,248 Hz (PAL) | at 1,022,727 Hz (NTSC) |\n|---|---|---|---|\n");
    for (std::size_t p = 0; p < m.context; ++p) {
      const double c = static_cast<double>(cycles[p + 1] - cycles[p]);
      fmt::print("| {} | {} | {:.3f} | {:.3f} |\n", p, cycles[p + 1] - cycles[p], c / 985248.0, c / 1022727.0);
    }
    return 0;
  }

  if (o.stress > 0) return stress(o, m, b, prg);
  std::vector<request> requests;
  std::mt19937 rng(12345);
  for (std::size_t t = 0; t < m.vocab; ++t)
    requests.push_back(steps_request(m, b, {static_cast<std::uint8_t>(t)}, fmt::format("token {} at position 0", t)));
  for (std::size_t n = 1; n <= m.context; ++n) {
    std::vector<std::uint8_t> tokens(n);
    for (auto& t : tokens) t = static_cast<std::uint8_t>(rng() % m.vocab);
    requests.push_back(steps_request(m, b, tokens, fmt::format("{} random tokens", n)));
  }
  std::vector<std::pair<std::string, std::string>> prompts;
  for (int c = 0; c < 256; ++c) prompts.push_back({fmt::format("byte {}", c), std::string(1, static_cast<char>(c))});
  std::string up, down;
  for (int c = 0; c < 256; ++c) {
    up.push_back(static_cast<char>(c));
    down.push_back(static_cast<char>(255 - c));
  }
  prompts.push_back({"all bytes ascending", up});
  prompts.push_back({"all bytes descending", down});
  prompts.push_back({"the empty prompt", ""});
  for (std::size_t n : {std::size_t{254}, std::size_t{255}, std::size_t{256}, std::size_t{1000}, std::size_t{5000}}) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += "hello there, how are you? "[i % 26];
    prompts.push_back({fmt::format("a prompt of {} bytes", n), s});
  }
  std::size_t from_files = 0;
  for (const std::string& f : o.prompt_files)
    for (const std::string& p : prompts_of(f))
      if (from_files++ < o.max_prompts) prompts.push_back({fmt::format("{}: '{}'", fs::path(f).filename().string(), p), p});
  std::size_t i = 0;
  for (const auto& [label, prompt] : prompts) {
    const std::uint16_t max_length = i % 17 == 5 ? 0 : i % 17 == 9 ? 1 : i % 17 == 13 ? 3 : o.max_length;
    const sampling how = sampling_of(i);
    // Logits with every fourth reply and with the long prompts (their
    // encoding uses the merges: with a reply set the chosen tokens alone can
    // hide a wrong encoding).
    const bool logits = i % 4 == 0 || prompt.size() > 200;
    requests.push_back(reply_request(m, b, prompt, max_length, logits, how, label));
    ++i;
  }

  std::string problem = disagreement(o, m, prg, requests.data(), requests.size());
  if (o.expect_mismatch) {
    if (problem.empty()) throw failure("the mutated program agreed with the oracle on every request: the test cannot fail");
    fmt::print("the mutated program was caught: {}\n", problem.substr(0, problem.find('\n')));
    return 0;
  }
  if (!problem.empty()) throw failure(problem);
  fmt::print("{} requests ({} raw forward passes, {} replies): the 6502 program and the C++ oracle agree bit for bit\n",
             requests.size(), requests.size() - prompts.size(), prompts.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      const auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw failure(a + " needs a value");
        return argv[++i];
      };
      if (a == "--gen") o.gen = value();
      else if (a == "--cl65") o.cl65 = value();
      else if (a == "--sim65") o.sim65 = value();
      else if (a == "--work") o.work = value();
      else if (a == "--model") o.model = value();
      else if (a == "--prompts") o.prompt_files.push_back(value());
      else if (a == "--max-prompts") o.max_prompts = std::stoul(value());
      else if (a == "--max-length") o.max_length = static_cast<std::uint16_t>(std::stoul(value()));
      else if (a == "--mutate") {
        std::string from = value(), to = value();
        for (std::string* s : {&from, &to}) {  // "\\n" stands for a newline
          std::string t;
          for (std::size_t k = 0; k < s->size(); ++k) {
            if ((*s)[k] == '\\' && k + 1 < s->size() && (*s)[k + 1] == 'n') {
              t.push_back('\n');
              ++k;
            } else {
              t.push_back((*s)[k]);
            }
          }
          *s = t;
        }
        o.mutations.emplace_back(from, to);
      } else if (a == "--flip-byte") o.flip_labels.push_back(value());
      else if (a == "--expect-mismatch") o.expect_mismatch = true;
      else if (a == "--bench") o.bench = true;
      else if (a == "--stress") o.stress = std::stoul(value());
      else if (a == "--stress-seed") o.stress_seed = static_cast<std::uint32_t>(std::stoul(value()));
      else if (a == "--embedding-fracs") {
        const int tok = std::stoi(value());
        o.embedding_fracs = std::pair{tok, std::stoi(value())};
      } else throw failure("unknown option " + a);
    }
    if (o.gen.empty() || o.work.empty() || o.model.empty()) throw failure("--gen, --work and --model are required");
    return run_checks(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tinylm_target6502_transformer: %s\n", e.what());
    return 1;
  }
}
