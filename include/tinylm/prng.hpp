// tinylm/prng.hpp - the one pseudo-random generator of every target.
//
// Contract: xorshift32 with shifts (13, 17, 5) (Marsaglia 2003). State is a
// non-zero uint32; seed 0 is replaced by 0x9E3779B9 so that every 32-bit
// seed is valid. next() advances the state once and returns it.
// next_byte() is the high byte of next(): the top bits are the best mixed.
// below(n) maps one draw to [0, n) without division: (next() * n) >> 32
// (multiply-shift: each value has probability within n / 2^32 of 1/n).
// A seed gives the same sequence on every target (compile time, host, 6502,
// Z80). Cost on a 6502: one step is about 40 byte operations.
// Small seeds (1, 2, 3, ...) give small first outputs (the first next() of
// seed 1 is 270369): a family that samples its first token from a
// distribution whose first candidate is special (the transformer's END is
// token 0) seeds with mix_seed(seed), murmur3's 32-bit finaliser:
//   h ^= h >> 16; h *= 0x85EBCA6B; h ^= h >> 13; h *= 0xC2B2AE35; h ^= h >> 16
// (products mod 2^32), a bijection, so distinct seeds stay distinct.
#pragma once

#include <cstdint>

namespace tinylm {

struct xorshift32 {
  std::uint32_t state;

  static constexpr std::uint32_t zero_seed_replacement = 0x9E3779B9u;

  constexpr explicit xorshift32(std::uint32_t seed) noexcept
      : state(seed != 0 ? seed : zero_seed_replacement) {}

  constexpr std::uint32_t next() noexcept {
    std::uint32_t x = state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    state = x;
    return x;
  }

  constexpr std::uint8_t next_byte() noexcept { return static_cast<std::uint8_t>(next() >> 24); }

  // In [0, n) for 1 <= n <= 2^32 - 1 (multiply-shift, bias <= n / 2^32); n == 0 returns 0.
  constexpr std::uint32_t below(std::uint32_t n) noexcept {
    return static_cast<std::uint32_t>((std::uint64_t{next()} * n) >> 32);
  }
};

constexpr std::uint32_t mix_seed(std::uint32_t h) noexcept {
  h ^= h >> 16;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  h *= 0xC2B2AE35u;
  h ^= h >> 16;
  return h;
}

}  // namespace tinylm
