// tinylm/exp_table.hpp - the softmax exponential table.
//
// Contract
//   exp_table[k] = round(32768 * exp(-k / 16)),  k = 0 .. 255   (uint16)
// i.e. exp(-x) for x = k/16 in Q0.15 (exp_table[0] = 32768 = 1.0); entries
// whose exact value is below 0.5 are 0 (k >= 178). Rounding is to nearest
// (no entry is near a tie). The table is built here by integer code at
// compile time (no floating point, no std::exp):
//   * a  = exp(-1/16) and e1 = exp(-1) as Taylor series in Q2.62 (uint64,
//     unit 2^-62), terms t_n = t_{n-1} / (16 n) resp. t_{n-1} / n, summed
//     until the term is 0 (error a few units of 2^-62);
//   * exp(-k/16) = e1^(k/16) * a^(k%16), every power built by repeated
//     Q2.62 products rounded to nearest (128-bit product from 32-bit
//     halves); absolute error below 2^-50;
//   * entry = (v + 2^46) >> 47 (Q2.62 -> Q0.15, round half up).
// tests/golden/make_golden.py checks all 256 entries against a 60-digit
// decimal evaluation of the definition.
// Cost on an 8-bit target: 512 bytes of ROM (256 little-endian words); a
// target may store the high bytes and low bytes as two 256-byte pages.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinylm {

namespace detail {

inline constexpr int exp_q = 62;                         // fraction bits
inline constexpr std::uint64_t exp_one = std::uint64_t{1} << exp_q;

// round((a * b) / 2^62) for a, b <= 2^62 (the result is <= 2^62).
constexpr std::uint64_t exp_mul_q62(std::uint64_t a, std::uint64_t b) noexcept {
  const std::uint64_t a_lo = a & 0xFFFFFFFFu, a_hi = a >> 32;
  const std::uint64_t b_lo = b & 0xFFFFFFFFu, b_hi = b >> 32;
  const std::uint64_t ll = a_lo * b_lo;
  const std::uint64_t lh = a_lo * b_hi;
  const std::uint64_t hl = a_hi * b_lo;
  const std::uint64_t hh = a_hi * b_hi;
  // 128-bit sum hi:lo = hh*2^64 + (lh + hl)*2^32 + ll
  const std::uint64_t mid = (ll >> 32) + (lh & 0xFFFFFFFFu) + (hl & 0xFFFFFFFFu);
  const std::uint64_t lo = (ll & 0xFFFFFFFFu) | (mid << 32);
  const std::uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
  // add 2^61 (half of 2^62) with carry, then take bits 62..125
  const std::uint64_t half = std::uint64_t{1} << (exp_q - 1);
  const std::uint64_t lo2 = lo + half;
  const std::uint64_t hi2 = hi + (lo2 < lo ? 1u : 0u);
  return (hi2 << (64 - exp_q)) | (lo2 >> exp_q);
}

// exp(-1/d) in Q2.62 by its Taylor series: sum (-1/d)^n / n!.
constexpr std::uint64_t exp_neg_reciprocal_q62(std::uint64_t d) noexcept {
  std::uint64_t term = exp_one;
  std::uint64_t pos = exp_one, neg = 0;
  for (std::uint64_t n = 1; term != 0; ++n) {
    term = (term + (d * n) / 2) / (d * n);  // rounded division
    if (n % 2 == 1) {
      neg += term;
    } else {
      pos += term;
    }
  }
  return pos - neg;
}

struct exp_table_storage {
  std::uint16_t v[256];
};

constexpr exp_table_storage make_exp_table() noexcept {
  const std::uint64_t a = exp_neg_reciprocal_q62(16);  // exp(-1/16)
  const std::uint64_t e1 = exp_neg_reciprocal_q62(1);  // exp(-1)
  std::uint64_t frac_pow[16]{};                         // a^r
  std::uint64_t int_pow[16]{};                          // e1^q
  frac_pow[0] = exp_one;
  int_pow[0] = exp_one;
  for (int r = 1; r < 16; ++r) {
    frac_pow[r] = exp_mul_q62(frac_pow[r - 1], a);
    int_pow[r] = exp_mul_q62(int_pow[r - 1], e1);
  }
  exp_table_storage t{};
  for (int k = 0; k < 256; ++k) {
    const std::uint64_t v = exp_mul_q62(int_pow[k / 16], frac_pow[k % 16]);
    const int out_shift = exp_q - 15;
    t.v[k] = static_cast<std::uint16_t>((v + (std::uint64_t{1} << (out_shift - 1))) >> out_shift);
  }
  return t;
}

inline constexpr exp_table_storage exp_table_data = make_exp_table();

}  // namespace detail

// The table, as a plain array: exp_table[k], std::size(exp_table) == 256.
inline constexpr const std::uint16_t (&exp_table)[256] = detail::exp_table_data.v;

inline constexpr std::size_t exp_table_size = 256;
inline constexpr int exp_table_frac_bits = 4;    // k is -x in units of 1/16
inline constexpr int exp_table_value_bits = 15;  // entries are Q0.15

}  // namespace tinylm
