// Static tests of the weight formats chosen per matrix (tinylm/weight_format.hpp)
// in the transformer: the row layout, validation, and the forward pass of
// tests/support/tiny_transformer_compact.hpp (every format in several roles),
// checked by the compiler against the independent Python model
// (tests/golden/transformer_tiny.py), resident and streamed.
#include <tinylm/model.hpp>
#include <tinylm/staged.hpp>
#include <tinylm/transformer.hpp>
#include <tinylm/weight_format.hpp>

#include "golden/transformer_compact_golden.hpp"
#include "support/tiny_transformer.hpp"
#include "support/tiny_transformer_compact.hpp"

namespace {

namespace tf = tinylm::transformer;
namespace st = tinylm::staged;
using tinylm::weight_format;
using tinylm_test::tiny_transformer_compact;
namespace golden = tinylm_test::tiny_transformer_compact_golden;

// ---- the row layout -------------------------------------------------------------
// A compact row is its exponent byte and the packed codes; an int8 row its codes.
static_assert(tinylm::row_stride(weight_format::int8, 8) == 8 && tinylm::row_stride(weight_format::int4, 8) == 5 &&
              tinylm::row_stride(weight_format::int2, 8) == 3 && tinylm::row_stride(weight_format::ternary, 8) == 3);
static_assert(tinylm::row_stride(weight_format::int4, 7) == 5 && tinylm::row_stride(weight_format::int2, 9) == 4 &&
              tinylm::row_stride(weight_format::ternary, 11) == 4 && tinylm::row_stride(weight_format::ternary, 10) == 3);
static_assert(tinylm::fits_24_bits(weight_format::int8, 511) && !tinylm::fits_24_bits(weight_format::int8, 512));
static_assert(tinylm::fits_24_bits(weight_format::ternary, 65535) && !tinylm::fits_24_bits(weight_format::ternary, 65536));
static_assert(tinylm::fits_24_bits(weight_format::int4, 8191) && !tinylm::fits_24_bits(weight_format::int4, 8192));

// pack_row, then the row product: codes 3, -8, 7 (int4) with exponent 2 times
// x = 10, 1, -2: 30 - 8 - 14 = 8, requantized by shift 3 - 2 = 1: 4.
constexpr std::int32_t packed_product(weight_format f, int e, int shift) {
  const std::int8_t q[3] = {static_cast<std::int8_t>(f == weight_format::int4 ? 3 : 1),
                            static_cast<std::int8_t>(f == weight_format::int4 ? -8 : -1),
                            static_cast<std::int8_t>(f == weight_format::int4 ? 7 : 0)};
  const std::int8_t x[3] = {10, 1, -2};
  std::int8_t row[4] = {};
  tinylm::pack_row(f, q, 3, e, row);
  return tinylm::requantized_row(f, row, x, 3, shift);
}
static_assert(packed_product(weight_format::int4, 2, 3) == 4);
static_assert(packed_product(weight_format::int4, 0, 0) == 8);
static_assert(packed_product(weight_format::ternary, 3, 0) == 72);  // (10 - 1) * 2^3
static_assert(packed_product(weight_format::int2, 7, 0) == 9 * 128);
static_assert(packed_product(weight_format::int8, 5, 0) == 9);       // int8 rows have no exponent

// The exponent byte: only its low three bits are read; validation rejects the rest.
constexpr const char* validate_row(std::int8_t exponent, std::int8_t packed) {
  const std::int8_t row[2] = {exponent, packed};
  return tinylm::validate_matrix(weight_format::ternary, row, 1, 5);
}
static_assert(validate_row(7, 121) == nullptr);
static_assert(validate_row(8, 121) != nullptr && validate_row(-1, 121) != nullptr);
static_assert(validate_row(0, static_cast<std::int8_t>(243 - 256)) != nullptr);  // a ternary byte above 242

// ---- the compact model's layout, worked by hand -----------------------------------
constexpr tf::model_view view = tf::view_of<tiny_transformer_compact>();
static_assert(tf::validate_shape(view) == nullptr);
static_assert(view.format(0, tf::matrix_wq) == weight_format::int4 && view.format(1, tf::matrix_w2) == weight_format::ternary &&
              view.head_format() == weight_format::int2);
// V 24, T 12, d 8, F 12; row strides for 8 columns: int4 5, int2 3, ternary 3,
// int8 8; for 12 (W2): int4 7, int2 4, ternary 4. Layer 0: Wq int4 40 bytes,
// Wk int2 24, Wv ternary 24, Wo int8 64, W1 ternary 12 x 3, W2 int4 8 x 7;
// layer 1: Wq ternary 24, Wk int4 40, Wv int8 64, Wo int2 24, W1 int4 12 x 5,
// W2 ternary 8 x 4; the head int2 24 x 3.
static_assert(view.wq_offset(0) == 288 && view.wk_offset(0) == 328 && view.wv_offset(0) == 352 &&
              view.wo_offset(0) == 376 && view.w1_offset(0) == 440 && view.w2_offset(0) == 476);
static_assert(view.wq_offset(1) == 532 && view.wk_offset(1) == 556 && view.wv_offset(1) == 596 &&
              view.wo_offset(1) == 660 && view.w1_offset(1) == 684 && view.w2_offset(1) == 744);
static_assert(view.head_offset() == 776 && view.weight_count() == 848 &&
              sizeof(tiny_transformer_compact::weights) == 848);
static_assert(view.parameter_count() == tf::view_of<tinylm_test::tiny_transformer>().weight_count());
static_assert(tf::min_block_bytes(view) == 8);  // an embedding row: every compact row is shorter
static_assert(tf::plan(view).weight_bytes == 848 + 2 * 5 * 8 + 4 + 2 * 12 + 13);
static_assert(tf::plan(view).stages[2].weight_bytes == 40 + 24 + 24);  // layer 0's QKV

// A view whose formats say otherwise is refused: a tied head must be int8, a
// format is 0..3, and a row exponent of the weights is checked.
constexpr const char* validate_with(std::size_t index, std::uint8_t code) {
  std::uint8_t formats[13] = {};
  for (std::size_t i = 0; i < 13; ++i) formats[i] = tiny_transformer_compact::formats[i];
  formats[index] = code;
  tf::model_view v = view;
  v.formats = formats;
  return tf::validate_shape(v);
}
static_assert(validate_with(0, 1) == nullptr);
static_assert(validate_with(12, 4) != nullptr);
// Wq of layer 0 read as int2 (3-byte rows) meets a packed byte where an
// exponent should be.
static_assert(validate_with(0, 2) != nullptr);

// ---- the forward pass against the Python model --------------------------------------
constexpr bool logits_match(const golden::prompt_case& c) {
  tf::workspace_of<tiny_transformer_compact> ws;
  const tf::buffers b = ws.refs();
  std::uint8_t start[tf::max_context] = {};
  const std::size_t n = tf::start_tokens(view, std::string_view(c.prompt, c.prompt_size), start);
  for (std::size_t p = 0; p < n; ++p) tf::step(view, b, start[p], p);
  for (std::size_t v = 0; v < view.vocab; ++v)
    if (ws.logits[v] != c.logits[v]) return false;
  return true;
}
static_assert(logits_match(golden::prompts[1]));
static_assert(logits_match(golden::prompts[2]));

constexpr bool reply_matches(const golden::prompt_case& c) {
  return tinylm::reply<tiny_transformer_compact>(std::string_view(c.prompt, c.prompt_size)) ==
         std::string_view(c.reply, c.reply_size);
}
static_assert(reply_matches(golden::prompts[0]));
static_assert(reply_matches(golden::prompts[3]));

// Streamed through a stage buffer of one row (8 bytes) and of 50: the same reply.
template <std::size_t BufferBytes>
constexpr bool staged_matches(const golden::prompt_case& c) {
  tf::model_view v = view;
  v.weights = nullptr;
  tf::workspace_of<tiny_transformer_compact> ws;
  std::int8_t buffer[BufferBytes] = {};
  st::array_reader reader{tiny_transformer_compact::weights, view.weight_count()};
  const auto r = st::generate_staged<64>(v, ws.refs(), reader, buffer, BufferBytes,
                                         std::string_view(c.prompt, c.prompt_size), tiny_transformer_compact::default_seed);
  return r.ok && r.text == std::string_view(c.reply, c.reply_size);
}
static_assert(staged_matches<8>(golden::prompts[1]));
static_assert(staged_matches<50>(golden::prompts[3]));
static_assert(!staged_matches<7>(golden::prompts[1]));  // shorter than a row: refused

}  // namespace
