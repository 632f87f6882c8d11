// Randomised differential tests of the kernels: for every kernel, random
// inputs from a seeded xorshift32 go through
//   * the constexpr evaluation (a batch of cases evaluated by the compiler,
//     stored in a constexpr array),
//   * the same code at run time (plain path), and every fast path,
//   * an independent model written here from the contract (64-bit exact
//     arithmetic, division instead of shifts, <cmath> where it helps),
// and the results are compared bit for bit: thousands of cases per kernel.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

#include <tinylm/dot_int8.hpp>
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

using namespace tinylm;

namespace {

// ---------------------------------------------------------------- random inputs
constexpr std::int32_t rand_range(xorshift32& r, std::int32_t lo, std::int32_t hi) {
  return lo + static_cast<std::int32_t>(r.below(static_cast<std::uint32_t>(hi - lo + 1)));
}
// int16 with extra weight on the extremes and small values
constexpr std::int16_t rand_i16(xorshift32& r) {
  switch (r.below(8)) {
    case 0: return -32768;
    case 1: return 32767;
    case 2: return static_cast<std::int16_t>(rand_range(r, -300, 300));
    default: return static_cast<std::int16_t>(rand_range(r, -32768, 32767));
  }
}
constexpr std::int8_t rand_i8(xorshift32& r) {
  switch (r.below(8)) {
    case 0: return -128;
    case 1: return 127;
    default: return static_cast<std::int8_t>(rand_range(r, -128, 127));
  }
}

// ---------------------------------------------------------------- independent models
// The softmax and sampling models below use neither the library's exp table
// nor its xorshift32: the exponential from std::exp (the table's contract,
// round(32768 exp(-k / 16)); no entry is near a tie) and Marsaglia's
// xorshift32 (13, 17, 5; seed 0 replaced by 0x9E3779B9) written out here.
std::uint16_t model_exp(std::int64_t k) {
  return static_cast<std::uint16_t>(std::lround(32768.0 * std::exp(-static_cast<double>(k) / 16.0)));
}
struct model_xorshift {
  std::uint32_t x;
  explicit model_xorshift(std::uint32_t seed) : x(seed == 0 ? 0x9E3779B9u : seed) {}
  std::uint32_t draw() {
    x = x ^ (x << 13);
    x = x ^ (x >> 17);
    x = x ^ (x << 5);
    return x;
  }
};
std::int64_t floor_div_pow2(std::int64_t v, int s) {
  const std::int64_t d = std::int64_t{1} << s;
  return v >= 0 ? v / d : -((-v + d - 1) / d);
}
std::int64_t round_half_up(std::int64_t v, int s) {
  return s == 0 ? v : floor_div_pow2(v + (std::int64_t{1} << (s - 1)), s);
}
std::int16_t clamp16(std::int64_t v) {
  return static_cast<std::int16_t>(std::clamp<std::int64_t>(v, -32768, 32767));
}
std::int32_t wrap32(std::int64_t v) {
  std::int64_t m = v % 4294967296LL;
  if (m < 0) m += 4294967296LL;
  return static_cast<std::int32_t>(m >= 2147483648LL ? m - 4294967296LL : m);
}
int model_int2_weight(unsigned code) {
  switch (code & 3u) {
    case 0: return 0;
    case 1: return 1;
    case 2: return -2;
    default: return -1;
  }
}

// ---------------------------------------------------------------- matvec cases
constexpr std::size_t mv_max_rows = 8, mv_max_cols = 40;
struct mv_case {
  std::size_t rows = 0, cols = 0;
  int shift = 0;
  bool has_bias = false;
  std::int8_t W[mv_max_rows * mv_max_cols]{};
  std::uint8_t W2[mv_max_rows * ((mv_max_cols + 3) / 4)]{};
  std::int16_t x[mv_max_cols]{};
  std::int32_t bias[mv_max_rows]{};
};

constexpr void make_mv_case(xorshift32& r, mv_case& c) {
  c.rows = r.below(mv_max_rows + 1);
  c.cols = r.below(mv_max_cols + 1);
  c.shift = static_cast<int>(r.below(32));
  c.has_bias = r.below(2) == 1;
  for (std::size_t i = 0; i < c.rows * c.cols; ++i) c.W[i] = rand_i8(r);
  // packed bytes with random padding bits: the kernels must ignore them
  for (std::size_t i = 0; i < c.rows * int2_row_bytes(c.cols); ++i)
    c.W2[i] = static_cast<std::uint8_t>(r.next_byte() & (r.below(3) == 0 ? 0x00 : 0xFF));
  for (std::size_t j = 0; j < c.cols; ++j) c.x[j] = rand_i16(r);
  for (std::size_t i = 0; i < c.rows; ++i) c.bias[i] = static_cast<std::int32_t>(r.next());
}

constexpr std::size_t batch_cases = 24;
using mv_out = std::array<std::int16_t, batch_cases * mv_max_rows>;

// kind 0: matvec_int8; 1: matvec_int2 (dispatch); 2: reference; 3: fast
constexpr mv_out mv_batch(std::uint32_t seed, int kind) {
  xorshift32 r(seed);
  mv_out out{};
  mv_case c{};
  for (std::size_t k = 0; k < batch_cases; ++k) {
    make_mv_case(r, c);
    std::int16_t* y = out.data() + k * mv_max_rows;
    const std::int32_t* b = c.has_bias ? c.bias : nullptr;
    switch (kind) {
      case 0: matvec_int8(c.W, c.x, b, y, c.rows, c.cols, c.shift); break;
      case 1: matvec_int2(c.W2, c.x, b, y, c.rows, c.cols, c.shift); break;
      case 2: matvec_int2_reference(c.W2, c.x, b, y, c.rows, c.cols, c.shift); break;
      default: matvec_int2_fast(c.W2, c.x, b, y, c.rows, c.cols, c.shift); break;
    }
  }
  return out;
}

// Evaluated by the compiler: one constant evaluation per batch.
template <std::uint32_t Seed, int Kind>
constexpr mv_out mv_ct = mv_batch(Seed, Kind);

}  // namespace

TEST_CASE("matvec: compile-time evaluation equals run time, all paths", "[kernels][diff]") {
  // matvec_int2 evaluated by the compiler runs the reference path; at run
  // time the dispatcher runs the fast path.
  REQUIRE(mv_ct<1, 0> == mv_batch(1, 0));
  REQUIRE(mv_ct<2, 0> == mv_batch(2, 0));
  REQUIRE(mv_ct<3, 0> == mv_batch(3, 0));
  REQUIRE(mv_ct<1, 1> == mv_batch(1, 1));
  REQUIRE(mv_ct<2, 1> == mv_batch(2, 1));
  REQUIRE(mv_ct<3, 1> == mv_batch(3, 1));
  REQUIRE(mv_ct<4, 1> == mv_batch(4, 2));
  REQUIRE(mv_ct<4, 1> == mv_batch(4, 3));
  REQUIRE(mv_ct<5, 3> == mv_batch(5, 2));  // the fast path, evaluated by the compiler
  REQUIRE(mv_ct<5, 3> == mv_batch(5, 1));
}

TEST_CASE("matvec_int8: random cases against a 64-bit model", "[kernels][diff]") {
  xorshift32 r(0xC0FFEEu);
  for (int n = 0; n < 4000; ++n) {
    const std::size_t rows = r.below(17), cols = r.below(n < 100 ? 600 : 96);
    const int shift = static_cast<int>(r.below(32));
    std::vector<std::int8_t> W(rows * cols);
    std::vector<std::int16_t> x(cols);
    std::vector<std::int32_t> bias(rows);
    for (auto& v : W) v = rand_i8(r);
    for (auto& v : x) v = rand_i16(r);
    for (auto& v : bias) v = static_cast<std::int32_t>(r.next()) >> r.below(32);
    const bool use_bias = r.below(2) == 1;
    std::vector<std::int16_t> y(rows);
    matvec_int8(W.data(), x.data(), use_bias ? bias.data() : nullptr, y.data(), rows, cols, shift);
    for (std::size_t i = 0; i < rows; ++i) {
      std::int64_t acc = use_bias ? bias[i] : 0;
      for (std::size_t j = 0; j < cols; ++j) acc += std::int64_t{W[i * cols + j]} * x[j];
      const std::int16_t expect = clamp16(round_half_up(wrap32(acc), shift));
      if (y[i] != expect) {
        INFO("case " << n << " row " << i);
        REQUIRE(y[i] == expect);
      }
    }
  }
}

TEST_CASE("dot_int8: the run-time (SSE2) path, the loop and a 64-bit model agree bit for bit", "[kernels][diff]") {
  // Every length 0..100 (the 16- and 8-wide steps and every tail), extreme
  // values included, and the compile-time path on one case.
  tinylm::xorshift32 rng(77);
  std::vector<std::int8_t> a(100), b(100);
  for (std::size_t n = 0; n <= 100; ++n) {
    for (int rep = 0; rep < 20; ++rep) {
      for (std::size_t j = 0; j < n; ++j) {
        a[j] = static_cast<std::int8_t>(rep == 0 ? -128 : static_cast<int>(rng.next() >> 24) - 128);
        b[j] = static_cast<std::int8_t>(rep == 0 ? -128 : static_cast<int>(rng.next() >> 24) - 128);
      }
      std::int64_t model = 0;
      for (std::size_t j = 0; j < n; ++j) model += std::int64_t{a[j]} * b[j];
      REQUIRE(tinylm::dot_int8(a.data(), b.data(), n) == model);
      REQUIRE(tinylm::dot_int8_reference(a.data(), b.data(), n) == model);
    }
  }
  static constexpr std::int8_t ca[19] = {-128, 127, -1, 5, 9, -7, 100, -100, 3, 2, 1, 0, -128, -128, 127, 6, 7, 8, 9};
  constexpr std::int32_t at_compile_time = tinylm::dot_int8(ca, ca, 19);
  CHECK(at_compile_time == tinylm::dot_int8(ca, ca, 19));
}

TEST_CASE("matvec_int2: reference, fast and public path against a model", "[kernels][diff]") {
  xorshift32 r(0xBADC0DEu);
  for (int n = 0; n < 5000; ++n) {
    const std::size_t rows = r.below(17), cols = r.below(n < 100 ? 1200 : 131);
    const int shift = static_cast<int>(r.below(32));
    const std::size_t stride = int2_row_bytes(cols);
    std::vector<std::uint8_t> W(rows * stride);
    // sparse (many zero bytes, as in trained models), dense, or all -2
    const auto style = r.below(4);
    for (auto& v : W) {
      v = r.next_byte();
      if (style == 0 && r.below(4) != 0) v = 0;
      if (style == 1) v = 0xAA;
    }
    std::vector<std::int16_t> x(cols);
    for (auto& v : x) v = rand_i16(r);
    std::vector<std::int32_t> bias(rows);
    for (auto& v : bias) v = static_cast<std::int32_t>(r.next()) >> r.below(32);
    const std::int32_t* b = r.below(2) == 1 ? bias.data() : nullptr;
    std::vector<std::int16_t> y_pub(rows), y_ref(rows), y_fast(rows);
    matvec_int2(W.data(), x.data(), b, y_pub.data(), rows, cols, shift);
    matvec_int2_reference(W.data(), x.data(), b, y_ref.data(), rows, cols, shift);
    matvec_int2_fast(W.data(), x.data(), b, y_fast.data(), rows, cols, shift);
    for (std::size_t i = 0; i < rows; ++i) {
      std::int64_t acc = b != nullptr ? b[i] : 0;
      for (std::size_t j = 0; j < cols; ++j)
        acc += model_int2_weight(W[i * stride + j / 4] >> (2 * (j % 4))) * std::int64_t{x[j]};
      const std::int16_t expect = clamp16(round_half_up(wrap32(acc), shift));
      if (y_pub[i] != expect || y_ref[i] != expect || y_fast[i] != expect) {
        INFO("case " << n << " row " << i);
        REQUIRE(y_ref[i] == expect);
        REQUIRE(y_fast[i] == expect);
        REQUIRE(y_pub[i] == expect);
      }
    }
  }
}

TEST_CASE("pack_int2 round-trips through the decoder", "[kernels][diff]") {
  xorshift32 r(77);
  for (int n = 0; n < 2000; ++n) {
    const std::size_t rows = r.below(6), cols = r.below(70);
    std::vector<std::int8_t> w(rows * cols);
    for (auto& v : w) v = static_cast<std::int8_t>(rand_range(r, -2, 1));
    std::vector<std::uint8_t> p(rows * int2_row_bytes(cols) + 1, 0x5A);
    pack_int2(w.data(), rows, cols, p.data());
    REQUIRE(p.back() == 0x5A);
    for (std::size_t i = 0; i < rows; ++i) {
      const std::uint8_t* row = p.data() + i * int2_row_bytes(cols);
      for (std::size_t j = 0; j < cols; ++j) REQUIRE(int2_weight(row, j) == w[i * cols + j]);
      for (std::size_t j = cols; j < int2_row_bytes(cols) * 4; ++j)  // padding is 0
        REQUIRE(((row[j / 4] >> (2 * (j % 4))) & 3) == 0);
    }
  }
}

// ---------------------------------------------------------------- softmax / sampling
namespace {

constexpr std::size_t sm_max = 48;
using sm_out = std::array<std::uint32_t, batch_cases * (2 * sm_max + 1)>;

constexpr std::uint16_t rand_inv_temp(xorshift32& r) {
  switch (r.below(6)) {
    case 0: return 256;
    case 1: return 0;
    case 2: return 65535;
    default: return static_cast<std::uint16_t>(r.below(2048));
  }
}

constexpr std::size_t rand_scores(xorshift32& r, std::int16_t* s, std::size_t max_n) {
  const std::size_t n = r.below(static_cast<std::uint32_t>(max_n + 1));
  const auto spread = static_cast<std::int32_t>(1 + r.below(3000));
  const std::int32_t centre = rand_range(r, -30000, 30000);
  const bool extreme = r.below(4) == 0;
  for (std::size_t i = 0; i < n; ++i)
    s[i] = extreme ? rand_i16(r)
                   : static_cast<std::int16_t>(
                         std::clamp(centre + rand_range(r, -spread, spread), -32768, 32767));
  return n;
}

constexpr sm_out softmax_batch(std::uint32_t seed) {
  xorshift32 r(seed);
  sm_out out{};
  std::size_t o = 0;
  for (std::size_t k = 0; k < batch_cases; ++k) {
    std::int16_t s[sm_max]{};
    const std::size_t n = rand_scores(r, s, sm_max);
    const std::uint16_t inv = rand_inv_temp(r);
    std::uint16_t w[sm_max]{}, p[sm_max]{};
    out[o++] = exp_weights(s, n, inv, w);
    softmax_q15(s, n, inv, p);
    for (std::size_t i = 0; i < sm_max; ++i) out[o++] = w[i];
    for (std::size_t i = 0; i < sm_max; ++i) out[o++] = p[i];
  }
  return out;
}
template <std::uint32_t Seed>
constexpr sm_out softmax_ct = softmax_batch(Seed);

constexpr std::size_t samp_draws = 16;
using samp_out = std::array<std::uint32_t, 6 * (samp_draws + 1)>;

constexpr samp_out sampling_batch(std::uint32_t seed) {
  xorshift32 r(seed);
  samp_out out{};
  std::size_t o = 0;
  for (std::size_t k = 0; k < 6; ++k) {
    std::int16_t s[256]{};
    const std::size_t n = rand_scores(r, s, 256);
    const std::uint16_t inv = rand_inv_temp(r);
    const std::size_t top_k = r.below(2) == 0 ? 0 : r.below(300);
    xorshift32 rng(r.next());
    for (std::size_t d = 0; d < samp_draws; ++d)
      out[o++] = static_cast<std::uint32_t>(sample_top_k(s, n, inv, top_k, rng));
    out[o++] = rng.state;
  }
  return out;
}
template <std::uint32_t Seed>
constexpr samp_out sampling_ct = sampling_batch(Seed);

}  // namespace

TEST_CASE("softmax: compile time equals run time", "[kernels][diff]") {
  REQUIRE(softmax_ct<11> == softmax_batch(11));
  REQUIRE(softmax_ct<12> == softmax_batch(12));
  REQUIRE(softmax_ct<13> == softmax_batch(13));
  REQUIRE(softmax_ct<14> == softmax_batch(14));
}

TEST_CASE("softmax: random cases against a model", "[kernels][diff]") {
  xorshift32 r(4242);
  for (int c = 0; c < 4000; ++c) {
    std::int16_t s[256]{};
    const std::size_t n = rand_scores(r, s, 256);
    const std::uint16_t inv = rand_inv_temp(r);
    std::uint16_t w[256]{}, p[256]{};
    const std::uint32_t sum = exp_weights(s, n, inv, w);
    softmax_q15(s, n, inv, p);
    if (n == 0) {
      REQUIRE(sum == 0);
      continue;
    }
    const std::int64_t m = *std::max_element(s, s + n);
    std::uint64_t model_sum = 0;
    bool max_seen = false;
    for (std::size_t i = 0; i < n; ++i) {
      // k = min(255, floor(d * inv / 4096 + 1/2)) computed with a division
      const std::int64_t d = m - s[i];
      const std::int64_t k = std::min<std::int64_t>(255, (2 * d * inv + 4096) / 8192);
      const std::uint16_t expect_w = model_exp(k);
      REQUIRE(w[i] == expect_w);
      model_sum += expect_w;
      if (d == 0) {
        max_seen = true;
        REQUIRE(w[i] == 32768);
      }
    }
    REQUIRE(max_seen);
    REQUIRE(sum == model_sum);
    const std::uint64_t R = (std::uint64_t{1} << 32) / model_sum;
    std::uint64_t psum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      REQUIRE(p[i] == (2 * w[i] * R + (std::uint64_t{1} << 17)) / (std::uint64_t{1} << 18));
      // within 0.75 of the exact quotient 32768 w / S
      const double exact = 32768.0 * w[i] / static_cast<double>(model_sum);
      REQUIRE(std::fabs(p[i] - exact) < 0.75);
      psum += p[i];
    }
    REQUIRE(psum <= 32768 + n);
    REQUIRE(psum + n >= 32768);
  }
}

TEST_CASE("sampling: compile time equals run time", "[kernels][diff]") {
  REQUIRE(sampling_ct<21> == sampling_batch(21));
  REQUIRE(sampling_ct<22> == sampling_batch(22));
  REQUIRE(sampling_ct<23> == sampling_batch(23));
}

TEST_CASE("sampling: random cases against a model", "[kernels][diff]") {
  xorshift32 r(31337);
  for (int c = 0; c < 3000; ++c) {
    std::int16_t s[256]{};
    const std::size_t n = rand_scores(r, s, 256);
    const std::uint16_t inv = rand_inv_temp(r);
    const std::size_t top_k = r.below(2) == 0 ? 0 : r.below(300);
    const std::uint32_t seed = r.next();
    // model: candidates by a stable sort (score descending, index ascending)
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return s[a] > s[b]; });
    if (top_k != 0 && top_k < n) order.resize(top_k);
    std::sort(order.begin(), order.end());
    // weights relative to the global maximum
    std::vector<std::uint32_t> w;
    std::uint64_t S = 0;
    const std::int64_t m = n != 0 ? *std::max_element(s, s + n) : 0;
    for (std::size_t i : order) {
      const std::int64_t k = std::min<std::int64_t>(255, (2 * (m - s[i]) * inv + 4096) / 8192);
      w.push_back(model_exp(k));
      S += model_exp(k);
    }
    model_xorshift model_rng(seed);
    std::uint64_t rr = (std::uint64_t{model_rng.draw()} * S) / 4294967296ULL;
    std::size_t expect = 0;
    for (std::size_t c2 = 0; c2 < order.size(); ++c2) {
      if (rr < w[c2]) {
        expect = order[c2];
        break;
      }
      rr -= w[c2];
    }
    xorshift32 rng(seed);
    const std::size_t got = sample_top_k(s, n, inv, top_k, rng);
    INFO("case " << c << " n " << n << " top_k " << top_k);
    REQUIRE(got == expect);
    REQUIRE(rng.state == model_rng.x);  // exactly one draw
    const auto first_max = static_cast<std::size_t>(std::max_element(s, s + n) - s);
    REQUIRE(argmax(s, n) == (n != 0 ? first_max : 0));
    xorshift32 rng1(seed);
    REQUIRE(sample_top_k(s, n, inv, 1, rng1) == argmax(s, n));  // top_k 1 is greedy
  }
}

TEST_CASE("sampling: frequencies follow the weights", "[kernels][diff]") {
  // scores 0, -256, -512 (T = 1): weights 32768, 12055, 4435 of 49258
  const std::int16_t s[] = {-512, 0, -256};
  xorshift32 rng(2024);
  std::array<int, 3> hits{};
  const int draws = 60000;
  for (int d = 0; d < draws; ++d) ++hits[sample_top_k(s, 3, 256, 0, rng)];
  const double S = 32768.0 + 12055.0 + 4435.0;
  REQUIRE(std::fabs(hits[1] - draws * 32768.0 / S) < 600);
  REQUIRE(std::fabs(hits[2] - draws * 12055.0 / S) < 600);
  REQUIRE(std::fabs(hits[0] - draws * 4435.0 / S) < 600);
  // top_k = 2 drops index 0 entirely
  std::array<int, 3> hits2{};
  for (int d = 0; d < 5000; ++d) ++hits2[sample_top_k(s, 3, 256, 2, rng)];
  REQUIRE(hits2[0] == 0);
  REQUIRE(hits2[1] > hits2[2]);
  REQUIRE(hits2[2] > 0);
}

// ---------------------------------------------------------------- rmsnorm
namespace {

constexpr std::size_t rms_max = 40;
using rms_out = std::array<std::int16_t, batch_cases * rms_max>;

constexpr rms_out rms_batch(std::uint32_t seed) {
  xorshift32 r(seed);
  rms_out out{};
  for (std::size_t k = 0; k < batch_cases; ++k) {
    std::int16_t x[rms_max]{}, gain[rms_max]{};
    const std::size_t n = r.below(rms_max + 1);
    const auto mag = static_cast<std::int32_t>(1 + r.below(32768));
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = static_cast<std::int16_t>(rand_range(r, -mag, std::min(mag, 32767)));
      gain[i] = r.below(4) == 0 ? rand_i16(r) : static_cast<std::int16_t>(rand_range(r, -600, 600));
    }
    rmsnorm(x, r.below(3) == 0 ? nullptr : gain, out.data() + k * rms_max, n);
  }
  return out;
}
template <std::uint32_t Seed>
constexpr rms_out rms_ct = rms_batch(Seed);

}  // namespace

TEST_CASE("rmsnorm: compile time equals run time", "[kernels][diff]") {
  REQUIRE(rms_ct<31> == rms_batch(31));
  REQUIRE(rms_ct<32> == rms_batch(32));
  REQUIRE(rms_ct<33> == rms_batch(33));
}

TEST_CASE("rmsnorm: random cases against an exact model and the real formula",
          "[kernels][diff]") {
  xorshift32 r(999);
  for (int c = 0; c < 4000; ++c) {
    const std::size_t n = 1 + r.below(c < 50 ? 4096 : 128);
    std::vector<std::int16_t> x(n), gain(n), y(n);
    const auto mag = static_cast<std::int32_t>(1 + r.below(32768));
    for (auto& v : x) v = static_cast<std::int16_t>(rand_range(r, -mag, std::min(mag, 32767)));
    for (auto& v : gain) v = static_cast<std::int16_t>(rand_range(r, -1024, 1024));
    if (r.below(16) == 0) std::fill(x.begin(), x.end(), std::int16_t{0});
    rmsnorm(x.data(), gain.data(), y.data(), n);
    std::uint64_t sumsq = 0;
    for (auto v : x) sumsq += static_cast<std::uint64_t>(std::int64_t{v} * v);
    const std::uint64_t ms = (sumsq * 65536) / n;
    // floor sqrt by a float guess corrected with exact integer steps
    auto root = static_cast<std::uint64_t>(std::sqrt(static_cast<double>(ms)));
    while (root * root > ms) --root;
    while ((root + 1) * (root + 1) <= ms) ++root;
    for (std::size_t i = 0; i < n; ++i) {
      std::int16_t expect = 0;
      if (root != 0) {
        const auto inv = static_cast<std::int64_t>((std::uint64_t{1} << 40) / root);
        const std::int64_t t = round_half_up(x[i] * inv, 16);
        expect = clamp16(round_half_up(t * gain[i], 16));
        // and close to the real-valued formula (error: two roundings, the
        // truncated reciprocal, and the floor of rms, relative error < 1/rms)
        const double real_rms = std::sqrt(static_cast<double>(sumsq) / 65536.0 / static_cast<double>(n));
        const double ideal = gain[i] * (x[i] / 256.0) / real_rms;  // in Q8.8 units
        const double tol = 1.0 + std::fabs(ideal) * (1e-4 + 1.0 / static_cast<double>(root));
        if (std::fabs(ideal) < 32000) REQUIRE(std::fabs(y[i] - ideal) < tol);
      }
      if (y[i] != expect) {
        INFO("case " << c << " i " << i);
        REQUIRE(y[i] == expect);
      }
    }
  }
}

// ---------------------------------------------------------------- isqrt
TEST_CASE("isqrt: random and boundary values", "[kernels][diff]") {
  xorshift32 r(5);
  auto check32 = [](std::uint32_t v) {
    const std::uint64_t q = isqrt32(v);
    REQUIRE(q * q <= v);
    REQUIRE((q + 1) * (q + 1) > v);
  };
  auto check64 = [](std::uint64_t v) {
    const std::uint64_t q = isqrt64(v);
    REQUIRE(q * q <= v);
    if (q < 0xFFFFFFFFu) REQUIRE((q + 1) * (q + 1) > v);
  };
  for (int i = 0; i < 20000; ++i) {
    const std::uint32_t v = r.next() >> r.below(32);
    check32(v);
    const std::uint64_t w = ((std::uint64_t{r.next()} << 32) | r.next()) >> r.below(64);
    check64(w);
    const std::uint64_t q = r.next();
    check64(q * q);
    if (q != 0) check64(q * q - 1);
    const std::uint32_t h = r.next() >> 16;
    check32(h * h);
    if (h != 0) check32(h * h - 1);
  }
  constexpr auto a = isqrt64(0xFFFFFFFE00000001ull);  // (2^32 - 1)^2
  REQUIRE(a == 0xFFFFFFFFu);
}

// ---------------------------------------------------------------- trigram_hash
namespace {

constexpr std::size_t tri_max = 64;
using tri_out = std::array<std::uint8_t, batch_cases * 128>;

constexpr tri_out tri_batch(std::uint32_t seed) {
  xorshift32 r(seed);
  tri_out out{};
  for (std::size_t k = 0; k < batch_cases; ++k) {
    char text[tri_max]{};
    const std::size_t len = r.below(tri_max + 1);
    for (std::size_t i = 0; i < len; ++i)
      text[i] = static_cast<char>(r.below(2) == 0 ? rand_range(r, 'A', 'z') : r.next_byte());
    trigram_hash(text, len, out.data() + k * 128, std::size_t{1} << r.below(8));
  }
  return out;
}
template <std::uint32_t Seed>
constexpr tri_out tri_ct = tri_batch(Seed);

}  // namespace

TEST_CASE("trigram_hash: compile time equals run time", "[kernels][diff]") {
  REQUIRE(tri_ct<41> == tri_batch(41));
  REQUIRE(tri_ct<42> == tri_batch(42));
}

TEST_CASE("trigram_hash: random texts against a model", "[kernels][diff]") {
  xorshift32 r(8080);
  for (int c = 0; c < 3000; ++c) {
    const std::size_t len = r.below(c < 20 ? 2000 : 100);
    std::vector<char> text(len);
    const bool repetitive = r.below(4) == 0;
    for (auto& ch : text) ch = static_cast<char>(repetitive ? 'a' + r.below(2) : r.next_byte());
    const std::size_t B = std::size_t{1} << r.below(9);
    std::vector<std::uint8_t> counts(B), model(B);
    trigram_hash(text.data(), len, counts.data(), B);
    std::vector<unsigned> padded{' '};
    for (char ch : text) {
      const auto u = static_cast<unsigned char>(ch);
      padded.push_back(u >= 'A' && u <= 'Z' ? u + 32u : u);
    }
    padded.push_back(' ');
    std::vector<unsigned> full(B);
    for (std::size_t i = 0; i + 2 < padded.size(); ++i) {
      unsigned h = 0;
      for (std::size_t t = 0; t < 3; ++t) h = (((h << 3) | (h >> 5)) + padded[i + t]) % 256u;
      ++full[h % B];
    }
    for (std::size_t b = 0; b < B; ++b) model[b] = static_cast<std::uint8_t>(std::min(255u, full[b]));
    REQUIRE(counts == model);
  }
}
