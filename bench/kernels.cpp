// Benchmarks of the integer kernels on the host (the run-time paths).
//
//   BM_matvec_int8/R/C        y = W x, int8 weights, R x C; counter MAC/s
//   BM_matvec_int2/R/C        packed 2-bit weights through matvec_int2 (the
//                             table-driven fast path at run time), ~30%
//                             non-zero weights as in trained hash-MLPs
//   BM_matvec_int2_reference  the same with the plain per-column decode (the
//                             compile-time path), for the ratio
//   BM_softmax_q15/N          exp_weights + one reciprocal, N scores
//   BM_rmsnorm/N              one RMSNorm of N Q8.8 values with gains
//   BM_trigram_hash_64        a 64-byte prompt into 128 buckets
//   BM_sample_top_k/N/K       one draw over N scores, top_k K (0 = all)
//   BM_matvec_<f>_int8/R/C    the transformer's matmul with weights in format
//                             f (int8: dot_int8.hpp; int4, int2, ternary:
//                             table-decoded into dot_int8), int8 activations;
//                             counter weights/s; *_reference: the
//                             compile-time path
//
// Inputs come from a fixed-seed xorshift32. Wall-clock numbers are noisy on
// small shared machines: compare ratios from one run.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include <tinylm/dot_int8.hpp>
#include <tinylm/int4.hpp>
#include <tinylm/matvec_int2.hpp>
#include <tinylm/matvec_int8.hpp>
#include <tinylm/prng.hpp>
#include <tinylm/rmsnorm.hpp>
#include <tinylm/sampling.hpp>
#include <tinylm/softmax.hpp>
#include <tinylm/ternary.hpp>
#include <tinylm/trigram_hash.hpp>

namespace {

std::vector<std::int16_t> random_i16(std::size_t n, std::uint32_t seed, int spread) {
  tinylm::xorshift32 r(seed);
  std::vector<std::int16_t> v(n);
  for (auto& x : v)
    x = static_cast<std::int16_t>(static_cast<std::int32_t>(r.below(static_cast<std::uint32_t>(2 * spread + 1))) - spread);
  return v;
}

void BM_matvec_int8(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const auto cols = static_cast<std::size_t>(state.range(1));
  tinylm::xorshift32 r(1);
  std::vector<std::int8_t> W(rows * cols);
  for (auto& w : W) w = static_cast<std::int8_t>(r.next_byte());
  const auto x = random_i16(cols, 2, 2000);
  std::vector<std::int32_t> bias(rows, 100);
  std::vector<std::int16_t> y(rows);
  for (auto _ : state) {
    tinylm::matvec_int8(W.data(), x.data(), bias.data(), y.data(), rows, cols, 8);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.counters["MAC"] = benchmark::Counter(static_cast<double>(rows * cols),
                                             benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_matvec_int8)->Args({64, 64})->Args({256, 256});

std::vector<std::uint8_t> sparse_int2(std::size_t rows, std::size_t cols) {
  tinylm::xorshift32 r(3);
  std::vector<std::int8_t> w(rows * cols);
  for (auto& v : w) {
    const auto u = r.below(100);
    v = static_cast<std::int8_t>(u < 70 ? 0 : (u < 80 ? 1 : (u < 90 ? -1 : -2)));
  }
  std::vector<std::uint8_t> packed(rows * tinylm::int2_row_bytes(cols));
  tinylm::pack_int2(w.data(), rows, cols, packed.data());
  return packed;
}

template <bool Reference>
void BM_matvec_int2_impl(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const auto cols = static_cast<std::size_t>(state.range(1));
  const auto W = sparse_int2(rows, cols);
  const auto x = random_i16(cols, 4, 2000);
  std::vector<std::int16_t> y(rows);
  for (auto _ : state) {
    if constexpr (Reference) {
      tinylm::matvec_int2_reference(W.data(), x.data(), nullptr, y.data(), rows, cols, 4);
    } else {
      tinylm::matvec_int2(W.data(), x.data(), nullptr, y.data(), rows, cols, 4);
    }
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.counters["MAC"] = benchmark::Counter(static_cast<double>(rows * cols),
                                             benchmark::Counter::kIsIterationInvariantRate);
}
void BM_matvec_int2(benchmark::State& state) { BM_matvec_int2_impl<false>(state); }
void BM_matvec_int2_reference(benchmark::State& state) { BM_matvec_int2_impl<true>(state); }
BENCHMARK(BM_matvec_int2)->Args({256, 256});
BENCHMARK(BM_matvec_int2_reference)->Args({256, 256});

void BM_softmax_q15(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto s = random_i16(n, 5, 1500);
  std::vector<std::uint16_t> p(n);
  for (auto _ : state) {
    tinylm::softmax_q15(s.data(), n, 256, p.data());
    benchmark::DoNotOptimize(p.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_softmax_q15)->Arg(128)->Arg(256);

void BM_rmsnorm(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto x = random_i16(n, 6, 3000);
  const auto gain = random_i16(n, 7, 512);
  std::vector<std::int16_t> y(n);
  for (auto _ : state) {
    tinylm::rmsnorm(x.data(), gain.data(), y.data(), n);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_rmsnorm)->Arg(64);

void BM_trigram_hash_64(benchmark::State& state) {
  const char prompt[] = "Hello there! What is the weather like today, my little computer?";
  static_assert(sizeof(prompt) - 1 == 64);
  std::uint8_t counts[128]{};
  for (auto _ : state) {
    benchmark::DoNotOptimize(prompt);
    tinylm::trigram_hash(prompt, 64, counts, 128);
    benchmark::DoNotOptimize(counts);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 64);
}
BENCHMARK(BM_trigram_hash_64);

void BM_sample_top_k(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto k = static_cast<std::size_t>(state.range(1));
  const auto s = random_i16(n, 8, 1500);
  tinylm::xorshift32 rng(9);
  std::size_t sink = 0;
  for (auto _ : state) {
    sink += tinylm::sample_top_k(s.data(), n, 256, k, rng);
    benchmark::DoNotOptimize(sink);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_sample_top_k)->Args({256, 0})->Args({256, 40});

}  // namespace

namespace {

// The transformer-side formats: int8 activations, R x C weights.
enum class fmt { int8, int4, int2, ternary };

template <fmt F, bool Reference>
void BM_matvec_format(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0)), cols = static_cast<std::size_t>(state.range(1));
  tinylm::xorshift32 r(99);
  std::vector<std::int8_t> x(cols), y(rows), w(rows * cols);
  for (auto& v : x) v = static_cast<std::int8_t>(r.next_byte());
  for (auto& v : w) v = static_cast<std::int8_t>(F == fmt::int8 ? r.next_byte() : r.below(3) - 1);
  std::vector<std::uint8_t> packed(rows * cols);
  if (F == fmt::int4) tinylm::pack_int4(w.data(), rows, cols, packed.data());
  if (F == fmt::int2) tinylm::pack_int2(w.data(), rows, cols, packed.data());
  if (F == fmt::ternary) tinylm::pack_ternary(w.data(), rows, cols, packed.data());
  const std::size_t stride = F == fmt::int4 ? tinylm::int4_row_bytes(cols)
                             : F == fmt::int2 ? tinylm::int2_row_bytes(cols)
                                              : tinylm::ternary_row_bytes(cols);
  for (auto _ : state) {
    for (std::size_t i = 0; i < rows; ++i) {
      std::int32_t s = 0;
      if constexpr (F == fmt::int8) {
        s = Reference ? tinylm::dot_int8_reference(w.data() + i * cols, x.data(), cols)
                      : tinylm::dot_int8(w.data() + i * cols, x.data(), cols);
      } else if constexpr (F == fmt::int4) {
        s = Reference ? tinylm::dot_int4_int8_reference(packed.data() + i * stride, x.data(), cols)
                      : tinylm::dot_int4_int8(packed.data() + i * stride, x.data(), cols);
      } else if constexpr (F == fmt::int2) {
        s = Reference ? tinylm::dot_int2_int8_reference(packed.data() + i * stride, x.data(), cols)
                      : tinylm::dot_int2_int8(packed.data() + i * stride, x.data(), cols);
      } else {
        s = Reference ? tinylm::dot_ternary_int8_reference(packed.data() + i * stride, x.data(), cols)
                      : tinylm::dot_ternary_int8(packed.data() + i * stride, x.data(), cols);
      }
      y[i] = tinylm::clamp_i8(tinylm::requantize(s, 8), -128, 127);
    }
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.counters["weights/s"] =
      benchmark::Counter(static_cast<double>(rows * cols), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_matvec_int8_int8(benchmark::State& s) { BM_matvec_format<fmt::int8, false>(s); }
void BM_matvec_int4_int8(benchmark::State& s) { BM_matvec_format<fmt::int4, false>(s); }
void BM_matvec_int2_int8(benchmark::State& s) { BM_matvec_format<fmt::int2, false>(s); }
void BM_matvec_ternary_int8(benchmark::State& s) { BM_matvec_format<fmt::ternary, false>(s); }
void BM_matvec_int4_int8_reference(benchmark::State& s) { BM_matvec_format<fmt::int4, true>(s); }
void BM_matvec_ternary_int8_reference(benchmark::State& s) { BM_matvec_format<fmt::ternary, true>(s); }
BENCHMARK(BM_matvec_int8_int8)->Args({64, 64})->Args({256, 256});
BENCHMARK(BM_matvec_int4_int8)->Args({64, 64})->Args({256, 256});
BENCHMARK(BM_matvec_int2_int8)->Args({64, 64})->Args({256, 256});
BENCHMARK(BM_matvec_ternary_int8)->Args({64, 64})->Args({256, 256});
BENCHMARK(BM_matvec_int4_int8_reference)->Args({256, 256});
BENCHMARK(BM_matvec_ternary_int8_reference)->Args({256, 256});

}  // namespace
