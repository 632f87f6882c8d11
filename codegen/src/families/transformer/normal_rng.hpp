#pragma once
// The transformer trainer's random numbers (initialisation, shuffling).
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace tinylm::gen {

// A seeded normal generator (Box-Muller over xorshift64*): the same numbers
// from every compiler and standard library.
struct normal_rng {
  std::uint64_t s;
  explicit normal_rng(std::uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
  double uniform() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return static_cast<double>((s * 0x2545F4914F6CDD1Dull) >> 11) * (1.0 / 9007199254740992.0);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(uniform() * static_cast<double>(n)); }
  double normal() {
    const double u1 = uniform() + 1e-300, u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
};

}  // namespace tinylm::gen
