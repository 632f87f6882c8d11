// The transformer trainer: `tinylm-gen train transformer`.
//
// The float network is the integer model of include/tinylm/transformer.hpp
// with its numbers in float: the same pre-norm layers, RMSNorm without
// epsilon, ReLU, the attention scale 2^-attention_shift(hd) (1/4 for a head
// of 8, not 1/sqrt(8)), the same causal softmax. Quantisation-aware
// (after warmup_fraction of the steps): every weight tensor is rounded to
// its format's grid: int8 with a power-of-two fraction chosen from its
// largest value; a compact format (int4, int2, ternary: shape.formats) with
// a power-of-two step per row, the one of the smallest squared error, as the
// tensor fraction and a row exponent 0..7 (tinylm/weight_format.hpp);
// every matmul input and the q, k, v, attention and FFN outputs to theirs
// (fractions from running maxima; values beyond the int8 range clip), the
// gains and every addition to the residual stream to Q8.8; the backward pass
// is the straight-through estimator (a clipped value passes no gradient).
// Forward and backward are written out by hand (llm.c's order), checked
// against finite differences in the tests.
//
// Regularisation: typo augmentation of chat prompts (corpus/augment.hpp:
// every epoch each prompt gets an edit with probability typo, a second with
// typo^2, a third with typo^3) and weight decay.
//
// Sequences: chat lines `prompt | REPLY` become END, the prompt's last
// prompt_room() tokens, SEP, the reply, END; the loss is on the reply's
// tokens and the final END. Text lines become END, the text, END (windows
// of the context when longer); the loss is on every token after the first.
//
// Training: AdamW (decoupled weight decay on the matrices and embeddings),
// linear warm-up, cosine decay; mini-batches of sequences in a seeded
// shuffled order; per-sequence gradients summed in sequence order, so the
// result is the same whatever the thread count. The integer model (the
// library's own generate and step) is scored on the validation lines after
// every epoch - exact replies for chat, bits per byte for text - and the best
// checkpoint is kept (ties: the later).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "corpus/chat.hpp"
#include "families/transformer/model.hpp"

namespace tinylm::gen {

struct transformer_options {
  transformer_shape shape;
  bpe_options tokenizer;
  std::uint32_t seed = 1;
  int epochs = 40;
  std::size_t batch = 16;
  double learning_rate = 3e-3;
  double lr_floor = 0.05;         // the last learning rate, as a fraction
  double warmup = 0.03;           // fraction of the steps with a linear warm-up
  double weight_decay = 0.01;
  double qat_start = 0.25;        // fraction of the steps before the quantised forward starts
  double typo = 0.5;              // chat: per epoch and prompt, P(a random edit), repeated (at most 3)
  double word_noise = 0.0;        // chat: per epoch and prompt, P(delete a word or swap two neighbours)
  std::size_t val_every = 10;     // every val_every-th line is validation (0: the training lines)
  std::vector<chat_pair> validation;  // chat: when not empty, the validation lines (all corpus lines train)
  unsigned threads = 1;
  bool progress = true;
};

// One training sequence: input tokens, and the target of each position
// (-1: no loss there).
struct token_sequence {
  std::vector<std::uint8_t> input;
  std::vector<int> target;
};

// The float network's parameters and the quantisation state.
struct float_transformer {
  transformer_shape shape;
  std::size_t vocab = 0;
  std::vector<float> params;  // every tensor, in the model_view layout order (see offsets)
  bool quantise = false;
  std::vector<int> weight_frac;   // per weight tensor (see tensor_count)
  std::vector<std::vector<int>> row_exp;  // per tensor: a compact format's row exponents (0..7), else empty
  std::vector<float> act_max;     // running maxima of the quantised activations (fraction order)
  std::vector<std::int8_t> act_frac;

  // Tensor t: [offset(t), offset(t) + size(t)).
  std::size_t tensor_count() const;
  std::size_t offset(std::size_t t) const;
  std::size_t size(std::size_t t) const;
  bool is_gain(std::size_t t) const;
  // A weight tensor's rows (outputs) and columns (size = rows * cols), and
  // its format (shape.formats for the matrices; the embeddings int8).
  std::size_t rows(std::size_t t) const;
  std::size_t cols(std::size_t t) const { return size(t) / rows(t); }
  tinylm::weight_format format(std::size_t t) const;
};

// Initialised with seeded random weights (gains 1).
float_transformer init_transformer(const transformer_shape& shape, std::size_t vocab, std::uint32_t seed);

// The mean cross-entropy (nats) of one sequence's targets; adds its gradient
// to grad (params' size) when grad is not null; updates act_max when
// track_activations.
// last_logits, when not null, receives the logits at the last position.
// weights, when not null, are forward_weights(net) computed by the caller
// (once per step, not once per sequence).
double transformer_loss(float_transformer& net, const token_sequence& seq, float* grad, bool track_activations,
                        std::vector<float>* last_logits = nullptr, const float* weights = nullptr);

// The weights the forward pass uses: the parameters, rounded to their
// formats' grids (gains to Q8.8) when quantising.
std::vector<float> forward_weights(const float_transformer& net);

// The integer model of the network (fractions from its current state).
transformer_tables export_transformer(const float_transformer& net, const bpe_tables& tokenizer);

// Sets the weight fractions from the weights and the activation fractions
// from act_max.
void update_fractions(float_transformer& net);

// Training sequences of chat pairs / text lines.
std::vector<token_sequence> chat_sequences(const bpe_tables& t, const transformer_shape& s,
                                           const std::vector<chat_pair>& pairs);
std::vector<token_sequence> text_sequences(const bpe_tables& t, const transformer_shape& s,
                                           const std::vector<std::string>& lines);

struct transformer_epoch_log {
  int epoch;
  double train_loss;
  double val_score;  // exact replies (chat) or bits per byte (text) of the integer model
};

struct transformer_result {
  transformer_tables model;  // the best checkpoint
  int best_epoch = 0;
  double best_val_score = 0;
  double best_val_float = 0;       // the same checkpoint's float network on the same lines (the QAT forward)
  std::size_t train_lines = 0, val_lines = 0, sequences = 0;
  std::vector<transformer_epoch_log> log;
};

// Exact replies of an integer chat model (argmax).
double transformer_chat_accuracy(const transformer_tables& m, const std::vector<chat_pair>& pairs);
// Bits per byte of an integer text model on lines (each line END, text, END;
// the bytes counted are the line's bytes and its end).
double transformer_bits_per_byte(const transformer_tables& m, const std::vector<std::string>& lines);

// The float network's scores: greedy exact replies (the integer model's
// decoding rule, without its KV cache) and bits per byte.
double float_chat_accuracy(float_transformer& net, const bpe_tables& t, const std::vector<chat_pair>& pairs);
double float_bits_per_byte(float_transformer& net, const bpe_tables& t, const std::vector<std::string>& lines);

transformer_result train_transformer_chat(const std::vector<chat_pair>& pairs, const transformer_options& options);
transformer_result train_transformer_text(const std::vector<std::string>& lines, const transformer_options& options);

}  // namespace tinylm::gen
