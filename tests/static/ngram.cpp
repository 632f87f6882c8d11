// Static tests of the n-gram family: values worked out by hand on the tiny
// model (support/tiny_ngram.hpp) and generations from the independent script
// tests/golden/ngram_tiny.py. Compiled, never run.
#include <tinylm/model.hpp>
#include <tinylm/ngram.hpp>
#include <tinylm/ngram_lookup.hpp>
#include <tinylm/zoo/sayings.hpp>

#include "support/tiny_ngram.hpp"

namespace {

using tinylm_test::tiny_ngram;
namespace ng = tinylm::ngram;

constexpr ng::model_view tiny = ng::view_of<tiny_ngram>();

// ---- lookup kernel -----------------------------------------------------------
constexpr std::uint8_t keys3[] = {1, 2, 3, 1, 2, 4, 1, 3, 0, 200, 0, 0};  // 4 sorted keys of 3 bytes
constexpr std::uint8_t k_120[] = {1, 2, 0};
constexpr std::uint8_t k_124[] = {1, 2, 4};
constexpr std::uint8_t k_200[] = {200, 0, 0};
constexpr std::uint8_t k_255[] = {255, 255, 255};
static_assert(ng::find_key(keys3, 4, 3, keys3) == 0);
static_assert(ng::find_key(keys3, 4, 3, k_124) == 1);
static_assert(ng::find_key(keys3, 4, 3, k_200) == 3);
static_assert(ng::find_key(keys3, 4, 3, k_120) == ng::not_found);
static_assert(ng::find_key(keys3, 4, 3, k_255) == ng::not_found);  // past the end
static_assert(ng::find_key(keys3, 0, 3, keys3) == ng::not_found);  // empty table
static_assert(ng::find_key(keys3, 1, 0, keys3) == 0);              // the empty context
static_assert(ng::compare_key(k_120, k_124, 3) == -1 && ng::compare_key(k_200, k_124, 3) == 1);

// ---- model view and validation -------------------------------------------------
static_assert(tiny.total_nodes() == 3 && tiny.total_entries() == 5 && tiny.total_key_bytes() == 2);
static_assert(ng::validate(tiny) == nullptr);
// 16-bit offsets: table 0 = 0 keys + 2 offsets * 2; table 1 = 2 keys of 1 + 3 offsets * 2; 5 entries * 2.
static_assert(ng::storage_bytes(tiny) == 4 + (2 + 6) + 10);
// The offsets of a table widen to 3 bytes above 65,535 entries.
static_assert(ng::table_storage_bytes(10, 2, 65535) == 20 + 11 * 2 + 2 * 65535);
static_assert(ng::table_storage_bytes(10, 2, 65536) == 20 + 11 * 3 + 2 * 65536);
static_assert(ng::table_storage_bytes(0, 3, 0) == 2);

constexpr ng::model_view with_bad_weights() {
  ng::model_view v = tiny;
  v.entry_weight = tiny_ngram::entry_byte;  // 'a'+'b' = 195 then 'a' = 97 < 'b': not sorted
  return v;
}
static_assert(ng::validate(with_bad_weights()) != nullptr);
constexpr ng::model_view with_order(int order) {
  ng::model_view v = tiny;
  v.order = order;
  return v;
}
static_assert(ng::validate(with_order(0)) != nullptr && ng::validate(with_order(8)) != nullptr);
// An order-1 model has no keys: a null key table is valid there, not at order 2.
constexpr ng::model_view without_keys(int order) {
  ng::model_view v = tiny;
  v.order = order;
  v.keys = nullptr;
  return v;
}
static_assert(ng::validate(without_keys(1)) == nullptr);
static_assert(ng::validate(without_keys(2)) != nullptr);

// ---- probability, worked by hand ------------------------------------------------
// After the start of a record (history "\0"): two levels, denominator 256^3.
//   P(a) = 200*256^2 + 56*(128*256 + 64*1) = 13107200 + 1838592 = 14945792
//   P(b) =   0       + 56*( 64*256 + 64)   = 921088
//   P(z) =             56*(0 + 64)         = 3584   (each of the 254 other bytes)
//   sum  = 14945792 + 921088 + 254*3584 = 16777216 = 256^3
constexpr ng::history start = ng::start_history(tiny, "");
static_assert(ng::probability(tiny, start, 'a').numerator == 14945792 && ng::probability(tiny, start, 'a').levels == 2);
static_assert(ng::probability(tiny, start, 'b').numerator == 921088);
static_assert(ng::probability(tiny, start, 'z').numerator == 3584);
static_assert(ng::probability(tiny, start, 0).numerator == 3584);
// After "x" (not in table 1): only the empty context, denominator 256^2.
constexpr ng::history after_x = ng::start_history(tiny, "x");
static_assert(ng::probability(tiny, after_x, 'a').numerator == 128 * 256 + 64 && ng::probability(tiny, after_x, 'a').levels == 1);
// After "a": P(end) = 50*256^2 + 106*(0 + 64) = 3276800 + 6784.
static_assert(ng::probability(tiny, ng::start_history(tiny, "a"), 0).numerator == 3276800 + 6784);

// ---- the sampling rule with scripted draws ---------------------------------------
struct script {
  std::uint8_t draws[4];
  int next = 0;
  constexpr std::uint8_t next_byte() { return draws[next++]; }
};
constexpr std::uint8_t sample(std::uint8_t d0, std::uint8_t d1, std::uint8_t d2) {
  script s{{d0, d1, d2, 0}};
  return ng::sample_next(tiny, start, s);
}
static_assert(sample(199, 0, 0) == 'a');        // inside "\0"'s 'a' (0-199)
static_assert(sample(200, 127, 0) == 'a');      // escape, then the empty context's 'a' (0-127)
static_assert(sample(200, 128, 0) == 'b');      // then 'b' (128-191)
static_assert(sample(255, 192, 'Q') == 'Q');    // escape twice: the uniform byte

// ---- generation: expected text from tests/golden/ngram_tiny.py ---------------------
static_assert(ng::generate<tiny_ngram, 32>("", 1) == "abba");
static_assert(ng::generate<tiny_ngram, 32>("", 2) == "abab0Sabaaa");
static_assert(ng::generate<tiny_ngram, 32>("b", 1) == "abba");
static_assert(ng::generate<tiny_ngram, 32>("\xff", 42) == std::string_view("\141\141\125\220\142\141\266\141"));
static_assert(ng::generate<tiny_ngram, 32>("", 0) == std::string_view("\141\141\142\371\142\250\142\141\141\142\141\142\141"));
// Length limits: max_length, and the capacity of the result.
static_assert(ng::generate<tiny_ngram, 32>("", 2, 3) == "aba");
static_assert(ng::generate<tiny_ngram, 2>("", 2) == "ab");
static_assert(ng::generate<tiny_ngram, 32>("", 2, 0).empty());

// ---- the bundled model -------------------------------------------------------------
static_assert(ng::validate(ng::view_of<tinylm::zoo::sayings>()) == nullptr);
static_assert(tinylm::zoo::sayings::order == 6 && ng::plan<tinylm::zoo::sayings>().rom_bytes <= 24 * 1024);
// An overlong prompt uses its last N-1 = 5 bytes.
static_assert(tinylm::reply<tinylm::zoo::sayings>("a very long prompt that ends in Q: What") ==
              tinylm::reply<tinylm::zoo::sayings>(": What"));
// The empty prompt is the start of a record: N-1 end bytes.
static_assert(tinylm::reply<tinylm::zoo::sayings>("") == tinylm::reply<tinylm::zoo::sayings>(std::string_view("\0\0\0\0\0", 5)));

}  // namespace
