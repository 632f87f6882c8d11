// Tests of the n-gram builder and the model file (codegen/src), called
// directly: budgets are met, builds are deterministic, the file round-trips,
// and every kind of corrupt file is refused with a clear error.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "corpus/corpus.hpp"
#include "common/error.hpp"
#include "formats/ngram_file.hpp"
#include "families/ngram/builder.hpp"
#include "support/tiny_ngram.hpp"

namespace gen = tinylm::gen;
namespace ng = tinylm::ngram;
namespace fs = std::filesystem;

namespace {

const std::string corpus_dir = std::string(TINYLM_SOURCE_DIR) + "/codegen/corpus/";

fs::path temp_dir() {
  const fs::path p = fs::temp_directory_path() / ("tinylm-test-" + std::to_string(::getpid()));
  fs::create_directories(p);
  return p;
}

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

gen::ngram_tables build(const gen::corpus& c, int order, std::size_t budget) {
  gen::progress quiet(false);
  return gen::build_ngram(c, {order, budget, 7, 0}, quiet);
}

bool same_tables(const gen::ngram_tables& a, const gen::ngram_tables& b) {
  return a.order == b.order && a.end_byte == b.end_byte && a.default_seed == b.default_seed &&
         a.node_count == b.node_count && a.keys == b.keys && a.first_entry == b.first_entry &&
         a.entry_byte == b.entry_byte && a.entry_weight == b.entry_weight;
}

}  // namespace

TEST_CASE("the builder meets byte budgets and pruning costs bits", "[ngram][builder]") {
  const auto train = gen::read_corpus(corpus_dir + "sayings.txt", gen::records::line, 0);
  const auto held = gen::read_corpus(corpus_dir + "sayings-heldout.txt", gen::records::line, 0);
  const auto full = build(train, 5, 0);
  REQUIRE(ng::validate(full.view()) == nullptr);
  const double full_bpc = gen::evaluate(full.view(), held).bits_per_char();
  double last_bpc = 100;
  for (std::size_t budget : {4096u, 16384u, 65536u}) {
    const auto m = build(train, 5, budget);
    INFO("budget " << budget);
    REQUIRE(ng::validate(m.view()) == nullptr);
    REQUIRE(ng::storage_bytes(m.view()) <= budget);
    REQUIRE(ng::storage_bytes(m.view()) > budget - budget / 16);  // uses the budget it was given
    const double bpc = gen::evaluate(m.view(), held).bits_per_char();
    REQUIRE(bpc < last_bpc);    // more bytes, fewer bits
    REQUIRE(bpc > full_bpc);    // pruning never beats the full model here
    last_bpc = bpc;
  }
  REQUIRE(full_bpc > 1.0);
  REQUIRE(full_bpc < 2.5);  // the held-out text is the same kind of text
}

// The metric itself, pinned on the hand-built tiny model by the independent
// reference tests/golden/ngram_tiny.py (exact fractions, then -log2): every
// byte of a record and the end byte after it are scored, each after its
// record's own history.
TEST_CASE("evaluate() gives the reference's bits on the tiny model", "[ngram][builder]") {
  const auto m = ng::view_of<tinylm_test::tiny_ngram>();
  auto p = [&](std::string_view hist, std::uint8_t c) {
    auto h = ng::start_history(m, {});
    for (const char b : hist.substr(1)) h.push(static_cast<std::uint8_t>(b));
    const ng::probability_t q = ng::probability(m, h, c);
    return std::ldexp(static_cast<double>(q.numerator), -8 * (q.levels + 1));
  };
  // P(a | \0) = 29191/32768, P(end | a) = 25653/131072, P(b | b) = 257/1024,
  // P(c | a) = 53/131072 (python3 tests/golden/ngram_tiny.py).
  CHECK(p(std::string_view("\0", 1), 'a') == 29191.0 / 32768);
  CHECK(p(std::string_view("\0a", 2), 0) == 25653.0 / 131072);
  CHECK(p(std::string_view("\0b", 2), 'b') == 257.0 / 1024);
  CHECK(p(std::string_view("\0a", 2), 'c') == 53.0 / 131072);
  gen::corpus text;
  for (const char* rec : {"ab", "aab", "ba", "c\xff", "a"})
    text.items.emplace_back(rec, rec + std::char_traits<char>::length(rec));
  const gen::eval_result r = gen::evaluate(m, text);
  CHECK(r.predicted == 15);
  CHECK(r.bits == Approx(66.88437990190587).epsilon(1e-13));
}

TEST_CASE("an impossible budget and bad options are refused", "[ngram][builder]") {
  gen::corpus c;
  c.name = "tiny";
  c.items = {{'a', 'b', 'c'}};
  gen::progress quiet(false);
  REQUIRE_THROWS_WITH(gen::build_ngram(c, {3, 10, 1, 0}, quiet), Catch::Contains("cannot fit"));
  REQUIRE_THROWS_WITH(gen::build_ngram(c, {0, 0, 1, 0}, quiet), Catch::Contains("--order"));
  REQUIRE_THROWS_WITH(gen::build_ngram(c, {8, 0, 1, 0}, quiet), Catch::Contains("--order"));
  const auto m = gen::build_ngram(c, {3, 0, 1, 0}, quiet);
  // "abc" then the end byte, learned from one record: after each prefix of
  // the record, the corpus's next byte is the one byte most probable.
  const auto v = m.view();
  const std::string record = "abc";
  for (std::size_t i = 0; i <= record.size(); ++i) {
    auto h = ng::start_history(v, {});
    for (std::size_t j = 0; j < i; ++j) h.push(static_cast<std::uint8_t>(record[j]));
    const std::uint8_t expected = i < record.size() ? static_cast<std::uint8_t>(record[i]) : v.end_byte;
    const ng::probability_t best = ng::probability(v, h, expected);
    for (int byte = 0; byte < 256; ++byte) {
      if (byte == expected) continue;
      const ng::probability_t other = ng::probability(v, h, static_cast<std::uint8_t>(byte));
      REQUIRE(other.levels == best.levels);  // the same denominator
      REQUIRE(other.numerator < best.numerator);
    }
  }
}

TEST_CASE("builds are deterministic and the model file round-trips", "[ngram][builder]") {
  const auto train = gen::read_corpus(corpus_dir + "sayings-heldout.txt", gen::records::line, 0);
  const auto a = build(train, 4, 3000);
  const auto b = build(train, 4, 3000);
  REQUIRE(same_tables(a, b));
  const fs::path dir = temp_dir();
  gen::write_model_file((dir / "a.safetensors").string(), a);
  gen::write_model_file((dir / "b.safetensors").string(), b);
  REQUIRE(read_bytes(dir / "a.safetensors") == read_bytes(dir / "b.safetensors"));
  const auto back = gen::read_model_file((dir / "a.safetensors").string());
  REQUIRE(same_tables(a, back));
  REQUIRE(back.metadata.at("corpus") == "sayings-heldout.txt");
  REQUIRE(ng::generate<64>(back.view(), "Q: ", 3) == ng::generate<64>(a.view(), "Q: ", 3));
  fs::remove_all(dir);
}

TEST_CASE("corrupt model files are refused with a clear error", "[ngram][builder]") {
  gen::corpus c;
  c.name = "tiny";
  c.items = {{'h', 'e', 'l', 'l', 'o'}, {'h', 'e', 'l', 'p'}};
  gen::progress quiet(false);
  const auto m = gen::build_ngram(c, {3, 0, 1, 0}, quiet);
  const fs::path dir = temp_dir();
  const fs::path good = dir / "good.safetensors";
  gen::write_model_file(good.string(), m);
  const std::string bytes = read_bytes(good);
  std::uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
  const std::string header = bytes.substr(8, header_len);
  const std::string data = bytes.substr(8 + header_len);

  auto expect_corrupt = [&](const std::string& what, const std::string& file_bytes, const std::string& message) {
    const fs::path p = dir / "bad.safetensors";
    write_bytes(p, file_bytes);
    INFO(what);
    REQUIRE_THROWS_AS(gen::read_model_file(p.string()), gen::error);
    REQUIRE_THROWS_WITH(gen::read_model_file(p.string()), Catch::Contains("corrupt model file") && Catch::Contains(message));
  };
  auto with_header = [&](std::string h) {
    while (h.size() % 8) h.push_back(' ');
    std::string out;
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((h.size() >> (8 * i)) & 0xFF));
    return out + h + data;
  };
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string h = header;
    const auto at = h.find(from);
    REQUIRE(at != std::string::npos);
    h.replace(at, from.size(), to);
    return with_header(h);
  };

  REQUIRE_NOTHROW(gen::read_model_file(good.string()));
  expect_corrupt("too short", bytes.substr(0, 5), "too short");
  expect_corrupt("header cut", bytes.substr(0, 8 + header_len / 2), "runs past the end");
  expect_corrupt("data cut", bytes.substr(0, bytes.size() - 3), "does not fit");
  expect_corrupt("not JSON", with_header("{\"__metadata__\": [1, 2"), "not valid JSON");
  expect_corrupt("not an object", with_header("[1,2,3]"), "not a JSON object");
  expect_corrupt("wrong format", replaced("tinylm.ngram", "tinylm.other"), "format is 'tinylm.other'");
  expect_corrupt("bad order", replaced("\"order\":\"3\"", "\"order\":\"9\""), "'order'");
  expect_corrupt("missing tensor", replaced("\"entry_weight\"", "\"entry_weights\""), "'entry_weight' is missing");
  expect_corrupt("wrong dtype", replaced("\"dtype\":\"U8\"", "\"dtype\":\"I8\""), "has dtype \"I8\", expected U8");
  expect_corrupt("wrong shape", replaced("\"node_count\":{\"data_offsets\":[0,12],\"dtype\":\"U32\",\"shape\":[3]",
                                         "\"node_count\":{\"data_offsets\":[0,8],\"dtype\":\"U32\",\"shape\":[2]"),
                 "elements");
  // Tables that parse but break the model's invariants.
  std::string flipped = bytes;
  flipped[bytes.size() - 1] = static_cast<char>(0);  // a zero weight
  expect_corrupt("zero weight", flipped, "weight 0");
  fs::remove_all(dir);
}

TEST_CASE("corpus errors are clear", "[builder]") {
  const fs::path dir = temp_dir();
  REQUIRE_THROWS_WITH(gen::read_corpus((dir / "missing.txt").string(), gen::records::line, 0),
                      Catch::Contains("cannot open corpus") && Catch::Contains("No such file"));
  write_bytes(dir / "empty.txt", "");
  REQUIRE_THROWS_WITH(gen::read_corpus((dir / "empty.txt").string(), gen::records::line, 0), Catch::Contains("is empty"));
  write_bytes(dir / "blank.txt", "\n\n\r\n");
  REQUIRE_THROWS_WITH(gen::read_corpus((dir / "blank.txt").string(), gen::records::line, 0), Catch::Contains("no text"));
  write_bytes(dir / "nul.txt", std::string("ab\0c\n", 5));
  REQUIRE_THROWS_WITH(gen::read_corpus((dir / "nul.txt").string(), gen::records::line, 0),
                      Catch::Contains("end byte 0 at offset 2"));
  REQUIRE_THROWS_WITH(gen::read_corpus(dir.string(), gen::records::line, 0), Catch::Contains("is a directory"));
  write_bytes(dir / "crlf.txt", "one\r\ntwo\n\nthree");
  const auto c = gen::read_corpus((dir / "crlf.txt").string(), gen::records::line, 0);
  REQUIRE(c.items.size() == 3);
  REQUIRE(c.items[0] == std::vector<std::uint8_t>{'o', 'n', 'e'});
  REQUIRE(c.items[2] == std::vector<std::uint8_t>{'t', 'h', 'r', 'e', 'e'});
  fs::remove_all(dir);
}
