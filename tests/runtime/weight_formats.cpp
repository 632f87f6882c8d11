// Run-time tests of the weight formats chosen per matrix (tinylm/weight_format.hpp)
// in the transformer family: the compact tiny model against the independent
// Python model (tests/golden/transformer_tiny.py) on the run-time paths; wide
// random models whose rows take the kernels' table-decoding fast paths
// against their int8 twins; the model file and the header carrying the
// formats; the trainer's quantisation-aware training on each format's grid;
// and the 6502 emitter refusing what its runtime cannot run.
#include <catch2/catch.hpp>

#include <tinylm/model.hpp>
#include <tinylm/staged.hpp>
#include <tinylm/transformer.hpp>
#include <tinylm/weight_format.hpp>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "families/transformer/model.hpp"
#include "families/transformer/trainer.hpp"
#include "formats/cpp_header.hpp"
#include "formats/transformer_file.hpp"
#include "golden/transformer_compact_golden.hpp"
#include "support/tiny_transformer_compact.hpp"
#include "targets/m6502/transformer_runtime.hpp"

namespace {

namespace tf = tinylm::transformer;
namespace gen = tinylm::gen;
using tinylm::weight_format;
using tinylm_test::tiny_transformer_compact;
namespace golden = tinylm_test::tiny_transformer_compact_golden;

const tf::model_view view = tf::view_of<tiny_transformer_compact>();

struct lcg {
  std::uint32_t s;
  std::uint32_t next() { return s = s * 1664525u + 1013904223u; }
  int in(int lo, int hi) { return lo + static_cast<int>((next() >> 8) % static_cast<std::uint32_t>(hi - lo + 1)); }
};

// A random model of d_model 64, FFN 96 whose matrices have the compact tiny
// model's formats (rows of 64 and 96 columns: the kernels' fast paths decode
// 32, 40 and 64 weights at a time), and its int8 twin: every weight q * 2^e
// written as an int8 (the exponents are kept small enough for that), the
// same fractions. By the contract, requantize(sum q x, s - e) ==
// requantize(sum q 2^e x, s): the two must give the same logits, bit for bit.
struct twins {
  gen::transformer_tables compact, wide;
};

twins make_twins(std::uint32_t seed) {
  lcg rng{seed};
  twins t;
  t.compact = gen::copy_of(view, 1);
  gen::transformer_shape& s = t.compact.shape;
  s.d_model = 64, s.heads = 4, s.ffn = 96;
  t.wide = t.compact;
  t.wide.shape.formats.clear();
  const tf::model_view cv = gen::shape_view(t.compact.shape, t.compact.vocab());
  const tf::model_view wv = gen::shape_view(t.wide.shape, t.wide.vocab());
  t.compact.gains.assign(cv.gain_count(), 0);
  for (auto& g : t.compact.gains) g = static_cast<std::int16_t>(rng.in(128, 400));
  t.wide.gains = t.compact.gains;
  t.compact.weights.assign(cv.weight_count(), 0);
  t.wide.weights.assign(wv.weight_count(), 0);
  for (std::size_t i = 0; i < cv.layer_offset(0); ++i)
    t.compact.weights[i] = t.wide.weights[i] = static_cast<std::int8_t>(rng.in(-128, 127));
  const auto fill = [&](weight_format f, std::size_t rows, std::size_t cols, std::size_t c_off, std::size_t w_off) {
    const int e_max = f == weight_format::int4 ? 3 : f == weight_format::int2 ? 5 : f == weight_format::ternary ? 6 : 0;
    std::vector<std::int8_t> q(cols);
    for (std::size_t r = 0; r < rows; ++r) {
      const int e = rng.in(0, e_max);
      for (std::size_t j = 0; j < cols; ++j) {
        q[j] = static_cast<std::int8_t>(rng.in(tinylm::code_min(f), tinylm::code_max(f)));
        t.wide.weights[w_off + r * cols + j] = static_cast<std::int8_t>(q[j] * (1 << e));
      }
      tinylm::pack_row(f, q.data(), cols, e, t.compact.weights.data() + c_off + r * tinylm::row_stride(f, cols));
    }
  };
  for (std::size_t l = 0; l < cv.layers; ++l)
    for (std::size_t k = 0; k < tf::layer_matrices; ++k) {
      const auto mk = static_cast<tf::layer_matrix>(k);
      fill(cv.format(l, mk), cv.matrix_rows(mk), cv.matrix_cols(mk), cv.matrix_offset(l, mk), wv.matrix_offset(l, mk));
    }
  fill(cv.head_format(), cv.vocab, cv.d_model, cv.head_offset(), wv.head_offset());
  return t;
}

std::string random_prompt(lcg& rng) {
  std::string p(static_cast<std::size_t>(rng.in(0, 30)), ' ');
  for (char& c : p) c = static_cast<char>(rng.in(0, 255));
  return p;
}

}  // namespace

TEST_CASE("the compact tiny model: every golden prompt and sampled case on the run-time paths", "[weight_formats]") {
  REQUIRE(tf::validate_shape(view) == nullptr);
  for (const auto& c : golden::prompts) {
    const std::string prompt(c.prompt, c.prompt_size);
    INFO("prompt: " << prompt);
    std::uint8_t start[tf::max_context] = {};
    const std::size_t n = tf::start_tokens(view, prompt, start);
    REQUIRE(n == c.token_count);
    tf::workspace_of<tiny_transformer_compact> ws;
    for (std::size_t p = 0; p < n; ++p) tf::step(view, ws.refs(), start[p], p);
    for (std::size_t v = 0; v < view.vocab; ++v) CHECK(ws.logits[v] == c.logits[v]);
    CHECK(tinylm::reply<tiny_transformer_compact>(prompt) == std::string_view(c.reply, c.reply_size));
  }
  for (const auto& c : golden::sampled) {
    tf::workspace_of<tiny_transformer_compact> ws;
    CHECK(tf::generate<128>(view, ws.refs(), std::string(c.prompt), c.seed, 128, c.inv_temp_q8, c.top_k) ==
          std::string_view(c.reply, c.reply_size));
  }
}

TEST_CASE("wide compact models give their int8 twins' logits on the fast paths", "[weight_formats]") {
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    const twins t = make_twins(seed);
    const tf::model_view c = t.compact.view(), w = t.wide.view();
    REQUIRE(tf::validate_shape(c) == nullptr);
    REQUIRE(tf::validate_shape(w) == nullptr);
    REQUIRE(c.weight_count() < w.weight_count() / 2);
    gen::transformer_workspace cws(c), wws(w);
    lcg rng{seed * 77u};
    std::size_t differing_logits = 0;
    for (int i = 0; i < 40; ++i) {
      const std::string prompt = random_prompt(rng);
      std::uint8_t start[tf::max_context] = {};
      const std::size_t n = tf::start_tokens(c, prompt, start);
      for (std::size_t p = 0; p < n; ++p) {
        tf::step(c, cws.refs(), start[p], p);
        tf::step(w, wws.refs(), start[p], p);
        for (std::size_t v = 0; v < c.vocab; ++v) {
          CHECK(cws.refs().logits[v] == wws.refs().logits[v]);
          differing_logits += cws.refs().logits[v] != cws.refs().logits[0];
        }
      }
      CHECK(tf::generate<64>(c, cws.refs(), prompt, 5, 64, 200, 0) == tf::generate<64>(w, wws.refs(), prompt, 5, 64, 200, 0));
    }
    CHECK(differing_logits > 100);  // the logits are not all one value
  }
}

TEST_CASE("a compact model streams through a stage buffer of one row", "[weight_formats]") {
  const twins t = make_twins(9);
  const tf::model_view c = t.compact.view();
  tf::model_view weightless = c;
  weightless.weights = nullptr;
  REQUIRE(tf::min_block_bytes(c) == 64);  // an embedding row; the widest compact row is 1 + 96 / 2 = 49
  gen::transformer_workspace ws(c);
  std::vector<std::int8_t> buffer(64);
  lcg rng{4};
  for (int i = 0; i < 10; ++i) {
    const std::string prompt = random_prompt(rng);
    tinylm::staged::array_reader reader{t.compact.weights.data(), t.compact.weights.size()};
    const auto r = tinylm::staged::generate_staged<64>(weightless, ws.refs(), reader, buffer.data(), buffer.size(), prompt, 1);
    CHECK(r.ok);
    CHECK(r.text == tf::generate<64>(c, ws.refs(), prompt, 1));
  }
}

TEST_CASE("the formats round-trip through the model file and the header; bad ones are refused", "[weight_formats]") {
  const gen::transformer_tables m = make_twins(5).compact;
  const std::string dir = (std::filesystem::temp_directory_path() / "tinylm-weight-formats-test").string();
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/m.safetensors";
  gen::write_transformer_file(path, m);
  const gen::transformer_tables back = gen::read_transformer_file(path);
  CHECK(back.shape.formats == m.shape.formats);
  CHECK(back.weights == m.weights);
  CHECK(gen::transformer_file_bytes(back) == gen::transformer_file_bytes(m));
  // An all-int8 model has no formats tensor (its file is as before).
  CHECK(gen::transformer_file_bytes(make_twins(5).wide).find("\"formats\"") == std::string::npos);
  const std::string header = gen::transformer_header(m, "compact", "tinylm::zoo", "tinylm-gen ...");
  CHECK(header.find("static constexpr std::uint8_t formats[] = {") != std::string::npos);
  CHECK(header.find("// layer 1: W2 (FFN down), ternary") != std::string::npos);
  CHECK(header.find("// head, int2") != std::string::npos);
  const auto write = [&](const std::string& b) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(b.data(), 1, b.size(), f);
    std::fclose(f);
  };
  const auto refused = [&](const gen::transformer_tables& t, const char* why) {
    write(gen::transformer_file_bytes(t));
    REQUIRE_THROWS_WITH(gen::read_transformer_file(path), Catch::Contains("corrupt model file") && Catch::Contains(why));
  };
  gen::transformer_tables wrong = m;
  wrong.shape.formats[3] = 4;
  refused(wrong, "a weight format is not 0..3");
  wrong = m;
  wrong.shape.formats[0] = 0;  // Wq read as int8: the weights no longer fit the shape
  refused(wrong, "tensor 'weights' has");
  wrong = m;
  wrong.weights[gen::shape_view(m.shape, m.vocab()).wq_offset(0)] = 9;  // Wq (int4) row 0's exponent
  refused(wrong, "a row exponent is outside 0..7");
  wrong = m;
  wrong.shape.tied = true;
  wrong.weights.resize(gen::shape_view(wrong.shape, wrong.vocab()).weight_count());
  refused(wrong, "a tied head must be int8");
  std::filesystem::remove_all(dir);
}

TEST_CASE("quantisation-aware training on each format's grid: the integer model answers", "[weight_formats][transformer_trainer]") {
  const std::vector<gen::chat_pair> chat = {{"hello", "HI"},         {"hi there", "HI"},  {"bye now", "BYE"},
                                            {"goodbye", "BYE"},      {"how are you", "I AM FINE"},
                                            {"are you small", "YES"}, {"are you big", "NO"}};
  for (weight_format f : {weight_format::int4, weight_format::int2, weight_format::ternary}) {
    INFO("format " << tinylm::format_name(f));
    gen::transformer_options o;
    o.shape.d_model = 16, o.shape.heads = 2, o.shape.layers = 1, o.shape.ffn = 32, o.shape.context = 16, o.shape.min_reply = 4;
    o.shape.formats = gen::uniform_formats(o.shape, f, f);
    o.tokenizer.vocab_size = 40;
    o.tokenizer.min_count = 1;
    o.epochs = 150;
    o.batch = 4;
    o.learning_rate = 1e-2;
    o.val_every = 0;
    o.typo = 0;
    o.progress = false;
    const gen::transformer_result r = gen::train_transformer_chat(chat, o);
    const tf::model_view v = r.model.view();
    REQUIRE(tf::validate_shape(v) == nullptr);
    CHECK(v.format(0, tf::matrix_w1) == f);
    CHECK(v.head_format() == f);
    CHECK(v.weight_count() < v.parameter_count() * 2 / 3);  // packed: int4 about 0.5 bytes a matrix weight
    CHECK(gen::transformer_chat_accuracy(r.model, chat) == 1.0);
  }
}

TEST_CASE("the 6502 emitter refuses compact matrices with a clear error", "[weight_formats]") {
  REQUIRE_THROWS_WITH(gen::emit_transformer_6502(make_twins(2).compact),
                      Catch::Contains("runs int8 matrices only") && Catch::Contains("int4"));
}
