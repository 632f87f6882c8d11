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
//   RAM: none beyond the cut (the C++ recomputes each kept weight in the walk
//   rather than storing it; an 8-bit target may store them: same bits).
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

// Step 1 as a cut: i is kept iff `all`, or s_i > threshold, or s_i ==
// threshold and i is among the first `ties` indices with that score. Finding
// it stores nothing (n <= 256; top_k == 0 or >= n keeps all).
struct top_k_cut {
  bool all = true;
  std::int32_t threshold = 0;
  std::size_t ties = 0;
};

constexpr top_k_cut find_top_k_cut(const std::int16_t* scores, std::size_t n, std::size_t top_k) noexcept {
  if (top_k == 0 || top_k >= n) return {};
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
  return {false, lo, top_k - above};
}

// Visits the kept indices of a cut in ascending order: kept(i) must be
// called for i = 0, 1, ..., n - 1 in turn (it counts the ties it has let in).
struct top_k_walk {
  top_k_cut cut;
  constexpr bool kept(std::int16_t score) noexcept {
    if (cut.all || score > cut.threshold) return true;
    if (score == cut.threshold && cut.ties != 0) {
      --cut.ties;
      return true;
    }
    return false;
  }
};

// Marks in keep[0..n) the top_k candidates of step 1; returns how many
// (n <= 256; top_k == 0 or >= n keeps all).
constexpr std::size_t top_k_mask(const std::int16_t* scores, std::size_t n, std::size_t top_k,
                                 bool* keep) noexcept {
  top_k_walk walk{find_top_k_cut(scores, n, top_k)};
  std::size_t m = 0;
  for (std::size_t i = 0; i < n; ++i) m += (keep[i] = walk.kept(scores[i])) ? 1u : 0u;
  return m;
}

// Steps 2 to 4 with no buffer: the weights are recomputed in the walk (the
// highest score is always kept, so the kept scores' maximum is max_score of
// all n, and each kept weight is exp_weights' w_c for it).
constexpr std::size_t sample_top_k(const std::int16_t* scores, std::size_t n,
                                   std::uint16_t inv_temp_q8, std::size_t top_k,
                                   xorshift32& rng) noexcept {
  if (n > sampling_max_n) n = sampling_max_n;
  const top_k_cut cut = find_top_k_cut(scores, n, top_k);
  const std::int32_t top = max_score(scores, n);
  const auto weight = [&](std::int16_t s) { return std::uint32_t{exp_weight(top, s, inv_temp_q8)}; };
  std::uint32_t sum = 0;
  top_k_walk counting{cut};
  for (std::size_t i = 0; i < n; ++i)
    if (counting.kept(scores[i])) sum += weight(scores[i]);
  std::uint32_t r = rng.below(sum);
  top_k_walk choosing{cut};
  for (std::size_t i = 0; i < n; ++i) {
    if (!choosing.kept(scores[i])) continue;
    const std::uint32_t w = weight(scores[i]);
    if (r < w) return i;
    r -= w;
  }
  return 0;  // only when n == 0
}

}  // namespace tinylm
