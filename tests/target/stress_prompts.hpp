// The prompts of the cross-target consistency runs (issue 15): every target
// driver (tests/target/*) draws the same prompts from a seed with
// `--stress N`, runs them through its emulator and compares each reply (and
// the logits it prints) with the C++ oracle. bench/cross_target.sh runs
// 10,000 per target; the suite runs a slice.
//
// stress_prompts(seed, count, corpus, limit): `count` prompts, five kinds in
// turn:
//   0 random bytes: any of 0-255, length 0..40, and one in eight
//     0 .. limit + 64 (past the target's prompt limit);
//   1 a corpus prompt with 1-3 typos: a byte replaced by any byte, a byte
//     inserted or deleted, two neighbours swapped, a letter's case flipped;
//   2 a corpus prompt as written;
//   3 a length edge: corpus prompts joined and cut to a length from
//     0 .. 2 * limit (0, limit - 1, limit, limit + 1 and random ones);
//   4 a corpus prompt with control and high bytes mixed in (NUL, CR, LF,
//     ^V, ^Z, DEL, 0x80, 0xFF, and random ones) and its words in a new order.
// The same seed gives the same prompts on every machine (xorshift32 draws).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <tinylm/prng.hpp>

namespace tinylm::test {

struct stress_prompt {
  std::string text;
  const char* kind = "";
};

// The prompt part of each non-empty line (`prompt | REPLY` or plain text).
inline std::vector<std::string> corpus_prompts(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto bar = line.find(" | ");
    if (bar != std::string::npos) line.resize(bar);
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

inline std::vector<stress_prompt> stress_prompts(std::uint32_t seed, std::size_t count,
                                                 const std::vector<std::string>& corpus, std::size_t limit) {
  tinylm::xorshift32 rng(tinylm::mix_seed(seed));
  const auto below = [&](std::size_t n) { return n == 0 ? std::size_t{0} : static_cast<std::size_t>(rng.next() % n); };
  const auto any_byte = [&] { return static_cast<char>(rng.next() & 0xFF); };
  const auto line = [&]() -> std::string { return corpus.empty() ? std::string("hello there") : corpus[below(corpus.size())]; };
  std::vector<stress_prompt> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    stress_prompt p;
    switch (i % 5) {
      case 0: {
        p.kind = "random bytes";
        const std::size_t n = below(8) == 0 ? below(limit + 65) : below(41);
        for (std::size_t k = 0; k < n; ++k) p.text.push_back(any_byte());
        break;
      }
      case 1: {
        p.kind = "typos";
        p.text = line();
        const std::size_t edits = 1 + below(3);
        for (std::size_t e = 0; e < edits; ++e) {
          const std::size_t at = below(p.text.size() + 1);
          switch (below(5)) {
            case 0:
              if (at < p.text.size()) p.text[at] = any_byte();
              break;
            case 1: p.text.insert(p.text.begin() + static_cast<std::ptrdiff_t>(at), any_byte()); break;
            case 2:
              if (at < p.text.size()) p.text.erase(at, 1);
              break;
            case 3:
              if (at + 1 < p.text.size()) std::swap(p.text[at], p.text[at + 1]);
              break;
            default:
              if (at < p.text.size() && ((p.text[at] | 0x20) >= 'a' && (p.text[at] | 0x20) <= 'z')) p.text[at] ^= 0x20;
          }
        }
        break;
      }
      case 2:
        p.kind = "corpus prompt";
        p.text = line();
        break;
      case 3: {
        p.kind = "length edge";
        const std::size_t edges[] = {0, limit > 0 ? limit - 1 : 0, limit, limit + 1};
        const std::size_t n = below(2) == 0 ? edges[below(4)] : below(2 * limit + 1);
        while (p.text.size() < n) p.text += line() + " ";
        p.text.resize(n);
        break;
      }
      default: {
        p.kind = "mixed bytes";
        // the words in a new order
        std::vector<std::string> words;
        std::istringstream ws(line());
        for (std::string w; ws >> w;) words.push_back(w);
        for (std::size_t k = words.size(); k > 1; --k) std::swap(words[k - 1], words[below(k)]);
        for (const std::string& w : words) p.text += (p.text.empty() ? "" : " ") + w;
        static constexpr char specials[] = {'\0', '\r', '\n', '\x16', '\x1a', '\x7f', '\x80', '\xff'};
        const std::size_t inserts = 1 + below(3);
        for (std::size_t k = 0; k < inserts; ++k) {
          const char c = below(2) == 0 ? specials[below(sizeof specials)] : any_byte();
          p.text.insert(p.text.begin() + static_cast<std::ptrdiff_t>(below(p.text.size() + 1)), c);
        }
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

// "2000 corpus prompt, 2000 length edge, ...": the prompts per kind.
inline std::string kinds_summary(const std::vector<stress_prompt>& prompts) {
  std::map<std::string, std::size_t> kinds;
  for (const stress_prompt& p : prompts) ++kinds[p.kind];
  std::string out;
  for (const auto& [kind, n] : kinds) out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + kind;
  return out;
}

// Checks requests [0, count) in chunks with `agree(first, last)` (true when
// the target agrees with the oracle on every request of the range); a chunk
// that disagrees is checked again request by request. Returns the requests
// that disagree alone.
template <class Agree>
std::vector<std::size_t> disagreeing_requests(std::size_t count, std::size_t chunk, Agree agree) {
  std::vector<std::size_t> out;
  for (std::size_t first = 0; first < count; first += chunk) {
    const std::size_t last = first + chunk < count ? first + chunk : count;
    if (agree(first, last)) continue;
    for (std::size_t i = first; i < last; ++i)
      if (!agree(i, i + 1)) out.push_back(i);
  }
  return out;
}

// The index (into `failing`'s values) of the shortest failing prompt.
inline std::size_t shortest_failure(const std::vector<stress_prompt>& prompts, const std::vector<std::size_t>& failing) {
  std::size_t best = failing.front();
  for (std::size_t i : failing)
    if (prompts[i].text.size() < prompts[best].text.size()) best = i;
  return best;
}

// The report of a stress run that found disagreements (failing not empty):
// how many, the shortest failing prompt (shown by `show`, a driver_util
// shown()) and the first disagreement as the driver described it.
template <class Show>
std::string stress_failure_report(const std::vector<stress_prompt>& prompts, const std::vector<std::size_t>& failing,
                                  const std::string& oracle, const std::string& first_problem, Show show) {
  const std::size_t s = shortest_failure(prompts, failing);
  return std::to_string(failing.size()) + " of " + std::to_string(prompts.size()) + " prompts disagree with " +
         oracle + "; the shortest (" + std::to_string(prompts[s].text.size()) + " bytes, " + prompts[s].kind +
         "): " + show(prompts[s].text, 300) + "\nthe first: " + first_problem;
}

}  // namespace tinylm::test
