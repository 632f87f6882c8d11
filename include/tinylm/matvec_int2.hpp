// tinylm/matvec_int2.hpp - y = W x for packed 2-bit weights {-2,-1,0,+1}.
//
// Weight format (Z80-uLM style): four weights per byte, 2-bit codes
//   0b00 -> 0, 0b01 -> +1, 0b10 -> -2, 0b11 -> -1
// (the code is the weight in 2-bit two's complement: w = (code ^ 2) - 2).
// Column j of a row sits at bits 2*(j%4) .. 2*(j%4)+1 of byte j/4 of that
// row (least significant pair first). Every row is padded to whole bytes:
// row stride = int2_row_bytes(cols) = (cols + 3) / 4. Padding bits are
// ignored (they may hold anything); pack_int2 writes them as 0.
//
// Contract (identical to matvec_int8.hpp except for the weight decoding)
//   y[i] = saturate_i16(rounding_shift_right(acc_i, shift))
//   acc_i = bias[i] + sum_{j < cols} w(i, j) * x[j]              (mod 2^32)
//   x int16 (normally Q8.8), bias int32 in accumulator units or nullptr (0),
//   int32 accumulator built with wrapping_mac, shift 0..31 with the one
//   rounding rule (round half up), y int16 saturated; y must not alias x.
// Overflow: |w * x| <= 2 * 32768 = 2^16, so with bias == 0 the accumulator
//   cannot wrap for cols <= 32767; beyond that it wraps (defined).
// The weights are decoded inside the loop, never expanded in RAM (the host
// fast path decodes 64 at a time into a 64-byte stack buffer, no more).
// Paths (principle 7), all bit-identical:
//   matvec_int2_reference  plain per-column decode, zero inputs skipped (they
//                          add nothing; hashed features and ReLU outputs are
//                          mostly zero, so constant evaluation takes far
//                          fewer steps; up to 256 columns the non-zero ones
//                          are listed once per call); used at compile time;
//   matvec_int2_fast       run time: 16 bytes (64 weights) at a time decoded
//                          through a 256-entry table built at compile time
//                          into a 64-byte stack buffer, then a vectorisable
//                          dot product;
//   matvec_int2            dispatches: the reference at compile time and,
//                          where TINYLM_INT2_SPARSE is 1, at run time too
//                          (the default on a Cortex-M, __ARM_ARCH_PROFILE
//                          'M': no SIMD there for the dense chunks, and with
//                          most inputs zero the sparse loop does far less
//                          work); matvec_int2_fast otherwise. Define
//                          TINYLM_INT2_SPARSE to 0 or 1 to choose.
// Cost on an 8-bit target: no multiplier needed - per weight a 2-bit
//   decode (two shifts) and then nothing (0), add x (+1), subtract x (-1)
//   or subtract 2x (-2) on a 32-bit accumulator (a 24-bit one gives the
//   same bits when |bias| + 2^16 * cols < 2^23); an emitter may skip an
//   all-zero byte (four columns) at once.
//   ROM: rows * (cols+3)/4 bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "dot_int8.hpp"
#include "fixed_point.hpp"

#ifndef TINYLM_INT2_SPARSE
#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
#define TINYLM_INT2_SPARSE 1
#else
#define TINYLM_INT2_SPARSE 0
#endif
#endif

namespace tinylm {

// Bytes per packed row.
constexpr std::size_t int2_row_bytes(std::size_t cols) noexcept { return (cols + 3) / 4; }

// Weight of a 2-bit code (only the low two bits of `code` are used).
// (always_inline: at -Os a compiler may otherwise call it once per weight.)
[[gnu::always_inline]] constexpr std::int32_t int2_decode(unsigned code) noexcept {
  return static_cast<std::int32_t>((code & 3u) ^ 2u) - 2;
}

// Weight of column j in a packed row.
template <weight_byte Byte>
[[gnu::always_inline]] constexpr std::int32_t int2_weight(const Byte* row, std::size_t j) noexcept {
  return int2_decode(byte_value(row[j / 4]) >> (2 * (j % 4)));
}

// Packs rows x cols weights (row-major int8 values in {-2,-1,0,1}) into
// rows * int2_row_bytes(cols) bytes at `out`; padding bits are 0. A value
// outside the set is reduced modulo 4 (two's complement low bits: 2 packs as
// -2, -3 as +1) - callers should not rely on that.
constexpr void pack_int2(const std::int8_t* w, std::size_t rows, std::size_t cols,
                         std::uint8_t* out) noexcept {
  const std::size_t stride = int2_row_bytes(cols);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t b = 0; b < stride; ++b) out[i * stride + b] = 0;
    for (std::size_t j = 0; j < cols; ++j) {
      const unsigned code = static_cast<unsigned>(w[i * cols + j]) & 3u;
      std::uint8_t& byte = out[i * stride + j / 4];
      byte = static_cast<std::uint8_t>(byte | (code << (2 * (j % 4))));
    }
  }
}

// The reference path's RAM: the indices of the non-zero inputs, one byte
// each, on its stack (what a memory plan counts for it).
inline constexpr std::size_t int2_index_list_bytes = 256;

namespace detail {

// Up to 256 columns: the indices of the non-zero inputs, listed once per
// call (then every row visits only them); returns their number (0 for more
// columns: the rows then test every input).
constexpr std::size_t int2_nonzero_inputs(const std::int16_t* x, std::size_t cols,
                                          std::uint8_t* nonzero) noexcept {
  std::size_t count = 0;
  if (cols <= 256)
    for (std::size_t j = 0; j < cols; ++j)
      if (x[j] != 0) nonzero[count++] = static_cast<std::uint8_t>(j);
  return count;
}

// acc + sum_j w(row, j) * x[j] (mod 2^32) over the non-zero inputs.
constexpr std::int32_t int2_row_sum(const std::uint8_t* row, const std::int16_t* x, std::size_t cols,
                                    const std::uint8_t* nonzero, std::size_t count,
                                    std::int32_t acc) noexcept {
  if (cols <= 256) {
    for (std::size_t k = 0; k < count; ++k) acc = wrapping_mac(acc, int2_weight(row, nonzero[k]), x[nonzero[k]]);
  } else {
    for (std::size_t j = 0; j < cols; ++j)
      if (x[j] != 0) acc = wrapping_mac(acc, int2_weight(row, j), x[j]);
  }
  return acc;
}

}  // namespace detail

// The plain path: used at compile time (and on a microcontroller), and the
// definition of the result.
// `nonzero` is the index list's room (int2_index_list_bytes); without it,
// the list is on this function's stack.
constexpr void matvec_int2_reference(const std::uint8_t* W, const std::int16_t* x,
                                     const std::int32_t* bias, std::int16_t* y, std::size_t rows,
                                     std::size_t cols, int shift, std::uint8_t* nonzero) noexcept {
  const std::size_t stride = int2_row_bytes(cols);
  const std::size_t count = detail::int2_nonzero_inputs(x, cols, nonzero);
  for (std::size_t i = 0; i < rows; ++i) {
    const std::int32_t acc =
        detail::int2_row_sum(W + i * stride, x, cols, nonzero, count, bias != nullptr ? bias[i] : 0);
    y[i] = saturate_i16(rounding_shift_right(acc, shift));
  }
}

constexpr void matvec_int2_reference(const std::uint8_t* W, const std::int16_t* x,
                                     const std::int32_t* bias, std::int16_t* y, std::size_t rows,
                                     std::size_t cols, int shift) noexcept {
  std::uint8_t nonzero[int2_index_list_bytes]{};
  matvec_int2_reference(W, x, bias, y, rows, cols, shift, nonzero);
}

// The accumulators alone: acc[i] = bias[i] (0 when bias is nullptr) +
// sum_{j < cols} w(i, j) * x[j] (mod 2^32), before any shift, zero inputs
// skipped. A caller that adds more inputs later passes them as the bias of
// matvec_int2: the sums are modulo 2^32, so splitting the inputs changes no
// bit (the hash-MLP's prompt part of layer 0, computed once per reply).
constexpr void matvec_int2_accumulate(const std::uint8_t* W, const std::int16_t* x,
                                      const std::int32_t* bias, std::int32_t* acc, std::size_t rows,
                                      std::size_t cols, std::uint8_t* nonzero) noexcept {
  const std::size_t stride = int2_row_bytes(cols);
  const std::size_t count = detail::int2_nonzero_inputs(x, cols, nonzero);
  for (std::size_t i = 0; i < rows; ++i)
    acc[i] = detail::int2_row_sum(W + i * stride, x, cols, nonzero, count, bias != nullptr ? bias[i] : 0);
}

constexpr void matvec_int2_accumulate(const std::uint8_t* W, const std::int16_t* x,
                                      const std::int32_t* bias, std::int32_t* acc, std::size_t rows,
                                      std::size_t cols) noexcept {
  std::uint8_t nonzero[int2_index_list_bytes]{};
  matvec_int2_accumulate(W, x, bias, acc, rows, cols, nonzero);
}

namespace detail {

// The four weights of every byte value, built at compile time.
struct int2_byte_table {
  std::int8_t w[256][4];
};

constexpr int2_byte_table make_int2_byte_table() noexcept {
  int2_byte_table t{};
  for (unsigned b = 0; b < 256; ++b)
    for (unsigned k = 0; k < 4; ++k)
      t.w[b][k] = static_cast<std::int8_t>(int2_decode(b >> (2 * k)));
  return t;
}

inline constexpr int2_byte_table int2_table = make_int2_byte_table();

}  // namespace detail

// The run-time path: the row is decoded 64 columns (16 bytes) at a time
// through the byte table into a small buffer on the stack, and each chunk's
// dot product is a plain loop the compiler vectorises (a chunk's sum is at
// most 64 * 2^16 in magnitude, so it is exact in int32); the last partial
// chunk and the padding of the last byte are handled column by column.
// Bit-identical to matvec_int2_reference: the sums are modulo 2^32, so the
// order of the additions does not matter.
constexpr void matvec_int2_fast(const std::uint8_t* W, const std::int16_t* x,
                                const std::int32_t* bias, std::int16_t* y, std::size_t rows,
                                std::size_t cols, int shift) noexcept {
  constexpr std::size_t chunk_bytes = 16;
  constexpr std::size_t chunk_cols = 4 * chunk_bytes;
  const std::size_t stride = int2_row_bytes(cols);
  const std::size_t chunks = cols / chunk_cols;
  for (std::size_t i = 0; i < rows; ++i) {
    const std::uint8_t* row = W + i * stride;
    std::int32_t acc = bias != nullptr ? bias[i] : 0;
    for (std::size_t c = 0; c < chunks; ++c) {
      std::int8_t w[chunk_cols]{};
      for (std::size_t b = 0; b < chunk_bytes; ++b) {
        const std::int8_t* t = detail::int2_table.w[row[c * chunk_bytes + b]];
        w[4 * b + 0] = t[0];
        w[4 * b + 1] = t[1];
        w[4 * b + 2] = t[2];
        w[4 * b + 3] = t[3];
      }
      const std::int16_t* xp = x + c * chunk_cols;
      std::int32_t sum = 0;
      for (std::size_t j = 0; j < chunk_cols; ++j) sum += w[j] * xp[j];
      acc = wrapping_add(acc, sum);
    }
    for (std::size_t j = chunks * chunk_cols; j < cols; ++j)
      acc = wrapping_mac(acc, detail::int2_table.w[row[j / 4]][j % 4], x[j]);
    y[i] = saturate_i16(rounding_shift_right(acc, shift));
  }
}

// The public kernel. `index_list`: room for the reference path's
// int2_index_list_bytes, so that a caller can count it in its own workspace
// (without it, the list is on the stack).
constexpr void matvec_int2(const std::uint8_t* W, const std::int16_t* x, const std::int32_t* bias,
                           std::int16_t* y, std::size_t rows, std::size_t cols, int shift,
                           std::uint8_t* index_list) noexcept {
  if (std::is_constant_evaluated() || TINYLM_INT2_SPARSE) {
    matvec_int2_reference(W, x, bias, y, rows, cols, shift, index_list);
  } else {
    matvec_int2_fast(W, x, bias, y, rows, cols, shift);
  }
}

constexpr void matvec_int2(const std::uint8_t* W, const std::int16_t* x, const std::int32_t* bias,
                           std::int16_t* y, std::size_t rows, std::size_t cols, int shift) noexcept {
  if (std::is_constant_evaluated() || TINYLM_INT2_SPARSE) {
    matvec_int2_reference(W, x, bias, y, rows, cols, shift);
  } else {
    matvec_int2_fast(W, x, bias, y, rows, cols, shift);
  }
}

// ---- int8 activations (the transformer's matmuls) ----------------------------------
// dot_int2_int8(row, x, cols) = sum_{j < cols} w(row, j) * x[j]   (int32, exact)
// matvec_int2_int8(W, x, y, rows, cols, shift, lo, hi, row_exp):
//   y[i] = clamp(requantize(dot_int2_int8(row i, x, cols), shift - e_i), lo, hi)
//   e_i = row_exp[i] (0..7) or 0 for nullptr: the weight is w * 2^e_i (as
//   int4.hpp and ternary.hpp). |w * x| <= 2 * 128 = 2^8: a 24-bit
//   accumulator is exact for cols <= 32767. Run time: 64 weights at a time
//   decoded through int2_table into a 64-byte buffer, then dot_int8.
template <weight_byte Byte>
constexpr std::int32_t dot_int2_int8_reference(const Byte* row, const std::int8_t* x,
                                               std::size_t cols) noexcept {
  std::int32_t acc = 0;
  for (std::size_t j = 0; j < cols; ++j) acc += int2_weight(row, j) * x[j];
  return acc;
}

namespace detail {
inline std::int32_t dot_int2_int8_fast(const std::uint8_t* row, const std::int8_t* x, std::size_t cols) noexcept {
  constexpr std::size_t chunk_bytes = 16, chunk_cols = 4 * chunk_bytes;
  std::int32_t acc = 0;
  std::size_t j = 0;
  for (; j + chunk_cols <= cols; j += chunk_cols) {
    std::int8_t w[chunk_cols];
    const std::uint8_t* bytes = row + j / 4;
    for (std::size_t b = 0; b < chunk_bytes; ++b)
      for (std::size_t k = 0; k < 4; ++k) w[4 * b + k] = int2_table.w[bytes[b]][k];
    acc += dot_int8(w, x + j, chunk_cols);
  }
  for (; j < cols; ++j) acc += int2_weight(row, j) * x[j];
  return acc;
}
}  // namespace detail

template <weight_byte Byte>
constexpr std::int32_t dot_int2_int8(const Byte* row, const std::int8_t* x, std::size_t cols) noexcept {
  if (std::is_constant_evaluated()) return dot_int2_int8_reference(row, x, cols);
  return detail::dot_int2_int8_fast(as_uint8(row), x, cols);
}

constexpr void matvec_int2_int8(const std::uint8_t* W, const std::int8_t* x, std::int8_t* y, std::size_t rows,
                                std::size_t cols, int shift, std::int32_t lo = -128, std::int32_t hi = 127,
                                const std::int8_t* row_exp = nullptr) noexcept {
  const std::size_t stride = int2_row_bytes(cols);
  requantize_rows([&](std::size_t i) { return dot_int2_int8(W + i * stride, x, cols); }, y, rows, shift, lo, hi, row_exp);
}

// Span form: rows = y.size(), cols = x.size(); W must hold
// rows * int2_row_bytes(cols) bytes and bias 0 or rows values (anything
// else: nothing is written).
constexpr void matvec_int2(std::span<const std::uint8_t> W, std::span<const std::int16_t> x,
                           std::span<const std::int32_t> bias, std::span<std::int16_t> y,
                           int shift) noexcept {
  if (W.size() != y.size() * int2_row_bytes(x.size())) return;
  if (!bias.empty() && bias.size() != y.size()) return;
  matvec_int2(W.data(), x.data(), bias.empty() ? nullptr : bias.data(), y.data(), y.size(),
              x.size(), shift);
}

}  // namespace tinylm
