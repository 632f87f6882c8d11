// tinylm/sampling.hpp - choosing the next token: argmax and top-k sampling.
//
// Contract
//   argmax(scores, n): the index of the largest int16 score; ties go to the
//     lowest index; n == 0 returns 0.
//   sample_top_k(scores, n, inv_temp_q8, top_k, rng), n <= 256 (only the
//   first 256 scores are looked at when n is larger):
//     1. Candidates: the top_k highest scores; between equal scores the lower
//        index ranks higher. top_k == 0 or top_k >= n keeps all n.
//        (Equivalently: i is kept iff fewer than top_k indices j have
//        s_j > s_i, or s_j == s_i and j < i.)
//     2. Weights: exp_weights (softmax.hpp) of the kept scores, in
//        ascending index order: w_c = exp_table[min(255, round_half_up(
//        (max - s_c) * inv_temp_q8 / 4096))], max = the highest score (it is
//        always kept, so it gets 32768); S = sum of the kept weights.
//     3. Exactly one draw: r = rng.below(S)  ((next() * S) >> 32, prng.hpp),
//        also when n <= 1.
//     4. Walk the kept candidates in ascending index order: if r < w_c return
//        c, else r -= w_c. (A candidate of weight 0 is never returned.)
//     n == 0 returns 0 (after the draw, r = rng.below(0) = 0).
//   No division anywhere. A seed gives the same tokens on every target.
// Cost on an 8-bit target: finding the top-k threshold is a 16-step binary
//   search over the int16 range, each step one counting pass over the n
//   scores (skipped when all are kept), then exp_weights over the kept
//   candidates, one 32x24-bit multiply for the draw and one walk.
//   RAM: n flag bytes (or a bitmap) and the kept weights (2 bytes each).
#pragma once

#include <cstddef>
#include <cstdint>

#include "prng.hpp"
#include "softmax.hpp"

namespace tinylm {

inline constexpr std::size_t sampling_max_n = 256;

constexpr std::size_t argmax(const std::int16_t* scores, std::size_t n) noexcept {
  std::size_t best = 0;
  for (std::size_t i = 1; i < n; ++i)
    if (scores[i] > scores[best]) best = i;
  return best;
}

// Marks in keep[0..n) the top_k candidates of step 1; returns how many
// (n <= 256; top_k == 0 or >= n keeps all).
constexpr std::size_t top_k_mask(const std::int16_t* scores, std::size_t n, std::size_t top_k,
                                 bool* keep) noexcept {
  if (top_k == 0 || top_k >= n) {
    for (std::size_t i = 0; i < n; ++i) keep[i] = true;
    return n;
  }
  // Largest threshold t with count(s >= t) >= top_k, by binary search over
  // [-32768, 32767]: the invariant is count(s >= lo) >= top_k > count(s >= hi).
  std::int32_t lo = -32768, hi = 32768;
  while (hi - lo > 1) {
    const std::int32_t mid = lo + (hi - lo) / 2;
    std::size_t c = 0;
    for (std::size_t i = 0; i < n; ++i) c += scores[i] >= mid ? 1u : 0u;
    if (c >= top_k) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  // Everything above the threshold, then the lowest-index ties at it.
  std::size_t above = 0;
  for (std::size_t i = 0; i < n; ++i) above += scores[i] > lo ? 1u : 0u;
  std::size_t ties = top_k - above;
  for (std::size_t i = 0; i < n; ++i) {
    if (scores[i] > lo) {
      keep[i] = true;
    } else if (scores[i] == lo && ties != 0) {
      keep[i] = true;
      --ties;
    } else {
      keep[i] = false;
    }
  }
  return top_k;
}

constexpr std::size_t sample_top_k(const std::int16_t* scores, std::size_t n,
                                   std::uint16_t inv_temp_q8, std::size_t top_k,
                                   xorshift32& rng) noexcept {
  if (n > sampling_max_n) n = sampling_max_n;
  bool keep[sampling_max_n]{};
  std::int16_t kept_scores[sampling_max_n]{};
  std::uint16_t kept_index[sampling_max_n]{};
  std::uint16_t weights[sampling_max_n]{};
  top_k_mask(scores, n, top_k, keep);
  std::size_t m = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (keep[i]) {
      kept_scores[m] = scores[i];
      kept_index[m] = static_cast<std::uint16_t>(i);
      ++m;
    }
  }
  const std::uint32_t sum = exp_weights(kept_scores, m, inv_temp_q8, weights);
  std::uint32_t r = rng.below(sum);
  for (std::size_t c = 0; c < m; ++c) {
    if (r < weights[c]) return kept_index[c];
    r -= weights[c];
  }
  return 0;  // only when n == 0
}

}  // namespace tinylm
