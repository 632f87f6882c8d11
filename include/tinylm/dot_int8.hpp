// tinylm/dot_int8.hpp - dot products and matrix-vector products of int8
// weights and int8 activations (the transformer's matmuls and attention).
//
// Contract
//   dot_int8(a, b, n)  = sum_{j < n} a[j] * b[j]        (int32, exact)
//   matvec_int8_int8(W, x, y, rows, cols, shift, lo, hi):
//     y[i] = clamp(requantize(dot_int8(W + i*cols, x, cols), shift), lo, hi)
//     W int8 row-major rows x cols, x int8 cols entries, y int8 rows entries
//     (y must not alias x); lo/hi the output range (-128/127, or 0/127 for a
//     ReLU).
//   requantize(acc, s): rounding_shift_right(acc, s) for s >= 0 (THE rounding
//     rule of fixed_point.hpp, round half up), saturating_shift_left(acc, -s)
//     for s < 0; -31 <= s <= 31.
// Overflow: one product is at most 2^14 in magnitude (-128 * -128), so the
//   sum is exact in int32 for n <= 131071 and, what the 8-bit targets use, in
//   a 24-bit accumulator for n <= 511 (511 * 2^14 < 2^23).
// Cost on an 8-bit target: n signed 8x8 -> 16-bit products (quarter-square
//   tables: two lookups and a subtract each) added into 24 bits; per row one
//   rounding shift and a clamp.
// Run time on x86-64: dot_int8 takes an SSE2 path (16 or 8 products at a time:
//   sign-extend to 16 bits, pmaddwd into 32-bit sums) behind
//   std::is_constant_evaluated(); integer sums are exact, so it gives the
//   same bits as the loop (tests/runtime/kernels_differential.cpp). On an
//   Arm core with the DSP extension (Cortex-M4, M7, M33: __ARM_FEATURE_SIMD32)
//   it takes 4 products at a time: two SXTB16 per word sign-extend bytes 0
//   and 2, then 1 and 3, into 16-bit pairs, and SMLAD adds both products of
//   a pair to the sum (the same exact integer sum; examples/firmware checks
//   the M4 image against the host). Define TINYLM_NO_SIMD to use the loop
//   everywhere.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include <type_traits>

#include "fixed_point.hpp"

#if defined(__SSE2__) && !defined(TINYLM_NO_SIMD)
#include <emmintrin.h>
#define TINYLM_DOT_INT8_SSE2 1
#endif
#if defined(__ARM_FEATURE_SIMD32) && !defined(TINYLM_NO_SIMD)
#include <arm_acle.h>

#include <cstring>
#define TINYLM_DOT_INT8_SMLAD 1
#endif

namespace tinylm {

// A byte of packed weights: the compact kernels (int4.hpp, matvec_int2.hpp,
// ternary.hpp) read rows of std::uint8_t, or of std::int8_t when the packed
// bytes sit in a model's one int8 weight array (transformer.hpp with
// weight_format.hpp); a byte is taken modulo 256 either way.
template <class B>
concept weight_byte = std::same_as<B, std::uint8_t> || std::same_as<B, std::int8_t>;

template <weight_byte B>
[[gnu::always_inline]] constexpr unsigned byte_value(B b) noexcept {
  return static_cast<std::uint8_t>(b);
}

// The same bytes as std::uint8_t, for a run-time fast path (an int8_t object
// may be read through an unsigned char glvalue).
template <weight_byte B>
inline const std::uint8_t* as_uint8(const B* p) noexcept {
  return reinterpret_cast<const std::uint8_t*>(p);
}

constexpr std::int32_t dot_int8_reference(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
  std::int32_t acc = 0;
  for (std::size_t j = 0; j < n; ++j) acc += static_cast<std::int32_t>(a[j]) * static_cast<std::int32_t>(b[j]);
  return acc;
}

#if TINYLM_DOT_INT8_SSE2
namespace detail {
inline std::int32_t dot_int8_sse2(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
  __m128i sum = _mm_setzero_si128();
  std::size_t j = 0;
  for (; j + 16 <= n; j += 16) {
    const __m128i va = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + j));
    const __m128i vb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + j));
    const __m128i sa = _mm_cmpgt_epi8(_mm_setzero_si128(), va);  // sign masks
    const __m128i sb = _mm_cmpgt_epi8(_mm_setzero_si128(), vb);
    sum = _mm_add_epi32(sum, _mm_madd_epi16(_mm_unpacklo_epi8(va, sa), _mm_unpacklo_epi8(vb, sb)));
    sum = _mm_add_epi32(sum, _mm_madd_epi16(_mm_unpackhi_epi8(va, sa), _mm_unpackhi_epi8(vb, sb)));
  }
  if (j + 8 <= n) {
    const __m128i va = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(a + j));
    const __m128i vb = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(b + j));
    const __m128i sa = _mm_cmpgt_epi8(_mm_setzero_si128(), va);
    const __m128i sb = _mm_cmpgt_epi8(_mm_setzero_si128(), vb);
    sum = _mm_add_epi32(sum, _mm_madd_epi16(_mm_unpacklo_epi8(va, sa), _mm_unpacklo_epi8(vb, sb)));
    j += 8;
  }
  sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, 0x4E));
  sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, 0xB1));
  return _mm_cvtsi128_si32(sum) + dot_int8_reference(a + j, b + j, n - j);
}
}  // namespace detail
#endif

#if TINYLM_DOT_INT8_SMLAD
namespace detail {
inline std::int32_t dot_int8_smlad(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
  std::int32_t acc = 0;
  std::size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    std::int32_t wa, wb;  // four bytes each (unaligned loads are fine on these cores)
    std::memcpy(&wa, a + j, 4);
    std::memcpy(&wb, b + j, 4);
    acc = __smlad(__sxtb16(wa), __sxtb16(wb), acc);  // bytes 0 and 2
    acc = __smlad(__sxtb16(static_cast<std::int32_t>(static_cast<std::uint32_t>(wa) >> 8)),
                  __sxtb16(static_cast<std::int32_t>(static_cast<std::uint32_t>(wb) >> 8)), acc);  // 1 and 3
  }
  return acc + dot_int8_reference(a + j, b + j, n - j);
}
}  // namespace detail
#endif

constexpr std::int32_t dot_int8(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
#if TINYLM_DOT_INT8_SSE2
  if (!std::is_constant_evaluated()) return detail::dot_int8_sse2(a, b, n);
#endif
#if TINYLM_DOT_INT8_SMLAD
  if (!std::is_constant_evaluated()) return detail::dot_int8_smlad(a, b, n);
#endif
  return dot_int8_reference(a, b, n);
}

// rounding_shift_right for s >= 0, a saturating left shift for s < 0.
constexpr std::int32_t requantize(std::int32_t acc, int s) noexcept {
  return s >= 0 ? rounding_shift_right(acc, s) : saturating_shift_left(acc, -s);
}

constexpr std::int8_t clamp_i8(std::int32_t v, std::int32_t lo, std::int32_t hi) noexcept {
  return static_cast<std::int8_t>(v < lo ? lo : (v > hi ? hi : v));
}

// The rows of a matrix-vector product with int8 outputs, from any row dot
// product: y[i] = clamp(requantize(row_dot(i), shift - e_i), lo, hi), e_i =
// row_exp[i] (the compact formats' per-row exponents) or 0 for nullptr.
// matvec_int8_int8 and every weight format's matvec_*_int8 are this.
template <class RowDot>
constexpr void requantize_rows(RowDot row_dot, std::int8_t* y, std::size_t rows, int shift, std::int32_t lo,
                               std::int32_t hi, const std::int8_t* row_exp = nullptr) noexcept {
  for (std::size_t i = 0; i < rows; ++i) {
    const int e = row_exp != nullptr ? row_exp[i] : 0;
    y[i] = clamp_i8(requantize(row_dot(i), shift - e), lo, hi);
  }
}

constexpr void matvec_int8_int8(const std::int8_t* W, const std::int8_t* x, std::int8_t* y, std::size_t rows,
                                std::size_t cols, int shift, std::int32_t lo = -128, std::int32_t hi = 127) noexcept {
  requantize_rows([&](std::size_t i) { return dot_int8(W + i * cols, x, cols); }, y, rows, shift, lo, hi);
}

}  // namespace tinylm
