// tinylm/rmsnorm.hpp - integer RMSNorm.
//
// Contract
//   x     int16 Q8.8, n entries, 1 <= n <= 65536 (n == 0: nothing happens);
//   gain  int16 Q8.8 per element (256 = 1.0), or nullptr for gain 1.0
//         (an int8 weight with a power-of-two shift converts exactly when
//         the shift is <= 8: gain = w << (8 - shift));
//   y     int16 Q8.8, n entries; y may be the same array as x (in place).
//   No epsilon: the only input with rms 0 is the all-zero vector, whose
//   output is all zero (no division by zero).
//
//   sumsq = sum x_i^2                                    (uint64, exact)
//   ms    = floor(sumsq * 2^16 / n)                      (the mean square in
//           units of 2^-32; when n is a power of two the division is the
//           shift  (sumsq << 16) >> log2(n), same value)
//   rms   = isqrt64(ms)                                  (units 2^-16, floor;
//           1 <= rms <= 2^23 unless x is all zero)
//   inv   = floor(2^40 / rms)                            (the one division
//           per vector; 1/rms in units of 2^-24, 2^17 <= inv <= 2^40)
//   t_i   = rounding_shift_right64(x_i * inv, 16)        (x_i / rms in Q.16,
//           |t_i| <= sqrt(n) * 2^16 <= 2^24)
//   y_i   = saturate_i16(rounding_shift_right64(t_i * gain_i, 16))
//   i.e. y_i ~ gain_i * x_i / sqrt(mean(x^2)) in Q8.8, with two
//   round-half-up steps (both exactly specified above) and a truncated
//   rms and reciprocal: |y - ideal| < 1 + |ideal| * (1/rms + 1e-4) with rms
//   in units of 2^-16 (the floor of the rms costs 2^-16 relative for an rms
//   of 1.0, 2^-9 for an rms of 2/256). A float trainer:
//   y = g * x / sqrt(mean(x^2)), no eps.
// Overflow: none inside (sumsq << 16 <= 2^62 for n <= 65536; x_i * inv <
//   2^56; t_i * gain_i < 2^40); the output saturates to int16.
// Cost on an 8-bit target: n 16x16 squares into a 6-byte sum, a shift (n a
//   power of two), a 32-step isqrt of a 48-bit value, one 41-by-24-bit
//   division, then per element a 16x40-bit and a 24x16-bit multiply with
//   byte-aligned rounding shifts.
#pragma once

#include <cstddef>
#include <cstdint>

#include "fixed_point.hpp"
#include "isqrt.hpp"

namespace tinylm {

// The rms of x in units of 2^-16 (0 for n == 0 or an all-zero x).
constexpr std::uint32_t rms_q16(const std::int16_t* x, std::size_t n) noexcept {
  if (n == 0) return 0;
  std::uint64_t sumsq = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t v = x[i];
    sumsq += static_cast<std::uint64_t>(v * v);
  }
  const std::uint64_t scaled = sumsq << 16;
  std::uint64_t ms = 0;
  if ((n & (n - 1)) == 0) {
    int log2n = 0;
    while ((std::size_t{1} << log2n) != n) ++log2n;
    ms = scaled >> log2n;
  } else {
    ms = scaled / n;
  }
  return isqrt64(ms);
}

constexpr void rmsnorm(const std::int16_t* x, const std::int16_t* gain, std::int16_t* y,
                       std::size_t n) noexcept {
  const std::uint32_t rms = rms_q16(x, n);
  if (rms == 0) {
    for (std::size_t i = 0; i < n; ++i) y[i] = 0;
    return;
  }
  const auto inv = static_cast<std::int64_t>((std::uint64_t{1} << 40) / rms);
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t t = rounding_shift_right64(x[i] * inv, 16);
    const std::int64_t g = gain != nullptr ? gain[i] : 256;
    y[i] = saturate_i16(rounding_shift_right64(t * g, 16));
  }
}

}  // namespace tinylm
