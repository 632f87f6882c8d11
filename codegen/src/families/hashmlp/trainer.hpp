// The hash-MLP trainer: `tinylm-gen train hashmlp`.
//
// Corpus: chat pairs (corpus/chat.hpp).
//
// Training (float, plain C++, single-threaded, so a seed gives the same
// bytes everywhere): the network is the model's own shape 256 -> hidden ->
// S + 1 over the library's features (tinylm::hashmlp::make_features), one
// example per reply position (teacher forcing: prompt + the previous reply
// symbols -> the next symbol, END after the last), softmax cross-entropy,
// Adam on mini-batches.
// Quantisation-aware: the latent weights are in 2-bit grid units, clipped to
// [-2.5, 1.5]; the forward uses w_eff = w + lambda * (q(w) - w), q = round to
// {-2,-1,0,+1}, with lambda rising linearly from 0 to 1 over the first
// hard_fraction of the epochs (then fully hard), and the straight-through
// estimator (d w_eff / d w = 1). Each hidden layer computes
// clamp((W x + b) / 2^s, 0, 255) exactly as the integer path does (its shift
// s fixed at initialisation from the data), and rounds the activations (STE)
// once lambda = 1. Regularisation (training only, all seeded, so still
// deterministic): typo augmentation (`typo`: every epoch each training
// line's prompt gets a random edit - delete a byte, double it, swap it with
// its neighbour, replace it by or insert a random letter - with probability
// typo, a second with typo^2, a third with typo^3; the prompt counts are
// recomputed from the edited text), input dropout (`dropout`: zeroes each
// prompt count with that probability, after the typos), decoupled weight
// decay (`weight_decay`: every step w -= lr * weight_decay * w on the latent
// weights, not the biases) and label smoothing (`label_smoothing` = eps: the
// cross-entropy target is 1 - eps on the symbol plus eps / (S + 1) on every
// symbol). Learning rate per epoch e = 1..E (`lr_schedule`): "step" - lr,
// halved once lambda = 1; "cosine" - lr * (f + (1 - f) * (1 + cos(pi (e-1)
// / E)) / 2), f = lr_floor; "constant" - lr.
// The output layer's logits scale is a learned float for the loss; its
// integer shift is the smallest that keeps the training logits inside
// int16. Biases are in accumulator units, rounded and limited
// so that tinylm::hashmlp::validate() (the 24-bit bound) always passes.
// Every epoch the quantised model is built and evaluated with the library
// (tinylm::hashmlp::generate, argmax) on the validation split (every
// val_every-th line; 0: the training lines); the checkpoint with the best
// integer exact-reply accuracy (the later one on ties) is returned.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <tinylm/hashmlp.hpp>

#include "corpus/chat.hpp"
#include "corpus/reply_set.hpp"

namespace tinylm::gen {

// An owning hash-MLP model.
struct hashmlp_tables {
  std::string alphabet;
  std::size_t context_length = 0;
  std::vector<std::size_t> sizes;  // 256, hidden..., S + 1
  std::vector<std::uint8_t> weights;
  std::vector<std::int32_t> biases;
  std::vector<std::uint8_t> shifts;
  std::uint32_t default_seed = 1;
  reply_set_tables replies;        // symbols: alphabet indices, END = S; empty: unconstrained
  std::map<std::string, std::string> metadata;
  tinylm::hashmlp::model_view view() const;
};

// ---- the float network (exposed for the tests) -------------------------------
struct sparse_features {
  std::vector<std::uint16_t> index;  // increasing, < 256
  std::vector<double> value;
};

// Features of (prompt, context) with the library's hashing, as a sparse vector.
sparse_features features_of(std::size_t context_length, std::string_view prompt, std::string_view context);

struct float_mlp {
  std::vector<std::size_t> sizes;             // 256, hidden..., S + 1
  std::vector<std::vector<double>> w;         // layer l: sizes[l+1] x sizes[l], row-major, grid units
  std::vector<std::vector<double>> b;         // accumulator units
  std::vector<int> shift;                     // per layer (the last one is chosen at export)
  double log_kappa = 0;                       // the loss's logit scale
  std::size_t layers() const { return sizes.size() - 1; }
};

// Cross-entropy loss of one example; adds d loss / d parameters to *grad
// when grad != nullptr (grad must have net's shape). lambda in [0, 1] is
// the hardness of the weights; round_activations rounds hidden outputs
// (straight-through). Writes the float logits (kappa * z) when logits != nullptr.
double loss_and_grad(const float_mlp& net, double lambda, bool round_activations, const sparse_features& x,
                     std::size_t target, float_mlp* grad, std::vector<double>* logits = nullptr,
                     double smoothing = 0);

// A zeroed network of net's shape.
float_mlp zeros_like(const float_mlp& net);
// A random network (uniform latent weights, small biases), shifts 0.
float_mlp random_mlp(const std::vector<std::size_t>& sizes, std::uint64_t seed);

// The quantised model of a float network: weights rounded to the grid and
// packed, biases rounded and limited, output shift out_shift.
hashmlp_tables quantise(const float_mlp& net, const std::string& alphabet, std::size_t context_length,
                        int out_shift, std::uint32_t default_seed);

// ---- training ------------------------------------------------------------------
struct hashmlp_options {
  std::uint32_t seed = 1;
  int epochs = 30;
  std::vector<std::size_t> hidden = {256, 192, 128};
  std::size_t context = 8;
  std::size_t val_every = 10;      // every val_every-th line (index % n == n-1) is validation; 0: none
  std::size_t batch = 32;
  double learning_rate = 0.01;
  double hard_fraction = 0.6;      // lambda reaches 1 after this fraction of the epochs
  double dropout = 0.0;            // training only: each prompt trigram count is dropped with this probability
  double typo = 0.0;               // training only: per epoch and line, P(a random edit of the prompt), repeated (<= 3)
  double weight_decay = 0.0;       // decoupled L2 decay of the latent weights per step (times the learning rate)
  double label_smoothing = 0.0;    // cross-entropy target: 1 - eps on the symbol, eps / (S + 1) on every one
  std::string lr_schedule = "step";  // step: halved once fully hard; cosine: to lr_floor * lr; constant
  double lr_floor = 0.0;           // cosine: the last epochs' fraction of the learning rate
  std::string alphabet;            // empty: derived from the replies
  std::size_t min_lines = 2;
  bool progress = true;
};

struct epoch_log {
  int epoch;
  double train_loss;
  double val_float_acc;
  double val_int_acc;
};

struct hashmlp_result {
  hashmlp_tables model;            // the best checkpoint (integer path)
  int best_epoch = 0;
  double best_val_int_acc = 0;     // computed with tinylm::hashmlp::generate
  std::size_t train_lines = 0, val_lines = 0, examples = 0;
  std::vector<epoch_log> log;
  std::vector<chat_pair> validation;  // the validation split used
};

// Throws gen::error for bad corpora or options.
hashmlp_result train_hashmlp(const std::vector<chat_pair>& pairs, const hashmlp_options& opts);

// The reply set of a chat corpus for a hash-MLP alphabet (each reply's
// alphabet indices; END = alphabet.size()). Throws gen::error for a reply
// character outside the alphabet.
reply_set_tables hashmlp_reply_set(const std::vector<chat_pair>& pairs, const std::string& alphabet);

// Exact-reply accuracy of a model (argmax, the library's generate) on pairs.
double integer_accuracy(const tinylm::hashmlp::model_view& m, const std::vector<chat_pair>& pairs,
                        std::uint32_t seed);

}  // namespace tinylm::gen
