// tinylm/bpe.hpp - the byte-pair tokenizer of the transformer family.
//
// Contract
//   Token ids are bytes (a vocabulary of at most 256):
//     0                      END: ends a reply or a text, and starts every
//                            sequence (the model reads it as "begin")
//     1                      SEP: between a chat prompt and its reply
//     2 .. 2+A-1             the A base tokens: base_bytes[i] is token 2+i
//     2+A .. 2+A+M-1         the M merges: merge k (k = 0 .. M-1) is token
//                            2+A+k and stands for token merges[2k] followed
//                            by token merges[2k+1] (both < 2+A+k)
//   normalise  256 bytes, a total map from any byte to a base byte: every
//              byte 0-255 encodes (the trainer builds it: ASCII letters fold
//              to lower case, then any byte that is not a base byte maps to
//              the model's rare byte, itself a base byte).
//   encode(text):
//     1. every byte b becomes the base token of normalise[b];
//     2. for k = 0 .. M-1 in order: scanning left to right, every adjacent
//        pair (merges[2k], merges[2k+1]) not overlapping an earlier match
//        becomes token 2+A+k.
//     (Merges apply in rank order, so this equals the usual "merge the
//     lowest-ranked pair first" loop: a merge never creates a pair of a
//     lower rank.) At most max_text bytes are encoded: the LAST max_text
//     bytes of a longer text, so the work is bounded on an 8-bit target.
//   decode(tokens): the concatenation of every token's bytes (END and SEP
//     have none; a merge is its left then its right token, recursively).
//   decode(encode(s)) == normalise(s) for every byte string s of at most
//   max_text bytes (normalise applied byte by byte). Both are constexpr.
// Overflow: none; a token id outside the vocabulary decodes to nothing.
// Cost on an 8-bit target: encode is M passes over at most 255 tokens
//   (compare two bytes, copy); decode needs a stack of at most M + 1 tokens
//   or a table of each token's bytes. RAM: the token buffer (255 bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fixed_string.hpp"

namespace tinylm::bpe {

inline constexpr std::uint8_t end_token = 0;
inline constexpr std::uint8_t sep_token = 1;
inline constexpr std::size_t first_base = 2;
inline constexpr std::size_t max_vocab = 256;
inline constexpr std::size_t max_text = 255;

// A non-owning view of a tokenizer (generated headers, model files, trainer).
struct tokenizer_view {
  const std::uint8_t* normalise = nullptr;   // 256 entries
  const std::uint8_t* base_bytes = nullptr;  // A entries
  std::size_t base_count = 0;                // A
  const std::uint8_t* merges = nullptr;      // 2 M entries
  std::size_t merge_count = 0;               // M

  constexpr std::size_t vocab_size() const noexcept { return first_base + base_count + merge_count; }
};

// nullptr when the tokenizer is well formed, else the first problem.
constexpr const char* validate(const tokenizer_view& t) noexcept {
  if (t.normalise == nullptr || t.base_bytes == nullptr || (t.merge_count > 0 && t.merges == nullptr))
    return "missing tokenizer table";
  if (t.base_count < 1) return "the tokenizer has no base bytes";
  if (t.vocab_size() > max_vocab) return "the vocabulary is larger than 256";
  for (std::size_t i = 0; i < t.base_count; ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (t.base_bytes[i] == t.base_bytes[j]) return "a base byte appears twice";
  for (std::size_t b = 0; b < 256; ++b) {
    bool found = false;
    for (std::size_t i = 0; i < t.base_count && !found; ++i) found = t.base_bytes[i] == t.normalise[b];
    if (!found) return "normalise maps a byte to a byte that is not a base byte";
  }
  for (std::size_t k = 0; k < t.merge_count; ++k) {
    const std::size_t self = first_base + t.base_count + k;
    for (std::size_t s = 0; s < 2; ++s) {
      const std::size_t id = t.merges[2 * k + s];
      if (id < first_base || id >= self) return "a merge refers to END, SEP or a later token";
    }
  }
  return nullptr;
}

// The base token of a (normalised) byte; end_token if it is not a base byte.
constexpr std::uint8_t base_token(const tokenizer_view& t, std::uint8_t byte) noexcept {
  for (std::size_t i = 0; i < t.base_count; ++i)
    if (t.base_bytes[i] == byte) return static_cast<std::uint8_t>(first_base + i);
  return end_token;
}

// Encodes the last max_text bytes of text into out (room for max_text
// tokens); returns the number of tokens. A tokenizer that fails validate()
// gives 0 tokens. `token_of`: room for the 256-byte table of each byte's
// base token.
constexpr std::size_t encode(const tokenizer_view& t, std::string_view text, std::uint8_t* out,
                             std::uint8_t* token_of) noexcept {
  if (validate(t) != nullptr) return 0;
  if (text.size() > max_text) text.remove_prefix(text.size() - max_text);  // (no substr: it can throw)
  for (std::size_t b = 0; b < 256; ++b) token_of[b] = base_token(t, t.normalise[b]);
  std::size_t n = 0;
  for (char c : text) out[n++] = token_of[static_cast<std::uint8_t>(c)];
  for (std::size_t k = 0; k < t.merge_count && n > 1; ++k) {
    const std::uint8_t left = t.merges[2 * k], right = t.merges[2 * k + 1];
    const auto id = static_cast<std::uint8_t>(first_base + t.base_count + k);
    std::size_t w = 0;
    for (std::size_t r = 0; r < n;) {
      if (r + 1 < n && out[r] == left && out[r + 1] == right) {
        out[w++] = id;
        r += 2;
      } else {
        out[w++] = out[r++];
      }
    }
    n = w;
  }
  return n;
}

constexpr std::size_t encode(const tokenizer_view& t, std::string_view text, std::uint8_t* out) noexcept {
  std::uint8_t token_of[256] = {};
  return encode(t, text, out, token_of);
}

// Appends the bytes of one token to out while out.size() < limit (as many
// as fit); returns false if it stopped early. `stack`: room for the
// decoding stack, vocab_size() + 1 bytes (a merge refers to earlier tokens
// only, so the tree is at most merge_count deep).
template <std::size_t Capacity>
constexpr bool append_token(const tokenizer_view& t, std::uint8_t token, fixed_string<Capacity>& out,
                            std::size_t limit, std::uint8_t* stack) noexcept {
  std::size_t top = 0;
  stack[top++] = token;
  while (top > 0) {
    const std::size_t id = stack[--top];
    if (id < first_base || id >= t.vocab_size()) continue;
    if (id < first_base + t.base_count) {
      if (out.size() >= limit || !out.push_back(static_cast<char>(t.base_bytes[id - first_base]))) return false;
      continue;
    }
    const std::size_t k = id - first_base - t.base_count;
    stack[top++] = t.merges[2 * k + 1];  // right after left: push it first
    stack[top++] = t.merges[2 * k];
  }
  return true;
}

template <std::size_t Capacity>
constexpr bool append_token(const tokenizer_view& t, std::uint8_t token, fixed_string<Capacity>& out) noexcept {
  std::uint8_t stack[max_vocab + 1] = {};
  return append_token(t, token, out, Capacity, stack);
}

template <std::size_t Capacity>
constexpr fixed_string<Capacity> decode(const tokenizer_view& t, const std::uint8_t* tokens, std::size_t n) noexcept {
  fixed_string<Capacity> out;
  for (std::size_t i = 0; i < n; ++i)
    if (!append_token(t, tokens[i], out)) break;
  return out;
}

// The normalised text (normalise applied byte by byte, the last max_text
// bytes): what decode(encode(text)) gives.
template <std::size_t Capacity>
constexpr fixed_string<Capacity> normalised(const tokenizer_view& t, std::string_view text) noexcept {
  fixed_string<Capacity> out;
  if (text.size() > max_text) text.remove_prefix(text.size() - max_text);  // (no substr: it can throw)
  for (char c : text) out.push_back(static_cast<char>(t.normalise[static_cast<std::uint8_t>(c)]));
  return out;
}

}  // namespace tinylm::bpe
