// Training-time augmentation of chat prompts, shared by the chat trainers.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tinylm::gen {

// One random edit of a prompt (a synthetic typo): delete a byte, double it,
// swap it with the next byte, replace it by a random letter, or insert a
// random letter. Rng has below(n): a uniform integer in [0, n).
template <class Rng>
std::string add_typo(std::string s, Rng& r) {
  if (s.empty()) return s;
  const std::size_t i = r.below(s.size());
  const auto letter = [&] { return static_cast<char>('a' + r.below(26)); };
  switch (r.below(5)) {
    case 0:
      if (s.size() > 1) s.erase(i, 1);
      break;
    case 1: s.insert(i, 1, s[i]); break;
    case 2:
      if (i + 1 < s.size()) std::swap(s[i], s[i + 1]);
      else if (i > 0) std::swap(s[i - 1], s[i]);
      break;
    case 3: s[i] = letter(); break;
    default: s.insert(i, 1, letter()); break;
  }
  return s;
}

// One random word-level edit (easy data augmentation): delete a word, or
// swap two neighbouring words. A prompt of one word is left alone.
template <class Rng>
std::string add_word_noise(const std::string& s, Rng& r) {
  std::vector<std::string> words;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == ' ') {
      if (i > start) words.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  if (words.size() < 2) return s;
  const std::size_t i = r.below(words.size() - 1);
  if (r.below(2) == 0) words.erase(words.begin() + static_cast<std::ptrdiff_t>(r.below(words.size())));
  else std::swap(words[i], words[i + 1]);
  std::string out;
  for (std::size_t k = 0; k < words.size(); ++k) out += (k ? " " : "") + words[k];
  return out;
}

}  // namespace tinylm::gen
