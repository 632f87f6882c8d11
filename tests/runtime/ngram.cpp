// Run-time tests of the n-gram family on the bundled model and the tiny
// hand-built one: the compile-time and run-time paths agree, the sampler
// draws exactly the documented distribution, every prompt byte is handled,
// and a naive reference (linear scans instead of binary search) agrees on
// thousands of random cases.
#include <catch2/catch.hpp>

#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <tinylm/model.hpp>
#include <tinylm/ngram.hpp>
#include <tinylm/zoo/sayings.hpp>

#include "support/tiny_ngram.hpp"

namespace ng = tinylm::ngram;
using tinylm::zoo::sayings;

namespace {

// ---- a naive reference of the sampling rule ----------------------------------
// Finds contexts by a linear scan over each table and walks entries the same
// documented way. Shares no code with ngram.hpp except the model_view layout.
std::uint8_t reference_sample(const ng::model_view& m, const std::vector<std::uint8_t>& hist, tinylm::xorshift32& rng) {
  std::uint32_t node_base = 0;
  std::size_t key_base = 0;
  std::vector<std::uint32_t> base(static_cast<std::size_t>(m.order)), keyoff(static_cast<std::size_t>(m.order));
  for (int k = 0; k < m.order; ++k) {
    base[static_cast<std::size_t>(k)] = node_base;
    keyoff[static_cast<std::size_t>(k)] = static_cast<std::uint32_t>(key_base);
    node_base += m.node_count[k];
    key_base += std::size_t{m.node_count[k]} * static_cast<std::size_t>(k);
  }
  for (int k = m.order - 1; k >= 0; --k) {
    const std::size_t uk = static_cast<std::size_t>(k);
    for (std::uint32_t i = 0; i < m.node_count[k]; ++i) {
      bool match = true;
      for (std::size_t j = 0; j < uk; ++j)
        match = match && m.keys[keyoff[uk] + i * uk + j] == hist[hist.size() - uk + j];
      if (!match) continue;
      const std::uint32_t node = base[uk] + i;
      int r = rng.next_byte();
      for (std::uint32_t e = m.first_entry[node]; e < m.first_entry[node + 1]; ++e) {
        if (r < m.entry_weight[e]) return m.entry_byte[e];
        r -= m.entry_weight[e];
      }
      break;
    }
  }
  return rng.next_byte();
}

std::string reference_generate(const ng::model_view& m, const std::string& prompt, std::uint32_t seed, std::size_t max_len) {
  std::vector<std::uint8_t> hist(static_cast<std::size_t>(m.order - 1), m.end_byte);
  for (char c : prompt) hist.push_back(static_cast<std::uint8_t>(c));
  tinylm::xorshift32 rng(seed);
  std::string out;
  while (out.size() < max_len) {
    const std::uint8_t c = reference_sample(m, hist, rng);
    if (c == m.end_byte) break;
    out.push_back(static_cast<char>(c));
    hist.push_back(c);
  }
  return out;
}

// ---- the exact distribution of sample_next, by enumerating its draws -----------
// A byte source that replays a prefix of draws and records when it runs out.
struct replay {
  const std::vector<std::uint8_t>* draws;
  std::size_t used = 0;
  bool ran_out = false;
  std::uint8_t next_byte() {
    if (used < draws->size()) return (*draws)[used++];
    ran_out = true;
    return 0;
  }
};

// Adds to dist[c] the probability of each byte over the common denominator
// 256^7 (enough for models of order <= 6: 6 levels and the uniform floor).
void enumerate(const ng::model_view& m, const ng::history& h, std::vector<std::uint8_t>& prefix,
               std::uint64_t weight, std::map<int, std::uint64_t>& dist) {
  std::uint32_t escapes = 0;
  for (int r = 0; r < 256; ++r) {
    prefix.push_back(static_cast<std::uint8_t>(r));
    replay src{&prefix};
    const std::uint8_t c = ng::sample_next(m, h, src);
    if (src.ran_out) ++escapes;
    else dist[c] += weight / 256;
    prefix.pop_back();
  }
  if (escapes == 0) return;
  // Every escaping draw leads to the same later behaviour: follow one of them.
  for (int r = 0; r < 256; ++r) {
    prefix.push_back(static_cast<std::uint8_t>(r));
    replay src{&prefix};
    ng::sample_next(m, h, src);
    if (src.ran_out) {
      enumerate(m, h, prefix, weight / 256 * escapes, dist);
      prefix.pop_back();
      return;
    }
    prefix.pop_back();
  }
}

void check_exact_distribution(const ng::model_view& m, const ng::history& h) {
  std::map<int, std::uint64_t> dist;
  std::vector<std::uint8_t> prefix;
  REQUIRE(m.order <= 6);
  const std::uint64_t one = std::uint64_t{1} << 56;  // 256^7
  enumerate(m, h, prefix, one, dist);
  std::uint64_t total = 0;
  for (int c = 0; c < 256; ++c) {
    const auto p = ng::probability(m, h, static_cast<std::uint8_t>(c));
    const std::uint64_t expected = p.numerator << (8 * (6 - p.levels));
    INFO("byte " << c);
    REQUIRE(dist[c] == expected);
    total += expected;
  }
  REQUIRE(total == one);  // the probabilities sum to exactly 1
}

}  // namespace

TEST_CASE("compile-time and run-time generation agree on the bundled model", "[ngram]") {
  constexpr auto q = tinylm::reply<sayings>("Q: ");
  constexpr auto cat = tinylm::reply<sayings>("The cat", 7);
  constexpr auto empty = tinylm::reply<sayings>("", 12345);
  constexpr auto bytes = tinylm::reply<sayings>(std::string_view("\x00\x01\x7f\x80\xfe\xff", 6), 99);
  const auto view = ng::view_of<sayings>();
  REQUIRE(q == ng::generate<128>(view, "Q: ", sayings::default_seed));
  REQUIRE(cat == ng::generate<128>(view, "The cat", 7));
  REQUIRE(empty == ng::generate<128>(view, "", 12345));
  REQUIRE(bytes == ng::generate<128>(view, std::string_view("\x00\x01\x7f\x80\xfe\xff", 6), 99));
  REQUIRE(q.size() > 0);
}

TEST_CASE("the sampler draws exactly the documented distribution", "[ngram]") {
  SECTION("tiny model, every one-byte history") {
    const auto m = ng::view_of<tinylm_test::tiny_ngram>();
    for (int b = 0; b < 256; ++b) {
      ng::history h = ng::start_history(m, std::string(1, static_cast<char>(b)));
      check_exact_distribution(m, h);
    }
  }
  SECTION("bundled model, histories along generated text") {
    const auto m = ng::view_of<sayings>();
    const std::string text = std::string("Q: What ") + std::string(ng::generate<64>(m, "Q: What ", 5).view());
    for (std::size_t i = 0; i <= text.size(); i += 3) check_exact_distribution(m, ng::start_history(m, text.substr(0, i)));
    check_exact_distribution(m, ng::start_history(m, "\xff\xfe\xfd\xfc\xfb"));  // no context found above the root
  }
}

TEST_CASE("every prompt byte, empty and overlong prompts", "[ngram]") {
  const auto m = ng::view_of<sayings>();
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  for (int b = 0; b < 256; ++b) {
    const std::string prompt(3, static_cast<char>(b));
    const auto out = ng::generate<200>(m, prompt, static_cast<std::uint32_t>(b));
    REQUIRE(out.size() <= 200);
    REQUIRE(out.view().find(static_cast<char>(m.end_byte)) == std::string_view::npos);
    REQUIRE(std::string(out.view()) == reference_generate(m, prompt, static_cast<std::uint32_t>(b), 200));
  }
  // All 256 byte values in one prompt; an overlong prompt uses its last N-1 bytes.
  REQUIRE(ng::generate<128>(m, all, 3) == ng::generate<128>(m, all.substr(256 - 5), 3));
  const std::string overlong(100000, 'x');
  REQUIRE(ng::generate<128>(m, overlong + "Q: ", 3) == ng::generate<128>(m, "xxQ: ", 3));
  // The empty prompt is the start of a record.
  REQUIRE(ng::generate<128>(m, "", 3) == ng::generate<128>(m, std::string(5, '\0'), 3));
}

TEST_CASE("differential: binary-search sampler against a linear-scan reference", "[ngram]") {
  const auto m = ng::view_of<sayings>();
  tinylm::xorshift32 pick(20261122);
  for (int i = 0; i < 3000; ++i) {
    std::string prompt;
    const std::uint32_t len = pick.below(12);
    for (std::uint32_t j = 0; j < len; ++j) {
      // Mostly text-like bytes, sometimes any byte.
      prompt.push_back(static_cast<char>(pick.below(4) == 0 ? pick.below(256) : 32 + pick.below(95)));
    }
    const std::uint32_t seed = pick.next();
    const std::size_t max_len = 1 + pick.below(40);
    INFO("case " << i << " seed " << seed);
    REQUIRE(std::string(ng::generate<64>(m, prompt, seed, max_len).view()) == reference_generate(m, prompt, seed, max_len));
  }
}

TEST_CASE("the bundled model is valid and its memory plan is what it says", "[ngram]") {
  constexpr auto m = ng::view_of<sayings>();
  constexpr auto plan = ng::plan<sayings, 128>();
  REQUIRE(ng::validate(m) == nullptr);
  REQUIRE(plan.peak_ram == 5 + 4 + 128);
  // The ROM figure counted from the header's arrays, not by storage_bytes():
  // k key bytes per node of table k, a 2-byte offset per node plus an end
  // offset per table (every table is under 65,536 entries), a byte and a
  // weight per entry. The arrays are string literals: one NUL each.
  std::size_t key_bytes = 0, nodes = 0;
  for (int k = 0; k < sayings::order; ++k) {
    key_bytes += std::size_t{sayings::node_count[k]} * static_cast<std::size_t>(k);
    nodes += sayings::node_count[k];
  }
  REQUIRE(key_bytes == std::size(sayings::keys) - 1);
  REQUIRE(std::size(sayings::entry_byte) - 1 < 0x10000);
  REQUIRE(plan.rom_bytes == key_bytes + 2 * (nodes + sayings::order) + (std::size(sayings::entry_byte) - 1) +
                                (std::size(sayings::entry_weight) - 1));
  REQUIRE(plan.rom_bytes == 24569);  // bench/RESULTS.md: "24,569 bytes of tables"
  REQUIRE(plan.rom_bytes <= 24 * 1024);
}

TEST_CASE("a table of more than 65,535 entries is priced with 3-byte offsets", "[ngram]") {
  // Order 3: the root with one entry, no one-byte contexts, and 300 two-byte
  // contexts (keys 0x0000, 0x0001, ...) of 255 entries each (bytes 1..255,
  // weight 1): 76,500 entries in table 2, over the 2-byte offsets' 65,535.
  std::vector<std::uint8_t> keys, bytes{'a'}, weights{255};
  std::vector<std::uint32_t> first{0, 1};
  for (std::uint32_t i = 0; i < 300; ++i) {
    keys.push_back(static_cast<std::uint8_t>(i >> 8));
    keys.push_back(static_cast<std::uint8_t>(i & 0xFF));
    for (int b = 1; b <= 255; ++b) {
      bytes.push_back(static_cast<std::uint8_t>(b));
      weights.push_back(1);
    }
    first.push_back(static_cast<std::uint32_t>(bytes.size()));
  }
  ng::model_view m;
  m.order = 3;
  m.node_count[0] = 1;
  m.node_count[2] = 300;
  m.keys = keys.data();
  m.first_entry = first.data();
  m.entry_byte = bytes.data();
  m.entry_weight = weights.data();
  REQUIRE(ng::validate(m) == nullptr);
  REQUIRE(m.total_entries() == 76501);
  // by hand: table 0: 1 node, 2 offsets of 2 bytes; table 1: an end offset
  // of 2 bytes; table 2: 300 keys of 2 bytes, 301 offsets of 3 bytes; 2 bytes
  // per entry
  REQUIRE(ng::storage_bytes(m) == (2 * 2) + 2 + (300 * 2 + 301 * 3) + 2 * 76501);
  // one entry fewer per context: 76,200 entries, still 3-byte offsets
  REQUIRE(ng::table_storage_bytes(300, 2, 76200) == 300 * 2 + 301 * 3 + 2 * 76200);
  // and it generates: after the key 0x00 0x05 every byte 1..255 is possible
  const std::string prompt{'\0', '\x05'};
  REQUIRE(ng::generate<4>(m, prompt, 7, 1).size() == 1);
}
