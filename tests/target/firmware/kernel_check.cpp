// A firmware image that checks the run-time integer kernels on the Cortex-M
// they are compiled for against their constexpr reference: dot_int8 (the
// SMLAD path on an M4) on random vectors of every length 0..300 and on the
// extremes (all -128, all 127, alternating), matvec_int8_int8 built on
// it, and the compact formats' dot products (int4, int2, ternary: table
// decoding into dot_int8) on random rows of every width 0..300. Prints "kernels: N checks, 0 mismatches" and exits 0, or the first
// mismatches and exits 1. (Built by examples/firmware when
// TINYLM_FW_KERNEL_CHECK names this file: tests/target/firmware.)
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <tinylm/dot_int8.hpp>
#include <tinylm/int4.hpp>
#include <tinylm/matvec_int2.hpp>
#include <tinylm/prng.hpp>
#include <tinylm/ternary.hpp>

#include "platform.hpp"

namespace {

void print_number(std::size_t n) {
  char text[20];
  std::size_t k = 0;
  do {
    text[sizeof text - 1 - k++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  tinylm_fw::print(std::string_view(text + sizeof text - k, k));
}

std::size_t checks = 0, mismatches = 0;

void check(std::int32_t got, std::int32_t expected, std::size_t n) {
  ++checks;
  if (got == expected) return;
  if (++mismatches <= 5) {
    tinylm_fw::print("mismatch at length ");
    print_number(n);
    tinylm_fw::print("\n");
  }
}

}  // namespace

int tinylm_fw_main() {
  constexpr std::size_t max_n = 300;
  std::int8_t a[max_n + 3], b[max_n + 3];
  tinylm::xorshift32 rng(12345);
  for (std::size_t n = 0; n <= max_n; ++n) {
    for (std::size_t offset = 0; offset < 4; offset += 3) {  // aligned and unaligned starts
      for (int round = 0; round < 3; ++round) {
        for (std::size_t i = 0; i < n; ++i) {
          a[offset + i] = static_cast<std::int8_t>(rng.next_byte());
          b[offset + i] = static_cast<std::int8_t>(rng.next_byte());
        }
        check(tinylm::dot_int8(a + offset, b + offset, n), tinylm::dot_int8_reference(a + offset, b + offset, n), n);
      }
    }
    for (int pattern = 0; pattern < 3; ++pattern) {
      for (std::size_t i = 0; i < n; ++i) {
        a[i] = pattern == 0 ? std::int8_t{-128} : pattern == 1 ? std::int8_t{127} : static_cast<std::int8_t>(i % 2 ? -128 : 127);
        b[i] = pattern == 1 ? std::int8_t{127} : std::int8_t{-128};
      }
      check(tinylm::dot_int8(a, b, n), tinylm::dot_int8_reference(a, b, n), n);
    }
  }
  // matvec_int8_int8: 7 rows of 37 columns, every shift 0..12, against the
  // reference sums requantized here.
  std::int8_t W[7 * 37], x[37], y[7];
  for (std::int8_t& w : W) w = static_cast<std::int8_t>(rng.next_byte());
  for (std::int8_t& v : x) v = static_cast<std::int8_t>(rng.next_byte());
  for (int shift = 0; shift <= 12; ++shift) {
    tinylm::matvec_int8_int8(W, x, y, 7, 37, shift);
    for (std::size_t i = 0; i < 7; ++i)
      check(y[i], tinylm::clamp_i8(tinylm::requantize(tinylm::dot_int8_reference(W + i * 37, x, 37), shift), -128, 127),
            37);
  }
  // The compact formats: any row bytes (every byte value decodes).
  std::uint8_t row[max_n];
  for (std::size_t n = 0; n <= max_n; ++n) {
    for (std::size_t i = 0; i < n; ++i) a[i] = static_cast<std::int8_t>(rng.next_byte());
    for (std::size_t i = 0; i < n; ++i) row[i] = rng.next_byte();
    check(tinylm::dot_int4_int8(row, a, n), tinylm::dot_int4_int8_reference(row, a, n), n);
    check(tinylm::dot_int2_int8(row, a, n), tinylm::dot_int2_int8_reference(row, a, n), n);
    check(tinylm::dot_ternary_int8(row, a, n), tinylm::dot_ternary_int8_reference(row, a, n), n);
  }
  tinylm_fw::print("kernels: ");
  print_number(checks);
  tinylm_fw::print(" checks, ");
  print_number(mismatches);
  tinylm_fw::print(" mismatches\n");
  return mismatches == 0 && checks == 301 * 9 + 13 * 7 + 301 * 3 ? 0 : 1;  // every check ran
}
