#include "families/transformer/trainer.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "families/transformer/normal_rng.hpp"

namespace tinylm::gen {

namespace tf = tinylm::transformer;

// ---- layout ---------------------------------------------------------------------
// Tensors: 0 tok (V x d), 1 pos (T x d), per layer l at 2 + 8 l: g1 (d), wq, wk,
// wv, wo (d x d), g2 (d), w1 (F x d), w2 (d x F); then gf (d) and, untied, head.
namespace {

enum layer_tensor : std::size_t { t_g1, t_wq, t_wk, t_wv, t_wo, t_g2, t_w1, t_w2, tensors_per_layer };
// Activation maxima: 0 af, then per layer a1, q, k, v, a2, u.
enum layer_act : std::size_t { act_a1, act_q, act_k, act_v, act_a2, act_u, acts_per_layer };

std::size_t layer_tensor_index(std::size_t l, layer_tensor t) { return 2 + l * tensors_per_layer + t; }
std::size_t act_index(std::size_t l, layer_act a) { return 1 + l * acts_per_layer + a; }

}  // namespace

std::size_t float_transformer::tensor_count() const { return 2 + shape.layers * tensors_per_layer + 1 + (shape.tied ? 0 : 1); }

std::size_t float_transformer::size(std::size_t t) const {
  const std::size_t d = shape.d_model, F = shape.ffn;
  if (t == 0) return vocab * d;
  if (t == 1) return shape.context * d;
  if (t < 2 + shape.layers * tensors_per_layer) {
    switch ((t - 2) % tensors_per_layer) {
      case t_g1:
      case t_g2:
        return d;
      case t_w1:
      case t_w2:
        return F * d;
      default:
        return d * d;
    }
  }
  return t == 2 + shape.layers * tensors_per_layer ? d : vocab * d;
}

std::size_t float_transformer::rows(std::size_t t) const {
  if (t < 2 || t >= 2 + shape.layers * tensors_per_layer) return t == 0 || t == 2 + shape.layers * tensors_per_layer + 1 ? vocab : (t == 1 ? shape.context : 1);
  const std::size_t k = (t - 2) % tensors_per_layer;
  return k == t_w1 ? shape.ffn : (k == t_g1 || k == t_g2 ? 1 : shape.d_model);
}

tinylm::weight_format float_transformer::format(std::size_t t) const {
  const tf::model_view v = shape_view(shape, vocab);
  if (t == 2 + shape.layers * tensors_per_layer + 1) return v.head_format();
  if (t < 2 || t >= 2 + shape.layers * tensors_per_layer) return tinylm::weight_format::int8;
  // The trainer's layer order (gains included) to the view's matrices.
  // (the gains, t_g1 and t_g2, have no matrix: their entries are unused)
  constexpr tf::layer_matrix matrix_of[tensors_per_layer] = {tf::matrix_wq, tf::matrix_wq, tf::matrix_wk, tf::matrix_wv,
                                                             tf::matrix_wo, tf::matrix_wq, tf::matrix_w1, tf::matrix_w2};
  const std::size_t k = (t - 2) % tensors_per_layer;
  if (k == t_g1 || k == t_g2) return tinylm::weight_format::int8;
  return v.format((t - 2) / tensors_per_layer, matrix_of[k]);
}

std::size_t float_transformer::offset(std::size_t t) const {
  std::size_t off = 0;
  for (std::size_t k = 0; k < t; ++k) off += size(k);
  return off;
}

bool float_transformer::is_gain(std::size_t t) const {
  if (t == 2 + shape.layers * tensors_per_layer) return true;
  if (t < 2 || t >= 2 + shape.layers * tensors_per_layer) return false;
  const std::size_t k = (t - 2) % tensors_per_layer;
  return k == t_g1 || k == t_g2;
}

namespace {

// The fraction f of a tensor whose largest magnitude is m: the largest f in
// -8..23 with m * 2^f <= 127.
int frac_for(double m) {
  int f = 23;
  while (f > -8 && m * std::ldexp(1.0, f) > 127.0) --f;
  return f;
}

// Rounding to a grid of 2^-f in [lo, hi] (round half up, as the integer path).
inline float fq(float x, int f, float lo, float hi, bool& inside) {
  const float s = std::ldexp(1.0f, f);
  float v = std::floor(x * s + 0.5f);
  inside = true;
  if (v < lo) v = lo, inside = false;
  if (v > hi) v = hi, inside = false;
  return v / s;
}
inline float fq_res(float x) { return std::floor(x * 256.0f + 0.5f) / 256.0f; }

// A compact format's code of w on the grid 2^k (round half up, clamped to
// the format's codes): the one rounding of the QAT forward and the export.
inline int compact_code(float w, int k, tinylm::weight_format f) {
  const float v = std::floor(w * std::ldexp(1.0f, -k) + 0.5f);
  return static_cast<int>(std::clamp(v, static_cast<float>(tinylm::code_min(f)), static_cast<float>(tinylm::code_max(f))));
}

// The step 2^k of a row of a compact format with the smallest squared
// error (ties: the larger step), from the step that reaches its largest
// weight with the largest code down to 2^-6 of it.
int best_row_step(const float* w, std::size_t n, tinylm::weight_format f) {
  double m = 0;
  for (std::size_t i = 0; i < n; ++i) m = std::max(m, static_cast<double>(std::fabs(w[i])));
  if (m == 0) return -30;
  const int top = static_cast<int>(std::ceil(std::log2(m / static_cast<double>(tinylm::code_max(f)))));
  int best = top;
  double best_err = -1;
  for (int k = top; k >= top - 6; --k) {
    double err = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double e = static_cast<double>(w[i]) - std::ldexp(static_cast<double>(compact_code(w[i], k, f)), k);
      err += e * e;
    }
    if (best_err < 0 || err < best_err) best = k, best_err = err;
  }
  return best;
}

// A compact tensor's fraction f and row exponents e_i (0..7) from the rows'
// best steps 2^k_i: the largest step is 2^(7 - f); e_i = k_i + f, clamped
// (rows more than 2^7 smaller than the largest share the smallest step).
void compact_scales(const float* p, std::size_t rows, std::size_t cols, tinylm::weight_format f, int& frac,
                    std::vector<int>& row_exp) {
  std::vector<int> k(rows);
  int kmax = -30;
  for (std::size_t r = 0; r < rows; ++r) kmax = std::max(kmax, k[r] = best_row_step(p + r * cols, cols, f));
  frac = std::clamp(tinylm::max_row_exponent - kmax, -8, 23);
  row_exp.resize(rows);
  for (std::size_t r = 0; r < rows; ++r) row_exp[r] = std::clamp(k[r] + frac, 0, tinylm::max_row_exponent);
}

// The step 2^k of row r of compact tensor t: 2^(e_r - frac).
int row_step(const float_transformer& net, std::size_t t, std::size_t r) {
  return net.row_exp[t][r] - net.weight_frac[t];
}

}  // namespace

float_transformer init_transformer(const transformer_shape& shape, std::size_t vocab, std::uint32_t seed) {
  float_transformer net;
  net.shape = shape;
  net.vocab = vocab;
  net.params.resize(net.offset(net.tensor_count()));
  normal_rng rng(seed);
  for (std::size_t t = 0; t < net.tensor_count(); ++t) {
    float* p = net.params.data() + net.offset(t);
    const std::size_t n = net.size(t);
    if (net.is_gain(t)) {
      std::fill(p, p + n, 1.0f);
      continue;
    }
    double std_dev = 1.0 / std::sqrt(static_cast<double>(shape.d_model));
    if (t == 0 || t == 1) std_dev = 0.5;
    if (t >= 2 && t < 2 + shape.layers * tensors_per_layer && (t - 2) % tensors_per_layer == t_w2)
      std_dev = 1.0 / std::sqrt(static_cast<double>(shape.ffn));
    for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<float>(rng.normal() * std_dev);
  }
  net.weight_frac.assign(net.tensor_count(), 0);
  net.row_exp.assign(net.tensor_count(), {});
  net.act_max.assign(1 + shape.layers * acts_per_layer, 0.0f);
  net.act_frac.assign(net.act_max.size(), 0);
  return net;
}

void update_fractions(float_transformer& net) {
  for (std::size_t t = 0; t < net.tensor_count(); ++t) {
    if (net.is_gain(t)) continue;
    const float* p = net.params.data() + net.offset(t);
    if (tinylm::has_row_exponent(net.format(t))) {
      compact_scales(p, net.rows(t), net.cols(t), net.format(t), net.weight_frac[t], net.row_exp[t]);
      continue;
    }
    double m = 0;
    for (std::size_t i = 0; i < net.size(t); ++i) m = std::max(m, static_cast<double>(std::fabs(p[i])));
    net.weight_frac[t] = frac_for(m);
  }
  for (std::size_t a = 0; a < net.act_max.size(); ++a)
    net.act_frac[a] = static_cast<std::int8_t>(frac_for(std::max(1e-3, static_cast<double>(net.act_max[a]))));
}

std::vector<float> forward_weights(const float_transformer& net) {
  std::vector<float> w = net.params;
  if (!net.quantise) return w;
  for (std::size_t t = 0; t < net.tensor_count(); ++t) {
    float* p = w.data() + net.offset(t);
    const tinylm::weight_format f = net.format(t);
    if (tinylm::has_row_exponent(f)) {
      // update_fractions set the row exponents before quantise was set.
      if (net.row_exp[t].size() != net.rows(t)) throw error("internal error: a compact tensor without row exponents");
      const std::size_t cols = net.cols(t);
      for (std::size_t i = 0; i < net.size(t); ++i) {
        const int k = row_step(net, t, i / cols);
        p[i] = std::ldexp(static_cast<float>(compact_code(p[i], k, f)), k);
      }
      continue;
    }
    bool inside = true;
    for (std::size_t i = 0; i < net.size(t); ++i)
      p[i] = net.is_gain(t) ? fq_res(p[i]) : fq(p[i], net.weight_frac[t], -128.0f, 127.0f, inside);
  }
  return w;
}

namespace {

void matvec(const float* W, const float* x, float* y, std::size_t rows, std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) {
    const float* w = W + r * cols;
    float acc = 0;
    for (std::size_t c = 0; c < cols; ++c) acc += w[c] * x[c];
    y[r] = acc;
  }
}

// dx += W^T dy; dW += dy x^T.
void matvec_backward(const float* W, const float* x, const float* dy, float* dx, float* dW, std::size_t rows,
                     std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) {
    const float g = dy[r];
    if (g == 0.0f) continue;
    const float* w = W + r * cols;
    float* dw = dW + r * cols;
    for (std::size_t c = 0; c < cols; ++c) {
      dx[c] += w[c] * g;
      dw[c] += g * x[c];
    }
  }
}

// y = g x / rms(x), no epsilon; returns rms.
float rmsnorm_forward(const float* x, const float* g, float* y, std::size_t n) {
  double ss = 0;
  for (std::size_t i = 0; i < n; ++i) ss += static_cast<double>(x[i]) * x[i];
  const float r = static_cast<float>(std::sqrt(ss / static_cast<double>(n)));
  for (std::size_t i = 0; i < n; ++i) y[i] = r > 0 ? g[i] * x[i] / r : 0.0f;
  return r;
}

void rmsnorm_backward(const float* x, const float* g, float r, const float* dy, float* dx, float* dg, std::size_t n) {
  if (r <= 0) return;
  float dot = 0;
  for (std::size_t i = 0; i < n; ++i) dot += g[i] * dy[i] * x[i];
  const float k = dot / (static_cast<float>(n) * r * r * r);
  for (std::size_t i = 0; i < n; ++i) {
    dx[i] += g[i] * dy[i] / r - x[i] * k;
    dg[i] += dy[i] * x[i] / r;
  }
}

struct quantiser {
  bool on;
  // Quantises v[0..n) to fraction f (int8, or 0..127 with relu), records the
  // pass mask and updates the running maximum.
  void apply(float* v, unsigned char* mask, std::size_t n, int f, bool relu, float* max_slot, bool track) const {
    for (std::size_t i = 0; i < n; ++i) {
      if (track) *max_slot = std::max(*max_slot, std::fabs(v[i]));
      if (relu && v[i] <= 0.0f) {
        v[i] = 0.0f;
        mask[i] = 0;
        continue;
      }
      if (!on) {
        mask[i] = 1;
        continue;
      }
      bool inside = true;
      v[i] = fq(v[i], f, relu ? 0.0f : -128.0f, 127.0f, inside);
      mask[i] = inside ? 1 : 0;
    }
  }
};

}  // namespace

double transformer_loss(float_transformer& net, const token_sequence& seq, float* grad, bool track,
                        std::vector<float>* last_logits, const float* weights) {
  const transformer_shape& s = net.shape;
  const std::size_t d = s.d_model, H = s.heads, hd = d / H, F = s.ffn, V = net.vocab, L = s.layers;
  const std::size_t n = std::min(seq.input.size(), s.context);
  if (n == 0) return 0;
  std::vector<float> own;
  if (weights == nullptr) own = forward_weights(net);
  const float* W = weights != nullptr ? weights : own.data();
  const auto T_ = [&](std::size_t t) { return W + net.offset(t); };
  const quantiser Q{net.quantise};
  const float att_scale = std::ldexp(1.0f, -tf::attention_shift(hd));
  const auto af = [&](std::size_t i) { return static_cast<int>(net.act_frac[i]); };

  // ---- forward, keeping what the backward needs ----
  std::vector<std::vector<float>> X(L + 1, std::vector<float>(n * d)), Xm(L, std::vector<float>(n * d));
  std::vector<std::vector<float>> A1(L, std::vector<float>(n * d)), A2(L, std::vector<float>(n * d));
  std::vector<std::vector<float>> Qv(L, std::vector<float>(n * d)), Kv(L, std::vector<float>(n * d)),
      Vv(L, std::vector<float>(n * d)), O(L, std::vector<float>(n * d)), U(L, std::vector<float>(n * F));
  std::vector<std::vector<unsigned char>> M1(L, std::vector<unsigned char>(n * d)),
      M2(L, std::vector<unsigned char>(n * d)), MQ(L, std::vector<unsigned char>(n * d)),
      MK(L, std::vector<unsigned char>(n * d)), MV(L, std::vector<unsigned char>(n * d)),
      MO(L, std::vector<unsigned char>(n * d)), MU(L, std::vector<unsigned char>(n * F));
  std::vector<std::vector<float>> R1(L, std::vector<float>(n)), R2(L, std::vector<float>(n));
  std::vector<std::vector<float>> P(L, std::vector<float>(H * n * n, 0.0f));
  std::vector<float> Af(n * d), Rf(n), logits(n * V);
  std::vector<unsigned char> Mf(n * d);
  std::vector<float> tmp(std::max(d, F));

  for (std::size_t i = 0; i < n; ++i) {
    const float* te = T_(0) + seq.input[i] * d;
    const float* pe = T_(1) + i * d;
    for (std::size_t c = 0; c < d; ++c) X[0][i * d + c] = net.quantise ? fq_res(te[c]) + fq_res(pe[c]) : te[c] + pe[c];
  }
  for (std::size_t l = 0; l < L; ++l) {
    const float* g1 = T_(layer_tensor_index(l, t_g1));
    const float* g2 = T_(layer_tensor_index(l, t_g2));
    Xm[l] = X[l];
    for (std::size_t i = 0; i < n; ++i) {
      float* a = &A1[l][i * d];
      R1[l][i] = rmsnorm_forward(&X[l][i * d], g1, a, d);
      Q.apply(a, &M1[l][i * d], d, af(act_index(l, act_a1)), false, &net.act_max[act_index(l, act_a1)], track);
      matvec(T_(layer_tensor_index(l, t_wq)), a, &Qv[l][i * d], d, d);
      matvec(T_(layer_tensor_index(l, t_wk)), a, &Kv[l][i * d], d, d);
      matvec(T_(layer_tensor_index(l, t_wv)), a, &Vv[l][i * d], d, d);
      Q.apply(&Qv[l][i * d], &MQ[l][i * d], d, af(act_index(l, act_q)), false, &net.act_max[act_index(l, act_q)], track);
      Q.apply(&Kv[l][i * d], &MK[l][i * d], d, af(act_index(l, act_k)), false, &net.act_max[act_index(l, act_k)], track);
      Q.apply(&Vv[l][i * d], &MV[l][i * d], d, af(act_index(l, act_v)), false, &net.act_max[act_index(l, act_v)], track);
    }
    for (std::size_t h = 0; h < H; ++h) {
      for (std::size_t i = 0; i < n; ++i) {
        float* p = &P[l][(h * n + i) * n];
        float m = -1e30f;
        for (std::size_t j = 0; j <= i; ++j) {
          float dot = 0;
          for (std::size_t c = 0; c < hd; ++c) dot += Qv[l][i * d + h * hd + c] * Kv[l][j * d + h * hd + c];
          p[j] = dot * att_scale;
          m = std::max(m, p[j]);
        }
        float sum = 0;
        for (std::size_t j = 0; j <= i; ++j) sum += (p[j] = std::exp(p[j] - m));
        for (std::size_t j = 0; j <= i; ++j) p[j] /= sum;
        for (std::size_t c = 0; c < hd; ++c) {
          float acc = 0;
          for (std::size_t j = 0; j <= i; ++j) acc += p[j] * Vv[l][j * d + h * hd + c];
          O[l][i * d + h * hd + c] = acc;
        }
      }
    }
    float dummy = 0;
    for (std::size_t i = 0; i < n; ++i) {
      Q.apply(&O[l][i * d], &MO[l][i * d], d, af(act_index(l, act_v)), false, &dummy, false);
      matvec(T_(layer_tensor_index(l, t_wo)), &O[l][i * d], tmp.data(), d, d);
      for (std::size_t c = 0; c < d; ++c) Xm[l][i * d + c] += net.quantise ? fq_res(tmp[c]) : tmp[c];
    }
    X[l + 1] = Xm[l];
    for (std::size_t i = 0; i < n; ++i) {
      float* a = &A2[l][i * d];
      R2[l][i] = rmsnorm_forward(&Xm[l][i * d], g2, a, d);
      Q.apply(a, &M2[l][i * d], d, af(act_index(l, act_a2)), false, &net.act_max[act_index(l, act_a2)], track);
      matvec(T_(layer_tensor_index(l, t_w1)), a, &U[l][i * F], F, d);
      Q.apply(&U[l][i * F], &MU[l][i * F], F, af(act_index(l, act_u)), true, &net.act_max[act_index(l, act_u)], track);
      matvec(T_(layer_tensor_index(l, t_w2)), &U[l][i * F], tmp.data(), d, F);
      for (std::size_t c = 0; c < d; ++c) X[l + 1][i * d + c] += net.quantise ? fq_res(tmp[c]) : tmp[c];
    }
  }
  const std::size_t tgf = 2 + L * tensors_per_layer;
  const float* gf = T_(tgf);
  const float* head = s.tied ? T_(0) : T_(tgf + 1);
  double loss = 0;
  std::size_t counted = 0;
  std::vector<float> dlogits(n * V, 0.0f);
  for (std::size_t i = 0; i < n; ++i) {
    float* a = &Af[i * d];
    Rf[i] = rmsnorm_forward(&X[L][i * d], gf, a, d);
    Q.apply(a, &Mf[i * d], d, af(0), false, &net.act_max[0], track);
    float* z = &logits[i * V];
    matvec(head, a, z, V, d);
    if (seq.target[i] < 0) continue;
    float m = -1e30f;
    for (std::size_t v = 0; v < V; ++v) {
      if (net.quantise) z[v] = fq_res(z[v]);
      m = std::max(m, z[v]);
    }
    double sum = 0;
    for (std::size_t v = 0; v < V; ++v) sum += std::exp(static_cast<double>(z[v] - m));
    const auto target = static_cast<std::size_t>(seq.target[i]);
    loss += std::log(sum) - (z[target] - m);
    ++counted;
    for (std::size_t v = 0; v < V; ++v)
      dlogits[i * V + v] = static_cast<float>(std::exp(static_cast<double>(z[v] - m)) / sum);
    dlogits[i * V + target] -= 1.0f;
  }
  if (last_logits != nullptr) {
    last_logits->assign(logits.end() - static_cast<std::ptrdiff_t>(V), logits.end());
    if (net.quantise)
      for (float& z : *last_logits) z = fq_res(z);
  }
  if (counted == 0) return 0;
  const float inv_count = 1.0f / static_cast<float>(counted);
  if (grad == nullptr) return loss / static_cast<double>(counted);

  // ---- backward (straight-through: a clipped value passes no gradient) ----
  const auto G = [&](std::size_t t) { return grad + net.offset(t); };
  std::vector<float> dX(n * d, 0.0f), da(std::max(d, F));
  float* dhead = s.tied ? G(0) : G(tgf + 1);
  for (std::size_t i = 0; i < n; ++i) {
    if (seq.target[i] < 0) continue;
    for (std::size_t v = 0; v < V; ++v) dlogits[i * V + v] *= inv_count;
    std::fill(da.begin(), da.begin() + static_cast<std::ptrdiff_t>(d), 0.0f);
    matvec_backward(head, &Af[i * d], &dlogits[i * V], da.data(), dhead, V, d);
    for (std::size_t c = 0; c < d; ++c) da[c] *= Mf[i * d + c];
    rmsnorm_backward(&X[L][i * d], gf, Rf[i], da.data(), &dX[i * d], G(tgf), d);
  }
  std::vector<float> dO(n * d), dQ(n * d), dK(n * d), dV(n * d), dU(F), dA(d), dXm(n * d);
  for (std::size_t l = L; l-- > 0;) {
    const float* g1 = T_(layer_tensor_index(l, t_g1));
    const float* g2 = T_(layer_tensor_index(l, t_g2));
    // FFN: X[l+1] = Xm + W2 u(W1 a2(Xm))
    dXm = dX;
    for (std::size_t i = 0; i < n; ++i) {
      std::fill(dU.begin(), dU.end(), 0.0f);
      matvec_backward(T_(layer_tensor_index(l, t_w2)), &U[l][i * F], &dX[i * d], dU.data(),
                      G(layer_tensor_index(l, t_w2)), d, F);
      for (std::size_t c = 0; c < F; ++c) dU[c] *= MU[l][i * F + c];
      std::fill(dA.begin(), dA.end(), 0.0f);
      matvec_backward(T_(layer_tensor_index(l, t_w1)), &A2[l][i * d], dU.data(), dA.data(),
                      G(layer_tensor_index(l, t_w1)), F, d);
      for (std::size_t c = 0; c < d; ++c) dA[c] *= M2[l][i * d + c];
      rmsnorm_backward(&Xm[l][i * d], g2, R2[l][i], dA.data(), &dXm[i * d], G(layer_tensor_index(l, t_g2)), d);
    }
    // Attention: Xm = X[l] + Wo o
    dX = dXm;
    std::fill(dO.begin(), dO.end(), 0.0f);
    for (std::size_t i = 0; i < n; ++i) {
      matvec_backward(T_(layer_tensor_index(l, t_wo)), &O[l][i * d], &dXm[i * d], &dO[i * d],
                      G(layer_tensor_index(l, t_wo)), d, d);
      for (std::size_t c = 0; c < d; ++c) dO[i * d + c] *= MO[l][i * d + c];
    }
    std::fill(dQ.begin(), dQ.end(), 0.0f);
    std::fill(dK.begin(), dK.end(), 0.0f);
    std::fill(dV.begin(), dV.end(), 0.0f);
    std::vector<float> dp(n);
    for (std::size_t h = 0; h < H; ++h) {
      for (std::size_t i = 0; i < n; ++i) {
        const float* p = &P[l][(h * n + i) * n];
        float pdp = 0;
        for (std::size_t j = 0; j <= i; ++j) {
          float dot = 0;
          for (std::size_t c = 0; c < hd; ++c) {
            dot += dO[i * d + h * hd + c] * Vv[l][j * d + h * hd + c];
            dV[j * d + h * hd + c] += p[j] * dO[i * d + h * hd + c];
          }
          dp[j] = dot;
          pdp += p[j] * dot;
        }
        for (std::size_t j = 0; j <= i; ++j) {
          const float ds = p[j] * (dp[j] - pdp) * att_scale;
          for (std::size_t c = 0; c < hd; ++c) {
            dQ[i * d + h * hd + c] += ds * Kv[l][j * d + h * hd + c];
            dK[j * d + h * hd + c] += ds * Qv[l][i * d + h * hd + c];
          }
        }
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      std::fill(dA.begin(), dA.end(), 0.0f);
      for (std::size_t c = 0; c < d; ++c) {
        dQ[i * d + c] *= MQ[l][i * d + c];
        dK[i * d + c] *= MK[l][i * d + c];
        dV[i * d + c] *= MV[l][i * d + c];
      }
      matvec_backward(T_(layer_tensor_index(l, t_wq)), &A1[l][i * d], &dQ[i * d], dA.data(),
                      G(layer_tensor_index(l, t_wq)), d, d);
      matvec_backward(T_(layer_tensor_index(l, t_wk)), &A1[l][i * d], &dK[i * d], dA.data(),
                      G(layer_tensor_index(l, t_wk)), d, d);
      matvec_backward(T_(layer_tensor_index(l, t_wv)), &A1[l][i * d], &dV[i * d], dA.data(),
                      G(layer_tensor_index(l, t_wv)), d, d);
      for (std::size_t c = 0; c < d; ++c) dA[c] *= M1[l][i * d + c];
      rmsnorm_backward(&X[l][i * d], g1, R1[l][i], dA.data(), &dX[i * d], G(layer_tensor_index(l, t_g1)), d);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    float* dte = G(0) + seq.input[i] * d;
    float* dpe = G(1) + i * d;
    for (std::size_t c = 0; c < d; ++c) {
      dte[c] += dX[i * d + c];
      dpe[c] += dX[i * d + c];
    }
  }
  return loss / static_cast<double>(counted);
}

transformer_tables export_transformer(const float_transformer& net, const bpe_tables& tokenizer) {
  const transformer_shape& s = net.shape;
  transformer_tables m;
  m.tokenizer = tokenizer;
  m.shape = s;
  float_transformer q = net;
  update_fractions(q);
  for (std::size_t t = 0; t < q.tensor_count(); ++t) {
    const float* p = q.params.data() + q.offset(t);
    const tinylm::weight_format f = q.format(t);
    if (tinylm::has_row_exponent(f)) {
      const std::size_t rows = q.rows(t), cols = q.cols(t);
      std::vector<std::int8_t> codes(cols), row(tinylm::row_stride(f, cols));
      for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) codes[c] = static_cast<std::int8_t>(compact_code(p[r * cols + c], row_step(q, t, r), f));
        tinylm::pack_row(f, codes.data(), cols, q.row_exp[t][r], row.data());
        m.weights.insert(m.weights.end(), row.begin(), row.end());
      }
      continue;
    }
    for (std::size_t i = 0; i < q.size(t); ++i) {
      if (q.is_gain(t)) {
        m.gains.push_back(static_cast<std::int16_t>(std::clamp(std::floor(p[i] * 256.0f + 0.5f), -32768.0f, 32767.0f)));
      } else {
        const float v = std::floor(p[i] * std::ldexp(1.0f, q.weight_frac[t]) + 0.5f);
        m.weights.push_back(static_cast<std::int8_t>(std::clamp(v, -128.0f, 127.0f)));
      }
    }
  }
  const std::size_t tgf = 2 + s.layers * tensors_per_layer;
  const auto wf = [&](std::size_t t) { return static_cast<std::int8_t>(q.weight_frac[t]); };
  m.fracs = {wf(0), wf(1), q.act_frac[0], wf(s.tied ? 0 : tgf + 1)};
  for (std::size_t l = 0; l < s.layers; ++l) {
    const auto a = [&](layer_act x) { return q.act_frac[act_index(l, x)]; };
    const auto w = [&](layer_tensor x) { return wf(layer_tensor_index(l, x)); };
    const std::int8_t layer[] = {a(act_a1), w(t_wq), w(t_wk), w(t_wv), a(act_q), a(act_k), a(act_v),
                                 w(t_wo),   a(act_a2), w(t_w1), a(act_u), w(t_w2)};
    m.fracs.insert(m.fracs.end(), std::begin(layer), std::end(layer));
  }
  if (const char* e = tf::validate_shape(m.view())) throw error(fmt::format("internal error: the exported model: {}", e));
  return m;
}

}  // namespace tinylm::gen
