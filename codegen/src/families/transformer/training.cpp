// The transformer's training loop (AdamW over batches, quantisation-aware
// from qat_start on, the best validation checkpoint kept) and its chat and
// text entry points; the model's forward and backward are in trainer.cpp.
#include "families/transformer/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include <unistd.h>

#include "common/error.hpp"
#include "corpus/augment.hpp"
#include "families/transformer/normal_rng.hpp"

namespace tinylm::gen {

// ---- training ----------------------------------------------------------------------
namespace {

// epoch_sequences(e) gives epoch e's training sequences (the same number
// every epoch; chat prompts may carry this epoch's typos).
transformer_result train(const std::function<std::vector<token_sequence>(int)>& epoch_sequences,
                         const bpe_tables& tokenizer, const transformer_options& o,
                         const std::function<double(const transformer_tables&)>& score,
                         const std::function<double(float_transformer&)>& float_score, bool higher_is_better) {
  std::vector<token_sequence> train_seqs = epoch_sequences(0);
  if (train_seqs.empty()) throw error("no training sequences");
  float_transformer net = init_transformer(o.shape, tokenizer.vocab_size(), o.seed);
  const std::size_t P = net.params.size();
  std::vector<float> m1(P, 0.0f), m2(P, 0.0f);
  std::vector<bool> decay(P, false);
  for (std::size_t t = 0; t < net.tensor_count(); ++t)
    if (!net.is_gain(t)) std::fill(decay.begin() + static_cast<std::ptrdiff_t>(net.offset(t)),
                                   decay.begin() + static_cast<std::ptrdiff_t>(net.offset(t) + net.size(t)), true);
  const std::size_t batches = (train_seqs.size() + o.batch - 1) / o.batch;
  const std::size_t total_steps = batches * static_cast<std::size_t>(o.epochs);
  const std::size_t warmup = static_cast<std::size_t>(o.warmup * static_cast<double>(total_steps));
  const std::size_t qat_from = static_cast<std::size_t>(o.qat_start * static_cast<double>(total_steps));
  const unsigned threads = std::max(1u, o.threads);
  std::vector<std::vector<float>> grads(o.batch, std::vector<float>(P));
  std::vector<double> losses(o.batch);
  std::vector<std::size_t> order(train_seqs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  normal_rng shuffle(o.seed ^ 0xABCDu);
  transformer_result r;
  r.sequences = train_seqs.size();
  std::size_t step = 0;
  const auto t0 = std::chrono::steady_clock::now();
  bool have_best = false;
  float_transformer best_net = net;
  const bool tty = isatty(2) != 0;  // on a terminal the batch line updates in place; else one line an epoch
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    if (epoch > 1) train_seqs = epoch_sequences(epoch - 1);
    for (std::size_t i = order.size(); i > 1; --i)
      std::swap(order[i - 1], order[static_cast<std::size_t>(shuffle.uniform() * static_cast<double>(i))]);
    double epoch_loss = 0;
    for (std::size_t bidx = 0; bidx < batches; ++bidx, ++step) {
      if (step == qat_from) {
        update_fractions(net);
        net.quantise = true;
      }
      if (net.quantise && step % 16 == 0) update_fractions(net);
      const std::size_t first = bidx * o.batch, count = std::min(o.batch, order.size() - first);
      const bool track = !net.quantise || step % 16 == 0;
      // Per-sequence gradients, in parallel; the sum below runs in sequence order.
      const std::vector<float> step_weights = forward_weights(net);
      std::vector<float_transformer> locals(threads, net);
      for (auto& l : locals) std::fill(l.act_max.begin(), l.act_max.end(), 0.0f);
      std::vector<std::thread> pool;
      for (unsigned th = 0; th < threads; ++th)
        pool.emplace_back([&, th] {
          for (std::size_t k = th; k < count; k += threads) {
            std::fill(grads[k].begin(), grads[k].end(), 0.0f);
            losses[k] = transformer_loss(locals[th], train_seqs[order[first + k]], grads[k].data(), track, nullptr,
                                         step_weights.data());
          }
        });
      for (auto& t : pool) t.join();
      if (track) {
        // A running mean of each batch's maxima: the fractions follow the
        // activations as they grow during training.
        for (std::size_t a = 0; a < net.act_max.size(); ++a) {
          float batch_max = 0;
          for (const auto& l : locals) batch_max = std::max(batch_max, l.act_max[a]);
          net.act_max[a] = step == 0 ? batch_max : 0.9f * net.act_max[a] + 0.1f * batch_max;
        }
      }
      const double lr_base = o.learning_rate;
      double lr = lr_base;
      if (step < warmup) lr = lr_base * static_cast<double>(step + 1) / static_cast<double>(warmup + 1);
      else {
        const double pr = static_cast<double>(step - warmup) / static_cast<double>(std::max<std::size_t>(1, total_steps - warmup));
        lr = lr_base * (o.lr_floor + (1 - o.lr_floor) * 0.5 * (1 + std::cos(3.141592653589793 * pr)));
      }
      constexpr double b1 = 0.9, b2 = 0.999, eps = 1e-8;
      const double c1 = 1 - std::pow(b1, static_cast<double>(step + 1)), c2 = 1 - std::pow(b2, static_cast<double>(step + 1));
      for (std::size_t i = 0; i < P; ++i) {
        float g = 0;
        for (std::size_t k = 0; k < count; ++k) g += grads[k][i];
        g /= static_cast<float>(count);
        m1[i] = static_cast<float>(b1 * m1[i] + (1 - b1) * g);
        m2[i] = static_cast<float>(b2 * m2[i] + (1 - b2) * g * g);
        double upd = (m1[i] / c1) / (std::sqrt(m2[i] / c2) + eps);
        if (decay[i]) upd += o.weight_decay * net.params[i];
        net.params[i] = static_cast<float>(net.params[i] - lr * upd);
      }
      for (std::size_t k = 0; k < count; ++k) epoch_loss += losses[k];
      if (o.progress && tty && (bidx % 8 == 0 || bidx + 1 == batches)) {
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double left = secs / static_cast<double>(step + 1) * static_cast<double>(total_steps - step - 1);
        std::fprintf(stderr, "\rtinylm-gen: epoch %d/%d  batch %zu/%zu  loss %.3f  %.0f s, about %.0f s left   ", epoch,
                     o.epochs, bidx + 1, batches, epoch_loss / static_cast<double>(first + count), secs, left);
      }
    }
    if (!net.quantise) {
      update_fractions(net);
    }
    transformer_tables m = export_transformer(net, tokenizer);
    m.default_seed = o.seed;
    const double val = score(m);
    r.log.push_back({epoch, epoch_loss / static_cast<double>(order.size()), val});
    if (o.progress) {
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::fprintf(stderr, "%stinylm-gen: epoch %d/%d  loss %.4f  validation %.4f  %.0f s, about %.0f s left\n",
                   tty ? "\r" : "", epoch, o.epochs, r.log.back().train_loss, val, secs,
                   secs / epoch * (o.epochs - epoch));
    }
    const bool better = !have_best || (higher_is_better ? val >= r.best_val_score : val <= r.best_val_score);
    if (better) {
      best_net = net;
      r.model = m;
      r.best_epoch = epoch;
      r.best_val_score = val;
      have_best = true;
    }
  }
  r.best_val_float = float_score(best_net);
  return r;
}

template <class T>
void split_lines(const std::vector<T>& all, std::size_t every, std::vector<T>& train_part, std::vector<T>& val_part) {
  for (std::size_t i = 0; i < all.size(); ++i)
    (every != 0 && i % every == every - 1 ? val_part : train_part).push_back(all[i]);
  if (every == 0) val_part = train_part;
}

}  // namespace

transformer_result train_transformer_chat(const std::vector<chat_pair>& pairs, const transformer_options& o) {
  std::vector<chat_pair> tr, val;
  if (o.validation.empty()) {
    split_lines(pairs, o.val_every, tr, val);
  } else {
    tr = pairs;
    val = o.validation;
  }
  if (tr.empty() || val.empty()) throw error("too few lines to train and validate (set --val-every)");
  std::vector<std::string> texts;
  for (const chat_pair& p : tr) texts.push_back(p.prompt), texts.push_back(p.reply);
  transformer_options opt = o;
  opt.shape.chat = true;
  // The replies keep their case: fold the prompts to it when the replies
  // have one (all capitals, or no capitals), else fold nothing.
  bool upper = false, lower = false;
  for (const chat_pair& p : tr)
    for (char c : p.reply) upper |= c >= 'A' && c <= 'Z', lower |= c >= 'a' && c <= 'z';
  opt.tokenizer.fold = upper && lower ? case_fold::none : (upper ? case_fold::upper : case_fold::lower);
  const bpe_tables tok = train_bpe(texts, opt.tokenizer);
  // Typo augmentation: every epoch each prompt gets a random edit with
  // probability typo, a second with typo^2, a third with typo^3 (as the
  // hash-MLP trainer does; seeded, so deterministic).
  normal_rng typo_rng(o.seed ^ 0x7479706Full);
  const auto epoch_sequences = [&](int epoch) {
    if ((o.typo <= 0 && o.word_noise <= 0) || epoch == 0) return chat_sequences(tok, opt.shape, tr);
    std::vector<chat_pair> noisy = tr;
    for (chat_pair& p : noisy) {
      if (o.word_noise > 0 && typo_rng.uniform() < o.word_noise) p.prompt = add_word_noise(p.prompt, typo_rng);
      for (int k = 0; k < 3 && o.typo > 0 && typo_rng.uniform() < o.typo; ++k)
        p.prompt = add_typo(std::move(p.prompt), typo_rng);
    }
    return chat_sequences(tok, opt.shape, noisy);
  };
  transformer_result r = train(
      epoch_sequences, tok, opt, [&](const transformer_tables& m) { return transformer_chat_accuracy(m, val); },
      [&](float_transformer& net) { return float_chat_accuracy(net, tok, val); }, true);
  r.train_lines = tr.size();
  r.val_lines = val.size();
  return r;
}

transformer_result train_transformer_text(const std::vector<std::string>& lines, const transformer_options& o) {
  std::vector<std::string> tr, val;
  split_lines(lines, o.val_every, tr, val);
  if (tr.empty() || val.empty()) throw error("too few lines to train and validate (set --val-every)");
  transformer_options opt = o;
  opt.shape.chat = false;
  opt.shape.min_reply = 0;
  opt.tokenizer.fold = case_fold::none;
  const bpe_tables tok = train_bpe(tr, opt.tokenizer);
  const std::vector<token_sequence> seqs = text_sequences(tok, opt.shape, tr);
  transformer_result r = train(
      [&](int) { return seqs; }, tok, opt, [&](const transformer_tables& m) { return transformer_bits_per_byte(m, val); },
      [&](float_transformer& net) { return float_bits_per_byte(net, tok, val); }, false);
  r.train_lines = tr.size();
  r.val_lines = val.size();
  return r;
}

}  // namespace tinylm::gen
