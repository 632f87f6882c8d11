// Learning a byte-pair tokenizer (include/tinylm/bpe.hpp) from texts.
//
// Normalisation (a total table over the 256 byte values):
//   1. case folding: none (text models: the case is part of the text), to
//      lower case ('A'-'Z' become 'a'-'z') or to upper case (chat models whose
//      replies are in capitals: the prompt's case says little, and the
//      replies keep theirs);
//   2. the base bytes are the bytes (after step 1) that occur at least
//      min_count times in the texts, plus the rare byte;
//   3. every other byte maps to the rare byte ('?' by default), so any byte
//      0-255 encodes and decode(encode(s)) == normalise(s).
// Merges: the usual greedy BPE over the normalised texts (each text a
// sequence of base tokens; merges may cross spaces): count every adjacent
// pair of tokens, merge the most frequent pair everywhere (ties: the lowest
// left token id, then the lowest right id), repeat until the vocabulary
// (END, SEP, base tokens, merges) has vocab_size tokens or no pair occurs
// min_pair_count times. Deterministic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <tinylm/bpe.hpp>

namespace tinylm::gen {

enum class case_fold { none, lower, upper };

struct bpe_options {
  std::size_t vocab_size = 128;  // at most 256 (END and SEP included)
  case_fold fold = case_fold::lower;
  std::uint8_t rare_byte = '?';
  std::size_t min_count = 2;       // a byte rarer than this maps to the rare byte
  std::size_t min_pair_count = 2;  // stop merging below this
};

// An owning tokenizer.
struct bpe_tables {
  std::vector<std::uint8_t> normalise = std::vector<std::uint8_t>(256);
  std::vector<std::uint8_t> base_bytes;
  std::vector<std::uint8_t> merges;  // 2 per merge
  tinylm::bpe::tokenizer_view view() const;
  std::size_t vocab_size() const { return tinylm::bpe::first_base + base_bytes.size() + merges.size() / 2; }
};

// Throws gen::error for a vocabulary outside 3..256, or one too small for
// the base bytes.
bpe_tables train_bpe(const std::vector<std::string>& texts, const bpe_options& options);

// Tokens of a text (at most bpe::max_text of its last bytes).
std::vector<std::uint8_t> encode(const bpe_tables& t, const std::string& text);

}  // namespace tinylm::gen
