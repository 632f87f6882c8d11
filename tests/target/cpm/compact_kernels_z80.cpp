// tinylm_compact_kernels_z80: the Z80 kernels of the compact weight formats
// (codegen/asm/z80/matvec_compact.asm: ternary, 2-bit and int4) in libz80ex
// against the library's C++ dot products (tinylm/ternary.hpp,
// tinylm/matvec_int2.hpp, tinylm/int4.hpp), bit for bit, on random matrices
// (tests/target/compact_requests.hpp, the same as the 6502 kernels', with
// rows up to 256).
//
//   tinylm_compact_kernels_z80 --work DIR [--z80asm Z80ASM] [--pasmo PASMO]
//       [--seed S] [--mutate FROM TO --expect-mismatch] [--bench]
//
// Steps: copy the kernels (with --mutate FROM TO applied: FROM must occur)
// and tests/target/cpm/compact_main_z80.asm to DIR, assemble them with
// z80asm (and pasmo when given: the same bytes), load the program at $0100
// and run its table setup once; then for each request write x, the weights
// and random start values of the sums into memory and run one kernel call
// to HALT (a T-state cap: a hang fails). Each row's sum must equal its
// start plus the library's dot product, mod 2^24 (the kernels' contract);
// the padding row of an odd int4 matrix is slack, and every other byte
// from the weights up to the stack (the sums' other rows, x, the weights,
// the tables) must be as the request left it.
// With --expect-mismatch the run passes only if some sum differs (the test
// of the test).
//
// --bench prints markdown: T-states per weight of each kernel (one call,
// counted by libz80ex from the call to HALT, divided by rows x cols) on
// the shapes of the 6502 figures and the hash-MLP's (256 inputs), with
// random weights (ternary: a third zeros; 2-bit and int4: the codes alike)
// and no zero x.
#include <fmt/core.h>
#include <z80ex/z80ex.h>

#include <array>
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
using namespace tinylm::test::compact;

namespace {

// The harness's addresses (compact_main_z80.asm).
constexpr std::uint16_t entry_init = 0x100, entry_run = 0x103, params = 0x106;
constexpr std::uint16_t at_w = 0x1000, at_x = 0x9000, at_tables = 0x9100, at_acc = 0xA000;
// mvz_init's tables (MVZ_TABLES): 9 pages of codes, then int4's 2 product
// pages, which every int4 call rewrites.
constexpr std::size_t code_pages = 9, product_pages = 2;
constexpr std::size_t max_weight_bytes = 0x8000;
constexpr std::uint16_t stack_top = 0xFF00, stack_bottom = 0xFE00;  // the calls' 256 bytes

struct machine {
  std::array<std::uint8_t, 65536> mem{};

  static Z80EX_BYTE mread(Z80EX_CONTEXT*, Z80EX_WORD a, int, void* self) { return static_cast<machine*>(self)->mem[a]; }
  static void mwrite(Z80EX_CONTEXT*, Z80EX_WORD a, Z80EX_BYTE v, void* self) { static_cast<machine*>(self)->mem[a] = v; }
  static Z80EX_BYTE pread(Z80EX_CONTEXT*, Z80EX_WORD, void*) { return 0xFF; }
  static void pwrite(Z80EX_CONTEXT*, Z80EX_WORD, Z80EX_BYTE, void*) {}
  static Z80EX_BYTE intread(Z80EX_CONTEXT*, void*) { return 0xFF; }

  // Runs from `pc` to HALT; the T-states taken. Throws on the cap.
  std::uint64_t call(std::uint16_t pc, std::uint64_t cap) {
    Z80EX_CONTEXT* cpu = z80ex_create(mread, this, mwrite, this, pread, this, pwrite, this, intread, this);
    z80ex_set_reg(cpu, regPC, pc);
    z80ex_set_reg(cpu, regSP, stack_top);
    std::uint64_t t = 0;
    while (!z80ex_doing_halt(cpu)) {
      t += static_cast<std::uint64_t>(z80ex_step(cpu));
      if (t > cap) {
        z80ex_destroy(cpu);
        throw failure(fmt::format("the T-state cap ({}) was reached: a hang", cap));
      }
    }
    z80ex_destroy(cpu);
    return t;
  }
};

struct options {
  std::string work, z80asm = "z80asm", pasmo;
  std::uint32_t seed = 2026;
  std::vector<std::pair<std::string, std::string>> mutations;
  bool expect_mismatch = false, bench = false;
};

std::string assemble(const options& o) {
  const fs::path work = o.work;
  const fs::path src = fs::path(TINYLM_SOURCE_DIR);
  write_file(work / "matvec_compact.asm",
             tinylm::test::mutated(read_file(src / "codegen/asm/z80/matvec_compact.asm"), o.mutations,
                                   "matvec_compact.asm"));
  write_file(work / "compact_main_z80.asm", read_file(src / "tests/target/cpm/compact_main_z80.asm"));
  // Both assemblers resolve the include from the working directory.
  const std::string cd = "cd " + quote(work.string()) + " && ";
  tinylm::test::run_or_fail(cd + quote(o.z80asm) + " -o compact.bin compact_main_z80.asm", "z80asm", work / "z80asm.txt");
  const std::string bin = read_file(work / "compact.bin");
  if (!o.pasmo.empty()) {
    tinylm::test::run_or_fail(cd + quote(o.pasmo) + " compact_main_z80.asm compact_pasmo.bin", "pasmo", work / "pasmo.txt");
    if (read_file(work / "compact_pasmo.bin") != bin) throw failure("z80asm and pasmo assemble different bytes");
  }
  if (bin.empty() || bin.size() > at_w - 0x100) throw failure(fmt::format("the program is {} bytes", bin.size()));
  return bin;
}

// A machine with the program loaded and its tables built.
machine boot(const std::string& bin) {
  machine m;
  for (std::size_t i = 0; i < bin.size(); ++i) m.mem[0x100 + i] = static_cast<std::uint8_t>(bin[i]);
  (void)m.call(entry_init, 100'000'000);
  return m;
}

// Runs one request on a copy of `booted`; "" when every sum is right, else
// the first problem. `tstates` receives the call's T-states.
std::string check(const machine& booted, const request& r, std::mt19937& rng, std::uint64_t* tstates) {
  machine m = booted;
  const std::size_t stride = packed_bytes(r.f, r.rows);
  const std::vector<std::uint8_t> packed = columns(r);
  if (packed.size() > max_weight_bytes || stride > 255 || r.rows > 256 || r.cols > 256 || r.rows == 0 || r.cols == 0)
    throw failure(fmt::format("request '{}' does not fit the harness", r.label));
  m.mem[params] = static_cast<std::uint8_t>(r.f);
  m.mem[params + 1] = static_cast<std::uint8_t>(r.rows & 0xFF);
  m.mem[params + 2] = static_cast<std::uint8_t>(r.cols & 0xFF);
  m.mem[params + 3] = static_cast<std::uint8_t>(stride);
  for (std::size_t j = 0; j < r.cols; ++j) m.mem[at_x + j] = static_cast<std::uint8_t>(r.x[j]);
  for (std::size_t k = 0; k < packed.size(); ++k) m.mem[at_w + k] = packed[k];
  // The sums start anywhere in 24 bits (the contract is mod 2^24, so the
  // carries through all three planes, wrapping included, are exercised).
  std::vector<std::uint32_t> start(256);
  for (std::size_t i = 0; i < 256; ++i) {
    start[i] = rng() & 0xFFFFFFu;
    for (unsigned p = 0; p < 3; ++p) m.mem[at_acc + 256 * p + i] = static_cast<std::uint8_t>(start[i] >> (8 * p));
  }
  const machine before = m;
  const std::uint64_t t = m.call(entry_run, 1'000'000 + 1'000 * std::uint64_t{r.rows * r.cols});
  if (tstates != nullptr) *tstates = t;
  const std::vector<std::int32_t> want = dots(r);
  for (std::size_t i = 0; i < r.rows; ++i) {
    const auto plane = [&](std::size_t p) { return static_cast<std::uint32_t>(m.mem[at_acc + 256 * p + i]) << (8 * p); };
    const std::uint32_t got = plane(0) | plane(1) | plane(2);
    const std::uint32_t expected = (start[i] + static_cast<std::uint32_t>(want[i])) & 0xFFFFFFu;
    if (got != expected)
      return fmt::format("{}: row {}: 0x{:06x}, expected 0x{:06x} (start 0x{:06x} + dot {})", r.label, i, got, expected,
                         start[i], want[i]);
  }
  // Nothing else moved: not the weights, not x, not the rows past `rows`
  // (but int4's padding row of an odd count, the contract's slack), not
  // the code or its tables (the kernels' own variables may change).
  const std::size_t slack = r.f == format::int4 && r.rows % 2 == 1 ? r.rows : 256;
  for (std::size_t a = at_w; a < stack_bottom; ++a) {
    const bool acc = a >= at_acc && a < at_acc + 768u;
    const std::size_t row = (a - at_acc) % 256;
    if (acc && (row < r.rows || row == slack)) continue;
    if (a >= at_tables + 256 * code_pages && a < at_tables + 256 * (code_pages + product_pages)) continue;
    if (m.mem[a] != before.mem[a]) return fmt::format("{}: the kernel wrote 0x{:04x}", r.label, a);
  }
  return "";
}

int bench(const machine& booted, const options& o) {
  std::mt19937 rng(o.seed);
  fmt::print("| kernel | rows x cols | T-states per weight |\n|---|---|---:|\n");
  for (format f : formats) {
    for (const auto& [rows, cols] :
         std::vector<std::pair<std::size_t, std::size_t>>{{32, 32}, {64, 32}, {32, 64}, {128, 32}, {64, 256}}) {
      const request r = bench_request(f, rows, cols, rng);
      std::uint64_t t = 0;
      if (const std::string d = check(booted, r, rng, &t); !d.empty()) throw failure(d);
      fmt::print("| {} | {} x {} | {:.1f} |\n", name_of(f), rows, cols,
                 static_cast<double>(t) / static_cast<double>(rows * cols));
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
      else if (a == "--z80asm") o.z80asm = value();
      else if (a == "--pasmo") o.pasmo = value();
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
    const machine booted = boot(assemble(o));
    if (o.bench) return bench(booted, o);
    const std::vector<request> rs =
        requests(o.seed, {1, 2, 3, 4, 5, 6, 7, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 255, 256});
    std::mt19937 rng(o.seed ^ 0x5A5A5A5Au);
    std::string problem;
    std::size_t weights = 0;
    for (const request& r : rs) {
      weights += r.rows * r.cols;
      try {
        problem = check(booted, r, rng, nullptr);
      } catch (const failure& e) {
        problem = fmt::format("{}: {}", r.label, e.what());
      }
      if (!problem.empty()) break;
    }
    if (o.expect_mismatch) {
      if (problem.empty()) throw failure("the mutant was not caught: every sum agrees");
      fmt::print("as expected, the mutated kernels are caught:\n{}\n", problem);
      return 0;
    }
    if (!problem.empty()) throw failure(problem);
    fmt::print("{} matrices ({} weights) of the Z80 ternary, 2-bit and int4 kernels: every sum equals its start plus "
               "the library's dot product\n",
               rs.size(), weights);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tinylm_compact_kernels_z80: FAILED: %s\n", e.what());
    return 1;
  }
}
