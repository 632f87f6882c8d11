// Static tests of the transformer family: the tokenizer and the forward pass
// of tests/support/tiny_transformer.hpp, checked by the compiler against the
// independent Python model (tests/golden/transformer_tiny.py).
#include <tinylm/model.hpp>
#include <tinylm/transformer.hpp>

#include "golden/transformer_tiny_golden.hpp"
#include "support/tiny_transformer.hpp"

namespace {

namespace tf = tinylm::transformer;
namespace bpe = tinylm::bpe;
using tinylm_test::tiny_transformer;
namespace golden = tinylm_test::tiny_transformer_golden;

constexpr tf::model_view view = tf::view_of<tiny_transformer>();
static_assert(tf::validate_shape(view) == nullptr);
static_assert(view.vocab == 24 && view.head_size() == 4 && tf::attention_shift(4) == 1);
// The weight layout, worked by hand (V 24, T 12, d 8, F 12): token rows
// 0..191, position rows 192..287, then per layer Wq, Wk, Wv, Wo (64 each),
// W1 (12 x 8), W2 (8 x 12), 448 bytes a layer, then the untied head.
static_assert(view.pos_offset() == 192 && view.wq_offset(0) == 288 && view.wk_offset(0) == 352 &&
              view.wv_offset(0) == 416 && view.wo_offset(0) == 480 && view.w1_offset(0) == 544 &&
              view.w2_offset(0) == 640 && view.wq_offset(1) == 736 && view.w2_offset(1) == 1088 &&
              view.head_offset() == 1184 && view.weight_count() == 1376);
static_assert(view.w1(1) == tiny_transformer::weights + 992);
static_assert(tf::attention_shift(8) == 2 && tf::attention_shift(16) == 2 && tf::attention_shift(1) == 0);

// The tokenizer: "hello" is one merge token; capitals fold; a byte outside
// the alphabet becomes '?'.
constexpr bool encodes_as(std::string_view text, std::string_view expected) {
  std::uint8_t out[bpe::max_text] = {};
  const std::size_t n = bpe::encode(view.tokenizer, text, out);
  if (n != expected.size()) return false;
  for (std::size_t i = 0; i < n; ++i)
    if (out[i] != static_cast<std::uint8_t>(expected[i])) return false;
  return true;
}
static_assert(encodes_as("hello", "\027"));
static_assert(encodes_as("HeLLo", "\027"));
static_assert(encodes_as("", ""));
static_assert(encodes_as("1", "\003"));  // '?' is base byte 1: token 3

constexpr bool round_trips(std::string_view text) {
  std::uint8_t out[bpe::max_text] = {};
  const std::size_t n = bpe::encode(view.tokenizer, text, out);
  return bpe::decode<255>(view.tokenizer, out, n) == bpe::normalised<255>(view.tokenizer, text);
}
static_assert(round_trips("Hello, World! 42 the whole way"));
static_assert(round_trips(std::string_view("\0\xff\x80 hel lo", 10)));

// The start tokens and the greedy reply of every golden prompt.
constexpr bool start_matches(const golden::prompt_case& c) {
  std::uint8_t start[tf::max_context] = {};
  const std::size_t n = tf::start_tokens(view, std::string_view(c.prompt, c.prompt_size), start);
  if (n != c.token_count) return false;
  for (std::size_t i = 0; i < n; ++i)
    if (start[i] != static_cast<std::uint8_t>(c.tokens[i])) return false;
  return true;
}
static_assert(start_matches(golden::prompts[0]) && start_matches(golden::prompts[1]) &&
              start_matches(golden::prompts[2]) && start_matches(golden::prompts[3]) &&
              start_matches(golden::prompts[4]) && start_matches(golden::prompts[5]));

constexpr bool logits_match(const golden::prompt_case& c) {
  tf::workspace_of<tiny_transformer> ws;
  const tf::buffers b = ws.refs();
  std::uint8_t start[tf::max_context] = {};
  const std::size_t n = tf::start_tokens(view, std::string_view(c.prompt, c.prompt_size), start);
  for (std::size_t p = 0; p < n; ++p) tf::step(view, b, start[p], p);
  for (std::size_t v = 0; v < view.vocab; ++v)
    if (ws.logits[v] != c.logits[v]) return false;
  return true;
}
static_assert(logits_match(golden::prompts[1]));
static_assert(logits_match(golden::prompts[3]));

constexpr bool reply_matches(const golden::prompt_case& c) {
  return tinylm::reply<tiny_transformer>(std::string_view(c.prompt, c.prompt_size)) ==
         std::string_view(c.reply, c.reply_size);
}
static_assert(reply_matches(golden::prompts[0]));
static_assert(reply_matches(golden::prompts[1]));  // a reply that fills the context
static_assert(tinylm::reply<tiny_transformer>("hello") == "dooeeedloloh");

// The plan: 2 L T d bytes of KV cache, and the workspace as compiled.
constexpr tf::memory_plan tiny_plan = tf::plan<tiny_transformer>();
static_assert(tiny_plan.kv_cache_bytes == 2 * 2 * 12 * 8);
static_assert(tiny_plan.workspace_bytes == sizeof(tf::workspace_of<tiny_transformer>));
// by hand: acc 4d, x and h 2d each, scores and weights 2T each, logits and
// gathered 2V each, a q o d each, u F, the KV cache, 255 prompt tokens and
// 2 more, the 256-byte byte table and a V + 1 decoding stack
static_assert(tiny_plan.workspace_bytes == 32 + 32 + 48 + 96 + 24 + 12 + 384 + 257 + 256 + 25 + 2 /* padding */);
static_assert(tiny_plan.peak_ram == tiny_plan.workspace_bytes + sizeof(tinylm::xorshift32) +
                                        sizeof(tinylm::reply_cursor) + sizeof(tinylm::fixed_string<128>));
static_assert(tiny_plan.stage_count == 2 + 7 * 2 + 1);
static_assert(tiny_plan.macs_last == 2 * (4 * 64 + 2 * 8 * 12 + 8 + 8 + 2 * 12 * 8) + 8 + 24 * 8);

}  // namespace
