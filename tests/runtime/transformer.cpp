// Run-time tests of the transformer family (include/tinylm/transformer.hpp,
// bpe.hpp, dot_int8.hpp) on tests/support/tiny_transformer.hpp: every golden
// prompt and sampled case of the independent Python model, the tokenizer's
// round trip over every byte and random strings, the compile-time and
// run-time paths agreeing, and a clear "no" for malformed views.
#include <catch2/catch.hpp>

#include <tinylm/model.hpp>
#include <tinylm/transformer.hpp>

#include <string>

#include "golden/transformer_tiny_golden.hpp"
#include "support/tiny_transformer.hpp"

namespace {

namespace tf = tinylm::transformer;
namespace bpe = tinylm::bpe;
using tinylm_test::tiny_transformer;
namespace golden = tinylm_test::tiny_transformer_golden;

const tf::model_view view = tf::view_of<tiny_transformer>();

}  // namespace

TEST_CASE("every golden prompt: start tokens, logits and the greedy reply", "[transformer]") {
  for (const auto& c : golden::prompts) {
    const std::string_view prompt(c.prompt, c.prompt_size);
    INFO("prompt: " << std::string(prompt));
    std::uint8_t start[tf::max_context] = {};
    const std::size_t n = tf::start_tokens(view, prompt, start);
    REQUIRE(n == c.token_count);
    for (std::size_t i = 0; i < n; ++i) CHECK(start[i] == static_cast<std::uint8_t>(c.tokens[i]));
    tf::workspace_of<tiny_transformer> ws;
    for (std::size_t p = 0; p < n; ++p) tf::step(view, ws.refs(), start[p], p);
    for (std::size_t v = 0; v < view.vocab; ++v) CHECK(ws.logits[v] == c.logits[v]);
    CHECK(tinylm::reply<tiny_transformer>(prompt) == std::string_view(c.reply, c.reply_size));
  }
}

TEST_CASE("sampled replies follow sample_top_k with one draw a step", "[transformer]") {
  for (const auto& c : golden::sampled) {
    const std::string_view prompt(c.prompt);
    INFO("prompt: " << c.prompt << " seed " << c.seed);
    tf::workspace_of<tiny_transformer> ws;
    const auto out = tf::generate<128>(view, ws.refs(), prompt, c.seed, 128, c.inv_temp_q8, c.top_k);
    CHECK(out == std::string_view(c.reply, c.reply_size));
  }
}

TEST_CASE("compile time and run time give the same replies", "[transformer]") {
  constexpr auto at_compile_time = tinylm::reply<tiny_transformer>("who are you");
  const auto at_run_time = tinylm::reply<tiny_transformer>(std::string("who are you"));
  CHECK(at_compile_time == at_run_time);
  constexpr auto sampled = tf::generate<tiny_transformer, 64>("hello", 3, 64, 300, 0);
  CHECK(sampled == tf::generate<tiny_transformer, 64>(std::string("hello"), 3, 64, 300, 0));
}

TEST_CASE("every byte encodes, and decode(encode(s)) is normalise(s)", "[transformer][bpe]") {
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    std::uint8_t out[bpe::max_text] = {};
    const std::size_t n = bpe::encode(view.tokenizer, std::string_view(&c, 1), out);
    REQUIRE(n == 1);
    CHECK(bpe::decode<4>(view.tokenizer, out, n) == bpe::normalised<4>(view.tokenizer, std::string_view(&c, 1)));
  }
  tinylm::xorshift32 rng(2026);
  for (int i = 0; i < 500; ++i) {
    std::string s;
    const std::size_t len = rng.below(300);
    for (std::size_t k = 0; k < len; ++k) {
      // Half the bytes from the alphabet's letters (so merges happen), half any byte.
      const std::uint32_t r = rng.next();
      s.push_back((r & 1u) != 0 ? "hello wyt"[(r >> 8) % 9] : static_cast<char>(r >> 24));
    }
    std::uint8_t out[bpe::max_text] = {};
    const std::size_t n = bpe::encode(view.tokenizer, s, out);
    CHECK(n <= bpe::max_text);
    CHECK(bpe::decode<255>(view.tokenizer, out, n) == bpe::normalised<255>(view.tokenizer, s));
  }
}

TEST_CASE("overlong prompts keep their last tokens; an empty prompt is END SEP", "[transformer]") {
  std::uint8_t start[tf::max_context] = {};
  CHECK(tf::start_tokens(view, "", start) == 2);
  CHECK(start[0] == bpe::end_token);
  CHECK(start[1] == bpe::sep_token);
  const std::string long_prompt(5000, 'w');
  const std::size_t n = tf::start_tokens(view, long_prompt, start);
  CHECK(n == 2 + view.prompt_room());
  CHECK(start[n - 1] == bpe::sep_token);
  // Every reply stays within the context: at most T - n tokens follow the start.
  CHECK(tinylm::reply<tiny_transformer>(long_prompt).size() <= 4 * 3);
}

TEST_CASE("malformed views are refused and give nothing", "[transformer]") {
  tf::model_view bad = view;
  bad.heads = 3;
  CHECK(std::string(tf::validate_shape(bad)) == "heads must be 1..16 and divide d_model");
  tf::workspace_of<tiny_transformer> ws;
  CHECK(tf::generate<32>(bad, ws.refs(), "hello", 1).empty());
  bad = view;
  bad.vocab = 23;
  CHECK(std::string(tf::validate_shape(bad)) == "the vocabulary is not the tokenizer's");
  bad = view;
  bad.context = 300;
  CHECK(std::string(tf::validate_shape(bad)) == "context must be 2..256");
  std::int8_t fracs[64] = {};
  for (std::size_t i = 0; i < view.frac_count(); ++i) fracs[i] = view.fracs[i];
  fracs[3] = 40;
  bad = view;
  bad.fracs = fracs;
  CHECK(std::string(tf::validate_shape(bad)) == "a fraction is outside -8..23");
  std::uint8_t merges[2 * 6] = {};
  for (std::size_t i = 0; i < 12; ++i) merges[i] = view.tokenizer.merges[i];
  merges[0] = 23;  // a merge may only use earlier tokens
  bad = view;
  bad.tokenizer.merges = merges;
  CHECK(std::string(tf::validate_shape(bad)) == "a merge refers to END, SEP or a later token");
}

TEST_CASE("the plan lists one token's stages and its memory", "[transformer]") {
  const tf::memory_plan p = tf::plan(view);
  CHECK(p.stage_count == 17);
  CHECK(p.stages[0].kind == tf::stage_kind::embedding);
  CHECK(p.stages[2].kind == tf::stage_kind::qkv);
  CHECK(p.stages[2].weight_bytes == 3 * 8 * 8);
  CHECK(p.stages[16].kind == tf::stage_kind::head);
  std::size_t sum = 0;
  for (std::size_t i = 0; i < p.stage_count; ++i) sum += p.stages[i].weight_bytes;
  // Every int8 weight is read by exactly one stage but the embeddings (one
  // row each) and the gains (2 bytes each).
  CHECK(sum == 2 * 8 + 2 * (4 * 64 + 2 * 96) + 24 * 8 + 2 * 8 * 5);
  CHECK(p.largest_stage_bytes == 3 * 64);
  CHECK(p.macs_last - p.macs_first == 2 * 11 * 8 * 2);
  CHECK(p.weight_bytes == view.weight_count() + 2 * view.gain_count() + view.frac_count());
}

#include <tinylm/zoo/sayings_transformer.hpp>
#include <tinylm/zoo/tinychat_transformer.hpp>

TEMPLATE_TEST_CASE("the bundled transformers: every byte encodes and decodes to its normal form", "[transformer][zoo]",
                   tinylm::zoo::tinychat_transformer, tinylm::zoo::sayings_transformer) {
  const tf::model_view v = tf::view_of<TestType>();
  REQUIRE(tf::validate_shape(v) == nullptr);
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    std::uint8_t out[bpe::max_text] = {};
    const std::size_t n = bpe::encode(v.tokenizer, std::string_view(&c, 1), out);
    REQUIRE(n == 1);
    CHECK(bpe::decode<4>(v.tokenizer, out, n) == bpe::normalised<4>(v.tokenizer, std::string_view(&c, 1)));
  }
  tinylm::xorshift32 rng(99);
  for (int i = 0; i < 300; ++i) {
    std::string s;
    const std::size_t len = rng.below(400);
    for (std::size_t k = 0; k < len; ++k) {
      const std::uint32_t r = rng.next();
      s.push_back((r & 1u) != 0 ? "the cat sat on a mat, HELLO? 42"[(r >> 8) % 31] : static_cast<char>(r >> 24));
    }
    std::uint8_t out[bpe::max_text] = {};
    const std::size_t n = bpe::encode(v.tokenizer, s, out);
    CHECK(bpe::decode<255>(v.tokenizer, out, n) == bpe::normalised<255>(v.tokenizer, s));
  }
  // Every reply stays within the context and the capacity, whatever the prompt.
  const std::string all_bytes = [] {
    std::string t;
    for (int b = 0; b < 256; ++b) t.push_back(static_cast<char>(b));
    return t;
  }();
  CHECK(tinylm::reply<TestType>(all_bytes).size() <= 128);
  CHECK(tinylm::reply<TestType>("").size() <= 128);
}
