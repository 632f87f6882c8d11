// tinylm/matvec_int8.hpp - y = W x for int8 weights and int16 activations.
//
// Contract
//   y[i] = saturate_i16(rounding_shift_right(acc_i, shift)),  0 <= i < rows
//   acc_i = bias[i] + sum_{j < cols} W[i*cols + j] * x[j]      (mod 2^32)
//   * W      int8, row-major, rows x cols (the per-tensor power-of-two scale
//            of the weights is folded into `shift`);
//   * x      int16 (normally Q8.8), cols entries;
//   * bias   int32 in accumulator units (i.e. already scaled by the weight
//            and activation scales); nullptr (or an empty span) means 0;
//   * acc    int32 accumulator, formed with wrapping_mac (fixed_point.hpp):
//            the sum is computed modulo 2^32 in the order bias, j = 0, 1, ...
//            - modular addition is associative, so any order, any unrolling
//            and any 8-bit target gives the same bits;
//   * shift  0..31, THE rounding rule: round half up (fixed_point.hpp);
//   * y      int16, saturated to [-32768, 32767]; rows entries. y must not
//            alias x.
// Overflow: one product is at most 2^22 in magnitude (-128 * -32768), so
//   with bias == 0 the accumulator can never wrap when cols <= 511
//   (511 * 2^22 < 2^31 - 1, and 512 * 2^22 == 2^31 does wrap), or when
//   |bias| + cols * 2^22 <= 2^31 - 1 in general. If the weights are
//   symmetric-quantised to [-127, 127] a product is at most 127 * 32768 =
//   4161536 and cols <= 516 can never wrap (516 * 4161536 < 2^31). Beyond
//   that the result wraps (defined, identical on every target), it is not
//   saturated.
// Cost on an 8-bit target: rows*cols signed 8x16 -> 24-bit multiplies
//   (sign-extended into a 32-bit accumulator), one 32-bit rounding shift and
//   a clamp per row; RAM: x, y and a 4-byte accumulator, W streams from ROM.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "fixed_point.hpp"

namespace tinylm {

constexpr void matvec_int8(const std::int8_t* W, const std::int16_t* x, const std::int32_t* bias,
                           std::int16_t* y, std::size_t rows, std::size_t cols, int shift) noexcept {
  for (std::size_t i = 0; i < rows; ++i) {
    const std::int8_t* row = W + i * cols;
    std::int32_t acc = bias != nullptr ? bias[i] : 0;
    for (std::size_t j = 0; j < cols; ++j) acc = wrapping_mac(acc, row[j], x[j]);
    y[i] = saturate_i16(rounding_shift_right(acc, shift));
  }
}

// Span form: rows = y.size(), cols = x.size(); W must hold rows*cols values
// and bias either 0 or rows values (anything else: nothing is written).
constexpr void matvec_int8(std::span<const std::int8_t> W, std::span<const std::int16_t> x,
                           std::span<const std::int32_t> bias, std::span<std::int16_t> y,
                           int shift) noexcept {
  if (W.size() != y.size() * x.size()) return;
  if (!bias.empty() && bias.size() != y.size()) return;
  matvec_int8(W.data(), x.data(), bias.empty() ? nullptr : bias.data(), y.data(), y.size(),
              x.size(), shift);
}

}  // namespace tinylm
