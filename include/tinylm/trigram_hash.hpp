// tinylm/trigram_hash.hpp - text -> bucket counts, the hash-MLP input.
//
// Contract
//   1. Every byte is lowercased: 'A'..'Z' (0x41..0x5A) -> 'a'..'z'; every
//      other byte 0..255 is kept as it is (any byte is valid input).
//   2. The text is padded with one space (0x20) at each end: a text of L
//      bytes gives L trigrams (b0, b1, b2) = windows of " text ".
//      Empty text gives no trigram (all counts stay 0).
//   3. The hash of a trigram, in 8-bit arithmetic (mod 256):
//        h = 0;  for b in (b0, b1, b2):  h = rotl8(h, 3) + b
//      i.e. h = rotl8(rotl8(b0, 3) + b1, 3) + b2   (rotl8 = 8-bit rotate
//      left, + wraps mod 256). No multiply.
//   4. bucket = h & (B - 1), B a power of two, 1 <= B <= 256 (default 128);
//      counts[bucket] += 1, saturating at 255 (uint8).
//   trigram_hash(...) clears the B counts first; trigram_hash_add(...)
//   adds to whatever is there (e.g. to merge two texts).
// Feature scale: a count is a plain integer (1 per trigram, max 255); the
//   hash-MLP feeds count c to its first layer as the int16 activation c
//   (not Q8.8) - the first layer's shift accounts for it.
// Cost on an 8-bit target: per input byte a compare-and-add (lowercase),
//   three rotates + an add per hashed byte (RLCA x3 on a Z80, three
//   CMP #$80 / ROL A on a 6502), an AND and an increment with a carry check;
//   RAM: B bytes of counts and two bytes of history.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tinylm {

inline constexpr std::size_t trigram_default_buckets = 128;

constexpr std::uint8_t ascii_lower(std::uint8_t b) noexcept {
  return (b >= 'A' && b <= 'Z') ? static_cast<std::uint8_t>(b + ('a' - 'A')) : b;
}

constexpr std::uint8_t rotl8(std::uint8_t v, int r) noexcept {
  return static_cast<std::uint8_t>((v << r) | (v >> (8 - r)));
}

// The 8-bit hash of one (already lowercased) trigram.
constexpr std::uint8_t trigram_hash_byte(std::uint8_t b0, std::uint8_t b1,
                                         std::uint8_t b2) noexcept {
  std::uint8_t h = b0;  // rotl8(0, 3) + b0
  h = static_cast<std::uint8_t>(rotl8(h, 3) + b1);
  h = static_cast<std::uint8_t>(rotl8(h, 3) + b2);
  return h;
}

// Adds the trigram counts of text[0..len) to counts[0..buckets);
// buckets must be a power of two in 1..256.
constexpr void trigram_hash_add(const char* text, std::size_t len, std::uint8_t* counts,
                                std::size_t buckets) noexcept {
  const auto mask = static_cast<std::uint8_t>(buckets - 1);
  std::uint8_t b0 = ' ';
  std::uint8_t b1 = len != 0 ? ascii_lower(static_cast<std::uint8_t>(text[0])) : std::uint8_t{' '};
  for (std::size_t i = 0; i < len; ++i) {
    const std::uint8_t b2 =
        i + 1 < len ? ascii_lower(static_cast<std::uint8_t>(text[i + 1])) : std::uint8_t{' '};
    std::uint8_t& c = counts[trigram_hash_byte(b0, b1, b2) & mask];
    if (c != 255) ++c;
    b0 = b1;
    b1 = b2;
  }
}

constexpr void trigram_hash(const char* text, std::size_t len, std::uint8_t* counts,
                            std::size_t buckets) noexcept {
  for (std::size_t i = 0; i < buckets; ++i) counts[i] = 0;
  trigram_hash_add(text, len, counts, buckets);
}

template <std::size_t B>
constexpr void trigram_hash(std::string_view text, std::uint8_t (&counts)[B]) noexcept {
  static_assert(B >= 1 && B <= 256 && (B & (B - 1)) == 0, "B must be a power of two <= 256");
  trigram_hash(text.data(), text.size(), counts, B);
}

template <std::size_t B>
constexpr void trigram_hash_add(std::string_view text, std::uint8_t (&counts)[B]) noexcept {
  static_assert(B >= 1 && B <= 256 && (B & (B - 1)) == 0, "B must be a power of two <= 256");
  trigram_hash_add(text.data(), text.size(), counts, B);
}

}  // namespace tinylm
