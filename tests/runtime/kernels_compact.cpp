// Run-time tests of the compact weight formats (int4.hpp, ternary.hpp and
// matvec_int2.hpp's int8-activation kernels) against the independent golden
// data of tests/golden/compact_formats.py: the packing, every row's exact
// sum, and the requantized, clamped outputs with and without row exponents,
// each computed at run time (the table-decoded fast paths: SSE2 here) and
// at compile time (the references); then the fast paths against the
// references on random matrices of every width 0..300.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

#include <tinylm/int4.hpp>
#include <tinylm/matvec_int2.hpp>
#include <tinylm/prng.hpp>
#include <tinylm/ternary.hpp>

#include "golden/compact_formats_golden.hpp"

namespace g = tinylm_golden::compact;
using namespace tinylm;

namespace {

std::size_t row_bytes(g::format f, std::size_t cols) {
  switch (f) {
    case g::format::int4: return int4_row_bytes(cols);
    case g::format::int2: return int2_row_bytes(cols);
    case g::format::ternary: return ternary_row_bytes(cols);
  }
  return 0;
}

std::int32_t dot(g::format f, const std::uint8_t* row, const std::int8_t* x, std::size_t cols) {
  switch (f) {
    case g::format::int4: return dot_int4_int8(row, x, cols);
    case g::format::int2: return dot_int2_int8(row, x, cols);
    case g::format::ternary: return dot_ternary_int8(row, x, cols);
  }
  return 0;
}

std::int32_t dot_reference(g::format f, const std::uint8_t* row, const std::int8_t* x, std::size_t cols) {
  switch (f) {
    case g::format::int4: return dot_int4_int8_reference(row, x, cols);
    case g::format::int2: return dot_int2_int8_reference(row, x, cols);
    case g::format::ternary: return dot_ternary_int8_reference(row, x, cols);
  }
  return 0;
}

void matvec(const g::matvec_case& c, std::int8_t* y) {
  switch (c.fmt) {
    case g::format::int4: matvec_int4_int8(c.W, c.x, y, c.rows, c.cols, c.shift, c.lo, c.hi, c.row_exp); break;
    case g::format::int2: matvec_int2_int8(c.W, c.x, y, c.rows, c.cols, c.shift, c.lo, c.hi, c.row_exp); break;
    case g::format::ternary: matvec_ternary_int8(c.W, c.x, y, c.rows, c.cols, c.shift, c.lo, c.hi, c.row_exp); break;
  }
}

void pack(g::format f, const std::int8_t* w, std::size_t rows, std::size_t cols, std::uint8_t* out) {
  switch (f) {
    case g::format::int4: pack_int4(w, rows, cols, out); break;
    case g::format::int2: pack_int2(w, rows, cols, out); break;
    case g::format::ternary: pack_ternary(w, rows, cols, out); break;
  }
}

// A golden case computed at compile time (the reference paths).
template <std::size_t N>
constexpr bool golden_at_compile_time() {
  const g::matvec_case& c = g::cases[N];
  const std::size_t stride = c.fmt == g::format::int4   ? int4_row_bytes(c.cols)
                             : c.fmt == g::format::int2 ? int2_row_bytes(c.cols)
                                                        : ternary_row_bytes(c.cols);
  for (std::size_t i = 0; i < c.rows; ++i) {
    const std::uint8_t* row = c.W + i * stride;
    const std::int32_t s = c.fmt == g::format::int4   ? dot_int4_int8(row, c.x, c.cols)
                           : c.fmt == g::format::int2 ? dot_int2_int8(row, c.x, c.cols)
                                                      : dot_ternary_int8(row, c.x, c.cols);
    if (s != c.dots[i]) return false;
  }
  std::int8_t y[4] = {};
  if (c.fmt == g::format::int4) matvec_int4_int8(c.W, c.x, y, c.rows, c.cols, c.shift, c.lo, c.hi, c.row_exp);
  if (c.fmt == g::format::int2) matvec_int2_int8(c.W, c.x, y, c.rows, c.cols, c.shift, c.lo, c.hi, c.row_exp);
  if (c.fmt == g::format::ternary) matvec_ternary_int8(c.W, c.x, y, c.rows, c.cols, c.shift, c.lo, c.hi, c.row_exp);
  for (std::size_t i = 0; i < c.rows; ++i)
    if (y[i] != c.y[i]) return false;
  return true;
}

}  // namespace

TEST_CASE("compact formats: the golden cases, at run time", "[kernels][formats]") {
  REQUIRE(std::size(g::cases) == 64);
  for (std::size_t n = 0; n < std::size(g::cases); ++n) {
    const g::matvec_case& c = g::cases[n];
    INFO("case " << n << ": " << c.rows << " x " << c.cols);
    const std::size_t stride = row_bytes(c.fmt, c.cols);
    REQUIRE(c.w_bytes == c.rows * stride);
    if (c.Wv != nullptr) {  // packing gives the golden bytes
      std::vector<std::uint8_t> packed(c.w_bytes, 0xAA);
      pack(c.fmt, c.Wv, c.rows, c.cols, packed.data());
      CHECK(std::vector<std::uint8_t>(c.W, c.W + c.w_bytes) == packed);
    }
    for (std::size_t i = 0; i < c.rows; ++i) {
      CHECK(dot(c.fmt, c.W + i * stride, c.x, c.cols) == c.dots[i]);
      CHECK(dot_reference(c.fmt, c.W + i * stride, c.x, c.cols) == c.dots[i]);
    }
    std::vector<std::int8_t> y(c.rows, 99);
    matvec(c, y.data());
    CHECK(std::vector<std::int8_t>(c.y, c.y + c.rows) == y);
  }
}

TEST_CASE("compact formats: golden cases at compile time", "[kernels][formats]") {
  STATIC_REQUIRE(golden_at_compile_time<8>());   // int4, 33 columns, garbage padding
  STATIC_REQUIRE(golden_at_compile_time<18>());  // int4, a negative shift
  STATIC_REQUIRE(golden_at_compile_time<19>());  // int4, 1024 columns of -8 times -128
  STATIC_REQUIRE(golden_at_compile_time<29>());  // int2, 33 columns, garbage padding
  STATIC_REQUIRE(golden_at_compile_time<52>());  // ternary, 40 columns
  STATIC_REQUIRE(golden_at_compile_time<63>());  // ternary bytes 243..255
}

TEST_CASE("compact formats: fast paths equal the references on random matrices", "[kernels][formats]") {
  xorshift32 rng(4242);
  std::vector<std::int8_t> x(301), w(301);
  std::vector<std::uint8_t> row(301);
  std::size_t compared = 0;
  for (std::size_t cols = 0; cols <= 300; ++cols) {
    for (g::format f : {g::format::int4, g::format::int2, g::format::ternary}) {
      for (int round = 0; round < 3; ++round) {
        for (std::size_t j = 0; j < cols; ++j) x[j] = static_cast<std::int8_t>(rng.next_byte());
        // any bytes: every byte value decodes (ternary's 243..255 too)
        for (std::size_t b = 0; b < row_bytes(f, cols); ++b) row[b] = rng.next_byte();
        REQUIRE(dot(f, row.data(), x.data(), cols) == dot_reference(f, row.data(), x.data(), cols));
        ++compared;
      }
    }
  }
  CHECK(compared == 301 * 3 * 3);
}

TEST_CASE("ternary: validate_ternary rejects bytes above 242", "[kernels][formats]") {
  constexpr std::uint8_t good[] = {0, 121, 242};
  constexpr std::uint8_t bad[] = {0, 243};
  STATIC_REQUIRE(validate_ternary(good, 3) == nullptr);
  STATIC_REQUIRE(validate_ternary(bad, 2) != nullptr);
}
