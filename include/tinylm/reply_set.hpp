// tinylm/reply_set.hpp - the replies a chat model may give, and the decoding
// rule that keeps every reply inside that set.
//
// Data. A reply set of R replies (R <= max_replies) over a model's output
// symbols (hash-MLP: alphabet indices, END = S; transformer: token ids,
// END = bpe::end_token):
//   symbols[0 .. offsets[R])  the replies laid end to end; reply r is
//                             symbols[offsets[r] .. offsets[r + 1]); each
//                             ends with the END symbol and has no other END;
//   offsets[0 .. R]           uint16, offsets[0] = 0, strictly increasing;
//   the replies in strictly increasing lexicographic order of their symbol
//   values, END included (so no reply occurs twice).
// R == 0 (no set) means unconstrained decoding. validate_replies() checks all of it.
//
// The rule. A cursor is the range [lo, hi) of the replies that agree with
// every symbol chosen so far, k, the number of symbols chosen, and room, the
// most symbols a reply may have before its END (the family's length limit:
// the hash-MLP's max_length, the transformer's free context). It starts at
// [0, R), k = 0. Because the replies are sorted and share their first k
// symbols, symbols[offsets[r] + k] does not decrease over r in [lo, hi), and
// the replies that continue with a symbol c form one contiguous range.
//   live:       the replies in [lo, hi) that fit (length - 1 <= room); if
//               none fits, all of [lo, hi) (the reply will be cut: a prefix);
//   candidates: the distinct symbols c_0 < c_1 < ... < c_{m-1} at position k
//               of the live replies (m >= 1 while a reply is unfinished);
//   choice:     i = argmax(logits[c_0], ..., logits[c_{m-1}]) (sampling.hpp,
//               ties to the lowest i, so to the lowest symbol) when
//               inv_temp_q8 == 0, else i = sample_top_k over the same list
//               (the same one draw per step); the symbol is c_i;
//   advance:    [lo, hi) narrowed to the replies with c_i at position k; k+1.
// So a reply made under the rule is always one of the set, unless no reply
// of the set fits the room at the start (then it is a prefix of one). With R == 0 the choice is argmax or
// sample_top_k over all n logits, the families' unconstrained rule.
//
// Cost on an 8-bit target: per step one or two passes over [lo, hi) (at most
// R, fewer as the reply goes on) reading a length and a byte each, then argmax or
// sampling over m <= 256 gathered scores; RAM: the cursor (lo, hi, k) and
// the gathered list; ROM: offsets[R] + R * 2 + 2 bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "prng.hpp"
#include "sampling.hpp"

namespace tinylm {

inline constexpr std::size_t max_replies = 4096;

struct reply_set_view {
  const std::uint8_t* symbols = nullptr;
  const std::uint16_t* offsets = nullptr;  // count + 1 values
  std::size_t count = 0;                   // R; 0: no constraint

  constexpr bool empty() const noexcept { return count == 0; }
  constexpr std::size_t length(std::size_t r) const noexcept { return offsets[r + 1] - offsets[r]; }
  constexpr std::uint8_t at(std::size_t r, std::size_t k) const noexcept { return symbols[offsets[r] + k]; }
  constexpr std::size_t symbol_bytes() const noexcept { return count == 0 ? 0 : offsets[count]; }
};

// nullptr when the set is well formed for a model with `n` output symbols
// whose END is `end`, else the first problem. An empty set is valid.
// Reads offsets[0 .. count] and, only once they are known to increase,
// symbols[0 .. offsets[count]): the caller vouches for those bytes alone
// (a file reader checks that reply_symbols holds offsets[count] of them).
constexpr const char* validate_replies(const reply_set_view& s, std::size_t n, std::size_t end) noexcept {
  if (s.count == 0) return nullptr;
  if (s.count > max_replies) return "more than 4096 replies";
  if (s.symbols == nullptr || s.offsets == nullptr) return "missing reply table";
  if (s.offsets[0] != 0) return "the first reply must start at offset 0";
  for (std::size_t r = 0; r < s.count; ++r)
    if (s.offsets[r + 1] <= s.offsets[r]) return "reply offsets must increase";
  for (std::size_t r = 0; r < s.count; ++r) {
    const std::size_t len = s.length(r);
    for (std::size_t k = 0; k < len; ++k) {
      const std::size_t c = s.at(r, k);
      if (c >= n) return "a reply symbol is outside the model's outputs";
      if ((c == end) != (k + 1 == len)) return "every reply must end with END, and only there";
    }
    if (r == 0) continue;
    // strictly increasing: the first difference decides (END ends both, so
    // one reply cannot be a proper prefix of another)
    std::size_t k = 0;
    while (s.at(r - 1, k) == s.at(r, k) && s.at(r, k) != end) ++k;
    if (s.at(r - 1, k) >= s.at(r, k)) return "replies must be sorted and distinct";
  }
  return nullptr;
}

// The reply set of a generated model type: its optional members
//   reply_count (R), reply_symbols[], reply_offsets[R + 1];
// an empty set (no constraint) when it has none.
template <class M>
constexpr reply_set_view reply_set_of() noexcept {
  reply_set_view s;
  if constexpr (requires {
                  M::reply_count;
                  M::reply_symbols[0];
                  M::reply_offsets[0];
                }) {
    s.symbols = M::reply_symbols;
    s.offsets = M::reply_offsets;
    s.count = M::reply_count;
  }
  return s;
}

inline constexpr std::size_t unlimited_room = static_cast<std::size_t>(-1);

struct reply_cursor {
  std::size_t lo = 0, hi = 0, k = 0, room = unlimited_room;
};

constexpr reply_cursor reply_start(const reply_set_view& s, std::size_t room = unlimited_room) noexcept {
  return {0, s.count, 0, room};
}

// Walks the candidates of a cursor: next() gives the distinct symbols at
// position k of the live replies, ascending, one per call, then false.
struct candidate_walk {
  const reply_set_view* set;
  reply_cursor cursor;
  bool any_fits = false;
  std::size_t r = 0;
  constexpr candidate_walk(const reply_set_view& s, const reply_cursor& c) noexcept : set(&s), cursor(c), r(c.lo) {
    for (std::size_t q = c.lo; q < c.hi && !any_fits; ++q) any_fits = s.length(q) - 1 <= c.room;
  }
  constexpr bool next(std::uint8_t& symbol) noexcept {
    for (; r < cursor.hi; ++r) {
      if (any_fits && set->length(r) - 1 > cursor.room) continue;
      symbol = set->at(r, cursor.k);
      // skip the other live replies with the same symbol here
      while (r < cursor.hi && set->at(r, cursor.k) == symbol) ++r;
      return true;
    }
    return false;
  }
};

// The distinct symbols at position k of the live replies, ascending, into
// out[0 .. m); returns m.
constexpr std::size_t reply_candidates(const reply_set_view& s, const reply_cursor& c,
                                       std::uint8_t* out) noexcept {
  candidate_walk walk(s, c);
  std::size_t m = 0;
  for (std::uint8_t sym = 0; walk.next(sym);) out[m++] = sym;
  return m;
}

// The cursor after `symbol` (one of the candidates).
constexpr reply_cursor reply_advance(const reply_set_view& s, reply_cursor c, std::uint8_t symbol) noexcept {
  std::size_t lo = c.lo;
  while (lo < c.hi && s.at(lo, c.k) != symbol) ++lo;
  std::size_t hi = lo;
  while (hi < c.hi && s.at(hi, c.k) == symbol) ++hi;
  return {lo, hi, c.k + 1, c.room};
}

// When the live replies allow one next symbol only, no score can change the
// choice: forced_symbol() sets `symbol` to it and returns true, advancing
// `rng` exactly as choose_symbol would (sampling draws once whatever the
// number of candidates), so a caller may skip the forward pass whose logits
// would not be looked at. Returns false, changing nothing, with an empty set
// or two or more candidates.
constexpr bool forced_symbol(const reply_set_view& s, const reply_cursor& c, std::uint16_t inv_temp_q8,
                             std::size_t top_k, xorshift32& rng, std::size_t& symbol) noexcept {
  if (s.empty()) return false;
  candidate_walk walk(s, c);
  std::uint8_t first = 0, second = 0;
  if (!walk.next(first) || walk.next(second)) return false;
  const std::int16_t any_score = 0;
  if (inv_temp_q8 != 0) sample_top_k(&any_score, 1, inv_temp_q8, top_k, rng);
  symbol = first;
  return true;
}

// True when one reply is left: every later choice is forced (a family with
// a cache, the transformer, may then stop feeding it).
constexpr bool reply_determined(const reply_set_view& s, const reply_cursor& c) noexcept {
  return !s.empty() && c.hi - c.lo == 1;
}

// The next symbol by the rule above: over the candidates of the cursor, or
// over all n logits (n <= 256) when the set is empty. `gathered` holds the
// candidates' scores: room for n int16 (the caller's workspace).
constexpr std::size_t choose_symbol(const std::int16_t* logits, std::size_t n, const reply_set_view& s,
                                    const reply_cursor& c, std::uint16_t inv_temp_q8, std::size_t top_k,
                                    xorshift32& rng, std::int16_t* gathered) noexcept {
  if (s.empty())
    return inv_temp_q8 == 0 ? argmax(logits, n) : sample_top_k(logits, n, inv_temp_q8, top_k, rng);
  std::size_t m = 0;
  candidate_walk gather(s, c);
  for (std::uint8_t sym = 0; m < n && gather.next(sym);) gathered[m++] = logits[sym];
  const std::size_t i = inv_temp_q8 == 0 ? argmax(gathered, m) : sample_top_k(gathered, m, inv_temp_q8, top_k, rng);
  candidate_walk pick(s, c);
  std::uint8_t sym = 0;
  for (std::size_t j = 0; j <= i; ++j) pick.next(sym);
  return sym;
}

// The same with the scores gathered in a 512-byte local buffer.
constexpr std::size_t choose_symbol(const std::int16_t* logits, std::size_t n, const reply_set_view& s,
                                    const reply_cursor& c, std::uint16_t inv_temp_q8, std::size_t top_k,
                                    xorshift32& rng) noexcept {
  std::int16_t gathered[sampling_max_n] = {};
  return choose_symbol(logits, n < sampling_max_n ? n : sampling_max_n, s, c, inv_temp_q8, top_k, rng, gathered);
}

}  // namespace tinylm
