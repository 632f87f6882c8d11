// Tests of the transformer trainer (codegen/src/families/transformer) and the
// BPE trainer (codegen/src/corpus/bpe_trainer): every layer's gradient
// against finite differences, the exported integer model against the
// library, memorising a tiny corpus, and determinism whatever the thread
// count.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "corpus/augment.hpp"
#include "corpus/bpe_trainer.hpp"
#include "families/transformer/trainer.hpp"
#include "formats/cpp_header.hpp"
#include "formats/transformer_file.hpp"

namespace gen = tinylm::gen;

namespace {

const std::vector<gen::chat_pair> tiny_chat = {
    {"hello", "HI"}, {"hi there", "HI"}, {"bye now", "BYE"}, {"goodbye", "BYE"},
    {"how are you", "I AM FINE"}, {"what are you", "A TINY MACHINE"}, {"are you small", "YES"}, {"are you big", "NO"}};

gen::bpe_tables tiny_tokenizer() {
  std::vector<std::string> texts;
  for (const auto& p : tiny_chat) texts.push_back(p.prompt), texts.push_back(p.reply);
  gen::bpe_options o;
  o.vocab_size = 40;
  o.min_count = 1;
  return gen::train_bpe(texts, o);
}

gen::transformer_shape tiny_shape() {
  gen::transformer_shape s;
  s.d_model = 8;
  s.heads = 2;
  s.layers = 2;
  s.ffn = 12;
  s.context = 16;
  s.min_reply = 4;
  return s;
}

}  // namespace

TEST_CASE("the BPE trainer: a total normalisation, merges of frequent pairs, round trips", "[transformer_trainer]") {
  const gen::bpe_tables t = tiny_tokenizer();
  CHECK(t.vocab_size() == 40);
  CHECK(tinylm::bpe::validate(t.view()) == nullptr);
  CHECK(t.normalise['H'] == 'h');          // case folds (to lower case by default)
  CHECK(t.normalise['7'] == '?');          // not in the corpus: the rare byte
  CHECK(t.normalise[0xFF] == '?');
  const std::vector<std::uint8_t> hello = gen::encode(t, "hello");
  CHECK(hello.size() < 5);                 // merges happened
  gen::bpe_options small;
  small.vocab_size = 5;
  small.min_count = 1;
  REQUIRE_THROWS_WITH(gen::train_bpe({"abcdef"}, small), Catch::Contains("too small"));
  small.vocab_size = 300;
  REQUIRE_THROWS_WITH(gen::train_bpe({"abcdef"}, small), Catch::Contains("3..256"));
}

TEST_CASE("every parameter's gradient matches finite differences", "[transformer_trainer]") {
  const gen::bpe_tables tok = tiny_tokenizer();
  gen::float_transformer net = gen::init_transformer(tiny_shape(), tok.vocab_size(), 5);
  const auto seqs = gen::chat_sequences(tok, net.shape, tiny_chat);
  const gen::token_sequence& seq = seqs[4];
  std::vector<float> grad(net.params.size(), 0.0f);
  gen::transformer_loss(net, seq, grad.data(), false);
  std::size_t checked = 0, bad = 0;
  for (std::size_t t = 0; t < net.tensor_count(); ++t) {
    for (std::size_t k = 0; k < 6; ++k) {
      const std::size_t i = net.offset(t) + (k * 7919) % net.size(t);
      const float keep = net.params[i];
      const float h = 2e-3f;
      net.params[i] = keep + h;
      const double up = gen::transformer_loss(net, seq, nullptr, false);
      net.params[i] = keep - h;
      const double down = gen::transformer_loss(net, seq, nullptr, false);
      net.params[i] = keep;
      const double numeric = (up - down) / (2.0 * h);
      const double tol = 2e-3 + 2e-2 * std::fabs(numeric);
      ++checked;
      if (std::fabs(numeric - grad[i]) > tol) {
        ++bad;
        WARN("tensor " << t << " index " << i << ": analytic " << grad[i] << " numeric " << numeric);
      }
    }
  }
  CHECK(checked == 6 * net.tensor_count());
  CHECK(bad == 0);
}

TEST_CASE("the trainer memorises a tiny corpus and its integer model answers it", "[transformer_trainer]") {
  gen::transformer_options o;
  o.shape = tiny_shape();
  o.tokenizer.vocab_size = 40;
  o.tokenizer.min_count = 1;
  o.epochs = 120;
  o.batch = 4;
  o.learning_rate = 1e-2;
  o.val_every = 0;
  o.typo = 0;
  o.progress = false;
  const gen::transformer_result r = gen::train_transformer_chat(tiny_chat, o);
  for (const auto& e : r.log) UNSCOPED_INFO("epoch " << e.epoch << " loss " << e.train_loss << " val " << e.val_score);
  CHECK(r.best_val_score == 1.0);
  CHECK(gen::transformer_chat_accuracy(r.model, tiny_chat) == 1.0);
  // Deterministic, whatever the thread count.
  o.threads = 2;
  const gen::transformer_result r2 = gen::train_transformer_chat(tiny_chat, o);
  CHECK(r2.model.weights == r.model.weights);
  CHECK(r2.model.gains == r.model.gains);
  CHECK(r2.model.fracs == r.model.fracs);
}

TEST_CASE("the transformer model file round-trips and refuses corrupt files", "[transformer_trainer]") {
  gen::transformer_options o;
  o.shape = tiny_shape();
  o.tokenizer.vocab_size = 40;
  o.tokenizer.min_count = 1;
  o.epochs = 2;
  o.batch = 4;
  o.val_every = 0;
  o.progress = false;
  const gen::transformer_tables m = gen::train_transformer_chat(tiny_chat, o).model;
  const std::string dir = (std::filesystem::temp_directory_path() / "tinylm-transformer-file-test").string();
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/m.safetensors";
  gen::write_transformer_file(path, m);
  const gen::transformer_tables back = gen::read_transformer_file(path);
  CHECK(back.weights == m.weights);
  CHECK(back.gains == m.gains);
  CHECK(back.fracs == m.fracs);
  CHECK(back.tokenizer.normalise == m.tokenizer.normalise);
  CHECK(back.tokenizer.base_bytes == m.tokenizer.base_bytes);
  CHECK(back.tokenizer.merges == m.tokenizer.merges);
  CHECK(back.shape.context == m.shape.context);
  CHECK(back.shape.chat == m.shape.chat);
  CHECK(gen::transformer_file_bytes(back) == gen::transformer_file_bytes(m));
  // The header names the model and asserts its validity.
  const std::string header = gen::transformer_header(m, "tiny", "tinylm::zoo", "tinylm-gen train transformer ...");
  CHECK(header.find("struct tiny {") != std::string::npos);
  CHECK(header.find("static_assert(tinylm::transformer::validate_shape(") != std::string::npos);
  // Truncated, or a weight tensor of the wrong size: a clear error naming the file.
  const std::string bytes = gen::transformer_file_bytes(m);
  const auto write = [&](const std::string& b) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(b.data(), 1, b.size(), f);
    std::fclose(f);
  };
  write(bytes.substr(0, bytes.size() - 10));
  REQUIRE_THROWS_WITH(gen::read_transformer_file(path), Catch::Contains("corrupt model file"));
  gen::transformer_tables wrong = m;
  wrong.weights.pop_back();
  write(gen::transformer_file_bytes(wrong));
  REQUIRE_THROWS_WITH(gen::read_transformer_file(path), Catch::Contains("tensor 'weights' has"));
  wrong = m;
  wrong.fracs[2] = 60;
  write(gen::transformer_file_bytes(wrong));
  REQUIRE_THROWS_WITH(gen::read_transformer_file(path), Catch::Contains("a fraction is outside"));

  // The reply set: it round-trips, and a malformed one is refused.
  gen::transformer_tables with_set = m;
  with_set.replies = gen::transformer_reply_set(tiny_chat, m.tokenizer);
  REQUIRE(with_set.replies.count() >= 2);
  write(gen::transformer_file_bytes(with_set));
  const gen::transformer_tables back_set = gen::read_transformer_file(path);
  CHECK(back_set.replies.symbols == with_set.replies.symbols);
  CHECK(back_set.replies.offsets == with_set.replies.offsets);
  CHECK(gen::transformer_file_bytes(m).find("reply_symbols") == std::string::npos);  // no set: no tensors
  const auto refused = [&](gen::transformer_tables t, const char* why) {
    write(gen::transformer_file_bytes(t));
    REQUIRE_THROWS_WITH(gen::read_transformer_file(path), Catch::Contains("corrupt model file") && Catch::Contains(why));
  };
  wrong = with_set;
  wrong.replies.symbols[0] = static_cast<std::uint8_t>(m.vocab());  // outside the vocabulary
  refused(wrong, "outside the model's outputs");
  wrong = with_set;
  wrong.replies.symbols[wrong.replies.offsets[1] - 1] = 5;  // the first reply loses its END
  refused(wrong, "END");
  wrong = with_set;
  wrong.replies.offsets[1] = 0;  // an empty first reply
  refused(wrong, "offsets must increase");
  wrong = with_set;
  wrong.replies.offsets.back() = static_cast<std::uint16_t>(wrong.replies.offsets.back() - 1);
  refused(wrong, "does not end at the size");
  wrong = with_set;
  wrong.shape.chat = false;
  refused(wrong, "only a chat model has a reply set");
  // Only one of the two tensors: cut the other's name out of the file.
  std::string one = gen::transformer_file_bytes(with_set);
  one.replace(one.find("\"reply_offsets\""), 15, "\"reply_offsetz\"");
  write(one);
  REQUIRE_THROWS_WITH(gen::read_transformer_file(path), Catch::Contains("reply_symbols and reply_offsets come together"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("prompt augmentation: word noise deletes a word or swaps two neighbours", "[transformer_trainer]") {
  struct counter {
    std::size_t n = 0;
    std::size_t below(std::size_t k) { return n++ % k; }
  };
  counter r;
  CHECK(gen::add_word_noise(std::string("alone"), r) == "alone");
  CHECK(r.n == 0);
  // The counter answers 0, 1, 2, ... modulo the range: position 0, then 1
  // (swap) -> the first two words swap.
  counter s;
  CHECK(gen::add_word_noise(std::string("how are you"), s) == "are how you");
  // Starting at 1: position 1, then 0 (delete), then word 3 % 3 = 0 goes.
  counter d;
  d.n = 1;
  CHECK(gen::add_word_noise(std::string("how are you"), d) == "are you");
}
