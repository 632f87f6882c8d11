// Static tests of the hash-MLP family: the forward pass of the tiny model
// (support/tiny_hashmlp.hpp) worked out by hand, and generations from the
// independent script tests/golden/hashmlp_tiny.py. Compiled, never run.
#include <tinylm/hashmlp.hpp>
#include <tinylm/model.hpp>
#include <tinylm/relu_u8.hpp>

#include "support/tiny_hashmlp.hpp"

namespace {

using tinylm_test::tiny_hashmlp;
namespace hm = tinylm::hashmlp;

constexpr hm::model_view tiny = hm::view_of<tiny_hashmlp>();

// ---- relu_u8 -----------------------------------------------------------------------
constexpr bool relu_u8_clamps() {
  std::int16_t v[6] = {-32768, -1, 0, 7, 255, 256};
  tinylm::relu_u8(v, 6);
  return v[0] == 0 && v[1] == 0 && v[2] == 0 && v[3] == 7 && v[4] == 255 && v[5] == 255;
}
static_assert(relu_u8_clamps());

// ---- the model view, validation, the 24-bit bound, the memory plan ---------------------
static_assert(hm::hashmlp_model<tiny_hashmlp>);
static_assert(tiny.symbols() == 3 && tiny.end_index() == 3 && tiny.output_size() == 4);
static_assert(tiny.layer_weight_bytes(0) == 8 * 64 && tiny.layer_weight_bytes(1) == 4 * 2);
static_assert(tiny.weight_offset(1) == 512 && tiny.total_weight_bytes() == 520);
static_assert(tiny.bias_offset(1) == 8 && tiny.total_biases() == 12 && tiny.widest_hidden() == 8);
static_assert(hm::validate(tiny) == nullptr);
// Layer 0: 256 inputs * 510 + |1000| + half 2^0 = 131561; layer 1: 8 * 510 + 255 + 0 = 4335.
static_assert(hm::accumulator_bound(tiny, 0) == 131561 && hm::accumulator_bound(tiny, 1) == 4335);

constexpr std::int32_t big_biases[] = {0, 0, 0, 0, (1 << 23) - 130560 - 1, -21, 0, 0, 0, 0, 1, 255};
constexpr hm::model_view with_biases(const std::int32_t* b) {
  hm::model_view v = tiny;
  v.biases = b;
  return v;
}
// 256 * 510 + (2^23 - 130561) + half 1 = 2^23: just outside the bound.
static_assert(hm::validate(with_biases(big_biases)) != nullptr);
constexpr std::int32_t edge_biases[] = {0, 0, 0, 0, (1 << 23) - 130560 - 2, -21, 0, 0, 0, 0, 1, 255};
static_assert(hm::validate(with_biases(edge_biases)) == nullptr);  // 2^23 - 1: inside

constexpr hm::model_view with_size(std::size_t l, std::size_t n) {
  hm::model_view v = tiny;
  v.sizes[l] = n;
  return v;
}
static_assert(hm::validate(with_size(0, 255)) != nullptr);  // the input is 256 features
static_assert(hm::validate(with_size(2, 1)) != nullptr);    // no symbol besides END
static_assert(hm::validate(with_size(1, 257)) != nullptr);  // hidden layer too wide
constexpr hm::model_view with_context(std::size_t c) {
  hm::model_view v = tiny;
  v.context_length = c;
  return v;
}
static_assert(hm::validate(with_context(64)) == nullptr && hm::validate(with_context(65)) != nullptr);
// A view outside the limits: generate returns nothing, forward writes no logit.
static_assert(hm::generate<8>(with_size(2, 300), "hi", 1).empty());
static_assert(hm::generate<8>(with_context(65), "hi", 1).empty());
constexpr bool forward_writes_nothing() {
  std::uint8_t pb[hm::buckets]{};
  std::int16_t l[4] = {7, 7, 7, 7};
  hm::forward(with_size(1, 0), pb, "", l);
  return l[0] == 7 && l[3] == 7;
}
static_assert(forward_writes_nothing());

// Plan: the workspace is 8 int32 layer-0 sums + 256 int16 features + 2 x 8
// int16 activations + 4 int16 logits + 4 int16 gathered scores + 128 counts
// + the matvec's 256-byte index list + 4 context bytes = 32 + 512 + 32 + 8 +
// 8 + 128 + 256 + 4 = 980 bytes, its sizeof; then the rng and cursor, and
// the output. ROM 520 weight bytes + 12 * 4 biases + 2 shifts + 3 symbols.
constexpr hm::memory_plan tiny_plan = hm::plan<tiny_hashmlp, 32>();
static_assert(tiny_plan.workspace_bytes == 980 && sizeof(hm::workspace_of<tiny_hashmlp>) == 980);
static_assert(tiny_plan.peak_ram == 980 + sizeof(tinylm::xorshift32) + sizeof(tinylm::reply_cursor) +
                                        sizeof(tinylm::fixed_string<32>));
static_assert(tiny_plan.rom_weight_bytes == 520);
static_assert(sizeof(hm::max_workspace) == 4032);  // (the figure hashmlp.hpp states)
static_assert(tiny_plan.rom_bytes == 520 + 48 + 2 + 3);

// ---- features, worked by hand ---------------------------------------------------------
// "hi" is hashed as " hi ": trigrams " hi" and "hi ".
//   " hi": h = 0x20; rotl3 -> 0x01, + 'h' 0x68 = 0x69; rotl3 -> 0x4B, + 'i' 0x69 = 0xB4; & 127 = 52
//   "hi ": h = 0x68; rotl3 -> 0x43, + 0x69 = 0xAC; rotl3 -> 0x65, + 0x20 = 0x85;          & 127 = 5
// Context "H" is hashed as " h ": 0x01 + 0x68 = 0x69 -> 0x4B + 0x20 = 0x6B = 107 -> x[128 + 107].
struct features_t {
  std::int16_t x[hm::input_size];
};
constexpr features_t features(std::string_view prompt, std::string_view context) {
  std::uint8_t pb[hm::buckets]{};
  hm::prompt_features(prompt, pb);
  features_t f{};
  hm::make_features(tiny, pb, context, f.x);
  return f;
}
constexpr int feature_sum(const features_t& f) {
  int s = 0;
  for (std::int16_t v : f.x) s += v;
  return s;
}
constexpr features_t hi = features("hi", "");
static_assert(hi.x[52] == 1 && hi.x[5] == 1 && feature_sum(hi) == 2);
constexpr features_t hi_h = features("hi", "H");
static_assert(hi_h.x[235] == 1 && feature_sum(hi_h) == 3);
static_assert(feature_sum(features("", "")) == 0);  // empty prompt, empty context
// Only the last C = 4 context bytes count: "!!HI!" is hashed as "!HI!" (4 trigrams).
static_assert(feature_sum(features("", "!!HI!")) == 4 && features("", "!!HI!").x[128 + 3] == 1);
// A 300-byte prompt: its last 255 bytes, 255 trigrams (" xx", 253 x "xxx", "xx ").
constexpr char x300[] =
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
static_assert(sizeof(x300) == 301 && hm::prompt_tail(x300).size() == 255);
static_assert(feature_sum(features(x300, "")) == 255);

// ---- the hidden layer, by hand (shift 1: u = clamp((acc + 1) >> 1, 0, 255)) -------------
struct hidden_t {
  std::int16_t u[8];
};
constexpr hidden_t hidden(const features_t& f) {
  hidden_t h{};
  std::uint8_t nonzero[tinylm::int2_index_list_bytes]{};
  hm::layer(tiny, 0, f.x, h.u, nullptr, nonzero);
  return h;
}
// "hi", empty context:
//   u0 = (0 + x5 + x48 + x52 = 2 + 1) >> 1 = 1
//   u4 = (1000 + 1) >> 1 = 500 -> clamped to 255
//   u5 = (-21 + 2 + 1) >> 1 = -9 -> ReLU 0
//   u7 = (2 + 1) >> 1 = 1, every other unit 0.
constexpr hidden_t h_hi = hidden(hi);
static_assert(h_hi.u[0] == 1 && h_hi.u[1] == 0 && h_hi.u[2] == 0 && h_hi.u[3] == 0);
static_assert(h_hi.u[4] == 255 && h_hi.u[5] == 0 && h_hi.u[6] == 0 && h_hi.u[7] == 1);
// "hello": only " he" (bucket 48): u0 = (1 + 1) >> 1 = 1 (one half rounds up).
static_assert(hidden(features("hello", "")).u[0] == 1);
// "hi" after "H": u1 = (1 + 1) >> 1 = 1; u7 = (2 - x235 + 1) >> 1 = 1.
static_assert(hidden(hi_h).u[1] == 1 && hidden(hi_h).u[7] == 1);
// The 300-byte prompt: u5 = (255 - 21 + 1) >> 1 = 117.
static_assert(hidden(features(x300, "")).u[5] == 117);

// ---- logits, by hand (shift 0) -------------------------------------------------------------
struct logits_t {
  std::int16_t l[4];
};
constexpr logits_t logits(std::string_view prompt, std::string_view context) {
  std::uint8_t pb[hm::buckets]{};
  hm::prompt_features(prompt, pb);
  logits_t r{};
  hm::forward(tiny, pb, context, r.l);
  return r;
}
// "hi", empty context, from h_hi:
//   H = u0 + u7 = 2;  I = u1 - 2 u2 = 0;  ! = 1 + u2 + u5 = 1;  END = 255 - u4 = 0
constexpr logits_t l_hi = logits("hi", "");
static_assert(l_hi.l[0] == 2 && l_hi.l[1] == 0 && l_hi.l[2] == 1 && l_hi.l[3] == 0);
static_assert(tinylm::argmax(l_hi.l, 4) == 0);  // 'H'
// After "HI!": u3 = 1 -> END = 255 - 255 + 1 = 1 beats H = 1 + 1 - 2 = 0, I = 0, ! = 1 - 2 = -1.
constexpr logits_t l_end = logits("hi", "HI!");
static_assert(l_end.l[0] == 0 && l_end.l[1] == 0 && l_end.l[2] == -1 && l_end.l[3] == 1);
static_assert(tinylm::argmax(l_end.l, 4) == 3);  // END

// ---- replies: argmax by hand, sampling from tests/golden/hashmlp_tiny.py --------------------
static_assert(tinylm::reply<tiny_hashmlp>("hi") == "HI!");     // ... then END
static_assert(tinylm::reply<tiny_hashmlp>("Hello") == "HI!");
static_assert(tinylm::reply<tiny_hashmlp>("yo") == "!");
static_assert(tinylm::reply<tiny_hashmlp>("") == "!");
static_assert(tinylm::reply<tiny_hashmlp>("hi", 12345) == "HI!");  // argmax: the seed is unused
static_assert(hm::generate<tiny_hashmlp, 32>("this prompt is long enough", 1, 8) == "!!!!!!!!");
static_assert(hm::generate<tiny_hashmlp, 5>(x300) == "!!!!!");  // capacity limit
static_assert(hm::generate<tiny_hashmlp, 32>("hi", 1, 0).empty());
static_assert(hm::generate<tiny_hashmlp, 32>("hi", 1, 2) == "HI");
static_assert(hm::generate<tiny_hashmlp, 32>("hi", 1, 32, 16384) == "HH!H!HHHI!!I!HH!H!H");
static_assert(hm::generate<tiny_hashmlp, 32>("hi", 2, 32, 16384) == "HHHI");
static_assert(hm::generate<tiny_hashmlp, 32>("hi", 3, 32, 16384, 2) == "HH!HHH!HH!!!!!HH!!H!HH!HHH!HHH!H");
static_assert(hm::generate<tiny_hashmlp, 32>("yo", 7, 32, 4096) == "HH");
static_assert(hm::generate<tiny_hashmlp, 32>(std::string_view("\xff\x00hi", 4), 42, 32, 16384, 3) ==
              "HIH!!H!I!H!!!HI!HH!I!IIIIH!IIHH!");
static_assert(hm::generate<tiny_hashmlp, 32>("", 0, 32, 256) == "I");

}  // namespace
