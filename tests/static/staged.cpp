// Static tests of staged execution (tinylm/staged.hpp): the tiny transformer
// run with its weights streamed through a stage buffer gives the golden
// replies of the independent Python model (tests/golden/transformer_tiny.py),
// for every buffer size from the smallest (one row of the widest matrix) to
// the whole model, and a reader that fails stops the reply cleanly.
#include <tinylm/staged.hpp>
#include <tinylm/transformer.hpp>

#include <iterator>
#include <utility>

#include "golden/transformer_tiny_golden.hpp"
#include "support/tiny_transformer.hpp"

namespace {

namespace tf = tinylm::transformer;
namespace st = tinylm::staged;
using tinylm_test::tiny_transformer;
namespace golden = tinylm_test::tiny_transformer_golden;

constexpr tf::model_view view = tf::view_of<tiny_transformer>();
constexpr std::size_t weight_bytes = view.weight_count();

// The view without its weights: the staged runner must not need them.
constexpr tf::model_view weightless() {
  tf::model_view v = view;
  v.weights = nullptr;
  return v;
}
static_assert(tf::validate_shape(weightless()) != nullptr && tf::validate_shape(weightless(), false) == nullptr);
static_assert(tf::min_block_bytes(view) == 12);  // d 8, F 12: a row of W2
static_assert(tf::plan(view).min_stage_bytes == 12 && tf::plan(view).largest_stage_bytes == 3 * 64);
static_assert(tf::plan(view).staged_peak_ram(100) == tf::plan(view).peak_ram + 100);

// A reader over the weights that fails from its `fail_at`-th read on.
struct flaky_reader {
  st::array_reader inner{tiny_transformer::weights, weight_bytes};
  std::size_t fail_at = static_cast<std::size_t>(-1);
  std::size_t calls = 0;
  constexpr bool read(std::size_t offset, std::int8_t* dst, std::size_t n) noexcept {
    return calls++ < fail_at && inner.read(offset, dst, n);
  }
};

template <std::size_t BufferBytes>
constexpr st::staged_reply<64> staged(const golden::prompt_case& c, std::size_t fail_at = static_cast<std::size_t>(-1)) {
  tf::workspace_of<tiny_transformer> ws;
  std::int8_t buffer[BufferBytes] = {};
  flaky_reader r;
  r.fail_at = fail_at;
  return st::generate_staged<64>(weightless(), ws.refs(), r, buffer, BufferBytes,
                                 std::string_view(c.prompt, c.prompt_size), tiny_transformer::default_seed);
}

// One constant evaluation per prompt (clang's step limit is per evaluation,
// and its sanitizer builds spend more steps on each).
template <std::size_t BufferBytes, std::size_t I>
constexpr bool golden_at = [] {
  const auto r = staged<BufferBytes>(golden::prompts[I]);
  return r.ok && r.text == std::string_view(golden::prompts[I].reply, golden::prompts[I].reply_size);
}();
template <std::size_t BufferBytes, std::size_t... I>
constexpr bool matches_each(std::index_sequence<I...>) {
  return (golden_at<BufferBytes, I> && ...);
}
template <std::size_t BufferBytes>
constexpr bool matches_golden() {
  return matches_each<BufferBytes>(std::make_index_sequence<std::size(golden::prompts)>{});
}
static_assert(matches_golden<12>());               // one row of the widest matrix per read
static_assert(matches_golden<13>());               // blocks that do not divide the matrices
static_assert(matches_golden<64>());               // Wq, Wk, Wv, Wo whole (8 x 8)
static_assert(matches_golden<weight_bytes>());     // everything fits

// Each token reads every weight once but the embeddings (one row of each),
// in 15 reads when the buffer holds any matrix (2 embedding rows, 6
// matrices per layer, the head), whatever the buffer size.
constexpr std::size_t per_token = weight_bytes - (view.vocab - 1) * 8 - (view.context - 1) * 8;
constexpr auto whole = staged<weight_bytes>(golden::prompts[1]);
static_assert(whole.reads % 15 == 0 && whole.reads / 15 >= 4 && whole.bytes_read == whole.reads / 15 * per_token);
static_assert(staged<12>(golden::prompts[1]).bytes_read == whole.bytes_read);
static_assert(staged<12>(golden::prompts[1]).reads > whole.reads);

// Too small a buffer, or a reader that fails: ok is false, nothing is read
// past the failure, and the reply is a prefix of the golden one.
static_assert(!staged<11>(golden::prompts[1]).ok && staged<11>(golden::prompts[1]).text.empty());
constexpr bool fails_cleanly(std::size_t fail_at) {
  const auto r = staged<12>(golden::prompts[1], fail_at);
  const std::string_view full(golden::prompts[1].reply, golden::prompts[1].reply_size);
  return !r.ok && full.substr(0, r.text.size()) == r.text.view() && r.text.size() < full.size();
}
static_assert(fails_cleanly(0) && fails_cleanly(1) && fails_cleanly(50) && fails_cleanly(400));

}  // namespace
