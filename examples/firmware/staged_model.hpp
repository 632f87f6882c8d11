// examples/firmware: a transformer too large for the flash of a small board,
// for staged execution (tinylm/staged.hpp). Four layers, d_model 48, 4 heads,
// FFN 96, context 10 and tinychat_transformer's 128-token vocabulary:
// 86,496 bytes of int8 weights, more than the 64 KB of flash of QEMU's
// lm3s811evb. Its weights are not trained: weight i is a fixed hash of i
// (weight_at), which is what this model is for, proving that streaming the
// weights gives the same replies as holding them. The tokenizer, gains and
// fractions (under 700 bytes) stay in the program; the weights are read from
// a file (staged_weights.cpp writes it) or, for the comparison image, a
// table in flash (weights_table).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <tinylm/transformer.hpp>
#include <tinylm/zoo/tinychat_transformer.hpp>

namespace tinylm_fw::staged_model {

namespace tf = tinylm::transformer;
using tokenizer_model = tinylm::zoo::tinychat_transformer;

inline constexpr std::size_t vocab = tokenizer_model::vocab, d_model = 48, heads = 4, layers = 4, ffn = 96,
                             context = 10, min_reply = 3;
inline constexpr std::uint32_t default_seed = 1;

// Weight i of the view's weight array (transformer.hpp's layout): the top
// bits of a 32-bit mix of i, in -32..31.
constexpr std::int8_t weight_at(std::size_t i) noexcept {
  std::uint32_t h = static_cast<std::uint32_t>(i) * 0x9E3779B1u + 0x7F4A7C15u;
  h ^= h >> 16;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  h *= 0xC2B2AE35u;
  h ^= h >> 16;
  return static_cast<std::int8_t>(static_cast<std::int8_t>(h >> 24) / 4);
}

// Gains near 1.0 (Q8.8): 256 + i mod 64 - 32.
inline constexpr auto gains = [] {
  std::array<std::int16_t, (2 * layers + 1) * d_model> g{};
  for (std::size_t i = 0; i < g.size(); ++i) g[i] = static_cast<std::int16_t>(256 + static_cast<int>(i % 64) - 32);
  return g;
}();

// Fractions: embeddings 5 (|x| < 1), weights 7, activations 5, head 7.
inline constexpr auto fracs = [] {
  std::array<std::int8_t, tf::global_fracs + layers * tf::layer_fracs> f{};
  f[tf::frac_tok] = 5;
  f[tf::frac_pos] = 5;
  f[tf::frac_af] = 5;
  f[tf::frac_head] = 7;
  for (std::size_t l = 0; l < layers; ++l) {
    std::int8_t* x = f.data() + tf::global_fracs + l * tf::layer_fracs;
    x[tf::frac_a1] = x[tf::frac_q] = x[tf::frac_k] = x[tf::frac_v] = x[tf::frac_a2] = x[tf::frac_u] = 5;
    x[tf::frac_wq] = x[tf::frac_wk] = x[tf::frac_wv] = x[tf::frac_wo] = x[tf::frac_w1] = x[tf::frac_w2] = 7;
  }
  return f;
}();

// The view without its weights (weights == nullptr): what the staged runner
// takes. A resident run sets `weights` to the whole array.
constexpr tf::model_view view() noexcept {
  tf::model_view v;
  const tf::model_view t = tf::view_of<tokenizer_model>();
  v.tokenizer = t.tokenizer;
  v.vocab = vocab;
  v.d_model = d_model;
  v.heads = heads;
  v.layers = layers;
  v.ffn = ffn;
  v.context = context;
  v.min_reply = min_reply;
  v.tied = false;
  v.chat = true;
  v.gains = gains.data();
  v.fracs = fracs.data();
  return v;
}

inline constexpr std::size_t weight_bytes = view().weight_count();
static_assert(weight_bytes == 86496, "4 x (4 x 48 x 48 + 2 x 48 x 96) + 2 x 128 x 48 + 10 x 48");

using workspace = tf::workspace<vocab, d_model, layers, ffn, context>;

}  // namespace tinylm_fw::staged_model
