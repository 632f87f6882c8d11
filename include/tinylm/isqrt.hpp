// tinylm/isqrt.hpp - floor integer square root, bit by bit.
//
// Contract
//   isqrt32(v) = floor(sqrt(v)) for any uint32 v   (result 0 .. 65535)
//   isqrt64(v) = floor(sqrt(v)) for any uint64 v   (result 0 .. 2^32 - 1)
//   Exact (no rounding, no overflow): the classic digit-by-digit method,
//   one result bit per step, using only shifts, adds, subtracts and
//   compares - no multiply, no division.
// Cost on an 8-bit target: 16 steps (32-bit input) or 32 steps (64-bit),
//   each a compare/subtract and two shifts of a 4- or 8-byte value.
#pragma once

#include <cstdint>

namespace tinylm {

namespace detail {

template <class U>
constexpr U isqrt_bits(U v) noexcept {
  U result = 0;
  U bit = U{1} << (sizeof(U) * 8 - 2);  // highest power of four
  while (bit > v) bit >>= 2;
  while (bit != 0) {
    if (v >= result + bit) {
      v -= result + bit;
      result = (result >> 1) + bit;
    } else {
      result >>= 1;
    }
    bit >>= 2;
  }
  return result;
}

}  // namespace detail

constexpr std::uint16_t isqrt32(std::uint32_t v) noexcept {
  return static_cast<std::uint16_t>(detail::isqrt_bits<std::uint32_t>(v));
}

constexpr std::uint32_t isqrt64(std::uint64_t v) noexcept {
  return static_cast<std::uint32_t>(detail::isqrt_bits<std::uint64_t>(v));
}

}  // namespace tinylm
