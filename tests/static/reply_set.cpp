// Static tests of reply_set.hpp: validation, candidates and the cursor on
// small sets worked by hand, the constrained choice, and the hand-worked
// tiny hash-MLP (support/tiny_hashmlp.hpp) decoding under a reply set.
// Compiled, never run.
#include <tinylm/hashmlp.hpp>
#include <tinylm/model.hpp>
#include <tinylm/reply_set.hpp>

#include "support/tiny_hashmlp.hpp"

namespace {

using tinylm::reply_set_view;
namespace hm = tinylm::hashmlp;

// Symbols 0..4, END = 4 (the largest, as in the hash-MLP). Replies, sorted by
// symbol value with END included: [0 1 END] [0 2 3 END] [0 2 END] [3 END].
constexpr std::uint8_t sym[] = {0, 1, 4, 0, 2, 3, 4, 0, 2, 4, 3, 4};
constexpr std::uint16_t off[] = {0, 3, 7, 10, 12};
constexpr reply_set_view set{sym, off, 4};

static_assert(tinylm::validate_replies(set, 5, 4) == nullptr);
static_assert(tinylm::validate_replies(reply_set_view{}, 5, 4) == nullptr);  // no set: unconstrained
static_assert(set.symbol_bytes() == 12 && set.length(1) == 4 && set.at(1, 2) == 3);
// A symbol outside the outputs, END not last, END missing, unsorted, a duplicate, bad offsets.
static_assert(tinylm::validate_replies(set, 4, 3) != nullptr);
constexpr std::uint8_t end_inside[] = {0, 4, 1, 4};
constexpr std::uint16_t off2[] = {0, 4};
static_assert(tinylm::validate_replies({end_inside, off2, 1}, 5, 4) != nullptr);
constexpr std::uint8_t no_end[] = {0, 1, 2, 3};
static_assert(tinylm::validate_replies({no_end, off2, 1}, 5, 4) != nullptr);
constexpr std::uint8_t two[] = {3, 4, 0, 4};
constexpr std::uint16_t off_two[] = {0, 2, 4};
static_assert(tinylm::validate_replies({two, off_two, 2}, 5, 4) != nullptr);  // [3 END] > [0 END]
constexpr std::uint8_t dup[] = {3, 4, 3, 4};
static_assert(tinylm::validate_replies({dup, off_two, 2}, 5, 4) != nullptr);
constexpr std::uint8_t prefix[] = {3, 4, 3, 1, 4};  // [3 END] then [3 1 END]: END (4) > 1, unsorted
constexpr std::uint16_t off_prefix[] = {0, 2, 5};
static_assert(tinylm::validate_replies({prefix, off_prefix, 2}, 5, 4) != nullptr);
constexpr std::uint8_t prefix_ok[] = {3, 1, 4, 3, 4};
static_assert(tinylm::validate_replies({prefix_ok, off_prefix + 0, 2}, 5, 4) != nullptr);  // offsets 0,2,5 cut it wrong
constexpr std::uint16_t off_prefix_ok[] = {0, 3, 5};
static_assert(tinylm::validate_replies({prefix_ok, off_prefix_ok, 2}, 5, 4) == nullptr);
constexpr std::uint8_t unsorted[] = {0, 1, 4, 0, 2, 4, 0, 2, 3, 4, 3, 4};  // [0 2 END] before [0 2 3 END]
constexpr std::uint16_t off_unsorted[] = {0, 3, 6, 10, 12};
static_assert(tinylm::validate_replies({unsorted, off_unsorted, 4}, 5, 4) != nullptr);
constexpr std::uint16_t off_flat[] = {0, 3, 3, 10, 12};
static_assert(tinylm::validate_replies({sym, off_flat, 4}, 5, 4) != nullptr);
constexpr std::uint16_t off_late[] = {1, 3, 6, 10, 12};
static_assert(tinylm::validate_replies({sym, off_late, 4}, 5, 4) != nullptr);
// An offset past the symbols that a later, smaller offset hides: the last
// offset (7) is all a reader checks against the tensor, so validation must
// refuse the set before it reads the first reply's 8 symbols (found by
// fuzz_model_file; tests/fuzz/regressions/model_file). No END stops the walk
// early, and a read past no_end_7[] is not a constant expression: checking
// the offsets while reading the replies fails to compile here.
constexpr std::uint8_t no_end_7[] = {0, 1, 2, 3, 0, 1, 2};
constexpr std::uint16_t off_overshoot[] = {0, 8, 7};
static_assert(tinylm::validate_replies({no_end_7, off_overshoot, 2}, 5, 4) != nullptr);

// Candidates and the cursor.
struct walk {
  std::size_t m0, m1, m2;
  std::uint8_t c0[4], c1[4], c2[4];
  tinylm::reply_cursor after0, after2;
};
constexpr walk walk_0_2() {
  walk w{};
  tinylm::reply_cursor c = tinylm::reply_start(set);
  w.m0 = tinylm::reply_candidates(set, c, w.c0);  // {0, 3}
  c = tinylm::reply_advance(set, c, 0);
  w.after0 = c;                                   // replies 0..2, k = 1
  w.m1 = tinylm::reply_candidates(set, c, w.c1);  // {1, 2}
  c = tinylm::reply_advance(set, c, 2);
  w.after2 = c;                                   // replies 1..2, k = 2
  w.m2 = tinylm::reply_candidates(set, c, w.c2);  // {3, END}
  return w;
}
constexpr walk w = walk_0_2();
static_assert(w.m0 == 2 && w.c0[0] == 0 && w.c0[1] == 3);
static_assert(w.after0.lo == 0 && w.after0.hi == 3 && w.after0.k == 1);
static_assert(w.m1 == 2 && w.c1[0] == 1 && w.c1[1] == 2);
static_assert(w.after2.lo == 1 && w.after2.hi == 3 && w.after2.k == 2);
static_assert(w.m2 == 2 && w.c2[0] == 3 && w.c2[1] == 4);

// The choice: the best allowed logit wins over a better forbidden one; ties go
// to the lowest symbol; with no set it is plain argmax over all logits.
constexpr std::size_t pick(const std::int16_t (&logits)[5], const reply_set_view& s, tinylm::reply_cursor c) {
  tinylm::xorshift32 rng(1);
  return tinylm::choose_symbol(logits, 5, s, c, 0, 0, rng);
}
constexpr std::int16_t l1[5] = {10, 99, 50, 20, 30};
static_assert(pick(l1, set, tinylm::reply_start(set)) == 3);        // 1 and 2 are not first symbols
static_assert(pick(l1, reply_set_view{}, {}) == 1);                   // unconstrained
constexpr std::int16_t l2[5] = {20, 99, 50, 20, 30};
static_assert(pick(l2, set, tinylm::reply_start(set)) == 0);        // tie 0 / 3: the lower symbol
static_assert(pick(l2, set, w.after2) == 4);                        // {3, END}: END 30 > 20
// Sampling draws one number and returns a candidate, whatever the weights.
constexpr bool sampled_is_candidate() {
  for (std::uint32_t seed = 1; seed < 200; ++seed) {
    tinylm::xorshift32 rng(seed);
    const std::size_t s = tinylm::choose_symbol(l1, 5, set, w.after0, 256, 0, rng);
    if (s != 1 && s != 2) return false;
    tinylm::xorshift32 a(seed), b(seed);
    tinylm::choose_symbol(l1, 5, set, w.after0, 256, 0, a);
    b.next();
    if (a.next() != b.next()) return false;  // exactly one draw
  }
  return true;
}
static_assert(sampled_is_candidate());

// ---- the tiny hash-MLP under a reply set ----------------------------------------------
// Symbols H 0, I 1, ! 2, END 3. Replies "HI" [0 1 3] and "I!" [1 2 3].
struct tiny_hi : tinylm_test::tiny_hashmlp {
  static constexpr std::size_t reply_count = 2;
  static constexpr std::uint8_t reply_symbols[] = {0, 1, 3, 1, 2, 3};
  static constexpr std::uint16_t reply_offsets[] = {0, 3, 6};
};
static_assert(hm::view_of<tiny_hi>().replies.count == 2 && hm::view_of<tinylm_test::tiny_hashmlp>().replies.empty());
// "hi": free argmax says "HI!" then END; the set has no "HI!", so after "HI" only END is left.
static_assert(tinylm::reply<tinylm_test::tiny_hashmlp>("hi") == "HI!");
static_assert(tinylm::reply<tiny_hi>("hi") == "HI");
// "yo": free argmax says "!" (1 against H 0, I 0, END 0: the support header's
// formulas with only u4 = 255 non-zero); the set allows H and I, tied at 0:
// H; then only "HI" is alive.
static_assert(tinylm::reply<tinylm_test::tiny_hashmlp>("yo") == "!");
static_assert(tinylm::reply<tiny_hi>("yo") == "HI");
// A long prompt, which free decoding answers with "!!!..." up to the limit,
// gets a reply of the set: H and I tie at 0 (no greeting, empty context).
static_assert(hm::generate<tinylm_test::tiny_hashmlp, 32>("this prompt is long enough", 1, 8) == "!!!!!!!!");
static_assert(hm::generate<tiny_hi, 32>("this prompt is long enough", 1, 8) == "HI");
// A max_length that no reply fits leaves a prefix of a reply.
static_assert(hm::generate<tiny_hi, 32>("hi", 1, 1) == "H");
// Replies longer than max_length are not live while a shorter one fits:
// "HI!" [0 1 2 3] and "I" [1 3].
struct tiny_room : tinylm_test::tiny_hashmlp {
  static constexpr std::size_t reply_count = 2;
  static constexpr std::uint8_t reply_symbols[] = {0, 1, 2, 3, 1, 3};
  static constexpr std::uint16_t reply_offsets[] = {0, 4, 6};
};
static_assert(hm::generate<tiny_room, 32>("hi", 1, 8) == "HI!");
static_assert(hm::generate<tiny_room, 32>("hi", 1, 2) == "I");
static_assert(hm::generate<tiny_room, 2>("hi") == "I");  // the capacity is a limit too
constexpr bool room_filters() {
  tinylm::reply_cursor c = tinylm::reply_start(set, 1);  // [0 1 END] [0 2 3 END] [0 2 END] [3 END]
  std::uint8_t out[4] = {};
  const std::size_t m = tinylm::reply_candidates(set, c, out);
  c = tinylm::reply_advance(set, c, 0);
  std::uint8_t out2[4] = {};
  const std::size_t m2 = tinylm::reply_candidates(set, c, out2);  // all three too long: all live
  return m == 1 && out[0] == 3 && m2 == 2 && out2[0] == 1 && out2[1] == 2 && c.room == 1;
}
static_assert(room_filters());
// A model whose reply set is malformed is refused like any bad shape.
constexpr hm::model_view bad_set() {
  hm::model_view v = hm::view_of<tiny_hi>();
  v.replies.offsets = off_late;
  return v;
}
static_assert(hm::validate(bad_set()) != nullptr && hm::generate<8>(bad_set(), "hi", 1).empty());
// The gathered list is in every workspace (S + 1 int16); the set adds only ROM (6 + 2 * 3).
static_assert(hm::plan<tiny_hi, 32>().peak_ram == hm::plan<tinylm_test::tiny_hashmlp, 32>().peak_ram);
static_assert(hm::plan<tiny_hi, 32>().rom_bytes == hm::plan<tinylm_test::tiny_hashmlp, 32>().rom_bytes + 12);

}  // namespace
