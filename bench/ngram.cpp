// Benchmarks of the n-gram family on the host, with the bundled model
// tinylm::zoo::sayings (order 6, about 24 KB of tables).
//
//   BM_ngram_generate      whole replies: tinylm::ngram::generate<sayings, 128>
//                          for a fixed prompt, the seed changing every
//                          iteration. A reply ends at the end byte or after
//                          128 bytes; the "bytes" rate counts the bytes
//                          actually produced.
//   BM_ngram_sample_next   the sampling kernel alone: one sample_next() and one
//                          history push per byte, an endless stream (at the end
//                          byte the history restarts, as a new record would).
//   BM_ngram_find_context  the lookup kernel alone: find_context() for every
//                          context length of one history (k = N-1 .. 0), over
//                          the histories of a fixed text.
//   BM_ngram_probability   the exact probability() of every byte of a fixed
//                          held-out text (as `tinylm-gen eval` computes it).
//
// Rates are "per second" counters (benchmark::Counter::kIsRate). Wall-clock
// numbers are noisy on small shared machines: compare ratios from one run.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <tinylm/ngram.hpp>
#include <tinylm/zoo/sayings.hpp>

namespace {

using model = tinylm::zoo::sayings;
namespace ng = tinylm::ngram;

constexpr ng::model_view sayings_view = ng::view_of<model>();

// Lines of codegen/corpus/sayings-heldout.txt (text the model never saw).
constexpr std::string_view heldout_lines[] = {
    "Do not push more than you plan to pop.",
    "An empty register is not lazy. It is ready.",
    "I do not forget. I just overwrite, which is kinder.",
    "The machine reads your code. Your friends read your comments.",
    "A save battery is a tiny promise that lasts for years.",
    "The drive clicks and whirs, like a clock that learned to read.",
    "Q: How many voices does a sound chip have? A: Enough to hum and not enough to argue.",
    "Q: Why plan? A: Because typing is easy and undoing is hard.",
};

// Every (history, next byte) pair of the held-out lines, each line a record:
// the history starts at the start of a record and the end byte is predicted
// after the last byte of the line.
struct step {
  ng::history h;
  std::uint8_t next;
};

std::vector<step> heldout_steps() {
  std::vector<step> steps;
  for (std::string_view line : heldout_lines) {
    ng::history h = ng::start_history(sayings_view, "");
    for (char ch : line) {
      const auto c = static_cast<std::uint8_t>(ch);
      steps.push_back({h, c});
      h.push(c);
    }
    steps.push_back({h, sayings_view.end_byte});
  }
  return steps;
}

void set_byte_counters(benchmark::State& state, std::int64_t bytes) {
  state.counters["bytes"] = benchmark::Counter(static_cast<double>(bytes), benchmark::Counter::kIsRate);
  state.counters["bytes_per_iter"] =
      benchmark::Counter(static_cast<double>(bytes), benchmark::Counter::kAvgIterations);
}

// Whole replies through the public API; arg 0 selects the prompt.
void BM_ngram_generate(benchmark::State& state) {
  constexpr std::string_view prompts[] = {"Q: ", "The cat", ""};
  const std::string_view prompt = prompts[state.range(0)];
  std::uint32_t seed = 1;
  std::int64_t bytes = 0;
  for (auto _ : state) {
    auto out = ng::generate<model, 128>(prompt, seed);
    benchmark::DoNotOptimize(out);
    bytes += static_cast<std::int64_t>(out.size());
    seed = seed * 1664525u + 1013904223u;  // a different reply every iteration
    if (seed == 0) seed = 1;
  }
  set_byte_counters(state, bytes);
}
BENCHMARK(BM_ngram_generate)->Arg(0)->Arg(1)->Arg(2)->ArgName("prompt");

// The sampling kernel: 128 bytes per iteration of an endless stream.
void BM_ngram_sample_next(benchmark::State& state) {
  constexpr int bytes_per_iteration = 128;
  ng::history h = ng::start_history(sayings_view, "");
  tinylm::xorshift32 rng(model::default_seed);
  std::int64_t ends = 0;
  for (auto _ : state) {
    for (int i = 0; i < bytes_per_iteration; ++i) {
      const std::uint8_t c = ng::sample_next(sayings_view, h, rng);
      benchmark::DoNotOptimize(c);
      if (c == sayings_view.end_byte) {
        h = ng::start_history(sayings_view, "");
        ++ends;
      } else {
        h.push(c);
      }
    }
  }
  const auto iterations = static_cast<std::int64_t>(state.iterations());
  set_byte_counters(state, iterations * bytes_per_iteration);
  state.counters["records"] = benchmark::Counter(static_cast<double>(ends), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ngram_sample_next);

// The lookup kernel: all N context lengths of each history of the text.
void BM_ngram_find_context(benchmark::State& state) {
  const std::vector<step> steps = heldout_steps();
  std::int64_t found = 0;
  for (auto _ : state) {
    for (const step& s : steps) {
      for (int k = sayings_view.order - 1; k >= 0; --k) {
        const std::uint32_t node = ng::find_context(sayings_view, s.h, k);
        benchmark::DoNotOptimize(node);
        found += node != ng::not_found ? 1 : 0;
      }
    }
  }
  const auto histories = static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(steps.size());
  set_byte_counters(state, histories);
  state.counters["lookups"] = benchmark::Counter(static_cast<double>(histories * sayings_view.order),
                                                 benchmark::Counter::kIsRate);
  state.counters["found_fraction"] =
      static_cast<double>(found) / static_cast<double>(histories * sayings_view.order);
}
BENCHMARK(BM_ngram_find_context);

// The exact probability of each byte of the held-out text.
void BM_ngram_probability(benchmark::State& state) {
  const std::vector<step> steps = heldout_steps();
  for (auto _ : state) {
    for (const step& s : steps) {
      const ng::probability_t p = ng::probability(sayings_view, s.h, s.next);
      benchmark::DoNotOptimize(p);
    }
  }
  set_byte_counters(state, static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(steps.size()));
}
BENCHMARK(BM_ngram_probability);

}  // namespace
