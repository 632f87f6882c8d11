// tinylm/weight_format.hpp - a matrix's weight format, chosen per tensor:
// the row layout of each format and the one row product over its kernel
// (dot_int8.hpp, int4.hpp, matvec_int2.hpp, ternary.hpp).
//
// Formats (weight_format; the number is what model files and headers store):
//   0 int8     a byte per weight, w = q / 2^frac           (q -128..127)
//   1 int4     two per byte (int4.hpp)                     (q -8..7)
//   2 int2     four per byte (matvec_int2.hpp)             (q -2..1)
//   3 ternary  five per byte, base 3 (ternary.hpp)         (q -1..1)
// A compact row (int4, int2, ternary) starts with its exponent byte e
// (0..7; the weights of the row are q * 2^e / 2^frac), then its packed
// weights: row_stride(f, cols) = 1 + packed_row_bytes(f, cols). An int8 row
// is its cols bytes alone (e = 0): an all-int8 model keeps the layout it had
// before the compact formats. A matrix is rows * row_stride bytes. Keeping
// the exponent inside its row lets a row be streamed, and an 8-bit runtime
// read it, without a second table.
//
// Contract
//   row_dot(f, row, x, cols)  = sum_{j < cols} q(row, j) * x[j]    (int32, exact)
//   requantized_row(f, row, x, cols, s)
//                             = requantize(row_dot(f, row, x, cols), s - e)
//     (dot_int8.hpp's requantize: round half up; a negative shift is a
//     saturating left shift). The bytes are read as int8 (a model's one
//     weight array) and taken modulo 256 by the compact kernels.
//   matvec_rows(f, W, x, y, rows, cols, shift, lo, hi):
//     y[i] = clamp(requantized_row(f, row i, x, cols, shift), lo, hi)
// Accumulator bound: |q * x| <= max_abs_code(f) * 128 (int8 2^14, int4 2^10,
//   int2 2^8, ternary 2^7); fits_24_bits(f, cols) says whether a 24-bit
//   accumulator (the 8-bit runtimes') is exact for rows of `cols`: int8 up
//   to 511 columns, int4 8191, int2 32767, ternary 65535.
// Paths: those of the kernels (a reference loop at compile time, a table
//   decode into a small stack buffer and dot_int8 at run time); the same bits.
// Cost on an 8-bit target, per weight: int8 an 8 x 8 multiply; int4 a nibble
//   and an 8 x 4 multiply; int2 and ternary no multiply (add, subtract or
//   skip). ROM: rows * row_stride bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dot_int8.hpp"
#include "int4.hpp"
#include "matvec_int2.hpp"
#include "ternary.hpp"

namespace tinylm {

enum class weight_format : std::uint8_t { int8 = 0, int4 = 1, int2 = 2, ternary = 3 };
inline constexpr unsigned weight_format_count = 4;
inline constexpr int max_row_exponent = 7;

constexpr bool is_weight_format(unsigned code) noexcept { return code < weight_format_count; }

constexpr const char* format_name(weight_format f) noexcept {
  switch (f) {
    case weight_format::int8: return "int8";
    case weight_format::int4: return "int4";
    case weight_format::int2: return "int2";
    case weight_format::ternary: return "ternary";
  }
  return "?";
}

// The codes q of a format: code_min(f) .. code_max(f).
constexpr int code_min(weight_format f) noexcept {
  return f == weight_format::int8 ? -128 : f == weight_format::int4 ? -8 : f == weight_format::int2 ? -2 : -1;
}
constexpr int code_max(weight_format f) noexcept {
  return f == weight_format::int8 ? 127 : f == weight_format::int4 ? 7 : 1;
}
constexpr std::int32_t max_abs_code(weight_format f) noexcept { return -code_min(f); }

constexpr bool has_row_exponent(weight_format f) noexcept { return f != weight_format::int8; }

// The packed weights of a row (without the exponent byte).
constexpr std::size_t packed_row_bytes(weight_format f, std::size_t cols) noexcept {
  switch (f) {
    case weight_format::int8: return cols;
    case weight_format::int4: return int4_row_bytes(cols);
    case weight_format::int2: return int2_row_bytes(cols);
    case weight_format::ternary: return ternary_row_bytes(cols);
  }
  return cols;
}

constexpr std::size_t row_stride(weight_format f, std::size_t cols) noexcept {
  return (has_row_exponent(f) ? 1 : 0) + packed_row_bytes(f, cols);
}

constexpr std::size_t matrix_bytes(weight_format f, std::size_t rows, std::size_t cols) noexcept {
  return rows * row_stride(f, cols);
}

// Whether a 24-bit accumulator holds every row sum of `cols` columns exactly.
constexpr bool fits_24_bits(weight_format f, std::size_t cols) noexcept {
  return static_cast<std::uint64_t>(cols) * static_cast<std::uint64_t>(max_abs_code(f)) * 128u < (1u << 23);
}

// (Only the exponent byte's low three bits are read: every byte gives a
// defined shift; validate_matrix rejects the others.)
constexpr int row_exponent(weight_format f, const std::int8_t* row) noexcept {
  return has_row_exponent(f) ? static_cast<int>(byte_value(row[0]) & 7u) : 0;
}

constexpr std::int32_t row_dot(weight_format f, const std::int8_t* row, const std::int8_t* x, std::size_t cols) noexcept {
  switch (f) {
    case weight_format::int8: return dot_int8(row, x, cols);
    case weight_format::int4: return dot_int4_int8(row + 1, x, cols);
    case weight_format::int2: return dot_int2_int8(row + 1, x, cols);
    case weight_format::ternary: return dot_ternary_int8(row + 1, x, cols);
  }
  return 0;
}

constexpr std::int32_t requantized_row(weight_format f, const std::int8_t* row, const std::int8_t* x, std::size_t cols,
                                       int shift) noexcept {
  return requantize(row_dot(f, row, x, cols), shift - row_exponent(f, row));
}

constexpr void matvec_rows(weight_format f, const std::int8_t* W, const std::int8_t* x, std::int8_t* y,
                           std::size_t rows, std::size_t cols, int shift, std::int32_t lo = -128,
                           std::int32_t hi = 127) noexcept {
  const std::size_t stride = row_stride(f, cols);
  for (std::size_t i = 0; i < rows; ++i) y[i] = clamp_i8(requantized_row(f, W + i * stride, x, cols, shift), lo, hi);
}

// Writes one row (codes q[0 .. cols), each within the format's range, and
// its exponent e, 0..7, ignored for int8) in the row layout above:
// row_stride(f, cols) bytes at out. cols <= pack_row_max_cols (a
// transformer's widest fan-in; the packing goes through a stack buffer:
// an exporter's and a test's tool, not an inference path).
inline constexpr std::size_t pack_row_max_cols = 1024;
constexpr void pack_row(weight_format f, const std::int8_t* q, std::size_t cols, int e, std::int8_t* out) noexcept {
  if (f == weight_format::int8) {
    for (std::size_t j = 0; j < cols; ++j) out[j] = q[j];
    return;
  }
  if (cols > pack_row_max_cols) return;
  out[0] = static_cast<std::int8_t>(e);
  std::uint8_t packed[int4_row_bytes(pack_row_max_cols)] = {};  // the largest packed row of the compact formats
  const std::size_t n = packed_row_bytes(f, cols);
  if (f == weight_format::int4) pack_int4(q, 1, cols, packed);
  if (f == weight_format::int2) pack_int2(q, 1, cols, packed);
  if (f == weight_format::ternary) pack_ternary(q, 1, cols, packed);
  for (std::size_t b = 0; b < n; ++b) out[1 + b] = static_cast<std::int8_t>(packed[b]);
}

// nullptr when a rows x cols matrix of format f is well formed (every row
// exponent 0..7, every ternary byte 0..242), else the problem.
constexpr const char* validate_matrix(weight_format f, const std::int8_t* W, std::size_t rows,
                                      std::size_t cols) noexcept {
  if (!has_row_exponent(f)) return nullptr;
  const std::size_t stride = row_stride(f, cols);
  for (std::size_t i = 0; i < rows; ++i) {
    const std::int8_t* row = W + i * stride;
    if (row[0] < 0 || row[0] > max_row_exponent) return "a row exponent is outside 0..7";
    if (f == weight_format::ternary)
      if (const char* e = validate_ternary(row + 1, stride - 1)) return e;
  }
  return nullptr;
}

}  // namespace tinylm
