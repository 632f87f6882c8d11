// Run-time tests of the reply set (tinylm/reply_set.hpp) on the bundled chat
// models: every reply to the prompts of the validation and test files, and
// to random byte strings, argmax and sampled, is a reply of the model's
// corpus (read here from the corpus file, not from the model); generation
// equals a naive decoder written here over the corpus's reply strings; and
// the same models decoded without the set write replies outside the corpus
// on these prompts (so the set is what keeps them inside).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <tinylm/hashmlp.hpp>
#include <tinylm/transformer.hpp>
#include <tinylm/zoo/guess.hpp>
#include <tinylm/zoo/tinychat.hpp>
#include <tinylm/zoo/tinychat_transformer.hpp>

namespace hm = tinylm::hashmlp;
namespace tf = tinylm::transformer;

namespace {

struct pair_lines {
  std::vector<std::string> prompts;
  std::set<std::string> replies;
};

pair_lines read_pairs(const std::string& file) {
  std::ifstream f(std::string(TINYLM_SOURCE_DIR) + "/codegen/corpus/" + file);
  pair_lines out;
  for (std::string line; std::getline(f, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto bar = line.find(" | ");
    if (bar == std::string::npos) continue;
    out.prompts.push_back(line.substr(0, bar));
    out.replies.insert(line.substr(bar + 3));
  }
  return out;
}

// Prompts of the validation and the five test files, and random byte strings
// (every value 0-255, lengths 0..300).
std::vector<std::string> prompts_for(const std::string& model) {
  std::vector<std::string> out;
  for (const char* kind : {"-heldout.txt", "test/*-paraphrase.txt", "test/*-typo.txt", "test/*-order.txt",
                           "test/*-filler.txt", "test/*-case.txt"}) {
    std::string name = kind;
    if (name[0] == '-') {
      name = model + name;
    } else {
      name.replace(name.find('*'), 1, model);
    }
    const auto lines = read_pairs(name).prompts;
    REQUIRE(lines.size() >= 100);
    out.insert(out.end(), lines.begin(), lines.end());
  }
  tinylm::xorshift32 rng(2026);
  for (int i = 0; i < 60; ++i) {
    std::string p(rng.below(301), '\0');
    for (char& c : p) c = static_cast<char>(rng.below(256));
    out.push_back(p);
  }
  return out;
}

// The naive rule over reply strings: the live replies are those that start
// with the text so far; the candidates are their next characters (or END).
// `score(c)` gives the logit of a character (END: -1).
template <class Score>
int naive_next(const std::set<std::string>& replies, const std::string& sofar, const std::string& order,
               Score score, std::uint16_t inv_temp, std::size_t top_k, tinylm::xorshift32& rng) {
  // Candidates in the model's symbol order: `order` lists the characters by
  // symbol index; END is the index order.size() (hash-MLP: after the alphabet).
  std::vector<int> cand;
  for (const std::string& r : replies) {
    if (r.compare(0, sofar.size(), sofar) != 0 || r.size() < sofar.size()) continue;
    const int c = r.size() == sofar.size() ? static_cast<int>(order.size())
                                          : static_cast<int>(order.find(r[sofar.size()]));
    if (std::find(cand.begin(), cand.end(), c) == cand.end()) cand.push_back(c);
  }
  std::sort(cand.begin(), cand.end());
  std::vector<std::int16_t> s;
  for (int c : cand) s.push_back(score(c));
  const std::size_t i = inv_temp == 0 ? tinylm::argmax(s.data(), s.size())
                                      : tinylm::sample_top_k(s.data(), s.size(), inv_temp, top_k, rng);
  return cand.at(i);
}

// A hash-MLP reply decoded by the naive rule (the library's forward pass).
std::string naive_hashmlp(const hm::model_view& m, const std::set<std::string>& replies, const std::string& prompt,
                          std::uint32_t seed, std::uint16_t inv_temp, std::size_t top_k) {
  std::uint8_t pb[hm::buckets]{};
  hm::prompt_features(prompt, pb);
  tinylm::xorshift32 rng(seed);
  const std::string order(m.alphabet, m.symbols());
  std::string out;
  std::int16_t logits[hm::max_width]{};
  while (out.size() < 128) {
    const std::size_t c = std::min<std::size_t>(out.size(), m.context_length);
    hm::forward(m, pb, std::string_view(out).substr(out.size() - c), logits);
    const int k = naive_next(replies, out, order, [&](int s) { return logits[s]; }, inv_temp, top_k, rng);
    if (k == static_cast<int>(m.symbols())) break;
    out += m.alphabet[k];
  }
  return out;
}

template <class M>
void check_hashmlp(const char* model, const char* corpus) {
  const hm::model_view m = hm::view_of<M>();
  REQUIRE_FALSE(m.replies.empty());
  const std::set<std::string> replies = read_pairs(corpus).replies;
  REQUIRE(m.replies.count == replies.size());
  hm::model_view free_view = m;
  free_view.replies = {};
  std::size_t outside_free = 0, n = 0;
  for (const std::string& p : prompts_for(model)) {
    const auto r = hm::generate<128>(m, p, 1);
    INFO("prompt: " << p);
    CHECK(replies.count(std::string(r.view())) == 1);
    CHECK(r.view() == naive_hashmlp(m, replies, p, 1, 0, 0));
    const std::uint32_t seed = static_cast<std::uint32_t>(n++) * 2654435761u + 1;
    const auto s = hm::generate<128>(m, p, seed, 128, 300, 4);
    CHECK(replies.count(std::string(s.view())) == 1);
    CHECK(s.view() == naive_hashmlp(m, replies, p, seed, 300, 4));
    outside_free += replies.count(std::string(hm::generate<128>(free_view, p, 1).view())) == 0;
  }
  // Without the set the same prompts get replies that are not in the corpus.
  CHECK(outside_free > 0);
}

}  // namespace

TEST_CASE("reply set: the hash-MLP chat models reply only with corpus replies", "[reply_set][zoo]") {
  check_hashmlp<tinylm::zoo::tinychat>("tinychat", "tinychat.txt");
  check_hashmlp<tinylm::zoo::guess>("guess", "guess.txt");
}

namespace {

// A transformer reply decoded by the naive rule over the corpus's replies as
// token sequences (the library's step and tokenizer).
std::string naive_transformer(const tf::model_view& m, tf::workspace_of<tinylm::zoo::tinychat_transformer>& ws,
                              const std::set<std::string>& replies, const std::string& prompt,
                              std::uint32_t seed, std::uint16_t inv_temp, std::size_t top_k) {
  const tf::buffers b = ws.refs();
  std::uint8_t start[tf::max_context] = {};
  const std::size_t n = tf::start_tokens(m, prompt, start);
  for (std::size_t p = 0; p < n; ++p) tf::step(m, b, start[p], p);
  tinylm::xorshift32 rng(tinylm::mix_seed(seed));
  std::string sofar;  // the tokens so far, a byte each
  tinylm::fixed_string<256> text;
  for (std::size_t p = n;;) {
    // The live replies: those that start with the tokens so far and fit the
    // context left (T - n + 1 tokens: the last one is written when the
    // context is full), or all that start so when none fits.
    const std::size_t room = m.context - n + 1;
    bool any_fits = false;
    for (const auto& r : replies)
      any_fits = any_fits || (r.compare(0, sofar.size(), sofar) == 0 && r.size() >= sofar.size() && r.size() <= room);
    std::vector<std::uint8_t> cand;  // the next tokens of the live replies; END = 0 when one ends here
    for (const auto& r : replies) {
      if (r.compare(0, sofar.size(), sofar) != 0 || r.size() < sofar.size()) continue;
      if (any_fits && r.size() > room) continue;
      const std::uint8_t c =
          r.size() == sofar.size() ? tinylm::bpe::end_token : static_cast<std::uint8_t>(r[sofar.size()]);
      if (std::find(cand.begin(), cand.end(), c) == cand.end()) cand.push_back(c);
    }
    std::sort(cand.begin(), cand.end());
    std::vector<std::int16_t> s;
    for (std::uint8_t c : cand) s.push_back(b.logits[c]);
    const std::size_t i = inv_temp == 0 ? tinylm::argmax(s.data(), s.size())
                                        : tinylm::sample_top_k(s.data(), s.size(), inv_temp, top_k, rng);
    const std::uint8_t k = cand.at(i);
    if (k == tinylm::bpe::end_token) break;
    sofar.push_back(static_cast<char>(k));
    tinylm::bpe::append_token(m.tokenizer, k, text);
    if (p == m.context) break;
    tf::step(m, b, k, p++);
  }
  return std::string(text.view());
}

}  // namespace

TEST_CASE("reply set: the chat transformer replies only with corpus replies", "[reply_set][zoo]") {
  using M = tinylm::zoo::tinychat_transformer;
  const tf::model_view m = tf::view_of<M>();
  REQUIRE_FALSE(m.replies.empty());
  const std::set<std::string> replies = read_pairs("tinychat.txt").replies;
  REQUIRE(m.replies.count == replies.size());
  std::set<std::string> token_replies;  // the model's replies as token strings (a byte per token)
  for (std::size_t r = 0; r < m.replies.count; ++r)
    token_replies.insert(std::string(reinterpret_cast<const char*>(m.replies.symbols) + m.replies.offsets[r],
                                     m.replies.length(r) - 1));
  auto ws = std::make_unique<tf::workspace_of<M>>();
  tf::model_view free_view = m;
  free_view.replies = {};
  std::size_t outside_free = 0, long_prompts = 0, n = 0;
  std::uint8_t start[tf::max_context] = {};
  for (const std::string& p : prompts_for("tinychat")) {
    INFO("prompt: " << p);
    const auto r = tf::generate<256>(m, ws->refs(), p, 1, 255);
    CHECK(replies.count(std::string(r.view())) == 1);
    CHECK(r.view() == naive_transformer(m, *ws, token_replies, p, 1, 0, 0));
    const std::uint32_t seed = static_cast<std::uint32_t>(n++) * 2654435761u + 1;
    const auto s = tf::generate<256>(m, ws->refs(), p, seed, 255, 300, 4);
    CHECK(replies.count(std::string(s.view())) == 1);
    long_prompts += tf::start_tokens(m, p, start) > m.context + 1 - 9;  // the longest reply has 9 tokens
    CHECK(s.view() == naive_transformer(m, *ws, token_replies, p, seed, 300, 4));
    outside_free += replies.count(std::string(tf::generate<256>(free_view, ws->refs(), p, 1, 255).view())) == 0;
  }
  CHECK(outside_free > 0);
  CHECK(long_prompts > 0);  // prompts that leave no room for the longest replies were among them
}
