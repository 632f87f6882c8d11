// tinylm/relu_u8.hpp - ReLU with an 8-bit ceiling: y = clamp(x, 0, 255).
//
// Contract
//   relu_u8(v, n): v[i] = clamp(v[i], 0, 255) for i < n, in place (int16;
//   the result is 0..255, so an 8-bit target stores it in one byte).
//   It is saturate_u8 (fixed_point.hpp) applied to every element.
// Composition with the matvec kernels: saturate_i16 is monotone and
//   [0, 255] lies inside the int16 range, so for every int32 r
//     clamp(saturate_i16(r), 0, 255) == clamp(r, 0, 255);
//   hence matvec_int2(..., shift) followed by relu_u8 gives exactly
//     y = clamp(rounding_shift_right(acc, shift), 0, 255).
// Cost on an 8-bit target: a sign test and a high-byte test per element
//   (negative -> 0, high byte non-zero -> 255, else the low byte).
#pragma once

#include <cstddef>
#include <cstdint>

#include "fixed_point.hpp"

namespace tinylm {

constexpr void relu_u8(std::int16_t* v, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) v[i] = saturate_u8(v[i]);
}

}  // namespace tinylm
