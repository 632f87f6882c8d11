// Tests of the hash-MLP trainer (codegen/src/families/hashmlp/trainer.*, formats/hashmlp_file.*),
// called directly: gradients against finite differences, determinism, the
// QAT forward against the library's integer path, a tiny corpus learned
// exactly, the model file round trip, and clear errors for bad corpora.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "common/error.hpp"
#include "formats/cpp_header.hpp"
#include "formats/hashmlp_file.hpp"
#include "families/hashmlp/trainer.hpp"

namespace gen = tinylm::gen;
namespace hm = tinylm::hashmlp;
namespace fs = std::filesystem;

namespace {

// 30 lines, 3 replies.
const char* tiny_corpus =
    "hello | HI\nhi | HI\nhey | HI\nhi there | HI\nhello there | HI\ngood morning | HI\nhowdy | HI\n"
    "hey you | HI\nhiya | HI\ngreetings | HI\n"
    "bye | BYE\ngoodbye | BYE\nsee you | BYE\nbye bye | BYE\nsee you later | BYE\ngood night | BYE\n"
    "farewell | BYE\ncya | BYE\ni must go | BYE\ntake care | BYE\n"
    "why is the sky blue | WHY?\nwhy | WHY?\nwhy not | WHY?\nwhy do cats purr | WHY?\nwhy me | WHY?\n"
    "why is that | WHY?\nwhy are you here | WHY?\nwhy so slow | WHY?\nwhy did it fail | WHY?\nwhy now | WHY?\n";

gen::hashmlp_options tiny_options() {
  gen::hashmlp_options o;
  o.seed = 7;
  o.epochs = 2;
  o.hidden = {32, 16};
  o.context = 4;
  o.val_every = 0;
  o.batch = 8;
  o.progress = false;
  return o;
}

// The float network of a quantised model: grid weights, integer biases.
gen::float_mlp float_of(const gen::hashmlp_tables& m) {
  const hm::model_view v = m.view();
  gen::float_mlp n = gen::random_mlp(m.sizes, 1);
  for (std::size_t l = 0; l < v.layer_count; ++l) {
    const std::uint8_t* W = v.weights + v.weight_offset(l);
    for (std::size_t i = 0; i < v.sizes[l + 1]; ++i)
      for (std::size_t j = 0; j < v.sizes[l]; ++j)
        n.w[l][i * v.sizes[l] + j] = tinylm::int2_weight(W + i * tinylm::int2_row_bytes(v.sizes[l]), j);
    for (std::size_t i = 0; i < v.sizes[l + 1]; ++i) n.b[l][i] = v.biases[v.bias_offset(l) + i];
    n.shift[l] = v.shifts[l];
  }
  n.log_kappa = 0;
  return n;
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const gen::error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("trainer gradients match finite differences", "[hashmlp][trainer]") {
  gen::float_mlp net = gen::random_mlp({256, 12, 9, 5}, 42);
  net.shift = {0, 1, 0};
  net.log_kappa = -1.5;
  for (auto& b : net.b)
    for (double& v : b) v += 2.0;  // keep most hidden units active
  gen::sparse_features x;
  for (int j : {3, 17, 40, 99, 130, 131, 200, 255}) {
    x.index.push_back(static_cast<std::uint16_t>(j));
    x.value.push_back(1 + j % 3);
  }
  const std::size_t target = 2;
  gen::float_mlp g = gen::zeros_like(net);
  gen::loss_and_grad(net, 0, false, x, target, &g);
  auto numeric = [&](double& p) {
    const double h = 1e-6, keep = p;
    p = keep + h;
    const double up = gen::loss_and_grad(net, 0, false, x, target, nullptr);
    p = keep - h;
    const double down = gen::loss_and_grad(net, 0, false, x, target, nullptr);
    p = keep;
    return (up - down) / (2 * h);
  };
  auto check = [&](double analytic, double num) {
    const double rel = std::fabs(analytic - num) / std::max(1e-7, std::fabs(analytic) + std::fabs(num));
    INFO("analytic " << analytic << " numeric " << num);
    CHECK(rel < 1e-4);
  };
  std::size_t checked = 0;
  for (std::size_t l = 0; l < net.layers(); ++l) {
    const std::size_t cols = net.sizes[l];
    for (std::size_t i = 0; i < net.sizes[l + 1]; ++i) {
      for (std::size_t j = 0; j < cols; ++j) {
        if (l == 0 && std::find(x.index.begin(), x.index.end(), j) == x.index.end()) {
          CHECK(g.w[0][i * cols + j] == 0);  // unused inputs get no gradient
          continue;
        }
        check(g.w[l][i * cols + j], numeric(net.w[l][i * cols + j]));
        ++checked;
      }
      check(g.b[l][i], numeric(net.b[l][i]));
    }
  }
  check(g.log_kappa, numeric(net.log_kappa));
  CHECK(checked > 150);
}

TEST_CASE("training is deterministic for a seed", "[hashmlp][trainer]") {
  const auto pairs = gen::parse_chat(tiny_corpus, "tiny");
  const auto a = gen::train_hashmlp(pairs, tiny_options());
  const auto b = gen::train_hashmlp(pairs, tiny_options());
  CHECK(a.model.weights == b.model.weights);
  CHECK(a.model.biases == b.model.biases);
  CHECK(gen::hashmlp_file_bytes(a.model) == gen::hashmlp_file_bytes(b.model));
  CHECK(gen::hashmlp_header(a.model, "m", "ns", "cmd") == gen::hashmlp_header(b.model, "m", "ns", "cmd"));
  auto other = tiny_options();
  other.seed = 8;
  CHECK(gen::train_hashmlp(pairs, other).model.weights != a.model.weights);
}

TEST_CASE("trainer label smoothing: gradient matches finite differences", "[hashmlp][trainer]") {
  gen::float_mlp net = gen::random_mlp({256, 6, 4}, 3);
  net.log_kappa = -1.0;
  for (double& v : net.b[0]) v += 2.0;
  gen::sparse_features x;
  for (int j : {5, 64, 129, 250}) {
    x.index.push_back(static_cast<std::uint16_t>(j));
    x.value.push_back(1 + j % 2);
  }
  gen::float_mlp g = gen::zeros_like(net);
  gen::loss_and_grad(net, 0, false, x, 1, &g, nullptr, 0.2);
  for (double* p : {&net.w[1][3], &net.b[1][0], &net.w[0][64], &net.log_kappa}) {
    const double keep = *p, h = 1e-6;
    *p = keep + h;
    const double up = gen::loss_and_grad(net, 0, false, x, 1, nullptr, nullptr, 0.2);
    *p = keep - h;
    const double down = gen::loss_and_grad(net, 0, false, x, 1, nullptr, nullptr, 0.2);
    *p = keep;
    double analytic = 0;
    if (p == &net.w[1][3]) analytic = g.w[1][3];
    if (p == &net.b[1][0]) analytic = g.b[1][0];
    if (p == &net.w[0][64]) analytic = g.w[0][64];
    if (p == &net.log_kappa) analytic = g.log_kappa;
    CHECK(std::fabs(analytic - (up - down) / (2 * h)) < 1e-5 * std::max(1.0, std::fabs(analytic)));
  }
}

TEST_CASE("training with typos, decay, smoothing and a cosine schedule is deterministic", "[hashmlp][trainer]") {
  const auto pairs = gen::parse_chat(tiny_corpus, "tiny");
  auto o = tiny_options();
  o.epochs = 3;
  o.typo = 0.5;
  o.dropout = 0.1;
  o.weight_decay = 0.01;
  o.label_smoothing = 0.1;
  o.lr_schedule = "cosine";
  o.lr_floor = 0.05;
  const auto a = gen::train_hashmlp(pairs, o);
  const auto b = gen::train_hashmlp(pairs, o);
  CHECK(gen::hashmlp_file_bytes(a.model) == gen::hashmlp_file_bytes(b.model));
  o.typo = 0;
  CHECK(gen::train_hashmlp(pairs, o).model.weights != a.model.weights);
  o.lr_schedule = "linear";
  CHECK(error_of([&] { gen::train_hashmlp(pairs, o); }).find("--lr-schedule 'linear'") != std::string::npos);
}

TEST_CASE("a tiny corpus is learned exactly, and the integer path is the library's", "[hashmlp][trainer]") {
  const auto pairs = gen::parse_chat(tiny_corpus, "tiny");
  REQUIRE(pairs.size() == 30);
  auto o = tiny_options();
  o.epochs = 30;
  const auto r = gen::train_hashmlp(pairs, o);
  const hm::model_view v = r.model.view();
  REQUIRE(hm::validate(v) == nullptr);
  CHECK(r.model.alphabet == "?BEHIWY");
  CHECK(r.best_val_int_acc == 1.0);
  // The reported accuracy is what the library's generate gives.
  CHECK(gen::integer_accuracy(v, r.validation, r.model.default_seed) == r.best_val_int_acc);
  for (const auto& p : pairs) {
    const auto out = hm::generate<64>(v, p.prompt, 1, 64);
    CHECK(std::string(out.data(), out.size()) == p.reply);
  }
  // The trainer's hard forward (grid weights, integer biases, rounded
  // activations) gives exactly the library's integer logits.
  const gen::float_mlp f = float_of(r.model);
  const int out_shift = r.model.shifts.back();
  for (const auto& p : pairs) {
    std::uint8_t pb[hm::buckets]{};
    hm::prompt_features(p.prompt, pb);
    for (std::size_t t = 0; t <= p.reply.size(); ++t) {
      const std::string_view ctx(p.reply.data(), t);
      std::int16_t logits[hm::max_width]{};
      hm::forward(v, pb, ctx, logits);
      std::vector<double> z;
      gen::loss_and_grad(f, 1.0, true, gen::features_of(v.context_length, p.prompt, ctx), 0, nullptr, &z);
      for (std::size_t i = 0; i < v.output_size(); ++i) {
        REQUIRE(z[i] == std::floor(z[i]));
        const auto acc = static_cast<std::int32_t>(z[i]);
        CHECK(logits[i] == tinylm::saturate_i16(tinylm::rounding_shift_right(acc, out_shift)));
      }
    }
  }
  // The model file round-trips byte for byte.
  const fs::path dir = fs::temp_directory_path() / ("tinylm-train-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / "tiny.safetensors").string();
  gen::write_hashmlp_file(path, r.model);
  const auto back = gen::read_hashmlp_file(path);
  CHECK(gen::hashmlp_file_bytes(back) == gen::hashmlp_file_bytes(r.model));
  const std::string header = gen::hashmlp_header(r.model, "tiny", "tinylm::test", "tinylm-gen train ...");
  CHECK(header.find("static_assert(tinylm::hashmlp::hashmlp_model<tiny>);") != std::string::npos);
  CHECK(header.find("//   tinylm-gen train ...\n") != std::string::npos);
  // With the corpus's reply set: the file round-trips; the header has it; a
  // symbol outside the alphabet (+ END) is refused.
  gen::hashmlp_tables with_set = r.model;
  with_set.replies = gen::hashmlp_reply_set(pairs, with_set.alphabet);
  REQUIRE(with_set.replies.count() >= 2);
  gen::write_hashmlp_file(path, with_set);
  CHECK(gen::hashmlp_file_bytes(gen::read_hashmlp_file(path)) == gen::hashmlp_file_bytes(with_set));
  CHECK(gen::hashmlp_header(with_set, "tiny", "tinylm::test", "-").find("static constexpr std::size_t reply_count = ") !=
        std::string::npos);
  with_set.replies.symbols[0] = static_cast<std::uint8_t>(with_set.alphabet.size() + 1);
  gen::write_hashmlp_file(path, with_set);
  REQUIRE_THROWS_WITH(gen::read_hashmlp_file(path),
                      Catch::Contains("corrupt model file") && Catch::Contains("outside the model's outputs"));
  fs::remove_all(dir);
}

TEST_CASE("bad chat corpora get clear errors", "[hashmlp][trainer]") {
  CHECK(error_of([] { gen::read_chat_corpus("/nonexistent/tinylm/chat.txt"); }).find("cannot open corpus") !=
        std::string::npos);
  CHECK(error_of([] { gen::parse_chat("", "c.txt"); }) == "'c.txt' is empty");
  CHECK(error_of([] { gen::parse_chat("\n\n", "c.txt"); }).find("no 'prompt | REPLY' lines") != std::string::npos);
  CHECK(error_of([] { gen::parse_chat("hi | HI\nhello HI\n", "c.txt"); }) ==
        "c.txt:2: no ' | ' between prompt and reply (the format is 'prompt | REPLY')");
  CHECK(error_of([] { gen::parse_chat("hi | HI\nhello | \n", "c.txt"); }) == "c.txt:2: the reply is empty");
  CHECK(error_of([] { gen::parse_chat("hi | H\tI\n", "c.txt"); }).find("c.txt:1: the reply has the byte 0x09") !=
        std::string::npos);
  // Windows line ends and empty lines are fine; the first " | " splits.
  const auto ok = gen::parse_chat("a | B\r\n\nc | D | E\n", "c.txt");
  REQUIRE(ok.size() == 2);
  CHECK(ok[1].prompt == "c");
  CHECK(ok[1].reply == "D | E");
  CHECK(gen::derive_alphabet(ok) == " BDE|");

  auto o = tiny_options();
  CHECK(error_of([&] { gen::train_hashmlp(gen::parse_chat("hi | HI\n", "c"), o); }) ==
        "too few lines: 1 'prompt | REPLY' pairs, at least 2 are needed");
  o.val_every = 1;
  CHECK(error_of([&] { gen::train_hashmlp(gen::parse_chat("hi | HI\nbye | BYE\n", "c"), o); })
            .find("no training line is left") != std::string::npos);
  o = tiny_options();
  o.alphabet = "HI";
  CHECK(error_of([&] { gen::train_hashmlp(gen::parse_chat("hi | HI\nbye | BYE\n", "c"), o); }) ==
        "corpus: the reply 'BYE' (pair 2) has the character 'B', which is not in the alphabet \"HI\"");
  CHECK(error_of([] { gen::check_alphabet(gen::parse_chat("x | HELLO\n", "h"), "HI", "held.txt"); })
            .find("held.txt: the reply 'HELLO'") != std::string::npos);
  o = tiny_options();
  o.hidden = {300};
  CHECK(error_of([&] { gen::train_hashmlp(gen::parse_chat(tiny_corpus, "c"), o); }) ==
        "hidden layer size 300 is not in 1..256");
}
