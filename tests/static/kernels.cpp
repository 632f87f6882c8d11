// Static tests of the kernels, fixed_point.hpp and prng.hpp: static_assert
// only, compiled and never run. Expected values are worked by hand (shown in
// the comments) or come from tests/golden/make_golden.py.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <utility>

#include <tinylm/exp_table.hpp>
#include <tinylm/fixed_point.hpp>
#include <tinylm/isqrt.hpp>
#include <tinylm/matvec_int2.hpp>
#include <tinylm/matvec_int8.hpp>
#include <tinylm/prng.hpp>
#include <tinylm/rmsnorm.hpp>
#include <tinylm/sampling.hpp>
#include <tinylm/softmax.hpp>
#include <tinylm/trigram_hash.hpp>

#include "golden/kernels_golden.hpp"

namespace {

namespace g = tinylm_golden;
using namespace tinylm;

// ---------------------------------------------------------------- fixed_point
static_assert(rounding_shift_right(5, 1) == 3);    // 2.5 -> 3
static_assert(rounding_shift_right(-5, 1) == -2);  // -2.5 -> -2
static_assert(rounding_shift_right(-11, 2) == -3); // -2.75 -> -3
static_assert(rounding_shift_right(7, 0) == 7);
static_assert(rounding_shift_right(INT32_MAX, 31) == 1);  // 0.99999 -> 1
static_assert(saturate_i16(40000) == 32767 && saturate_i16(-40000) == -32768);
static_assert(wrapping_mac(INT32_MAX, 1, 1) == INT32_MIN);
static_assert(wrapping_mac(0, -128, -32768) == 4194304);

// ---------------------------------------------------------------- prng
// seed 1: x = 1 ^ (1 << 13) = 8193; x ^= x >> 17 (0); x ^= x << 5:
// 8193 ^ 262176 = 270369. Next: 0x42021 -> ^<<13: 0x84000021 -> ^>>17:
// 0x84004221 -> ^<<5 (0x80084420): 0x04080601 = 67634689.
constexpr std::uint32_t first_two_of_seed_1() {
  xorshift32 r(1);
  const std::uint32_t a = r.next();
  const std::uint32_t b = r.next();
  return a == 270369u && b == 67634689u ? 1u : 0u;
}
static_assert(first_two_of_seed_1() == 1u);
static_assert(xorshift32(0).state == 0x9E3779B9u);

constexpr bool prng_golden() {
  for (const auto& c : g::prng_cases) {
    xorshift32 r(c.seed);
    for (std::uint32_t v : c.out)
      if (r.next() != v) return false;
  }
  for (const auto& c : g::below_cases) {
    xorshift32 r(c.seed);
    for (std::uint32_t v : c.out)
      if (r.below(c.n) != v) return false;
  }
  xorshift32 r(g::next_byte_seed);
  for (std::uint8_t v : g::next_byte_out)
    if (r.next_byte() != v) return false;
  return true;
}
static_assert(prng_golden());

constexpr bool rsr_golden() {
  for (const auto& c : g::rsr_cases)
    if (rounding_shift_right(c.x, c.shift) != c.expected) return false;
  return true;
}
static_assert(rsr_golden());

// ---------------------------------------------------------------- exp_table
static_assert(exp_table[0] == 32768);
static_assert(exp_table[16] == 12055);   // 32768 / e = 12054.66
static_assert(exp_table[177] == 1 && exp_table[178] == 0);  // 0.5037 and 0.4737
static_assert(std::size(exp_table) == 256);
constexpr bool exp_golden() {
  for (std::size_t k = 0; k < 256; ++k)
    if (exp_table[k] != g::exp_table[k]) return false;
  return true;
}
static_assert(exp_golden());

// ---------------------------------------------------------------- isqrt
static_assert(isqrt32(0) == 0 && isqrt32(1) == 1 && isqrt32(3) == 1 && isqrt32(4) == 2);
static_assert(isqrt32(0xFFFFFFFFu) == 65535 && isqrt32(65535u * 65535u) == 65535);
static_assert(isqrt32(65535u * 65535u - 1) == 65534);
static_assert(isqrt64(~std::uint64_t{0}) == 0xFFFFFFFFu);
constexpr bool isqrt_golden() {
  for (const auto& c : g::isqrt32_cases)
    if (isqrt32(c.v) != c.root) return false;
  for (const auto& c : g::isqrt64_cases)
    if (isqrt64(c.v) != c.root) return false;
  return true;
}
static_assert(isqrt_golden());

// ---------------------------------------------------------------- matvec_int8
// [1 2; -3 4] * [100, -50] + [1, 0] = [1 + 100 - 100, -300 - 200] = [1, -500];
// >> 2 rounding half up: 0.25 -> 0, -125 -> -125.
constexpr bool mv8_hand() {
  const std::int8_t W[] = {1, 2, -3, 4};
  const std::int16_t x[] = {100, -50};
  const std::int32_t b[] = {1, 0};
  std::int16_t y[2]{};
  matvec_int8(W, x, b, y, 2, 2, 2);
  return y[0] == 0 && y[1] == -125;
}
static_assert(mv8_hand());

template <std::size_t I>
constexpr bool mv8_case_ok() {
  const auto& c = g::matvec_int8_cases[I];
  std::int16_t y[64]{};
  matvec_int8(c.W, c.x, c.bias, y, c.rows, c.cols, c.shift);
  for (std::size_t i = 0; i < c.rows; ++i)
    if (y[i] != c.y[i]) return false;
  return true;
}
template <std::size_t I>
constexpr bool mv8_ok = mv8_case_ok<I>();  // one evaluation (and step budget) per case
template <std::size_t... I>
constexpr bool all_mv8(std::index_sequence<I...>) { return (mv8_ok<I> && ...); }
static_assert(all_mv8(std::make_index_sequence<std::size(g::matvec_int8_cases)>{}));

// ---------------------------------------------------------------- matvec_int2
static_assert(int2_decode(0) == 0 && int2_decode(1) == 1 && int2_decode(2) == -2 &&
              int2_decode(3) == -1);
static_assert(int2_row_bytes(0) == 0 && int2_row_bytes(1) == 1 && int2_row_bytes(4) == 1 &&
              int2_row_bytes(5) == 2);
// weights {+1, -2, -1, 0, -2}: codes 01 10 11 00 | 10 -> byte0 = 0b00'11'10'01 = 0x39, byte1 = 0x02
constexpr bool pack_hand() {
  const std::int8_t w[] = {1, -2, -1, 0, -2};
  std::uint8_t p[2]{0xFF, 0xFF};
  pack_int2(w, 1, 5, p);
  return p[0] == 0x39 && p[1] == 0x02;
}
static_assert(pack_hand());
// the row above times x = [10, 20, 30, 40, 50]: 10 - 40 - 30 + 0 - 100 = -160; padding bits
// (0xFC in byte 1) are ignored. Shift 6: -2.5 -> -2.
constexpr bool mv2_hand(bool fast) {
  const std::uint8_t W[] = {0x39, 0xFE};
  const std::int16_t x[] = {10, 20, 30, 40, 50};
  std::int16_t y[1]{};
  if (fast) {
    matvec_int2_fast(W, x, nullptr, y, 1, 5, 6);
  } else {
    matvec_int2(W, x, nullptr, y, 1, 5, 6);
  }
  return y[0] == -2;
}
static_assert(mv2_hand(false) && mv2_hand(true));

template <std::size_t I>
constexpr bool mv2_case_ok() {
  const auto& c = g::matvec_int2_cases[I];
  std::int16_t y[64]{};
  std::int16_t y_fast[64]{};
  std::uint8_t packed[1024]{};
  matvec_int2(c.W, c.x, c.bias, y, c.rows, c.cols, c.shift);
  matvec_int2_fast(c.W, c.x, c.bias, y_fast, c.rows, c.cols, c.shift);
  if (c.Wv != nullptr) pack_int2(c.Wv, c.rows, c.cols, packed);
  for (std::size_t i = 0; i < c.rows; ++i)
    if (y[i] != c.y[i] || y_fast[i] != c.y[i]) return false;
  for (std::size_t b = 0; b < c.rows * int2_row_bytes(c.cols); ++b)
    if (packed[b] != c.W_clean[b]) return false;
  return true;
}
template <std::size_t I>
constexpr bool mv2_ok = mv2_case_ok<I>();
template <std::size_t... I>
constexpr bool all_mv2(std::index_sequence<I...>) { return (mv2_ok<I> && ...); }
static_assert(all_mv2(std::make_index_sequence<std::size(g::matvec_int2_cases)>{}));

// ---------------------------------------------------------------- softmax
// d = 256 (1.0), T = 1: k = 256 * 256 / 4096 = 16 -> exp_table[16]; d = 8: 0.5 -> 1 (half up)
static_assert(exp_index(256, 256) == 16 && exp_index(8, 256) == 1 && exp_index(7, 256) == 0);
static_assert(exp_index(65535, 65535) == 255 && exp_index(4072, 256) == 255 &&
              exp_index(4071, 256) == 254);
constexpr bool softmax_hand() {
  const std::int16_t s[] = {0, 256};
  std::uint16_t w[2]{};
  const std::uint32_t sum = exp_weights(s, 2, 256, w);
  // p: R = floor(2^32 / 44823) = 95820; p0 = (12055 * 95820 + 65536) >> 17 = 8813,
  // p1 = (32768 * 95820 + 65536) >> 17 = 23955 (exact: 8812.7 and 23955.3)
  std::uint16_t p[2]{};
  softmax_q15(s, 2, 256, p);
  return w[0] == 12055 && w[1] == 32768 && sum == 44823 && p[0] == 8813 && p[1] == 23955;
}
static_assert(softmax_hand());

template <std::size_t I>
constexpr bool sm_case_ok() {
  const auto& c = g::softmax_cases[I];
  std::uint16_t w[256]{};
  std::uint16_t p[256]{};
  if (exp_weights(c.scores, c.n, c.inv_temp_q8, w) != c.sum) return false;
  softmax_q15(c.scores, c.n, c.inv_temp_q8, p);
  for (std::size_t i = 0; i < c.n; ++i)
    if (w[i] != c.w[i] || p[i] != c.p[i]) return false;
  return true;
}
template <std::size_t I>
constexpr bool sm_ok = sm_case_ok<I>();
template <std::size_t... I>
constexpr bool all_sm(std::index_sequence<I...>) { return (sm_ok<I> && ...); }
static_assert(all_sm(std::make_index_sequence<std::size(g::softmax_cases)>{}));

// ---------------------------------------------------------------- sampling
constexpr bool argmax_hand() {
  const std::int16_t s[] = {3, 9, 9, -4};
  return argmax(s, 4) == 1 && argmax(s, 0) == 0 && argmax(s, 1) == 0;
}
static_assert(argmax_hand());
// scores {0, 0}, T = 1: weights 32768 + 32768; r = below(65536) = next() >> 16 of seed 1 =
// 270369 >> 16 = 4 < 32768 -> index 0; the second draw is 67634689 >> 16 = 1032 -> 0.
constexpr bool sample_hand() {
  const std::int16_t s[] = {0, 0};
  xorshift32 rng(1);
  const std::size_t a = sample_top_k(s, 2, 256, 0, rng);
  const std::size_t b = sample_top_k(s, 2, 256, 0, rng);
  return a == 0 && b == 0 && rng.state == 67634689u;
}
static_assert(sample_hand());

template <std::size_t I>
constexpr bool samp_case_ok() {
  const auto& c = g::sample_cases[I];
  xorshift32 rng(c.seed);
  for (std::size_t d = 0; d < c.draws; ++d)
    if (sample_top_k(c.scores, c.n, c.inv_temp_q8, c.top_k, rng) != c.picks[d]) return false;
  return rng.state == c.final_state;
}
template <std::size_t I>
constexpr bool samp_ok = samp_case_ok<I>();
template <std::size_t... I>
constexpr bool all_samp(std::index_sequence<I...>) { return (samp_ok<I> && ...); }
static_assert(all_samp(std::make_index_sequence<std::size(g::sample_cases)>{}));

constexpr bool argmax_golden() {
  for (const auto& c : g::argmax_cases)
    if (argmax(c.scores, c.n) != c.expected) return false;
  return true;
}
static_assert(argmax_golden());

// ---------------------------------------------------------------- rmsnorm
// x = [256, 256, 256, 256] (1.0): sumsq = 4 * 65536, ms = 2^32 / 4 * ... = 2^32, rms = 2^16,
// inv = 2^24, t = 256 * 2^24 >> 16 = 2^16, y = 2^16 * 256 >> 16 = 256.
// x = [3, -4] (rms = sqrt(12.5) / 256): sumsq = 25, ms = 25 * 65536 / 2 = 819200,
// rms = isqrt(819200) = 905, inv = floor(2^40 / 905) = 1214913826,
// t0 = round(3 * inv / 65536) = 55614 (55613.5 -> up), y0 = round(55614 * 256 / 65536) = 217,
// t1 = round(-4 * inv / 65536) = -74151, y1 = round(-289.65) = -290.
constexpr bool rms_hand() {
  const std::int16_t a[] = {256, 256, 256, 256};
  std::int16_t ya[4]{};
  rmsnorm(a, nullptr, ya, 4);
  std::int16_t b[] = {3, -4};
  rmsnorm(b, nullptr, b, 2);  // in place
  std::int16_t z[3]{};
  std::int16_t yz[3]{1, 1, 1};
  rmsnorm(z, nullptr, yz, 3);
  return ya[0] == 256 && ya[3] == 256 && b[0] == 217 && b[1] == -290 && yz[0] == 0 &&
         yz[2] == 0 && rms_q16(a, 4) == 65536;
}
static_assert(rms_hand());

template <std::size_t I>
constexpr bool rms_case_ok() {
  const auto& c = g::rmsnorm_cases[I];
  std::int16_t y[128]{};
  rmsnorm(c.x, c.gain, y, c.n);
  for (std::size_t i = 0; i < c.n; ++i)
    if (y[i] != c.y[i]) return false;
  return true;
}
template <std::size_t I>
constexpr bool rms_ok = rms_case_ok<I>();
template <std::size_t... I>
constexpr bool all_rms(std::index_sequence<I...>) { return (rms_ok<I> && ...); }
static_assert(all_rms(std::make_index_sequence<std::size(g::rmsnorm_cases)>{}));

// ---------------------------------------------------------------- trigram_hash
static_assert(rotl8(0x81, 3) == 0x0C && ascii_lower('Q') == 'q' && ascii_lower('[') == '[');
// " a ": h = rotl8(0x20, 3) + 0x61 = 0x01 + 0x61 = 0x62; rotl8(0x62, 3) + 0x20 = 0x13 + 0x20
// = 0x33 -> bucket 0x33 = 51 of 128.
static_assert(trigram_hash_byte(0x20, 0x61, 0x20) == 0x33);
constexpr bool trigram_hand() {
  std::uint8_t c[128]{};
  c[0] = 9;  // cleared by trigram_hash
  trigram_hash("A", c);
  std::size_t total = 0;
  for (auto v : c) total += v;
  return c[51] == 1 && total == 1;
}
static_assert(trigram_hand());

template <std::size_t I>
constexpr bool tri_case_ok() {
  const auto& c = g::trigram_cases[I];
  std::uint8_t counts[256]{};
  trigram_hash(c.text, c.len, counts, c.buckets);
  for (std::size_t i = 0; i < c.buckets; ++i)
    if (counts[i] != c.counts[i]) return false;
  return true;
}
template <std::size_t I>
constexpr bool tri_ok = tri_case_ok<I>();
template <std::size_t... I>
constexpr bool all_tri(std::index_sequence<I...>) { return (tri_ok<I> && ...); }
static_assert(all_tri(std::make_index_sequence<std::size(g::trigram_cases)>{}));

}  // namespace
