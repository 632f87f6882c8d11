// tinylm/int4.hpp - int4 weights (two per byte) times int8 activations.
//
// Weight format: q in -8..7, two per byte, column j of a row in the low
//   nibble of byte j/2 when j is even, the high nibble when odd, as 4-bit
//   two's complement (q = ((nibble ^ 8) - 8)). Rows are padded to whole
//   bytes: row stride int4_row_bytes(cols) = (cols + 1) / 2; a padding
//   nibble is ignored (pack_int4 writes 0). 4 bits per weight, plus the row
//   exponents below.
// Scales: a tensor's power-of-two fraction (folded into `shift`, as for
//   int8) and, optionally, one exponent per row e_i in 0..7: the weight is
//   q * 2^e_i, so rows of small weights keep their resolution.
//
// Contract
//   dot_int4_int8(row, x, cols)  = sum_{j < cols} q(row, j) * x[j]   (int32, exact)
//   matvec_int4_int8(W, x, y, rows, cols, shift, lo, hi, row_exp):
//     y[i] = clamp(requantize(dot_int4_int8(row i, x, cols), shift - e_i), lo, hi)
//     (dot_int8.hpp's requantize: round half up; a negative shift is a
//     saturating left shift), e_i = row_exp[i], or 0 when row_exp is
//     nullptr. Because the sum is exact, requantize(S, shift - e) is
//     requantize(S * 2^e, shift) whenever S * 2^e fits in int32: the row
//     exponent costs one subtraction per row, no multiply.
// Accumulator bound: |q * x| <= 8 * 128 = 2^10, so the sum is exact in int32
//   for cols < 2^21 and, what the 8-bit targets use, in a 24-bit
//   accumulator for cols <= 8191 (8191 * 2^10 < 2^23); a transformer's
//   fan-in (at most 1024) is far inside both.
// Paths, bit-identical: dot_int4_int8_reference decodes nibble by nibble
//   (compile time); at run time dot_int4_int8 decodes 32 weights at a time
//   through a 256-entry table of byte pairs into a 32-byte stack buffer and
//   takes dot_int8 (SSE2 on x86-64, SMLAD on a Cortex-M4) on it. The weights
//   are never expanded in RAM beyond that buffer.
// Cost on an 8-bit target: per weight a nibble (a shift or a mask), a
//   sign extension, and an 8x4 multiply (a 4-bit multiplier is small
//   enough for a table of x * q: 16 entries per x value, or shifts and adds);
//   ROM rows * (cols + 1) / 2 bytes + rows exponent bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "dot_int8.hpp"

namespace tinylm {

constexpr std::size_t int4_row_bytes(std::size_t cols) noexcept { return (cols + 1) / 2; }

// The weight of a 4-bit code (only its low four bits are used).
[[gnu::always_inline]] constexpr std::int32_t int4_decode(unsigned nibble) noexcept {
  return static_cast<std::int32_t>((nibble & 15u) ^ 8u) - 8;
}

// Weight q of column j of a packed row.
template <weight_byte Byte>
[[gnu::always_inline]] constexpr std::int32_t int4_weight(const Byte* row, std::size_t j) noexcept {
  return int4_decode(byte_value(row[j / 2]) >> (4 * (j % 2)));
}

// Packs rows x cols weights (row-major, each in -8..7) into
// rows * int4_row_bytes(cols) bytes; padding nibbles are 0. A value outside
// -8..7 keeps its low four bits (callers should not rely on that).
constexpr void pack_int4(const std::int8_t* w, std::size_t rows, std::size_t cols, std::uint8_t* out) noexcept {
  const std::size_t stride = int4_row_bytes(cols);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t b = 0; b < stride; ++b) out[i * stride + b] = 0;
    for (std::size_t j = 0; j < cols; ++j) {
      const unsigned code = static_cast<unsigned>(w[i * cols + j]) & 15u;
      std::uint8_t& byte = out[i * stride + j / 2];
      byte = static_cast<std::uint8_t>(byte | (code << (4 * (j % 2))));
    }
  }
}

template <weight_byte Byte>
constexpr std::int32_t dot_int4_int8_reference(const Byte* row, const std::int8_t* x,
                                               std::size_t cols) noexcept {
  std::int32_t acc = 0;
  for (std::size_t j = 0; j < cols; ++j) acc += int4_weight(row, j) * x[j];
  return acc;
}

namespace detail {

// The two weights of every byte value, built at compile time.
struct int4_byte_table {
  std::int8_t w[256][2];
};

constexpr int4_byte_table make_int4_byte_table() noexcept {
  int4_byte_table t{};
  for (unsigned b = 0; b < 256; ++b) {
    t.w[b][0] = static_cast<std::int8_t>(int4_decode(b));
    t.w[b][1] = static_cast<std::int8_t>(int4_decode(b >> 4));
  }
  return t;
}

inline constexpr int4_byte_table int4_table = make_int4_byte_table();

inline std::int32_t dot_int4_int8_fast(const std::uint8_t* row, const std::int8_t* x, std::size_t cols) noexcept {
  constexpr std::size_t chunk_bytes = 16, chunk_cols = 2 * chunk_bytes;
  std::int32_t acc = 0;
  std::size_t j = 0;
  for (; j + chunk_cols <= cols; j += chunk_cols) {
    std::int8_t w[chunk_cols];
    const std::uint8_t* bytes = row + j / 2;
    for (std::size_t b = 0; b < chunk_bytes; ++b) {
      w[2 * b] = int4_table.w[bytes[b]][0];
      w[2 * b + 1] = int4_table.w[bytes[b]][1];
    }
    acc += dot_int8(w, x + j, chunk_cols);
  }
  for (; j < cols; ++j) acc += int4_weight(row, j) * x[j];
  return acc;
}

}  // namespace detail

template <weight_byte Byte>
constexpr std::int32_t dot_int4_int8(const Byte* row, const std::int8_t* x, std::size_t cols) noexcept {
  if (std::is_constant_evaluated()) return dot_int4_int8_reference(row, x, cols);
  return detail::dot_int4_int8_fast(as_uint8(row), x, cols);
}

constexpr void matvec_int4_int8(const std::uint8_t* W, const std::int8_t* x, std::int8_t* y, std::size_t rows,
                                std::size_t cols, int shift, std::int32_t lo = -128, std::int32_t hi = 127,
                                const std::int8_t* row_exp = nullptr) noexcept {
  const std::size_t stride = int4_row_bytes(cols);
  requantize_rows([&](std::size_t i) { return dot_int4_int8(W + i * stride, x, cols); }, y, rows, shift, lo, hi, row_exp);
}

}  // namespace tinylm
