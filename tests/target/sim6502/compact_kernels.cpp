// tinylm_compact_kernels: the 6502 kernels of the compact weight formats
// (codegen/asm/m6502/matvec_compact.s: ternary, 2-bit and int4) in sim65
// against the library's C++ dot products (tinylm/ternary.hpp,
// tinylm/matvec_int2.hpp, tinylm/int4.hpp), bit for bit, on random matrices.
//
//   tinylm_compact_kernels --work DIR [--cl65 CL65] [--sim65 SIM65] [--seed S]
//       [--mutate FROM TO --expect-mismatch] [--bench]
//
// Steps: copy the kernels (with --mutate FROM TO applied: FROM must occur),
// build them with tests/target/sim6502/compact_main.s (cl65 -t sim6502), and
// run sim65 -x CAP (a hang fails) on requests of every format: shapes from
// 1 x 1 to 128 x 256 (rows 1-7 and around 32, 64 and 128, every padding of a
// last byte), x with 0, -128 and 127 and random values, weights random with a
// random share of zeros, and every weight the format's most negative or
// most positive value.
// Each request's sums must equal 2 * the library's dot product of every row
// (the kernels' contract). With --expect-mismatch the run passes only if
// they differ (the test of the test).
//
// --bench prints markdown: cycles per weight of each kernel on the
// transformer's shapes (sim65 -c: a request run 11 times less the same run
// once, divided by 10 x rows x cols), with random weights (ternary: a third
// zeros; 2-bit and int4: the codes alike).
#include <fmt/core.h>

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "../compact_requests.hpp"
#include "../driver_util.hpp"

namespace fs = std::filesystem;
using tinylm::test::failure;
using tinylm::test::quote;
using tinylm::test::read_file;
using tinylm::test::run;
using tinylm::test::write_file;

namespace {

using namespace tinylm::test::compact;

// The oracle: 2 * the library's dot product of each row, low 24 bits (the
// kernels' contract: mv_core's doubled sums).
std::vector<std::uint32_t> expected(const request& r) {
  std::vector<std::uint32_t> out;
  for (const std::int32_t dot : dots(r)) out.push_back(static_cast<std::uint32_t>(2 * dot) & 0xFFFFFFu);
  return out;
}

// The request as compact_main.s reads it.
std::string encode(const request& r, unsigned repeat) {
  const std::size_t stride = packed_bytes(r.f, r.rows);
  const std::vector<std::uint8_t> packed = columns(r);
  if (packed.size() > 16384) throw failure("a request larger than compact_main.s's 16 KB of weights");
  std::string s;
  s += static_cast<char>(r.f);
  s += static_cast<char>(r.rows);
  s += static_cast<char>(r.cols & 0xFF);
  s += static_cast<char>(stride & 0xFF);
  s += static_cast<char>(stride >> 8);
  s += static_cast<char>(repeat);
  for (std::int8_t v : r.x) s += static_cast<char>(v);
  s.append(packed.begin(), packed.end());
  return s;
}

struct options {
  std::string work, cl65 = "cl65", sim65 = "sim65";
  std::uint32_t seed = 2026;
  std::vector<std::pair<std::string, std::string>> mutations;
  bool expect_mismatch = false, bench = false;
};

fs::path build(const options& o) {
  const fs::path work = o.work;
  const fs::path src = fs::path(TINYLM_SOURCE_DIR);
  write_file(work / "matvec_compact.s",
             tinylm::test::mutated(read_file(src / "codegen/asm/m6502/matvec_compact.s"), o.mutations,
                                   "matvec_compact.s"));
  // Both sources in the work directory: cl65 writes each object beside its
  // source, and the source tree is not the test's to write.
  write_file(work / "compact_main.s", read_file(src / "tests/target/sim6502/compact_main.s"));
  const fs::path prg = work / "compact.prg";
  tinylm::test::run_or_fail(
      fmt::format("{} -t sim6502 -C {} -o {} {} {}", quote(o.cl65),
                  quote((src / "codegen/asm/m6502/sim6502/sim6502-transformer.cfg").string()), quote(prg.string()),
                  quote((work / "compact_main.s").string()),
                  quote((work / "matvec_compact.s").string())),
      "cl65", work / "build.txt");
  return prg;
}

// Runs the requests (each `repeat` times); the output, and the cycles with count_cycles.
std::string simulate(const options& o, const fs::path& prg, const std::vector<request>& rs, unsigned repeat,
                     bool count_cycles, std::uint64_t* cycles) {
  std::string in;
  std::uint64_t weights = 0;
  for (const request& r : rs) {
    in += encode(r, repeat);
    weights += r.rows * r.cols;
  }
  in += '\0';
  const fs::path work = o.work;
  write_file(work / "in.bin", in);
  const std::uint64_t cap = 10'000'000 + 500 * weights * repeat;
  const int status = run(fmt::format("{} {}-x {} {} < {} > {} 2> {}", quote(o.sim65), count_cycles ? "-c " : "", cap,
                                     quote(prg.string()), quote((work / "in.bin").string()),
                                     quote((work / "out.bin").string()), quote((work / "err.txt").string())));
  if (status != 0)
    throw failure(status == 126 ? fmt::format("sim65 stopped the program at the cycle cap ({}): a hang", cap)
                                : fmt::format("sim65 exited with status {}", status));
  std::string out = read_file(work / "out.bin");
  if (count_cycles) {
    const std::size_t nl = out.rfind(" cycles\n");
    std::size_t at = nl;
    while (at > 0 && out[at - 1] >= '0' && out[at - 1] <= '9') --at;
    if (nl == std::string::npos || at == nl) throw failure("no cycle count after the output");
    *cycles = std::stoull(out.substr(at, nl - at));
    out.resize(at);
  }
  return out;
}

// The first disagreement, or "".
std::string disagreement(const std::vector<request>& rs, const std::string& out) {
  std::size_t at = 0;
  for (std::size_t k = 0; k < rs.size(); ++k) {
    const request& r = rs[k];
    const std::vector<std::uint32_t> want = expected(r);
    if (at + 3 * r.rows > out.size()) return fmt::format("the output ends in request {} ({})", k, r.label);
    for (std::size_t i = 0; i < r.rows; ++i) {
      const auto byte = [&](std::size_t plane) { return static_cast<std::uint32_t>(static_cast<unsigned char>(out[at + plane * r.rows + i])); };
      const std::uint32_t got = byte(0) | byte(1) << 8 | byte(2) << 16;
      if (got != want[i])
        return fmt::format("request {} ({}): row {}: 0x{:06x}, expected 0x{:06x}", k, r.label, i, got, want[i]);
    }
    at += 3 * r.rows;
  }
  if (at != out.size()) return fmt::format("{} bytes of output after the last request", out.size() - at);
  return "";
}

int bench(const options& o, const fs::path& prg) {
  std::mt19937 rng(o.seed);
  fmt::print("| kernel | rows x cols | cycles per weight |\n|---|---|---:|\n");
  for (format f : formats) {
    for (const auto& [rows, cols] : std::vector<std::pair<std::size_t, std::size_t>>{{32, 32}, {64, 32}, {32, 64}, {128, 32}}) {
      const request r = bench_request(f, rows, cols, rng);
      std::uint64_t c1 = 0, c11 = 0;
      const std::string out = simulate(o, prg, {r}, 1, true, &c1);
      if (const std::string d = disagreement({r}, out); !d.empty()) throw failure(d);
      (void)simulate(o, prg, {r}, 11, true, &c11);
      fmt::print("| {} | {} x {} | {:.1f} |\n", name_of(f), rows, cols,
                 static_cast<double>(c11 - c1) / (10.0 * static_cast<double>(rows * cols)));
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    options o;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      const auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw failure(a + " needs a value");
        return argv[++i];
      };
      if (a == "--work") o.work = value();
      else if (a == "--cl65") o.cl65 = value();
      else if (a == "--sim65") o.sim65 = value();
      else if (a == "--seed") o.seed = static_cast<std::uint32_t>(std::stoul(value()));
      else if (a == "--mutate") {
        std::string from = value();
        o.mutations.emplace_back(from, value());
      } else if (a == "--expect-mismatch") o.expect_mismatch = true;
      else if (a == "--bench") o.bench = true;
      else throw failure("unknown argument " + a);
    }
    if (o.work.empty()) throw failure("--work is required");
    fs::remove_all(o.work);
    fs::create_directories(o.work);
    const fs::path prg = build(o);
    if (o.bench) return bench(o, prg);
    const std::vector<request> rs = requests(o.seed, {1, 2, 3, 4, 5, 6, 7, 31, 32, 33, 63, 64, 65, 100, 127, 128});
    std::string problem;
    try {
      problem = disagreement(rs, simulate(o, prg, rs, 1, false, nullptr));
    } catch (const failure& e) {
      problem = e.what();
    }
    std::size_t weights = 0;
    for (const request& r : rs) weights += r.rows * r.cols;
    if (o.expect_mismatch) {
      if (problem.empty()) throw failure("the mutant was not caught: every sum agrees");
      fmt::print("as expected, the mutated kernels are caught:\n{}\n", problem);
      return 0;
    }
    if (!problem.empty()) throw failure(problem);
    fmt::print("{} matrices ({} weights) of the ternary, 2-bit and int4 kernels: every sum equals the library's\n",
               rs.size(), weights);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tinylm_compact_kernels: FAILED: %s\n", e.what());
    return 1;
  }
}
