// Google Benchmark: the bundled chat transformer (tinylm::zoo::
// tinychat_transformer) on the host, greedy decoding with the KV cache, and a
// plain float forward pass of the same shape in the same run for the ratio.
// Counters: ns per token (positions stepped), multiply-accumulates per second.
#if __has_include(<tinylm/zoo/tinychat_transformer.hpp>)
#include <benchmark/benchmark.h>

#include <tinylm/transformer.hpp>
#include <tinylm/zoo/tinychat_transformer.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace {

using model = tinylm::zoo::tinychat_transformer;
namespace tf = tinylm::transformer;

// Every position of the context: a long prompt (cut to the prompt room) and
// then as many reply tokens as fit, stepping one token a time.
void BM_transformer_token(benchmark::State& state) {
  const tf::model_view v = tf::view_of<model>();
  tf::workspace_of<model> ws;
  const tf::buffers b = ws.refs();
  std::uint8_t tokens[tf::max_context] = {};
  for (std::size_t p = 0; p < v.context; ++p) tokens[p] = static_cast<std::uint8_t>(2 + (p * 7) % (v.vocab - 2));
  const tf::memory_plan plan = tf::plan(v);
  for (auto _ : state) {
    for (std::size_t p = 0; p < v.context; ++p) tf::step_validated(v, b, tokens[p], p);
    benchmark::DoNotOptimize(ws.logits[0]);
  }
  const double tokens_done = static_cast<double>(state.iterations()) * static_cast<double>(v.context);
  const double macs_per_sequence = static_cast<double>((plan.macs_first + plan.macs_last) * v.context / 2);
  state.counters["ns_per_token"] =
      benchmark::Counter(tokens_done, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["MACs_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * macs_per_sequence, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_transformer_token);

// The same shape in float (no quantisation, float softmax): the ratio.
void BM_float_transformer_token(benchmark::State& state) {
  const std::size_t d = model::d_model, F = model::ffn, V = model::vocab, T = model::context, L = model::layers,
                    H = model::heads, hd = d / H;
  std::vector<float> w(tf::view_of<model>().weight_count());
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(model::weights[i]) / 64.0f;
  std::vector<float> x(d), a(d), q(d), o(d), u(F), logits(V), kc(L * T * d), vc(L * T * d), s(T);
  const auto matvec = [](const float* W, const float* in, float* out, std::size_t rows, std::size_t cols) {
    for (std::size_t r = 0; r < rows; ++r) {
      float acc = 0;
      for (std::size_t c = 0; c < cols; ++c) acc += W[r * cols + c] * in[c];
      out[r] = acc;
    }
  };
  const auto norm = [&](const float* in, float* out) {
    float ss = 0;
    for (std::size_t i = 0; i < d; ++i) ss += in[i] * in[i];
    const float r = 1.0f / std::sqrt(ss / static_cast<float>(d) + 1e-6f);
    for (std::size_t i = 0; i < d; ++i) out[i] = in[i] * r;
  };
  const tf::model_view v = tf::view_of<model>();
  for (auto _ : state) {
    for (std::size_t p = 0; p < T; ++p) {
      for (std::size_t i = 0; i < d; ++i) x[i] = w[(2 + p % (V - 2)) * d + i] + w[v.pos_offset() + p * d + i];
      for (std::size_t l = 0; l < L; ++l) {
        const float* base = w.data() + v.layer_offset(l);
        norm(x.data(), a.data());
        matvec(base, a.data(), q.data(), d, d);
        matvec(base + d * d, a.data(), &kc[(l * T + p) * d], d, d);
        matvec(base + 2 * d * d, a.data(), &vc[(l * T + p) * d], d, d);
        for (std::size_t h = 0; h < H; ++h) {
          float m = -1e30f, sum = 0;
          for (std::size_t j = 0; j <= p; ++j) {
            float dot = 0;
            for (std::size_t c = 0; c < hd; ++c) dot += q[h * hd + c] * kc[(l * T + j) * d + h * hd + c];
            s[j] = dot * 0.25f;
            m = std::max(m, s[j]);
          }
          for (std::size_t j = 0; j <= p; ++j) sum += (s[j] = std::exp(s[j] - m));
          for (std::size_t c = 0; c < hd; ++c) {
            float acc = 0;
            for (std::size_t j = 0; j <= p; ++j) acc += s[j] * vc[(l * T + j) * d + h * hd + c];
            o[h * hd + c] = acc / sum;
          }
        }
        matvec(base + 3 * d * d, o.data(), a.data(), d, d);
        for (std::size_t i = 0; i < d; ++i) x[i] += a[i];
        norm(x.data(), a.data());
        matvec(base + 4 * d * d, a.data(), u.data(), F, d);
        for (float& e : u) e = e > 0 ? e : 0;
        matvec(base + 4 * d * d + F * d, u.data(), a.data(), d, F);
        for (std::size_t i = 0; i < d; ++i) x[i] += a[i];
      }
      norm(x.data(), a.data());
      matvec(w.data() + v.head_offset(), a.data(), logits.data(), V, d);
      benchmark::DoNotOptimize(logits[0]);
    }
  }
  state.counters["ns_per_token"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(T), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_float_transformer_token);

}  // namespace
#endif
