// tinylm/fixed_point.hpp - the number formats and the one rounding rule.
//
// Formats used by every kernel:
//   * weights      int8_t with a per-tensor power-of-two shift, or packed
//                  2-bit codes {-2,-1,0,+1} (see matvec_int2.hpp);
//   * activations  int16_t in Q8.8 (value = raw / 256) unless a kernel says
//                  otherwise;
//   * accumulators int32_t; sums are formed in uint32_t so that overflow
//                  wraps modulo 2^32 (defined behaviour, identical on every
//                  target) instead of being undefined.
//
// The rounding rule (used everywhere a value is shifted right):
//   rounding_shift_right(x, s) = floor((x + 2^(s-1)) / 2^s)   for s >= 1
//                              = x                             for s == 0
// i.e. round half up (towards +infinity): 2.5 -> 3, -2.5 -> -2, -2.6 -> -3.
// On an 8-bit CPU this is "add half, then arithmetic shift right".
// The addition is done in 64 bits, so it cannot overflow.
//
// Conversions: saturate_* clamps to the target range; wrap_* keeps the low
// bits (two's complement), as a CPU register would.
#pragma once

#include <cstdint>

namespace tinylm {

using q8_8 = std::int16_t;  // activation: raw / 256

inline constexpr int q8_8_frac_bits = 8;

// Round-half-up arithmetic shift right of a 32-bit value, 0 <= shift <= 31.
constexpr std::int32_t rounding_shift_right(std::int32_t x, int shift) noexcept {
  if (shift <= 0) return x;
  const std::int64_t half = std::int64_t{1} << (shift - 1);
  const std::int64_t sum = std::int64_t{x} + half;
  // Arithmetic shift of a negative value: C++20 defines >> on signed values
  // as floor division by 2^shift, which is what the 8-bit targets do.
  return static_cast<std::int32_t>(sum >> shift);
}

// Same rule for 64-bit inputs (used where a product of two 32-bit values is
// shifted back); 0 <= shift <= 62, and x + 2^(shift-1) must not overflow.
constexpr std::int64_t rounding_shift_right64(std::int64_t x, int shift) noexcept {
  if (shift <= 0) return x;
  return (x + (std::int64_t{1} << (shift - 1))) >> shift;
}

constexpr std::int8_t saturate_i8(std::int32_t x) noexcept {
  return static_cast<std::int8_t>(x > 127 ? 127 : (x < -128 ? -128 : x));
}

constexpr std::int16_t saturate_i16(std::int32_t x) noexcept {
  return static_cast<std::int16_t>(x > 32767 ? 32767 : (x < -32768 ? -32768 : x));
}

constexpr std::int16_t saturate_i16(std::int64_t x) noexcept {
  return static_cast<std::int16_t>(x > 32767 ? 32767 : (x < -32768 ? -32768 : x));
}

constexpr std::uint8_t saturate_u8(std::int32_t x) noexcept {
  return static_cast<std::uint8_t>(x > 255 ? 255 : (x < 0 ? 0 : x));
}

// Two's complement truncation (C++20 defines signed conversion as modular).
constexpr std::int8_t wrap_i8(std::int32_t x) noexcept { return static_cast<std::int8_t>(x); }
constexpr std::int16_t wrap_i16(std::int32_t x) noexcept { return static_cast<std::int16_t>(x); }

// Wrapping 32-bit add and multiply-accumulate: the accumulator contract of
// every matvec kernel.
constexpr std::int32_t wrapping_add(std::int32_t a, std::int32_t b) noexcept {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) + static_cast<std::uint32_t>(b));
}
constexpr std::int32_t wrapping_mac(std::int32_t acc, std::int32_t a, std::int32_t b) noexcept {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(acc) +
                                   static_cast<std::uint32_t>(a) * static_cast<std::uint32_t>(b));
}

// Saturating left shift of an int32 into the int32 range, shift >= 0 (any:
// a transformer with extreme fractions can ask for more than 31).
constexpr std::int32_t saturating_shift_left(std::int32_t x, int shift) noexcept {
  // (|x| >= 1 shifted by 32 or more is beyond int32 whatever x is; the
  // product below stays inside int64 for shifts up to 31)
  if (shift >= 32) return x > 0 ? INT32_MAX : (x < 0 ? INT32_MIN : 0);
  const std::int64_t v = std::int64_t{x} * (std::int64_t{1} << shift);
  return static_cast<std::int32_t>(v > INT32_MAX ? INT32_MAX : (v < INT32_MIN ? INT32_MIN : v));
}

}  // namespace tinylm
