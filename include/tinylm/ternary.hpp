// tinylm/ternary.hpp - ternary weights {-1, 0, +1}, five per byte, times
// int8 activations.
//
// Weight format: five weights per byte in base 3 (1.6 bits per weight):
//   byte = sum_{k < 5} (q_k + 1) * 3^k,   q_k in {-1, 0, +1},  byte 0..242,
//   column j of a row is digit k = j % 5 of byte j / 5 of the row:
//   q = (byte / 3^k) % 3 - 1. Rows are padded to whole bytes: row stride
//   ternary_row_bytes(cols) = (cols + 4) / 5; a padding digit is ignored
//   (pack_ternary writes 1: weight 0). The decoding is defined for every
//   byte (243..255 decode by the same formula; validate_ternary rejects
//   them, and pack_ternary never writes them).
// Scales: as int4.hpp: the tensor's power-of-two fraction in `shift` and an
//   optional exponent e_i (0..7) per row: the weight is q * 2^e_i. (With
//   the row exponents a byte of five weights costs 1.6 bits per weight plus
//   8 / cols per row; ggml's TQ1_0 is 1.69 with its 16-bit block scales.)
//
// Contract
//   dot_ternary_int8(row, x, cols) = sum_{j < cols} q(row, j) * x[j]  (int32, exact)
//   matvec_ternary_int8(W, x, y, rows, cols, shift, lo, hi, row_exp):
//     y[i] = clamp(requantize(dot_ternary_int8(row i, x, cols), shift - e_i), lo, hi)
//     (as matvec_int4_int8: e_i = row_exp[i], or 0 for nullptr).
// Accumulator bound: |q * x| <= 128, so a 24-bit accumulator is exact for
//   cols <= 65535 (and int32 for any row that fits in memory).
// Paths, bit-identical: dot_ternary_int8_reference decodes digit by digit
//   (compile time); at run time 40 weights at a time are decoded through a
//   table of the five weights of every byte (1,280 bytes, built at compile
//   time) into a 40-byte stack buffer, then dot_int8 (SSE2, SMLAD).
// Cost on an 8-bit target: no multiplier: per weight nothing (0), add x
//   (+1) or subtract x (-1); the digits come from a 243 x 5 table (1,215
//   bytes of ROM) or from repeated division by 3 (a table of byte / 3 and
//   byte % 3: 486 bytes). ROM rows * (cols + 4) / 5 bytes + row exponents.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "dot_int8.hpp"

namespace tinylm {

constexpr std::size_t ternary_row_bytes(std::size_t cols) noexcept { return (cols + 4) / 5; }

// 3^k for k = 0..4.
inline constexpr unsigned ternary_power[5] = {1, 3, 9, 27, 81};

// Weight of digit k (0..4) of a byte.
[[gnu::always_inline]] constexpr std::int32_t ternary_decode(unsigned byte, std::size_t k) noexcept {
  return static_cast<std::int32_t>((byte / ternary_power[k]) % 3u) - 1;
}

// Weight q of column j of a packed row.
template <weight_byte Byte>
[[gnu::always_inline]] constexpr std::int32_t ternary_weight(const Byte* row, std::size_t j) noexcept {
  return ternary_decode(byte_value(row[j / 5]), j % 5);
}

// Packs rows x cols weights (row-major, each in {-1, 0, 1}) into
// rows * ternary_row_bytes(cols) bytes; padding digits are weight 0. A value
// outside the set is clamped to it.
constexpr void pack_ternary(const std::int8_t* w, std::size_t rows, std::size_t cols, std::uint8_t* out) noexcept {
  const std::size_t stride = ternary_row_bytes(cols);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t b = 0; b < stride; ++b) {
      unsigned byte = 0;
      for (std::size_t k = 0; k < 5; ++k) {
        const std::size_t j = 5 * b + k;
        const int q = j < cols ? (w[i * cols + j] < 0 ? -1 : (w[i * cols + j] > 0 ? 1 : 0)) : 0;
        byte += static_cast<unsigned>(q + 1) * ternary_power[k];
      }
      out[i * stride + b] = static_cast<std::uint8_t>(byte);
    }
  }
}

// nullptr when every byte of a packed tensor is a valid group of five
// (0..242), else the problem.
template <weight_byte Byte>
constexpr const char* validate_ternary(const Byte* W, std::size_t bytes) noexcept {
  for (std::size_t b = 0; b < bytes; ++b)
    if (byte_value(W[b]) > 242) return "a ternary byte is larger than 242 (3^5 - 1)";
  return nullptr;
}

template <weight_byte Byte>
constexpr std::int32_t dot_ternary_int8_reference(const Byte* row, const std::int8_t* x,
                                                  std::size_t cols) noexcept {
  std::int32_t acc = 0;
  for (std::size_t j = 0; j < cols; ++j) acc += ternary_weight(row, j) * x[j];
  return acc;
}

namespace detail {

// The five weights of every byte value 0..255 (243..255 as decoded above).
struct ternary_byte_table {
  std::int8_t w[256][5];
};

constexpr ternary_byte_table make_ternary_byte_table() noexcept {
  ternary_byte_table t{};
  for (unsigned b = 0; b < 256; ++b)
    for (std::size_t k = 0; k < 5; ++k) t.w[b][k] = static_cast<std::int8_t>(ternary_decode(b, k));
  return t;
}

inline constexpr ternary_byte_table ternary_table = make_ternary_byte_table();

inline std::int32_t dot_ternary_int8_fast(const std::uint8_t* row, const std::int8_t* x, std::size_t cols) noexcept {
  constexpr std::size_t chunk_bytes = 8, chunk_cols = 5 * chunk_bytes;
  std::int32_t acc = 0;
  std::size_t j = 0;
  for (; j + chunk_cols <= cols; j += chunk_cols) {
    std::int8_t w[chunk_cols];
    const std::uint8_t* bytes = row + j / 5;
    for (std::size_t b = 0; b < chunk_bytes; ++b)
      for (std::size_t k = 0; k < 5; ++k) w[5 * b + k] = ternary_table.w[bytes[b]][k];
    acc += dot_int8(w, x + j, chunk_cols);
  }
  for (; j < cols; ++j) acc += ternary_weight(row, j) * x[j];
  return acc;
}

}  // namespace detail

template <weight_byte Byte>
constexpr std::int32_t dot_ternary_int8(const Byte* row, const std::int8_t* x, std::size_t cols) noexcept {
  if (std::is_constant_evaluated()) return dot_ternary_int8_reference(row, x, cols);
  return detail::dot_ternary_int8_fast(as_uint8(row), x, cols);
}

constexpr void matvec_ternary_int8(const std::uint8_t* W, const std::int8_t* x, std::int8_t* y, std::size_t rows,
                                   std::size_t cols, int shift, std::int32_t lo = -128, std::int32_t hi = 127,
                                   const std::int8_t* row_exp = nullptr) noexcept {
  const std::size_t stride = ternary_row_bytes(cols);
  requantize_rows([&](std::size_t i) { return dot_ternary_int8(W + i * stride, x, cols); }, y, rows, shift, lo, hi, row_exp);
}

}  // namespace tinylm
