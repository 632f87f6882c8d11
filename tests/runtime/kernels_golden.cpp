// Run-time tests of the kernels against the independent golden data of
// tests/golden/make_golden.py, and hand-worked values checked with the
// `constexpr auto x = ...; REQUIRE(x == ...)` pattern (the same value is
// computed by the compiler and compared at run time) next to the same call
// made at run time.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

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

namespace g = tinylm_golden;
using namespace tinylm;

namespace {

// Run-time copies of golden pointers, so that calls below are not constant
// expressions even under an optimiser.
template <class T>
std::vector<T> vec(const T* p, std::size_t n) {
  return p != nullptr ? std::vector<T>(p, p + n) : std::vector<T>{};
}

constexpr std::array<std::int16_t, 4> mv8_rounding() {
  // rows {1, -1, 3, -3} times x = -4, shift 3: -0.5 -> 0, 0.5 -> 1, -1.5 -> -1, 1.5 -> 2
  const std::int8_t W[] = {1, -1, 3, -3};
  const std::int16_t x[] = {-4};
  std::array<std::int16_t, 4> y{};
  matvec_int8(W, x, nullptr, y.data(), 4, 1, 3);
  return y;
}

constexpr std::array<std::int16_t, 2> mv8_wrap() {
  // 512 * (-128 * -32768) = 2^31 wraps to -2^31; >> 16 -> -32768.
  // bias INT32_MAX + 1 * 1 wraps to INT32_MIN -> -32768 (shift 16).
  std::array<std::int8_t, 512> W{};
  std::array<std::int16_t, 512> x{};
  for (auto& w : W) w = -128;
  for (auto& v : x) v = -32768;
  std::array<std::int16_t, 2> y{};
  matvec_int8(W.data(), x.data(), nullptr, &y[0], 1, 512, 16);
  const std::int8_t w1[] = {1};
  const std::int16_t x1[] = {1};
  const std::int32_t b1[] = {INT32_MAX};
  matvec_int8(w1, x1, b1, &y[1], 1, 1, 16);
  return y;
}

constexpr std::array<std::int16_t, 3> mv2_codes() {
  // one row per code position: byte 0b11'10'01'00 = 0xE4 holds weights 0, +1, -2, -1.
  // rows: [0xE4] . x, x = [7, 100, 1000, 10000] -> 0 + 100 - 2000 - 10000 = -11900.
  // second row 0x02 -> -2 * 7 = -14; third row 0x40 -> weight(col 3) = +1 -> 10000.
  const std::uint8_t W[] = {0xE4, 0x02, 0x40};
  const std::int16_t x[] = {7, 100, 1000, 10000};
  std::array<std::int16_t, 3> y{};
  matvec_int2(W, x, nullptr, y.data(), 3, 4, 0);
  return y;
}

constexpr std::array<std::uint16_t, 3> softmax_ties() {
  // three equal scores: w = 32768 each, S = 98304, R = floor(2^32 / 98304) = 43690,
  // p = (32768 * 43690 + 65536) >> 17 = (1431633920 + 65536) >> 17 = 10923 (10922.83 -> up).
  const std::int16_t s[] = {-5, -5, -5};
  std::array<std::uint16_t, 3> p{};
  softmax_q15(s, 3, 256, p.data());
  return p;
}

constexpr std::array<std::int16_t, 2> rms_pair() {
  // x = [3, -4]: see tests/static/kernels.cpp for the hand computation -> [217, -290]
  std::array<std::int16_t, 2> x{3, -4};
  std::array<std::int16_t, 2> y{};
  rmsnorm(x.data(), nullptr, y.data(), 2);
  return y;
}

constexpr std::array<std::uint8_t, 4> trigram_hi() {
  // "hi" -> " hi", "hi " with B = 4:
  // " hi": rotl8(0x20,3)=0x01, +0x68 = 0x69; rotl8(0x69,3)=0x4B, +0x69 = 0xB4 -> bucket 0
  // "hi ": rotl8(0x68,3)=0x43, +0x69 = 0xAC; rotl8(0xAC,3)=0x65, +0x20 = 0x85 -> bucket 1
  std::array<std::uint8_t, 4> c{};
  trigram_hash("HI", 2, c.data(), 4);
  return c;
}

std::array<std::uint8_t, 4> trigram_hi_runtime(const char* text) {
  std::array<std::uint8_t, 4> c{};
  trigram_hash(text, 2, c.data(), 4);
  return c;
}

}  // namespace

TEST_CASE("fixed_point and prng against golden data", "[kernels][golden]") {
  for (const auto& c : g::rsr_cases) REQUIRE(rounding_shift_right(c.x, c.shift) == c.expected);
  for (const auto& c : g::prng_cases) {
    xorshift32 r(c.seed);
    for (std::uint32_t v : c.out) REQUIRE(r.next() == v);
  }
  for (const auto& c : g::below_cases) {
    xorshift32 r(c.seed);
    for (std::uint32_t v : c.out) REQUIRE(r.below(c.n) == v);
  }
  xorshift32 r(g::next_byte_seed);
  for (std::uint8_t v : g::next_byte_out) REQUIRE(r.next_byte() == v);
  constexpr auto first = xorshift32(1).next();
  REQUIRE(first == 270369u);
}

TEST_CASE("exp_table: all 256 entries", "[kernels][golden]") {
  constexpr std::uint16_t e16 = exp_table[16];
  REQUIRE(e16 == 12055);
  for (std::size_t k = 0; k < 256; ++k) {
    INFO("k = " << k);
    REQUIRE(exp_table[k] == g::exp_table[k]);
    // and a third opinion from the C library
    REQUIRE(exp_table[k] == std::lround(32768.0 * std::exp(-static_cast<double>(k) / 16.0)));
  }
}

TEST_CASE("isqrt against golden data", "[kernels][golden]") {
  constexpr auto r = isqrt32(0xFFFFFFFFu);
  REQUIRE(r == 65535);
  for (const auto& c : g::isqrt32_cases) REQUIRE(isqrt32(c.v) == c.root);
  for (const auto& c : g::isqrt64_cases) REQUIRE(isqrt64(c.v) == c.root);
}

TEST_CASE("matvec_int8 against golden data", "[kernels][golden]") {
  constexpr auto y = mv8_rounding();
  REQUIRE(y == std::array<std::int16_t, 4>{0, 1, -1, 2});
  REQUIRE(mv8_rounding() == std::array<std::int16_t, 4>{0, 1, -1, 2});
  constexpr auto w = mv8_wrap();
  REQUIRE(w == std::array<std::int16_t, 2>{-32768, -32768});
  for (std::size_t k = 0; k < std::size(g::matvec_int8_cases); ++k) {
    const auto& c = g::matvec_int8_cases[k];
    INFO("case " << k);
    const auto W = vec(c.W, c.rows * c.cols);
    const auto x = vec(c.x, c.cols);
    const auto b = vec(c.bias, c.rows);
    std::vector<std::int16_t> out(c.rows + 1, 12345);
    matvec_int8(W.data(), x.data(), b.empty() ? nullptr : b.data(), out.data(), c.rows, c.cols,
                c.shift);
    for (std::size_t i = 0; i < c.rows; ++i) REQUIRE(out[i] == c.y[i]);
    REQUIRE(out[c.rows] == 12345);  // nothing written past the end
    // the span form gives the same
    std::vector<std::int16_t> out2(c.rows);
    matvec_int8(std::span<const std::int8_t>(W), std::span<const std::int16_t>(x),
                std::span<const std::int32_t>(b), std::span<std::int16_t>(out2), c.shift);
    for (std::size_t i = 0; i < c.rows; ++i) REQUIRE(out2[i] == c.y[i]);
  }
}

TEST_CASE("matvec_int2 against golden data", "[kernels][golden]") {
  constexpr auto y = mv2_codes();
  REQUIRE(y == std::array<std::int16_t, 3>{-11900, -14, 10000});
  for (std::size_t k = 0; k < std::size(g::matvec_int2_cases); ++k) {
    const auto& c = g::matvec_int2_cases[k];
    INFO("case " << k);
    const std::size_t bytes = c.rows * int2_row_bytes(c.cols);
    const auto W = vec(c.W, bytes);
    const auto x = vec(c.x, c.cols);
    const auto b = vec(c.bias, c.rows);
    const std::int32_t* bp = b.empty() ? nullptr : b.data();
    std::vector<std::int16_t> y_pub(c.rows + 1, 777), y_ref(c.rows + 1, 777),
        y_fast(c.rows + 1, 777);
    matvec_int2(W.data(), x.data(), bp, y_pub.data(), c.rows, c.cols, c.shift);
    matvec_int2_reference(W.data(), x.data(), bp, y_ref.data(), c.rows, c.cols, c.shift);
    matvec_int2_fast(W.data(), x.data(), bp, y_fast.data(), c.rows, c.cols, c.shift);
    for (std::size_t i = 0; i < c.rows; ++i) {
      REQUIRE(y_pub[i] == c.y[i]);
      REQUIRE(y_ref[i] == c.y[i]);
      REQUIRE(y_fast[i] == c.y[i]);
    }
    REQUIRE(y_pub[c.rows] == 777);
    REQUIRE(y_ref[c.rows] == 777);
    REQUIRE(y_fast[c.rows] == 777);
    std::vector<std::uint8_t> packed(bytes + 1, 0xAA);
    if (c.rows * c.cols != 0) {
      const auto Wv = vec(c.Wv, c.rows * c.cols);
      pack_int2(Wv.data(), c.rows, c.cols, packed.data());
    } else {
      pack_int2(nullptr, c.rows, c.cols, packed.data());
    }
    for (std::size_t i = 0; i < bytes; ++i) REQUIRE(packed[i] == c.W_clean[i]);
    REQUIRE(packed[bytes] == 0xAA);
  }
}

TEST_CASE("softmax against golden data", "[kernels][golden]") {
  constexpr auto p = softmax_ties();
  REQUIRE(p == std::array<std::uint16_t, 3>{10923, 10923, 10923});
  for (std::size_t k = 0; k < std::size(g::softmax_cases); ++k) {
    const auto& c = g::softmax_cases[k];
    INFO("case " << k);
    const auto s = vec(c.scores, c.n);
    std::vector<std::uint16_t> w(c.n + 1, 999), q(c.n + 1, 999);
    REQUIRE(exp_weights(s.data(), c.n, c.inv_temp_q8, w.data()) == c.sum);
    softmax_q15(s.data(), c.n, c.inv_temp_q8, q.data());
    for (std::size_t i = 0; i < c.n; ++i) {
      REQUIRE(w[i] == c.w[i]);
      REQUIRE(q[i] == c.p[i]);
    }
    REQUIRE(w[c.n] == 999);
    REQUIRE(q[c.n] == 999);
  }
}

TEST_CASE("sampling against golden data", "[kernels][golden]") {
  for (const auto& c : g::argmax_cases) {
    const auto s = vec(c.scores, c.n);
    REQUIRE(argmax(s.data(), c.n) == c.expected);
  }
  for (std::size_t k = 0; k < std::size(g::sample_cases); ++k) {
    const auto& c = g::sample_cases[k];
    INFO("case " << k);
    const auto s = vec(c.scores, c.n);
    xorshift32 rng(c.seed);
    for (std::size_t d = 0; d < c.draws; ++d)
      REQUIRE(sample_top_k(s.data(), c.n, c.inv_temp_q8, c.top_k, rng) == c.picks[d]);
    REQUIRE(rng.state == c.final_state);
  }
}

TEST_CASE("rmsnorm against golden data", "[kernels][golden]") {
  constexpr auto y = rms_pair();
  REQUIRE(y == std::array<std::int16_t, 2>{217, -290});
  for (std::size_t k = 0; k < std::size(g::rmsnorm_cases); ++k) {
    const auto& c = g::rmsnorm_cases[k];
    INFO("case " << k);
    const auto x = vec(c.x, c.n);
    const auto gain = vec(c.gain, c.n);
    const std::int16_t* gp = gain.empty() ? nullptr : gain.data();
    std::vector<std::int16_t> out(c.n + 1, 4321);
    rmsnorm(x.data(), gp, out.data(), c.n);
    for (std::size_t i = 0; i < c.n; ++i) REQUIRE(out[i] == c.y[i]);
    REQUIRE(out[c.n] == 4321);
    auto in_place = x;  // y aliasing x
    rmsnorm(in_place.data(), gp, in_place.data(), c.n);
    for (std::size_t i = 0; i < c.n; ++i) REQUIRE(in_place[i] == c.y[i]);
  }
}

TEST_CASE("trigram_hash against golden data", "[kernels][golden]") {
  constexpr auto c4 = trigram_hi();
  REQUIRE(c4 == std::array<std::uint8_t, 4>{1, 1, 0, 0});
  REQUIRE(trigram_hi_runtime("hI") == std::array<std::uint8_t, 4>{1, 1, 0, 0});
  for (std::size_t k = 0; k < std::size(g::trigram_cases); ++k) {
    const auto& c = g::trigram_cases[k];
    INFO("case " << k);
    const auto text = vec(c.text, c.len);
    std::vector<std::uint8_t> counts(c.buckets + 1, 200);
    trigram_hash(text.data(), c.len, counts.data(), c.buckets);
    for (std::size_t i = 0; i < c.buckets; ++i) REQUIRE(counts[i] == c.counts[i]);
    REQUIRE(counts[c.buckets] == 200);
    // adding the same text again doubles every count (up to 255)
    trigram_hash_add(text.data(), c.len, counts.data(), c.buckets);
    for (std::size_t i = 0; i < c.buckets; ++i)
      REQUIRE(counts[i] == std::min(255, 2 * c.counts[i]));
  }
}
