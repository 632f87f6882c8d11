// tinylm/hashmlp.hpp - the hash-MLP model family (the Z80-uLM class, CP/M).
//
// Symbols. A model has an alphabet of S bytes (1 <= S <= 255, any byte
// values, e.g. " ABC...?!."); its output layer has S + 1 neurons: logit i
// (i < S) is alphabet[i], logit S (the last) is END.
//
// Features (input_size = 256 int16 values, all 0..255):
//   prompt' = the last max_prompt_bytes = 255 bytes of the prompt (all of it
//             when shorter; an overlong prompt is cut from the front, so the
//             work per prompt is bounded on an 8-bit target: a 255-byte ring;
//             a target that reads a longer line must keep its LAST 255 bytes);
//   context = the last min(C, n) symbols generated so far, oldest first
//             (C = the model's context_length, 0..max_context_length; before
//             any output the context is empty, so its 128 counts are all 0);
//   x[j]       = trigram_hash(prompt', 128 buckets)[j]         j <  128
//   x[128 + j] = trigram_hash(context, 128 buckets)[j]         j <  128
//   (trigram_hash.hpp: lowercase A-Z, pad with one space at each end, 8-bit
//   rotate-add hash, uint8 counts saturating at 255; any byte 0-255 is
//   valid). Counts are fed as plain integers (not Q8.8).
//
// Layers l = 0 .. L-1 (L = layer_count, 1..max_layers), sizes n_0 = 256,
//   n_1 .. n_{L-1} hidden (1..256 each), n_L = S + 1. Layer l has n_{l+1}
//   rows of n_l packed 2-bit weights {-2,-1,0,+1} (matvec_int2.hpp layout:
//   rows of (n_l + 3) / 4 bytes, least significant pair first), n_{l+1}
//   int32 biases in accumulator units and one shift s_l (0..23):
//     acc_i = bias_i + sum_j w(i, j) * in_j                    (mod 2^32)
//   hidden layers (l < L-1): ReLU with an 8-bit ceiling (relu_u8.hpp)
//     out_i = clamp(rounding_shift_right(acc_i, s_l), 0, 255)
//   output layer (l = L-1): int16 logits
//     logit_i = saturate_i16(rounding_shift_right(acc_i, s_l))
//   rounding_shift_right is the one rule of fixed_point.hpp: floor((x +
//   2^(s-1)) / 2^s), round half up. The accumulator is int32 and wraps
//   (matvec_int2: wrapping_mac), so the order of summation does not matter:
//   an 8-bit target may sum in any order and in particular skip a zero input
//   (a zero count, a zero activation: most of them) column by column, and
//   skip an all-zero weight byte, and still get the same bits.
//
// The 24-bit bound (what the Z80 / 6502 emitters rely on): every input of
//   every layer is in 0..255 (counts and activations) and |w| <= 2, so
//     |acc_i| <= fan_in * 510 + max|bias|   (fan_in = n_l)
//   and a 24-bit two's complement accumulator gives exactly the int32 value
//   (no wrap at all) when  fan_in * 510 + max|bias| < 2^23.  validate()
//   requires, per layer, the slightly stronger
//     fan_in * 510 + max|bias| + half < 2^23,  half = 2^(s_l - 1) (0 if s_l = 0)
//   so that the rounding addition acc + half also fits in 24 bits (an
//   emitter adds half, then shifts right arithmetically by s_l).
//
// Generation (one symbol per step, at most max_length and Capacity symbols):
//   step: logits = forward(prompt buckets, context);
//         k = argmax(logits) (ties: lowest index)       if inv_temp_q8 == 0
//         k = sample_top_k(logits, S+1, inv_temp_q8, top_k, rng) otherwise
//         (sampling.hpp; rng = xorshift32(seed), exactly one draw per
//         sampled step, the END step included; argmax draws nothing);
//         a model with a reply set (the view's `replies`, a model type's
//         optional reply_count / reply_symbols / reply_offsets) chooses
//         among the continuations of its replies instead (reply_set.hpp:
//         choose_symbol, room = min(max_length, Capacity)), so every reply
//         is one of the set; a step whose choice is forced (one
//         candidate: reply_set.hpp forced_symbol) skips the forward pass,
//         which could not change it;
//         k == S (END): stop; else append alphabet[k] to the output and to
//         the context (dropping the oldest symbol beyond C).
//   The prompt buckets, and layer 0's sums over them (prompt_accumulators),
//   are computed once; each step adds the context's columns. END is not
//   part of the result. Work is bounded: 255 prompt bytes hashed once, then
//   per step C bytes hashed and one forward pass.
//   A view outside the size limits (validate_shape) gives no logits and an
//   empty reply: the fixed buffers are never overrun.
//
// Cost on an 8-bit target: per step the context hash (C trigrams), then per
//   layer rows * fan_in 2-bit decodes and 24-bit adds/subtracts (add x, sub
//   x, sub 2x), no multiplier; RAM: plan<Model>(); ROM: the packed weights
//   (plan().rom_weight_bytes), biases, shifts and the alphabet.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fixed_point.hpp"
#include "fixed_string.hpp"
#include "matvec_int2.hpp"
#include "prng.hpp"
#include "relu_u8.hpp"
#include "reply_set.hpp"
#include "sampling.hpp"
#include "trigram_hash.hpp"

namespace tinylm::hashmlp {

inline constexpr std::size_t buckets = 128;                 // per text (prompt, context)
inline constexpr std::size_t input_size = 2 * buckets;      // n_0
inline constexpr std::size_t max_prompt_bytes = 255;        // the prompt's tail that is hashed
inline constexpr std::size_t max_context_length = 64;       // C
inline constexpr std::size_t max_layers = 8;                // weight layers (hidden + output)
inline constexpr std::size_t max_width = 256;               // hidden and output layer sizes
inline constexpr int max_shift = 23;
inline constexpr std::int64_t accumulator_limit = std::int64_t{1} << 23;  // 24-bit signed
inline constexpr std::int64_t max_input_times_weight = 2 * 255;            // |w| * max input

// A non-owning view of a model: what generated headers, a model file loader
// and the trainer work on.
struct model_view {
  const char* alphabet = nullptr;       // symbols() bytes
  std::size_t context_length = 0;       // C
  std::size_t layer_count = 0;          // L
  std::size_t sizes[max_layers + 1] = {};  // n_0 = 256 .. n_L = S + 1
  const std::uint8_t* weights = nullptr;   // layers laid end to end
  const std::int32_t* biases = nullptr;    // n_1 + .. + n_L values
  const std::uint8_t* shifts = nullptr;    // L values
  reply_set_view replies;                  // reply_set.hpp; empty: unconstrained

  constexpr std::size_t output_size() const noexcept { return sizes[layer_count]; }
  constexpr std::size_t symbols() const noexcept { return output_size() - 1; }
  constexpr std::size_t end_index() const noexcept { return symbols(); }
  constexpr std::size_t layer_weight_bytes(std::size_t l) const noexcept {
    return sizes[l + 1] * int2_row_bytes(sizes[l]);
  }
  constexpr std::size_t weight_offset(std::size_t l) const noexcept {
    std::size_t off = 0;
    for (std::size_t k = 0; k < l; ++k) off += layer_weight_bytes(k);
    return off;
  }
  constexpr std::size_t bias_offset(std::size_t l) const noexcept {
    std::size_t off = 0;
    for (std::size_t k = 0; k < l; ++k) off += sizes[k + 1];
    return off;
  }
  constexpr std::size_t total_weight_bytes() const noexcept { return weight_offset(layer_count); }
  constexpr std::size_t total_biases() const noexcept { return bias_offset(layer_count); }
  constexpr std::size_t hidden_layers() const noexcept { return layer_count - 1; }
  // The widest hidden layer (0 when there is none).
  constexpr std::size_t widest_hidden() const noexcept {
    std::size_t w = 0;
    for (std::size_t l = 1; l < layer_count; ++l) w = sizes[l] > w ? sizes[l] : w;
    return w;
  }
};

// A generated model type: a tag type with static constexpr plain arrays.
//   alphabet        char[]            the S symbol bytes (a string literal)
//   context_length  C
//   layer_count     L
//   layer_sizes     std::size_t[L+1]  {256, hidden..., S + 1}
//   weights         uint8_t[]         packed, layer 0 first
//   biases          int32_t[]         layer 0 first
//   shifts          uint8_t[L]
//   default_seed    uint32_t
// and optionally the decoding defaults of generate<M>() and reply<M>():
//   default_inv_temp_q8  uint16_t  (absent: 0, argmax)
//   default_top_k        size_t    (absent: 0, all candidates)
template <class M>
concept hashmlp_model = requires {
  { M::alphabet[0] } -> std::convertible_to<char>;
  { M::context_length } -> std::convertible_to<std::size_t>;
  { M::layer_count } -> std::convertible_to<std::size_t>;
  { M::layer_sizes[0] } -> std::convertible_to<std::size_t>;
  { M::weights[0] } -> std::convertible_to<std::uint8_t>;
  { M::biases[0] } -> std::convertible_to<std::int32_t>;
  { M::shifts[0] } -> std::convertible_to<std::uint8_t>;
  { M::default_seed } -> std::convertible_to<std::uint32_t>;
};

// The model's decoding defaults (see the concept).
template <class M>
inline constexpr std::uint16_t default_inv_temp_q8 = [] {
  if constexpr (requires { M::default_inv_temp_q8; }) {
    return static_cast<std::uint16_t>(M::default_inv_temp_q8);
  } else {
    return std::uint16_t{0};
  }
}();

template <class M>
inline constexpr std::size_t default_top_k = [] {
  if constexpr (requires { M::default_top_k; }) {
    return static_cast<std::size_t>(M::default_top_k);
  } else {
    return std::size_t{0};
  }
}();

// The worst-case |accumulator + rounding half| of layer l (see the contract).
constexpr std::int64_t accumulator_bound(const model_view& m, std::size_t l) noexcept {
  std::int64_t max_bias = 0;
  const std::int32_t* b = m.biases + m.bias_offset(l);
  for (std::size_t i = 0; i < m.sizes[l + 1]; ++i) {
    const std::int64_t a = b[i] < 0 ? -std::int64_t{b[i]} : std::int64_t{b[i]};
    max_bias = a > max_bias ? a : max_bias;
  }
  const int s = m.shifts[l];
  const std::int64_t half = s > 0 ? std::int64_t{1} << (s - 1) : 0;
  return static_cast<std::int64_t>(m.sizes[l]) * max_input_times_weight + max_bias + half;
}

// The shape part of validate(): layer count and sizes within the limits and
// the tables present. forward() and generate() do nothing (write no logit,
// return an empty reply) for a view that fails it, so a bad model file can
// never overrun their fixed buffers.
constexpr const char* validate_shape(const model_view& m) noexcept {
  if (m.layer_count < 1 || m.layer_count > max_layers) return "layer_count must be 1..8";
  if (m.alphabet == nullptr || m.weights == nullptr || m.biases == nullptr || m.shifts == nullptr)
    return "missing table";
  if (m.sizes[0] != input_size) return "the input layer must have 256 features";
  for (std::size_t l = 1; l < m.layer_count; ++l)
    if (m.sizes[l] < 1 || m.sizes[l] > max_width) return "hidden layers must have 1..256 neurons";
  if (m.output_size() < 2 || m.output_size() > max_width)
    return "the alphabet must have 1..255 symbols (output layer 2..256 with END)";
  if (m.context_length > max_context_length) return "context_length must be at most 64";
  return validate_replies(m.replies, m.output_size(), m.end_index());
}

// Structural check: what a loader runs before trusting a model, and what an
// emitter requires (shifts 0..23 and the 24-bit bound). nullptr when valid,
// else a description of the first problem. (The C++ forward pass itself is
// defined for every shift 0..31 and every int32 bias: the accumulator wraps.)
constexpr const char* validate(const model_view& m) noexcept {
  if (const char* e = validate_shape(m)) return e;
  for (std::size_t l = 0; l < m.layer_count; ++l) {
    if (m.shifts[l] > max_shift) return "a shift is larger than 23";
    if (accumulator_bound(m, l) >= accumulator_limit)
      return "a layer can exceed the 24-bit accumulator (fan_in * 510 + max|bias| + half >= 2^23)";
  }
  return nullptr;
}

// The view of a model type (its shape is checked at compile time).
template <hashmlp_model M>
constexpr model_view make_view() noexcept {
  model_view v;
  v.alphabet = M::alphabet;
  v.context_length = M::context_length;
  v.layer_count = M::layer_count;
  for (std::size_t l = 0; l <= M::layer_count && l <= max_layers; ++l) v.sizes[l] = M::layer_sizes[l];
  v.weights = M::weights;
  v.biases = M::biases;
  v.shifts = M::shifts;
  v.replies = reply_set_of<M>();
  return v;
}

template <hashmlp_model M>
constexpr model_view view_of() noexcept {
  static_assert(M::layer_count >= 1 && M::layer_count <= max_layers, "1..8 layers");
  static_assert(validate_shape(make_view<M>()) == nullptr, "model shape out of the limits");
  return make_view<M>();
}

// Pointers to the run-time buffers of generation (see workspace).
struct buffers {
  std::int32_t* acc0;      // n_1: layer 0's sums over the prompt's counts
  std::int16_t* x;         // 256: the features
  std::int16_t* act[2];    // the widest hidden layer each
  std::int16_t* logits;    // S + 1
  std::int16_t* gathered;  // S + 1: the reply set candidates' scores
  std::uint8_t* counts;    // 128: the prompt's counts, then the context's
  char* context;           // C: the last symbols generated
  std::uint8_t* nonzero;   // 256: the sparse matvec's list of non-zero inputs
};

// Every run-time buffer of generating with a model whose layer 0 has N1
// rows, whose widest hidden layer has H neurons (1 without one), with Out =
// S + 1 outputs and context length C: plan<M>().workspace_bytes is its
// sizeof, on the target it is compiled for.
template <std::size_t N1, std::size_t H, std::size_t Out, std::size_t C>
struct workspace {
  std::int32_t acc0[N1] = {};
  std::int16_t x[input_size] = {};
  std::int16_t act[2][H] = {};
  std::int16_t logits[Out] = {};
  std::int16_t gathered[Out] = {};
  std::uint8_t counts[buckets] = {};
  std::uint8_t nonzero[int2_index_list_bytes] = {};
  char context[C > 0 ? C : 1] = {};

  constexpr buffers refs() noexcept {
    return {acc0, x, {act[0], act[1]}, logits, gathered, counts, context, nonzero};
  }
};

// The workspace of a model loaded at run time: the limits' sizes (4,032 bytes).
using max_workspace = workspace<max_width, max_width, max_width, max_context_length>;

template <hashmlp_model M>
inline constexpr std::size_t widest_hidden_of = [] {
  std::size_t w = 1;
  for (std::size_t l = 1; l < M::layer_count; ++l) w = M::layer_sizes[l] > w ? M::layer_sizes[l] : w;
  return w;
}();

template <hashmlp_model M>
using workspace_of = workspace<M::layer_sizes[1], widest_hidden_of<M>, M::layer_sizes[M::layer_count], M::context_length>;

// The hashed part of a prompt: its last max_prompt_bytes bytes.
constexpr std::string_view prompt_tail(std::string_view prompt) noexcept {
  // (remove_prefix, not substr: substr's range check can throw, and a
  // firmware build would link the exception machinery for it)
  if (prompt.size() > max_prompt_bytes) prompt.remove_prefix(prompt.size() - max_prompt_bytes);
  return prompt;
}

// counts[0..128) = trigram_hash(prompt_tail(prompt)).
constexpr void prompt_features(std::string_view prompt, std::uint8_t* counts) noexcept {
  const std::string_view t = prompt_tail(prompt);
  trigram_hash(t.data(), t.size(), counts, buckets);
}

// x[0..256): the prompt counts, then trigram_hash of the last
// min(C, context.size()) bytes of context (counted in ctx[0..128), which may
// be prompt_buckets itself: the prompt's counts are copied to x first).
constexpr void make_features(const model_view& m, const std::uint8_t* prompt_buckets,
                             std::string_view context, std::int16_t* x, std::uint8_t* ctx) noexcept {
  if (context.size() > m.context_length) context.remove_prefix(context.size() - m.context_length);
  for (std::size_t j = 0; j < buckets; ++j) x[j] = prompt_buckets[j];
  trigram_hash(context.data(), context.size(), ctx, buckets);
  for (std::size_t j = 0; j < buckets; ++j) x[buckets + j] = ctx[j];
}

constexpr void make_features(const model_view& m, const std::uint8_t* prompt_buckets,
                             std::string_view context, std::int16_t* x) noexcept {
  std::uint8_t ctx[buckets]{};
  make_features(m, prompt_buckets, context, x, ctx);
}

// Layer l: out[0..n_{l+1}) from in[0..n_l) (out must not alias in); `bias`
// replaces the layer's biases when not nullptr; `nonzero`: room for the
// matvec's index list (int2_index_list_bytes).
constexpr void layer(const model_view& m, std::size_t l, const std::int16_t* in, std::int16_t* out,
                     const std::int32_t* bias, std::uint8_t* nonzero) noexcept {
  const std::size_t rows = m.sizes[l + 1];
  matvec_int2(m.weights + m.weight_offset(l), in, bias != nullptr ? bias : m.biases + m.bias_offset(l), out, rows,
              m.sizes[l], m.shifts[l], nonzero);
  if (l + 1 < m.layer_count) relu_u8(out, rows);
}

// logits[0..S+1) from the input features x[0..256); `layer0_bias` (n_1
// values) replaces layer 0's biases when not nullptr.
// The hidden activations go to act[0] and act[1] (the widest hidden layer
// each) in turn.
constexpr void forward_features(const model_view& m, const std::int16_t* x, std::int16_t* logits,
                                const std::int32_t* layer0_bias, std::int16_t* const act[2],
                                std::uint8_t* nonzero) noexcept {
  if (validate_shape(m) != nullptr) return;
  const std::int16_t* in = x;
  for (std::size_t l = 0; l < m.layer_count; ++l) {
    std::int16_t* out = l + 1 == m.layer_count ? logits : act[l % 2];
    layer(m, l, in, out, l == 0 ? layer0_bias : nullptr, nonzero);
    in = out;
  }
}

constexpr void forward_features(const model_view& m, const std::int16_t* x, std::int16_t* logits,
                                const std::int32_t* layer0_bias = nullptr) noexcept {
  std::int16_t act[2][max_width]{};
  std::int16_t* const refs[2] = {act[0], act[1]};
  std::uint8_t nonzero[int2_index_list_bytes]{};
  forward_features(m, x, logits, layer0_bias, refs, nonzero);
}

// Layer 0's accumulators for the prompt's counts alone (inputs 0..127; the
// context's are zero): acc0[0..n_1) = bias + the prompt columns, before the
// shift. They do not change during a reply, so generate() computes them once
// and each step adds only the context's columns (forward_from_prompt): the
// sums are modulo 2^32, so the logits are forward()'s, bit for bit. (The
// CP/M runtime does the same: its prompt pass.)
// (x: room for 256 features, nonzero for the matvec's index list: scratch.)
constexpr void prompt_accumulators(const model_view& m, const std::uint8_t* prompt_buckets, std::int32_t* acc0,
                                   std::int16_t* x, std::uint8_t* nonzero) noexcept {
  if (validate_shape(m) != nullptr) return;
  for (std::size_t j = 0; j < buckets; ++j) {
    x[j] = prompt_buckets[j];
    x[buckets + j] = 0;
  }
  matvec_int2_accumulate(m.weights, x, m.biases, acc0, m.sizes[1], input_size, nonzero);
}

// forward() from prompt_accumulators(): the same logits (in b.logits; b.x,
// b.counts and b.act are overwritten).
constexpr void forward_from_prompt(const model_view& m, const buffers& b, std::string_view context) noexcept {
  for (std::size_t j = 0; j < buckets; ++j) b.counts[j] = 0;
  make_features(m, b.counts, context, b.x, b.counts);
  forward_features(m, b.x, b.logits, b.acc0, b.act, b.nonzero);
}

// The forward pass: logits[0..S+1) for prompt counts (prompt_features) and
// the context (its last C bytes are used).
constexpr void forward(const model_view& m, const std::uint8_t* prompt_buckets,
                       std::string_view context, std::int16_t* logits) noexcept {
  std::int16_t x[input_size]{};
  make_features(m, prompt_buckets, context, x);
  forward_features(m, x, logits);
}

// Generation in the buffers b, which must be at least the view's sizes (a
// workspace of its shapes: workspace_of<M> for a model type, max_workspace
// for any view that passes validate_shape).
template <std::size_t Capacity>
constexpr fixed_string<Capacity> generate(const model_view& m, const buffers& b, std::string_view prompt,
                                          std::uint32_t seed, std::size_t max_length = Capacity,
                                          std::uint16_t inv_temp_q8 = 0, std::size_t top_k = 0) noexcept {
  fixed_string<Capacity> out;
  if (validate_shape(m) != nullptr) return out;
  prompt_features(prompt, b.counts);
  prompt_accumulators(m, b.counts, b.acc0, b.x, b.nonzero);
  xorshift32 rng(seed);
  std::size_t clen = 0;
  const std::size_t cmax = m.context_length;
  const std::size_t n = m.output_size();
  reply_cursor cursor = reply_start(m.replies, max_length < Capacity ? max_length : Capacity);
  while (out.size() < max_length && !out.full()) {
    std::size_t k = 0;
    if (!forced_symbol(m.replies, cursor, inv_temp_q8, top_k, rng, k)) {
      forward_from_prompt(m, b, std::string_view(b.context, clen));
      k = choose_symbol(b.logits, n, m.replies, cursor, inv_temp_q8, top_k, rng, b.gathered);
    }
    if (k >= m.end_index()) break;
    cursor = reply_advance(m.replies, cursor, static_cast<std::uint8_t>(k));
    const char c = m.alphabet[k];
    out.push_back(c);
    if (cmax == 0) continue;
    if (clen == cmax) {
      for (std::size_t i = 0; i + 1 < clen; ++i) b.context[i] = b.context[i + 1];
      b.context[clen - 1] = c;
    } else {
      b.context[clen++] = c;
    }
  }
  return out;
}

// Generation with a model loaded at run time: a max_workspace on the stack.
template <std::size_t Capacity>
constexpr fixed_string<Capacity> generate(const model_view& m, std::string_view prompt, std::uint32_t seed,
                                          std::size_t max_length = Capacity, std::uint16_t inv_temp_q8 = 0,
                                          std::size_t top_k = 0) noexcept {
  max_workspace ws;
  return generate<Capacity>(m, ws.refs(), prompt, seed, max_length, inv_temp_q8, top_k);
}

// Generation with a model type: its own workspace_of<M> on the stack.
template <hashmlp_model M, std::size_t Capacity = 128>
constexpr fixed_string<Capacity> generate(std::string_view prompt,
                                          std::uint32_t seed = M::default_seed,
                                          std::size_t max_length = Capacity,
                                          std::uint16_t inv_temp_q8 = default_inv_temp_q8<M>,
                                          std::size_t top_k = default_top_k<M>) noexcept {
  workspace_of<M> ws;
  return generate<Capacity>(view_of<M>(), ws.refs(), prompt, seed, max_length, inv_temp_q8, top_k);
}

// The static memory plan of generation on the machine it is compiled for:
// what a reply writes, buffer by buffer (no overlap counted, so peak_ram is
// an upper bound on the data; the call frames' saved registers and return
// addresses come on top: tests/target/firmware measures them). The weights,
// biases, shifts, alphabet and reply set stay in ROM.
struct memory_plan {
  std::size_t workspace_bytes;    // the workspace (acc0, x, act, logits, gathered, counts, the
                                  // matvec's index list, context): plan<M>() is
                                  // sizeof(workspace_of<M>), plan(view) the same layout
  std::size_t state_bytes;        // the generator's xorshift32 and reply cursor
  std::size_t output_bytes;       // the reply (a fixed_string of the capacity)
  std::size_t peak_ram;           // the sum of the above
  std::size_t rom_weight_bytes;   // packed weights
  std::size_t rom_bytes;          // weights + 4 bytes per bias + shifts + alphabet + the reply set
};

// The size of workspace<N1, H, Out, C> (int32 alignment 4).
constexpr std::size_t workspace_size(std::size_t n1, std::size_t h, std::size_t out, std::size_t c) noexcept {
  const std::size_t bytes =
      4 * n1 + 2 * input_size + 2 * 2 * h + 2 * out + 2 * out + buckets + int2_index_list_bytes + (c > 0 ? c : 1);
  return (bytes + 3) / 4 * 4;
}

template <std::size_t Capacity = 128>
constexpr memory_plan plan(const model_view& m) noexcept {
  memory_plan p{};
  const std::size_t widest = m.widest_hidden() > 0 ? m.widest_hidden() : 1;
  p.workspace_bytes = workspace_size(m.sizes[1], widest, m.output_size(), m.context_length);
  p.state_bytes = sizeof(xorshift32) + sizeof(reply_cursor);
  p.output_bytes = sizeof(fixed_string<Capacity>);
  p.peak_ram = p.workspace_bytes + p.state_bytes + p.output_bytes;
  p.rom_weight_bytes = m.total_weight_bytes();
  p.rom_bytes = p.rom_weight_bytes + 4 * m.total_biases() + m.layer_count + m.symbols() +
                (m.replies.empty() ? 0 : m.replies.symbol_bytes() + 2 * (m.replies.count + 1));
  return p;
}

template <hashmlp_model M, std::size_t Capacity = 128>
constexpr memory_plan plan() noexcept {
  static_assert(sizeof(workspace_of<M>) ==
                    workspace_size(M::layer_sizes[1], widest_hidden_of<M>, M::layer_sizes[M::layer_count], M::context_length),
                "workspace_size() must describe workspace<>'s layout");
  return plan<Capacity>(view_of<M>());
}

}  // namespace tinylm::hashmlp
