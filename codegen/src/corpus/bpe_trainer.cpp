#include "corpus/bpe_trainer.hpp"

#include <fmt/core.h>

#include <array>
#include <map>

#include "common/error.hpp"

namespace tinylm::gen {

tinylm::bpe::tokenizer_view bpe_tables::view() const {
  tinylm::bpe::tokenizer_view v;
  v.normalise = normalise.data();
  v.base_bytes = base_bytes.data();
  v.base_count = base_bytes.size();
  v.merges = merges.data();
  v.merge_count = merges.size() / 2;
  return v;
}

bpe_tables train_bpe(const std::vector<std::string>& texts, const bpe_options& o) {
  namespace bpe = tinylm::bpe;
  if (o.vocab_size < 3 || o.vocab_size > bpe::max_vocab)
    throw error(fmt::format("the vocabulary must have 3..256 tokens (END, SEP and the bytes), not {}", o.vocab_size));
  const auto fold = [&](std::uint8_t b) {
    if (o.fold == case_fold::lower && b >= 'A' && b <= 'Z') return static_cast<std::uint8_t>(b - 'A' + 'a');
    if (o.fold == case_fold::upper && b >= 'a' && b <= 'z') return static_cast<std::uint8_t>(b - 'a' + 'A');
    return b;
  };
  std::array<std::size_t, 256> count{};
  for (const std::string& t : texts)
    for (char c : t) ++count[fold(static_cast<std::uint8_t>(c))];
  bpe_tables out;
  std::array<bool, 256> base{};
  base[o.rare_byte] = true;
  for (std::size_t b = 0; b < 256; ++b)
    if (count[b] >= o.min_count) base[b] = true;
  for (std::size_t b = 0; b < 256; ++b)
    if (base[b]) out.base_bytes.push_back(static_cast<std::uint8_t>(b));
  if (bpe::first_base + out.base_bytes.size() > o.vocab_size)
    throw error(fmt::format("a vocabulary of {} tokens is too small: the corpus has {} distinct bytes (with the rare "
                            "byte), plus END and SEP; raise --vocab to at least {}",
                            o.vocab_size, out.base_bytes.size(), bpe::first_base + out.base_bytes.size()));
  for (std::size_t b = 0; b < 256; ++b) {
    const std::uint8_t f = fold(static_cast<std::uint8_t>(b));
    out.normalise[b] = base[f] ? f : o.rare_byte;
  }
  std::array<std::uint8_t, 256> token_of{};
  for (std::size_t i = 0; i < out.base_bytes.size(); ++i)
    token_of[out.base_bytes[i]] = static_cast<std::uint8_t>(bpe::first_base + i);
  std::vector<std::vector<std::uint8_t>> seqs;
  seqs.reserve(texts.size());
  for (const std::string& t : texts) {
    std::vector<std::uint8_t> s;
    s.reserve(t.size());
    for (char c : t) s.push_back(token_of[out.normalise[static_cast<std::uint8_t>(c)]]);
    seqs.push_back(std::move(s));
  }
  while (out.vocab_size() < o.vocab_size) {
    std::vector<std::size_t> pairs(256 * 256, 0);
    for (const auto& s : seqs)
      for (std::size_t i = 0; i + 1 < s.size(); ++i) ++pairs[s[i] * 256u + s[i + 1]];
    std::size_t best = 0;
    for (std::size_t p = 1; p < pairs.size(); ++p)
      if (pairs[p] > pairs[best]) best = p;  // ties: the lowest (left, right)
    if (pairs[best] < o.min_pair_count || pairs[best] == 0) break;
    const auto left = static_cast<std::uint8_t>(best / 256), right = static_cast<std::uint8_t>(best % 256);
    const auto id = static_cast<std::uint8_t>(out.vocab_size());
    out.merges.push_back(left);
    out.merges.push_back(right);
    for (auto& s : seqs) {
      std::size_t w = 0;
      for (std::size_t r = 0; r < s.size();) {
        if (r + 1 < s.size() && s[r] == left && s[r + 1] == right) {
          s[w++] = id;
          r += 2;
        } else {
          s[w++] = s[r++];
        }
      }
      s.resize(w);
    }
  }
  if (const char* e = bpe::validate(out.view())) throw error(fmt::format("internal error: the tokenizer: {}", e));
  return out;
}

std::vector<std::uint8_t> encode(const bpe_tables& t, const std::string& text) {
  std::vector<std::uint8_t> out(tinylm::bpe::max_text);
  out.resize(tinylm::bpe::encode(t.view(), text, out.data()));
  return out;
}

}  // namespace tinylm::gen
