// tinylm/transformer.hpp - the transformer model family (the Soul Player
// class: a decoder-only, pre-norm transformer with int8 weights, C64).
//
// Shapes (constexpr in a model type, checked by validate_shape): vocabulary
// V = the tokenizer's (bpe.hpp, at most 256: a token is a byte), d_model d,
// heads H (head size hd = d / H), layers L, FFN width F, context T.
//
// Numbers. Every tensor is fixed point with a power-of-two scale: an int8
// weight w with fraction f stands for w / 2^f (a compact weight q of a row
// with exponent e, weight_format.hpp, for q * 2^e / 2^f), the residual stream is int16
// Q8.8 (x / 256), and every matmul input is int8 with its own fraction. The
// fractions are the model's `fracs` (int8, may be negative):
//   global  tok, pos (the embeddings), af (the final norm's output), head
//           (the output projection; the token embedding when tied)
//   layer l a1 (norm 1 output), wq, wk, wv (weights), q, k, v (outputs),
//           wo, a2 (norm 2 output), w1, u (FFN hidden), w2
// Every requantization is requantize(acc, s) of dot_int8.hpp (round half
// up; a negative s is a saturating left shift), s = (input fractions) -
// (output fraction), then a saturation (sat8, sat16) or a clamp.
//
// One token t at position p (0 <= p < T), llama2.c's order:
//   x      = sat16(requantize(tok[t], tok - 8) + requantize(pos[p], pos - 8))
//   for each layer l:
//     h    = rmsnorm(x, norm1_l)                      (rmsnorm.hpp, Q8.8)
//     a    = sat8(requantize(h, 8 - a1))
//     q    = matvec_rows(Wq, a, shift wq + a1 - q)   (and k, v alike; every
//            matrix product is weight_format.hpp's for the matrix's format:
//            a compact row's exponent e makes its shift s - e)
//     K[l][p] = k, V[l][p] = v                        (the KV cache, int8)
//     per head h (its hd columns):
//       s_j   = sat16(requantize(dot(q_h, K[l][j]_h), q + k + att_shift - 8)),
//               j = 0 .. p, the scores in Q8.8; att_shift = (ceil(log2 hd)
//               + 1) / 2: hd 4 -> 1, 8 -> 2, 16 -> 2 (the scale 2^-att_shift
//               stands for 1/sqrt(hd); the float trainer uses it exactly)
//       w_j   = exp_weights(s, p + 1, 256)            (softmax.hpp, Q0.15;
//               S = sum w_j, 32768 <= S)
//       R     = floor(2^32 / S)                       (one division per head)
//       o_h,i = sat8(rounding_shift_right64(R * sum_j w_j V[l][j]_h,i, 32))
//               (the weighted mean of the values, fraction v)
//     x    = sat16(x + requantize(Wo o, wo + v - 8))   (row by row)
//     h    = rmsnorm(x, norm2_l);  a = sat8(requantize(h, 8 - a2))
//     u    = matvec_rows(W1, a, shift w1 + a2 - u, clamp 0 .. 127)  (ReLU)
//     x    = sat16(x + requantize(W2 u, w2 + u - 8))
//   h      = rmsnorm(x, final_norm);  a = sat8(requantize(h, 8 - af))
//   logit_v = sat16(requantize(dot(head_v, a), head + af - 8))    (Q8.8)
//
// Overflow: the dot products are exact (dot_int8.hpp; fan-in at most 1024);
//   sum_j w_j v_j is at most 2^15 * 2^7 * T < 2^31; R * that < 2^48.
//
// Sequences (tokenizer: bpe.hpp). Every sequence starts with END (as
// "begin"). A chat model reads END, the prompt's tokens, SEP, and writes the
// reply; a text model reads END and the prompt and writes its continuation.
// The prompt is cut to its last T - 1 - (chat ? 1 : 0) - min_reply tokens
// so that a reply of min_reply tokens has room. Generation stops at END (or
// SEP), when the context is full (T positions: no sliding window, which
// would shift the learned positions), or at max_length bytes. The next
// token is argmax (ties: the lowest id) when inv_temp_q8 == 0, else
// sample_top_k (sampling.hpp) with one draw of xorshift32(mix_seed(seed))
// per step (prng.hpp: mixing the seed keeps the first draw of a small seed
// from always choosing token 0, END). A chat model with a reply set (the
// view's `replies`; a model type's optional reply_count / reply_symbols /
// reply_offsets, token ids ending with END) chooses among the continuations
// of its replies instead (reply_set.hpp: choose_symbol, room = T - n + 1 for
// a start sequence of n tokens: the replies that can still be written whole,
// the last token when the context is full; validate_shape requires one of
// at most min_reply tokens, so one always fits): its reply is one of the set (or a prefix of one when
// max_length cuts its bytes). Once one reply is left (reply_determined)
// the rest is forced, and no more tokens are fed through the model.
//
// Cost per token at position p: 4 d^2 + 2 d F (+ V d for the head)
// multiply-accumulates plus 2 (p + 1) d for attention; the weights stream
// once, the KV cache grows by 2 d bytes per layer. RAM: workspace<...>.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bpe.hpp"
#include "dot_int8.hpp"
#include "fixed_point.hpp"
#include "fixed_string.hpp"
#include "prng.hpp"
#include "reply_set.hpp"
#include "rmsnorm.hpp"
#include "sampling.hpp"
#include "softmax.hpp"
#include "weight_format.hpp"

namespace tinylm::transformer {

inline constexpr std::size_t max_d = 256;
inline constexpr std::size_t max_heads = 16;
inline constexpr std::size_t max_layers = 8;
inline constexpr std::size_t max_ffn = 1024;
inline constexpr std::size_t max_context = 256;

// The fractions (see the contract): global first, then per layer.
enum global_frac : std::size_t { frac_tok, frac_pos, frac_af, frac_head, global_fracs };
enum layer_frac : std::size_t {
  frac_a1, frac_wq, frac_wk, frac_wv, frac_q, frac_k, frac_v, frac_wo, frac_a2, frac_w1, frac_u, frac_w2, layer_fracs
};

// The matrices of a layer, in their weight-array order.
enum layer_matrix : std::size_t { matrix_wq, matrix_wk, matrix_wv, matrix_wo, matrix_w1, matrix_w2, layer_matrices };

// A non-owning view of a model (generated headers, model files, the trainer).
// Weights, laid end to end: tok V x d, pos T x d, per layer Wq, Wk, Wv, Wo
// (d x d), W1 (F x d), W2 (d x F), then head V x d unless tied; all
// row-major, a row per output. Each matrix has its weight format
// (weight_format.hpp: int8, or a compact format whose rows carry their
// exponent), `formats`: per layer Wq, Wk, Wv, Wo, W1, W2, then the head
// (int8 when tied: it is the token embedding); nullptr: every matrix int8.
// The embeddings are int8 (a row is read once per token: a lookup, not a
// matmul). Gains (Q8.8): per layer norm1, norm2 (d each), then the final
// norm (d).
struct model_view {
  bpe::tokenizer_view tokenizer;
  std::size_t vocab = 0, d_model = 0, heads = 0, layers = 0, ffn = 0, context = 0;
  std::size_t min_reply = 0;  // tokens kept free for the reply
  bool tied = false;          // the head is the token embedding
  bool chat = false;          // prompt, SEP, reply (else plain text)
  const std::int8_t* weights = nullptr;
  const std::int16_t* gains = nullptr;
  const std::int8_t* fracs = nullptr;  // global_fracs + layers * layer_fracs
  reply_set_view replies;              // chat: reply_set.hpp (token ids); empty: unconstrained
  const std::uint8_t* formats = nullptr;  // format_count() weight_format codes, or nullptr (all int8)

  constexpr std::size_t head_size() const noexcept { return heads == 0 ? 0 : d_model / heads; }
  constexpr std::size_t format_count() const noexcept { return layers * layer_matrices + 1; }
  constexpr weight_format format(std::size_t l, layer_matrix k) const noexcept {
    return formats == nullptr ? weight_format::int8 : static_cast<weight_format>(formats[l * layer_matrices + k]);
  }
  constexpr weight_format head_format() const noexcept {
    return formats == nullptr ? weight_format::int8 : static_cast<weight_format>(formats[layers * layer_matrices]);
  }
  // A matrix's rows and columns (its fan-in).
  constexpr std::size_t matrix_rows(layer_matrix k) const noexcept { return k == matrix_w1 ? ffn : d_model; }
  constexpr std::size_t matrix_cols(layer_matrix k) const noexcept { return k == matrix_w2 ? ffn : d_model; }
  constexpr std::size_t matrix_bytes(std::size_t l, layer_matrix k) const noexcept {
    return tinylm::matrix_bytes(format(l, k), matrix_rows(k), matrix_cols(k));
  }
  constexpr std::size_t layer_bytes(std::size_t l) const noexcept {
    std::size_t n = 0;
    for (std::size_t k = 0; k < layer_matrices; ++k) n += matrix_bytes(l, static_cast<layer_matrix>(k));
    return n;
  }
  constexpr std::size_t tok_offset() const noexcept { return 0; }
  constexpr std::size_t pos_offset() const noexcept { return vocab * d_model; }
  constexpr std::size_t layer_offset(std::size_t l) const noexcept {
    std::size_t off = pos_offset() + context * d_model;
    for (std::size_t k = 0; k < l; ++k) off += layer_bytes(k);
    return off;
  }
  constexpr std::size_t matrix_offset(std::size_t l, layer_matrix k) const noexcept {
    std::size_t off = layer_offset(l);
    for (std::size_t j = 0; j < k; ++j) off += matrix_bytes(l, static_cast<layer_matrix>(j));
    return off;
  }
  constexpr std::size_t head_bytes() const noexcept { return tinylm::matrix_bytes(head_format(), vocab, d_model); }
  constexpr std::size_t head_offset() const noexcept { return tied ? tok_offset() : layer_offset(layers); }
  // Bytes of the weight array (a byte per int8 weight; compact rows packed).
  constexpr std::size_t weight_count() const noexcept { return layer_offset(layers) + (tied ? 0 : head_bytes()); }
  // Parameters (weights, whatever their format).
  constexpr std::size_t parameter_count() const noexcept {
    return (vocab + context) * d_model + layers * (4 * d_model * d_model + 2 * d_model * ffn) + (tied ? 0 : vocab * d_model);
  }
  constexpr std::size_t gain_count() const noexcept { return (2 * layers + 1) * d_model; }
  constexpr std::size_t frac_count() const noexcept { return global_fracs + layers * layer_fracs; }
  constexpr int global(global_frac f) const noexcept { return fracs[f]; }
  constexpr int layer(std::size_t l, layer_frac f) const noexcept { return fracs[global_fracs + l * layer_fracs + f]; }
  // The matrices of layer l: where each starts in the weight array (the one
  // statement of the layer layout; the staged path reads by these offsets)...
  constexpr std::size_t wq_offset(std::size_t l) const noexcept { return matrix_offset(l, matrix_wq); }
  constexpr std::size_t wk_offset(std::size_t l) const noexcept { return matrix_offset(l, matrix_wk); }
  constexpr std::size_t wv_offset(std::size_t l) const noexcept { return matrix_offset(l, matrix_wv); }
  constexpr std::size_t wo_offset(std::size_t l) const noexcept { return matrix_offset(l, matrix_wo); }
  constexpr std::size_t w1_offset(std::size_t l) const noexcept { return matrix_offset(l, matrix_w1); }
  constexpr std::size_t w2_offset(std::size_t l) const noexcept { return matrix_offset(l, matrix_w2); }
  // ...and the matrices themselves, in a resident view.
  constexpr const std::int8_t* wq(std::size_t l) const noexcept { return weights + wq_offset(l); }
  constexpr const std::int8_t* wk(std::size_t l) const noexcept { return weights + wk_offset(l); }
  constexpr const std::int8_t* wv(std::size_t l) const noexcept { return weights + wv_offset(l); }
  constexpr const std::int8_t* wo(std::size_t l) const noexcept { return weights + wo_offset(l); }
  constexpr const std::int8_t* w1(std::size_t l) const noexcept { return weights + w1_offset(l); }
  constexpr const std::int8_t* w2(std::size_t l) const noexcept { return weights + w2_offset(l); }
  // The longest prompt kept (in tokens).
  constexpr std::size_t prompt_room() const noexcept {
    const std::size_t fixed = 1 + (chat ? 1 : 0) + min_reply;
    return context > fixed ? context - fixed : 0;
  }
};

// 2^-att_shift stands for 1/sqrt(hd): (ceil(log2 hd) + 1) / 2.
constexpr int attention_shift(std::size_t hd) noexcept {
  int c = 0;
  while ((std::size_t{1} << c) < hd) ++c;
  return (c + 1) / 2;
}

// Shapes and tables; nullptr when the model can run, else the first problem.
// generate() and step() do nothing for a view that fails it. A view whose
// weights come from elsewhere (staged.hpp) is checked with
// with_weights = false: its `weights` may be nullptr.
constexpr const char* validate_shape(const model_view& m, bool with_weights = true) noexcept {
  if (const char* e = bpe::validate(m.tokenizer)) return e;
  if (m.vocab != m.tokenizer.vocab_size()) return "the vocabulary is not the tokenizer's";
  if (m.d_model < 1 || m.d_model > max_d) return "d_model must be 1..256";
  if (m.heads < 1 || m.heads > max_heads || m.d_model % m.heads != 0) return "heads must be 1..16 and divide d_model";
  if (m.layers < 1 || m.layers > max_layers) return "layers must be 1..8";
  if (m.ffn < 1 || m.ffn > max_ffn) return "ffn must be 1..1024";
  if (m.context < 2 || m.context > max_context) return "context must be 2..256";
  if (m.prompt_room() == 0 && m.chat) return "the context leaves no room for a prompt";
  if ((with_weights && m.weights == nullptr) || m.gains == nullptr || m.fracs == nullptr) return "missing table";
  for (std::size_t i = 0; i < m.frac_count(); ++i)
    if (m.fracs[i] < -8 || m.fracs[i] > 23) return "a fraction is outside -8..23";
  if (m.formats != nullptr) {
    for (std::size_t i = 0; i < m.format_count(); ++i)
      if (!is_weight_format(m.formats[i])) return "a weight format is not 0..3 (int8, int4, int2, ternary)";
    if (m.tied && m.head_format() != weight_format::int8) return "a tied head must be int8 (it is the token embedding)";
  }
  if (with_weights && m.weights != nullptr) {
    for (std::size_t l = 0; l < m.layers; ++l)
      for (std::size_t k = 0; k < layer_matrices; ++k) {
        const auto mk = static_cast<layer_matrix>(k);
        if (const char* e = validate_matrix(m.format(l, mk), m.weights + m.matrix_offset(l, mk), m.matrix_rows(mk), m.matrix_cols(mk)))
          return e;
      }
    if (!m.tied)
      if (const char* e = validate_matrix(m.head_format(), m.weights + m.head_offset(), m.vocab, m.d_model)) return e;
  }
  if (m.replies.empty()) return nullptr;
  if (!m.chat) return "only a chat model has a reply set";
  if (const char* e = validate_replies(m.replies, m.vocab, bpe::end_token)) return e;
  std::size_t shortest = m.replies.length(0);
  for (std::size_t r = 1; r < m.replies.count; ++r) shortest = m.replies.length(r) < shortest ? m.replies.length(r) : shortest;
  if (shortest - 1 > m.min_reply) return "no reply of the reply set fits in min_reply tokens";
  return nullptr;
}

// The room for a prompt's tokens (bpe::encode gives at most max_text) and,
// in the same buffer, the start tokens (END, at most T - 1 of them, SEP).
inline constexpr std::size_t token_room = bpe::max_text + 2;

// Pointers to the run-time buffers of one model (see workspace).
struct buffers {
  std::int16_t* x;         // d: the residual stream
  std::int16_t* h;         // d: a norm's output
  std::int8_t* a;          // d: a matmul input
  std::int8_t* q;          // d
  std::int8_t* o;          // d: the attention output
  std::int8_t* u;          // F: the FFN hidden layer
  std::int16_t* scores;    // T
  std::uint16_t* weights;  // T
  std::int16_t* logits;    // V
  std::int8_t* k_cache;    // L x T x d
  std::int8_t* v_cache;    // L x T x d
  std::int32_t* acc;       // d: a head's attention sums
  std::int16_t* gathered;  // V: the reply set candidates' scores
  std::uint8_t* tokens;    // token_room: the prompt's tokens, then the start tokens
  std::uint8_t* token_of;  // 256: the tokenizer's byte table
  std::uint8_t* decoding;  // V + 1: the stack that spells a token
};

// Every run-time buffer of a model of these shapes: plan<M>().workspace_bytes
// is its sizeof, on the target it is compiled for.
template <std::size_t V, std::size_t D, std::size_t L, std::size_t F, std::size_t T>
struct workspace {
  std::int32_t acc[D] = {};
  std::int16_t x[D] = {};
  std::int16_t h[D] = {};
  std::int16_t scores[T] = {};
  std::uint16_t weights[T] = {};
  std::int16_t logits[V] = {};
  std::int16_t gathered[V] = {};
  std::int8_t a[D] = {};
  std::int8_t q[D] = {};
  std::int8_t o[D] = {};
  std::int8_t u[F] = {};
  std::int8_t k_cache[L * T * D] = {};
  std::int8_t v_cache[L * T * D] = {};
  std::uint8_t tokens[token_room] = {};
  std::uint8_t token_of[256] = {};
  std::uint8_t decoding[V + 1] = {};

  constexpr buffers refs() noexcept {
    return {x, h, a, q, o, u, scores, weights, logits, k_cache, v_cache, acc, gathered, tokens, token_of, decoding};
  }
};

namespace detail {

constexpr std::int16_t sat16_add(std::int16_t x, std::int32_t delta) noexcept {
  return saturate_i16(static_cast<std::int64_t>(x) + delta);
}

// a = sat8(requantize(rmsnorm(x, gain), 8 - frac))
constexpr void norm_to_int8(const std::int16_t* x, const std::int16_t* gain, std::int16_t* h, std::int8_t* a,
                            std::size_t d, int frac) noexcept {
  rmsnorm(x, gain, h, d);
  for (std::size_t i = 0; i < d; ++i) a[i] = saturate_i8(requantize(h[i], 8 - frac));
}

// x += requantize(W v, shift), row by row (W: d x n of format f).
constexpr void add_projection(weight_format f, const std::int8_t* W, const std::int8_t* v, std::int16_t* x,
                              std::size_t d, std::size_t n, int shift) noexcept {
  const std::size_t stride = row_stride(f, n);
  for (std::size_t i = 0; i < d; ++i) x[i] = sat16_add(x[i], requantized_row(f, W + i * stride, v, n, shift));
}

}  // namespace detail

// ---- where a step's weights come from -----------------------------------------------
// A step reads the int8 weights (the view's weight array, in the layout
// above) through a source `src`:
//   src(offset, bytes)  a pointer to bytes [offset, offset + bytes) of the
//                       array, or nullptr when they cannot be had;
//   src.block_bytes()   the most one call may ask for.
// Each matrix is asked for in blocks of whole rows (as many as a block
// holds), each embedding row on its own: so block_bytes() >= the longest
// row (d, or a matrix's row_stride: max(d, F) when every matrix is int8) is
// enough. The arithmetic does not depend on the blocks (every row is its own
// dot product), so every source gives the same bits. resident_weights is the
// view's own array (a block is a whole matrix); staged.hpp streams them
// through a reader into one stage buffer.
// The smallest block_bytes() that works: the longest row (an embedding's d
// bytes, or a matrix row's stride).
constexpr std::size_t min_block_bytes(const model_view& m) noexcept {
  std::size_t n = m.d_model;
  const auto at_least = [&](std::size_t bytes) { n = bytes > n ? bytes : n; };
  for (std::size_t l = 0; l < m.layers; ++l)
    for (std::size_t k = 0; k < layer_matrices; ++k) {
      const auto mk = static_cast<layer_matrix>(k);
      at_least(row_stride(m.format(l, mk), m.matrix_cols(mk)));
    }
  if (!m.tied) at_least(row_stride(m.head_format(), m.d_model));
  return n;
}

struct resident_weights {
  const std::int8_t* weights = nullptr;
  constexpr const std::int8_t* operator()(std::size_t offset, std::size_t) const noexcept { return weights + offset; }
  constexpr std::size_t block_bytes() const noexcept { return static_cast<std::size_t>(-1); }
};

namespace detail {

// op(W, r0, n) for the rows r0 .. r0 + n - 1 of the matrix of `rows` rows
// of `stride` bytes at `offset`, W pointing at row r0, a block at a time.
// False when a block cannot be read (or a row is larger than a block).
template <class Source, class Op>
constexpr bool for_row_blocks(Source& src, std::size_t offset, std::size_t rows, std::size_t stride, Op op) noexcept {
  const std::size_t per_block = src.block_bytes() / stride;
  if (per_block == 0) return false;
  for (std::size_t r0 = 0; r0 < rows; r0 += per_block) {
    const std::size_t n = rows - r0 < per_block ? rows - r0 : per_block;
    const std::int8_t* W = src(offset + r0 * stride, n * stride);
    if (W == nullptr) return false;
    op(W, r0, n);
  }
  return true;
}

}  // namespace detail

// One token at position p (0 <= p < T): writes K, V at p for every layer and
// the logits (V, Q8.8). Positions 0 .. p-1 must have been stepped before.
// The weights come from `src` (above); false when it failed to give some
// (the logits are then not valid). For a model that passed validate_shape
// (checked once by the caller: the tokenizer's check alone costs more than
// a token).
template <class Source>
constexpr bool step_from(const model_view& m, const buffers& b, std::uint8_t token, std::size_t p,
                         Source& src) noexcept {
  if (p >= m.context || token >= m.vocab) return true;
  const std::size_t d = m.d_model, hd = m.head_size(), T = m.context;
  // x = sat16(requantize(tok[t]) + requantize(pos[p])), one row at a time
  // (the token's part waits in acc)
  const std::int8_t* tok = src(m.tok_offset() + token * d, d);
  if (tok == nullptr) return false;
  for (std::size_t i = 0; i < d; ++i) b.acc[i] = requantize(tok[i], m.global(frac_tok) - 8);
  const std::int8_t* pos = src(m.pos_offset() + p * d, d);
  if (pos == nullptr) return false;
  for (std::size_t i = 0; i < d; ++i)
    b.x[i] = saturate_i16(static_cast<std::int64_t>(b.acc[i]) + requantize(pos[i], m.global(frac_pos) - 8));
  const int att = attention_shift(hd);
  for (std::size_t l = 0; l < m.layers; ++l) {
    const auto f = [&](layer_frac x) { return m.layer(l, x); };
    detail::norm_to_int8(b.x, m.gains + 2 * l * d, b.h, b.a, d, f(frac_a1));
    std::int8_t* kp = b.k_cache + (l * T + p) * d;
    std::int8_t* vp = b.v_cache + (l * T + p) * d;
    // y = clamp(requantize(W a, shift)) for matrix k of the layer (the rows
    // of a block at a time)
    const auto project = [&](layer_matrix k, const std::int8_t* in, std::int8_t* out, int shift, std::int32_t lo) {
      const weight_format wf = m.format(l, k);
      const std::size_t rows = m.matrix_rows(k), cols = m.matrix_cols(k);
      return detail::for_row_blocks(src, m.matrix_offset(l, k), rows, row_stride(wf, cols),
                                    [&](const std::int8_t* W, std::size_t r0, std::size_t n) {
                                      matvec_rows(wf, W, in, out + r0, n, cols, shift, lo, 127);
                                    });
    };
    // x += requantize(W v, shift)
    const auto add = [&](layer_matrix k, const std::int8_t* in, int shift) {
      const weight_format wf = m.format(l, k);
      const std::size_t rows = m.matrix_rows(k), cols = m.matrix_cols(k);
      return detail::for_row_blocks(src, m.matrix_offset(l, k), rows, row_stride(wf, cols),
                                    [&](const std::int8_t* W, std::size_t r0, std::size_t n) {
                                      detail::add_projection(wf, W, in, b.x + r0, n, cols, shift);
                                    });
    };
    if (!project(matrix_wq, b.a, b.q, f(frac_wq) + f(frac_a1) - f(frac_q), -128) ||
        !project(matrix_wk, b.a, kp, f(frac_wk) + f(frac_a1) - f(frac_k), -128) ||
        !project(matrix_wv, b.a, vp, f(frac_wv) + f(frac_a1) - f(frac_v), -128))
      return false;
    const int score_shift = f(frac_q) + f(frac_k) + att - 8;
    for (std::size_t h = 0; h < m.heads; ++h) {
      const std::size_t c0 = h * hd;
      for (std::size_t j = 0; j <= p; ++j)
        b.scores[j] = saturate_i16(requantize(dot_int8(b.q + c0, b.k_cache + (l * T + j) * d + c0, hd), score_shift));
      const std::uint32_t S = exp_weights(b.scores, p + 1, 256, b.weights);
      const std::uint64_t R = (std::uint64_t{1} << 32) / S;
      // sum_j w_j V[j] for the head's hd columns, position by position (the
      // sums are exact: any order gives the same bits).
      std::int32_t* acc = b.acc;
      for (std::size_t i = 0; i < hd; ++i) acc[i] = 0;
      for (std::size_t j = 0; j <= p; ++j) {
        const std::int32_t w = b.weights[j];
        const std::int8_t* vj = b.v_cache + (l * T + j) * d + c0;
        for (std::size_t i = 0; i < hd; ++i) acc[i] += w * vj[i];
      }
      for (std::size_t i = 0; i < hd; ++i)
        b.o[c0 + i] = saturate_i8(static_cast<std::int32_t>(
            rounding_shift_right64(static_cast<std::int64_t>(R) * acc[i], 32)));
    }
    if (!add(matrix_wo, b.o, f(frac_wo) + f(frac_v) - 8)) return false;
    detail::norm_to_int8(b.x, m.gains + (2 * l + 1) * d, b.h, b.a, d, f(frac_a2));
    if (!project(matrix_w1, b.a, b.u, f(frac_w1) + f(frac_a2) - f(frac_u), 0)) return false;  // ReLU: 0..127
    if (!add(matrix_w2, b.u, f(frac_w2) + f(frac_u) - 8)) return false;
  }
  detail::norm_to_int8(b.x, m.gains + 2 * m.layers * d, b.h, b.a, d, m.global(frac_af));
  const int head_shift = m.global(frac_head) + m.global(frac_af) - 8;
  const weight_format hf = m.head_format();
  const std::size_t head_stride = row_stride(hf, d);
  return detail::for_row_blocks(src, m.head_offset(), m.vocab, head_stride, [&](const std::int8_t* W, std::size_t r0, std::size_t n) {
    for (std::size_t v = 0; v < n; ++v)
      b.logits[r0 + v] = saturate_i16(requantized_row(hf, W + v * head_stride, b.a, d, head_shift));
  });
}

// step_from with the view's own weights.
constexpr void step_validated(const model_view& m, const buffers& b, std::uint8_t token, std::size_t p) noexcept {
  resident_weights src{m.weights};
  step_from(m, b, token, p, src);
}

constexpr void step(const model_view& m, const buffers& b, std::uint8_t token, std::size_t p) noexcept {
  if (validate_shape(m) == nullptr) step_validated(m, b, token, p);
}

// The tokens a sequence starts with: END, the prompt's last prompt_room()
// tokens, and SEP for a chat model, into b.tokens (the prompt is encoded
// there first). Returns their number (<= T).
constexpr std::size_t start_tokens(const model_view& m, const buffers& b, std::string_view prompt) noexcept {
  const std::size_t n = bpe::encode(m.tokenizer, prompt, b.tokens, b.token_of);
  const std::size_t room = m.prompt_room();
  const std::size_t first = n > room ? n - room : 0;
  const std::size_t kept = n - first;
  // tokens[first .. n) move to [1 .. 1 + kept), overlapping: up by one
  // (first == 0) from the end, else down from the start
  if (first == 0) {
    for (std::size_t i = kept; i > 0; --i) b.tokens[i] = b.tokens[i - 1];
  } else {
    for (std::size_t i = 1; i <= kept; ++i) b.tokens[i] = b.tokens[first + i - 1];
  }
  b.tokens[0] = bpe::end_token;
  std::size_t k = 1 + kept;
  if (m.chat) b.tokens[k++] = bpe::sep_token;
  return k;
}

// The same into out (room for T tokens), with the scratch on the stack.
constexpr std::size_t start_tokens(const model_view& m, std::string_view prompt, std::uint8_t* out) noexcept {
  std::uint8_t tokens[token_room] = {};
  std::uint8_t token_of[256] = {};
  buffers b{};
  b.tokens = tokens;
  b.token_of = token_of;
  const std::size_t n = start_tokens(m, b, prompt);
  for (std::size_t i = 0; i < n; ++i) out[i] = tokens[i];
  return n;
}

// Generation with the weights from `src` (step_from): stops early, with
// the reply so far, when the source fails (a staged caller checks it). The
// view must pass validate_shape (with its weights, unless they come from
// elsewhere: validate_shape(m, false)).
template <std::size_t Capacity, class Source>
constexpr fixed_string<Capacity> generate_from(const model_view& m, const buffers& b, Source& src,
                                               std::string_view prompt, std::uint32_t seed, std::size_t max_length,
                                               std::uint16_t inv_temp_q8, std::size_t top_k) noexcept {
  fixed_string<Capacity> out;
  const std::size_t n = start_tokens(m, b, prompt);
  for (std::size_t p = 0; p < n; ++p)
    if (!step_from(m, b, b.tokens[p], p, src)) return out;
  xorshift32 rng(mix_seed(seed));
  reply_cursor cursor = reply_start(m.replies, m.context - n + 1);
  for (std::size_t p = n; out.size() < max_length && !out.full();) {
    const std::size_t k = choose_symbol(b.logits, m.vocab, m.replies, cursor, inv_temp_q8, top_k, rng, b.gathered);
    if (k == bpe::end_token || k == bpe::sep_token) break;
    cursor = reply_advance(m.replies, cursor, static_cast<std::uint8_t>(k));
    bpe::append_token(m.tokenizer, static_cast<std::uint8_t>(k), out, max_length, b.decoding);
    if (p == m.context) break;  // the context is full
    if (reply_determined(m.replies, cursor)) {
      ++p;  // one reply left: the rest is forced, its logits are not needed
      continue;
    }
    if (!step_from(m, b, static_cast<std::uint8_t>(k), p++, src)) break;
  }
  return out;
}

template <std::size_t Capacity>
constexpr fixed_string<Capacity> generate(const model_view& m, const buffers& b, std::string_view prompt,
                                          std::uint32_t seed, std::size_t max_length = Capacity,
                                          std::uint16_t inv_temp_q8 = 0, std::size_t top_k = 0) noexcept {
  if (validate_shape(m) != nullptr) return {};
  resident_weights src{m.weights};
  return generate_from<Capacity>(m, b, src, prompt, seed, max_length, inv_temp_q8, top_k);
}

// A generated model type: a tag type with static constexpr scalars and plain
// arrays (see model_view for the layouts).
template <class M>
concept transformer_model = requires {
  { M::vocab } -> std::convertible_to<std::size_t>;
  { M::d_model } -> std::convertible_to<std::size_t>;
  { M::heads } -> std::convertible_to<std::size_t>;
  { M::layers } -> std::convertible_to<std::size_t>;
  { M::ffn } -> std::convertible_to<std::size_t>;
  { M::context } -> std::convertible_to<std::size_t>;
  { M::min_reply } -> std::convertible_to<std::size_t>;
  { M::tied } -> std::convertible_to<bool>;
  { M::chat } -> std::convertible_to<bool>;
  { M::normalise[0] } -> std::convertible_to<std::uint8_t>;
  { M::base_bytes[0] } -> std::convertible_to<std::uint8_t>;
  { M::base_count } -> std::convertible_to<std::size_t>;
  { M::merges[0] } -> std::convertible_to<std::uint8_t>;
  { M::merge_count } -> std::convertible_to<std::size_t>;
  { M::weights[0] } -> std::convertible_to<std::int8_t>;
  { M::gains[0] } -> std::convertible_to<std::int16_t>;
  { M::fracs[0] } -> std::convertible_to<std::int8_t>;
  { M::default_seed } -> std::convertible_to<std::uint32_t>;
};

template <transformer_model M>
constexpr model_view view_of() noexcept {
  model_view v;
  v.tokenizer.normalise = M::normalise;
  v.tokenizer.base_bytes = M::base_bytes;
  v.tokenizer.base_count = M::base_count;
  v.tokenizer.merges = M::merges;
  v.tokenizer.merge_count = M::merge_count;
  v.vocab = M::vocab;
  v.d_model = M::d_model;
  v.heads = M::heads;
  v.layers = M::layers;
  v.ffn = M::ffn;
  v.context = M::context;
  v.min_reply = M::min_reply;
  v.tied = M::tied;
  v.chat = M::chat;
  v.weights = M::weights;
  v.gains = M::gains;
  v.fracs = M::fracs;
  v.replies = reply_set_of<M>();
  if constexpr (requires { M::formats[0]; }) v.formats = M::formats;
  return v;
}

template <transformer_model M>
using workspace_of = workspace<M::vocab, M::d_model, M::layers, M::ffn, M::context>;

template <transformer_model M, std::size_t Capacity = 128>
constexpr fixed_string<Capacity> generate(std::string_view prompt, std::uint32_t seed = M::default_seed,
                                          std::size_t max_length = Capacity, std::uint16_t inv_temp_q8 = 0,
                                          std::size_t top_k = 0) noexcept {
  static_assert(validate_shape(view_of<M>()) == nullptr, "the model's shapes or tables are invalid");
  workspace_of<M> ws;
  return generate<Capacity>(view_of<M>(), ws.refs(), prompt, seed, max_length, inv_temp_q8, top_k);
}

// ---- the static memory plan -------------------------------------------------------
// A token is a fixed list of stages (embedding; per layer norm 1, QKV,
// attention, output projection, norm 2, FFN up, FFN down; final norm and
// head): the list that plan(), a staged runner and the 8-bit memory maps
// share. Weight bytes are those of the matrices' formats (one per int8
// weight) plus 2 bytes per gain.
enum class stage_kind : std::uint8_t { embedding, norm1, qkv, attention, out_proj, norm2, ffn_up, ffn_down, final_norm, head };

struct stage {
  stage_kind kind{};
  std::size_t layer = 0;
  std::size_t weight_bytes = 0;      // read by this stage
  std::size_t macs = 0;              // multiply-accumulates at the last position (p = T - 1)
};

inline constexpr std::size_t max_stages = 2 + 7 * max_layers + 1;

struct memory_plan {
  stage stages[max_stages] = {};
  std::size_t stage_count = 0;
  std::size_t weight_bytes = 0;       // the weight array + 2 bytes per gain + the fractions (+ the formats)
  std::size_t reply_set_bytes = 0;    // the reply set's symbols and offsets (0 without one)
  std::size_t largest_stage_bytes = 0;  // a stage buffer that reads every matrix whole (staged.hpp)
  std::size_t min_stage_bytes = 0;    // the smallest stage buffer that works: the longest row (max(d, F) in int8)
  std::size_t kv_cache_bytes = 0;     // 2 L T d
  std::size_t activation_bytes = 0;   // the workspace without the KV cache: acc, x, h, scores, weights,
                                      // logits, gathered, a, q, o, u, the tokens, the byte table, the decoding stack
  std::size_t workspace_bytes = 0;    // activations + KV cache (plan<M>(): sizeof(workspace_of<M>))
  std::size_t state_bytes = 0;        // the generator's xorshift32 and reply cursor
  std::size_t output_bytes = 0;       // the reply (a fixed_string of the capacity)
  std::size_t peak_ram = 0;           // workspace + state + output (the weights in ROM)
  std::size_t macs_first = 0;         // multiply-accumulates for the token at position 0
  std::size_t macs_last = 0;          // ... at position T - 1

  // The peak with staged execution (staged.hpp): the weights not in ROM,
  // a stage buffer of `stage_bytes` (>= min_stage_bytes) in RAM.
  constexpr std::size_t staged_peak_ram(std::size_t stage_bytes) const noexcept { return peak_ram + stage_bytes; }
};

template <std::size_t Capacity = 128>
constexpr memory_plan plan(const model_view& m) noexcept {
  memory_plan p;
  const std::size_t d = m.d_model, F = m.ffn, T = m.context, V = m.vocab;
  const auto add = [&](stage_kind k, std::size_t l, std::size_t bytes, std::size_t macs) {
    p.stages[p.stage_count++] = {k, l, bytes, macs};
    p.largest_stage_bytes = bytes > p.largest_stage_bytes ? bytes : p.largest_stage_bytes;
  };
  add(stage_kind::embedding, 0, 2 * d, 0);  // one row of each embedding
  for (std::size_t l = 0; l < m.layers && l < max_layers; ++l) {
    const auto bytes = [&](layer_matrix k) { return m.matrix_bytes(l, k); };
    add(stage_kind::norm1, l, 2 * d, d);
    add(stage_kind::qkv, l, bytes(matrix_wq) + bytes(matrix_wk) + bytes(matrix_wv), 3 * d * d);
    add(stage_kind::attention, l, 0, 2 * T * d);
    add(stage_kind::out_proj, l, bytes(matrix_wo), d * d);
    add(stage_kind::norm2, l, 2 * d, d);
    add(stage_kind::ffn_up, l, bytes(matrix_w1), F * d);
    add(stage_kind::ffn_down, l, bytes(matrix_w2), d * F);
  }
  add(stage_kind::final_norm, 0, 2 * d, d);
  add(stage_kind::head, 0, m.tied ? V * d : m.head_bytes(), V * d);
  p.min_stage_bytes = min_block_bytes(m);
  p.weight_bytes = m.weight_count() + 2 * m.gain_count() + m.frac_count() + (m.formats != nullptr ? m.format_count() : 0);
  p.reply_set_bytes = m.replies.empty() ? 0 : m.replies.symbol_bytes() + 2 * (m.replies.count + 1);
  p.kv_cache_bytes = 2 * m.layers * T * d;
  const std::size_t unpadded = 4 * d + 2 * d + 2 * d + 2 * T + 2 * T + 2 * V + 2 * V + d + d + d + F +
                               p.kv_cache_bytes + token_room + 256 + V + 1;
  p.workspace_bytes = (unpadded + 3) / 4 * 4;  // (int32 alignment)
  p.activation_bytes = p.workspace_bytes - p.kv_cache_bytes;
  p.state_bytes = sizeof(xorshift32) + sizeof(reply_cursor);
  p.output_bytes = sizeof(fixed_string<Capacity>);
  p.peak_ram = p.workspace_bytes + p.state_bytes + p.output_bytes;
  for (std::size_t i = 0; i < p.stage_count; ++i) p.macs_last += p.stages[i].macs;
  p.macs_first = p.macs_last - 2 * (T - 1) * d * m.layers;
  return p;
}

// The plan of a model type: its workspace figure is sizeof(workspace_of<M>)
// on the machine it is compiled for.
template <transformer_model M, std::size_t Capacity = 128>
constexpr memory_plan plan() noexcept {
  static_assert(sizeof(workspace_of<M>) == plan(view_of<M>()).workspace_bytes,
                "plan() must describe workspace<>'s layout");
  return plan<Capacity>(view_of<M>());
}

}  // namespace tinylm::transformer
