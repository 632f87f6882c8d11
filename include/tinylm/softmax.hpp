// tinylm/softmax.hpp - integer softmax through exp_table.
//
// Contract
//   scores  int16 in Q8.8 (s / 256 is the logit), n entries, 0 <= n <= 65536;
//   inv_temp_q8  uint16 Q8.8 multiplier 256 / T (256: T = 1; 128: T = 2;
//           512: T = 0.5; 0: T = infinity, every weight 32768).
//   For every i:
//     d_i = max_j s_j - s_i                         (0 .. 65535, exact)
//     k_i = min(255, rounding_shift_right(d_i * inv_temp_q8, 12))
//           (the product is exact in 64 bits; round half up; k_i is the
//            difference divided by T in units of 1/16)
//     w_i = exp_table[k_i]                           (uint16, Q0.15)
//   so the element with the maximum score always gets 32768, and
//     w_i = round(32768 * exp(-k_i / 16)),  k_i ~ 16 * (max - s_i) / 256 / T.
//   A float trainer matches it with
//     weight_i = exp(-(max - s_i) / 256 / T)
//   quantised exactly as above: k = min(255, floor((max - s_i) * inv_temp_q8
//   / 4096 + 1/2)), weight = exp_table[k] / 32768.
//
//   exp_weights(scores, n, inv_temp_q8, out)  writes w_i to out[i] and
//     returns S = sum w_i (uint32; 32768 <= S <= 32768 n for n >= 1).
//   softmax_q15(scores, n, inv_temp_q8, out)  writes probabilities in Q0.15
//     (uint16, 32768 = 1.0) with ONE division per call:
//       R   = floor(2^32 / S)                         (uint32 <= 2^17)
//       p_i = (w_i * R + 2^16) >> 17                  (round half up)
//     so p_i ~ 32768 * w_i / S, with |error| < 0.75 units of 2^-15
//     (0.5 from the final rounding, < 0.25 from the truncated reciprocal);
//     p_i <= 32768, and sum p_i is near but not always exactly 32768.
//   n == 0: exp_weights returns 0 and writes nothing; softmax_q15 writes
//   nothing. out must not alias scores.
// Overflow: none for n <= 65536 (S < 2^31, w_i * R <= 2^32 in 64 bits).
// Cost on an 8-bit target: per element a 16-bit subtract, a 16x16 -> 24-bit
//   multiply (only bits 11..19 matter: clamp to 255 when the product is
//   >= 255.5 * 4096) and a table load; the sum is 24-bit for n <= 256.
//   softmax_q15 adds one 33-by-24-bit division and a 16x17-bit multiply per
//   element. Sampling (sampling.hpp) needs only exp_weights, no division.
#pragma once

#include <cstddef>
#include <cstdint>

#include "exp_table.hpp"
#include "fixed_point.hpp"

namespace tinylm {

// k = min(255, round_half_up(d * inv_temp_q8 / 4096)) for a difference d >= 0.
constexpr std::uint8_t exp_index(std::uint32_t d, std::uint16_t inv_temp_q8) noexcept {
  const std::int64_t prod = static_cast<std::int64_t>(d) * inv_temp_q8;
  const std::int64_t k = rounding_shift_right64(prod, 12);
  return static_cast<std::uint8_t>(k > 255 ? 255 : k);
}

constexpr std::int16_t max_score(const std::int16_t* scores, std::size_t n) noexcept {
  std::int16_t m = n != 0 ? scores[0] : std::int16_t{0};
  for (std::size_t i = 1; i < n; ++i)
    if (scores[i] > m) m = scores[i];
  return m;
}

// w_i of one score s <= m, m the maximum.
constexpr std::uint16_t exp_weight(std::int32_t m, std::int16_t s, std::uint16_t inv_temp_q8) noexcept {
  return exp_table[exp_index(static_cast<std::uint32_t>(m - s), inv_temp_q8)];
}

constexpr std::uint32_t exp_weights(const std::int16_t* scores, std::size_t n,
                                    std::uint16_t inv_temp_q8, std::uint16_t* out) noexcept {
  if (n == 0) return 0;
  const std::int32_t m = max_score(scores, n);
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint16_t w = exp_weight(m, scores[i], inv_temp_q8);
    out[i] = w;
    sum += w;
  }
  return sum;
}

constexpr void softmax_q15(const std::int16_t* scores, std::size_t n, std::uint16_t inv_temp_q8,
                           std::uint16_t* out) noexcept {
  const std::uint32_t sum = exp_weights(scores, n, inv_temp_q8, out);
  if (sum == 0) return;
  const std::uint64_t recip = (std::uint64_t{1} << 32) / sum;  // the one division
  for (std::size_t i = 0; i < n; ++i)
    out[i] = static_cast<std::uint16_t>((out[i] * recip + (std::uint64_t{1} << 16)) >> 17);
}

}  // namespace tinylm
