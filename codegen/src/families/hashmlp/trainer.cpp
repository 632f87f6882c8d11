#include "families/hashmlp/trainer.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "common/error.hpp"
#include "corpus/augment.hpp"

namespace tinylm::gen {

namespace hm = tinylm::hashmlp;

hm::model_view hashmlp_tables::view() const {
  hm::model_view v;
  v.alphabet = alphabet.data();
  v.context_length = context_length;
  v.layer_count = sizes.empty() ? 0 : sizes.size() - 1;
  for (std::size_t l = 0; l < sizes.size() && l <= hm::max_layers; ++l) v.sizes[l] = sizes[l];
  v.weights = weights.data();
  v.biases = biases.data();
  v.shifts = shifts.data();
  v.replies = replies.view();
  return v;
}

reply_set_tables hashmlp_reply_set(const std::vector<chat_pair>& pairs, const std::string& alphabet) {
  check_alphabet(pairs, alphabet, "the corpus");
  std::vector<std::vector<std::uint8_t>> seqs;
  for (const chat_pair& p : pairs) {
    std::vector<std::uint8_t> s;
    for (char c : p.reply) s.push_back(static_cast<std::uint8_t>(alphabet.find(c)));
    seqs.push_back(std::move(s));
  }
  return make_reply_set(std::move(seqs), static_cast<std::uint8_t>(alphabet.size()));
}

// ---- the float network ------------------------------------------------------------

namespace {

// splitmix64: the trainer's only source of randomness.
struct rng64 {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

double grid_round(double w) { return std::clamp(std::floor(w + 0.5), -2.0, 1.0); }

// The weights the forward uses: w + lambda * (q(w) - w).
std::vector<std::vector<double>> effective_weights(const float_mlp& net, double lambda) {
  std::vector<std::vector<double>> e(net.w.size());
  for (std::size_t l = 0; l < net.w.size(); ++l) {
    e[l].resize(net.w[l].size());
    for (std::size_t k = 0; k < net.w[l].size(); ++k) {
      const double w = net.w[l][k];
      e[l][k] = lambda == 0 ? w : w + lambda * (grid_round(w) - w);
    }
  }
  return e;
}

struct workspace {
  std::vector<std::vector<double>> z, a;  // per layer: pre-activation, output (a: hidden only)
};

// The forward pass; z[L-1] is the output layer's accumulator (no shift).
void forward(const float_mlp& net, const std::vector<std::vector<double>>& we, bool round_act,
             const sparse_features& x, workspace& ws) {
  const std::size_t L = net.layers();
  ws.z.resize(L);
  ws.a.resize(L);
  for (std::size_t l = 0; l < L; ++l) {
    const std::size_t rows = net.sizes[l + 1], cols = net.sizes[l];
    std::vector<double>& z = ws.z[l];
    z.assign(net.b[l].begin(), net.b[l].end());
    const double* W = we[l].data();
    if (l == 0) {
      for (std::size_t i = 0; i < rows; ++i) {
        double s = z[i];
        for (std::size_t k = 0; k < x.index.size(); ++k) s += W[i * cols + x.index[k]] * x.value[k];
        z[i] = s;
      }
    } else {
      const double* in = ws.a[l - 1].data();
      for (std::size_t i = 0; i < rows; ++i) {
        const double* row = W + i * cols;
        double s = 0;
        for (std::size_t j = 0; j < cols; ++j) s += row[j] * in[j];
        z[i] += s;
      }
    }
    if (l + 1 < L) {
      const double scale = std::ldexp(1.0, -net.shift[l]);
      std::vector<double>& a = ws.a[l];
      a.resize(rows);
      for (std::size_t i = 0; i < rows; ++i) {
        double u = std::clamp(z[i] * scale, 0.0, 255.0);
        if (round_act) u = std::floor(u + 0.5);
        a[i] = u;
      }
    }
  }
}

double loss_backward(const float_mlp& net, const std::vector<std::vector<double>>& we, const sparse_features& x,
                     std::size_t target, workspace& ws, float_mlp* grad, std::vector<double>* logits,
                     double smoothing = 0) {
  const std::size_t L = net.layers();
  const std::vector<double>& zo = ws.z[L - 1];
  const std::size_t n = zo.size();
  const double kappa = std::exp(net.log_kappa);
  std::vector<double> y(n), p(n);
  double mx = -1e300;
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = kappa * zo[i];
    mx = std::max(mx, y[i]);
  }
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += (p[i] = std::exp(y[i] - mx));
  for (double& v : p) v /= sum;
  // Target distribution: (1 - smoothing) on the target, smoothing / n on every class.
  const double lse = mx + std::log(sum), off = smoothing / static_cast<double>(n);
  double loss = -(1 - smoothing) * (y[target] - lse);
  if (smoothing > 0)
    for (std::size_t i = 0; i < n; ++i) loss -= off * (y[i] - lse);
  if (logits != nullptr) *logits = y;
  if (grad == nullptr) return loss;

  std::vector<double> dz(n);
  double dlk = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dy = p[i] - (i == target ? 1.0 - smoothing : 0.0) - off;
    dlk += dy * y[i];
    dz[i] = dy * kappa;
  }
  grad->log_kappa += dlk;
  for (std::size_t l = L; l-- > 0;) {
    const std::size_t rows = net.sizes[l + 1], cols = net.sizes[l];
    double* gW = grad->w[l].data();
    for (std::size_t i = 0; i < rows; ++i) grad->b[l][i] += dz[i];
    if (l == 0) {
      for (std::size_t i = 0; i < rows; ++i) {
        if (dz[i] == 0) continue;
        for (std::size_t k = 0; k < x.index.size(); ++k) gW[i * cols + x.index[k]] += dz[i] * x.value[k];
      }
      break;
    }
    const std::vector<double>& in = ws.a[l - 1];
    std::vector<double> da(cols, 0.0);
    const double* W = we[l].data();
    for (std::size_t i = 0; i < rows; ++i) {
      const double d = dz[i];
      if (d == 0) continue;
      double* g = gW + i * cols;
      const double* row = W + i * cols;
      for (std::size_t j = 0; j < cols; ++j) {
        g[j] += d * in[j];
        da[j] += d * row[j];
      }
    }
    // Through the hidden activation of layer l-1: clamp(z / 2^s, 0, 255).
    const double scale = std::ldexp(1.0, -net.shift[l - 1]);
    const std::vector<double>& zp = ws.z[l - 1];
    dz.assign(cols, 0.0);
    for (std::size_t j = 0; j < cols; ++j) {
      const double u = zp[j] * scale;
      if (u > 0 && u < 255) dz[j] = da[j] * scale;
    }
  }
  return loss;
}

}  // namespace

sparse_features features_of(std::size_t context_length, std::string_view prompt, std::string_view context) {
  hm::model_view v;
  v.context_length = context_length;
  std::uint8_t pb[hm::buckets]{};
  hm::prompt_features(prompt, pb);
  std::int16_t x[hm::input_size]{};
  hm::make_features(v, pb, context, x);
  sparse_features f;
  for (std::size_t j = 0; j < hm::input_size; ++j)
    if (x[j] != 0) {
      f.index.push_back(static_cast<std::uint16_t>(j));
      f.value.push_back(x[j]);
    }
  return f;
}

double loss_and_grad(const float_mlp& net, double lambda, bool round_activations, const sparse_features& x,
                     std::size_t target, float_mlp* grad, std::vector<double>* logits, double smoothing) {
  const auto we = effective_weights(net, lambda);
  workspace ws;
  forward(net, we, round_activations, x, ws);
  return loss_backward(net, we, x, target, ws, grad, logits, smoothing);
}

float_mlp zeros_like(const float_mlp& net) {
  float_mlp z;
  z.sizes = net.sizes;
  z.shift = net.shift;
  for (const auto& w : net.w) z.w.emplace_back(w.size(), 0.0);
  for (const auto& b : net.b) z.b.emplace_back(b.size(), 0.0);
  z.log_kappa = 0;
  return z;
}

float_mlp random_mlp(const std::vector<std::size_t>& sizes, std::uint64_t seed) {
  rng64 r{seed};
  float_mlp n;
  n.sizes = sizes;
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    n.w.emplace_back(sizes[l + 1] * sizes[l]);
    for (double& v : n.w.back()) v = 2.0 * r.uniform() - 1.0;
    n.b.emplace_back(sizes[l + 1]);
    for (double& v : n.b.back()) v = 0.5 * r.uniform();
    n.shift.push_back(0);
  }
  return n;
}

hashmlp_tables quantise(const float_mlp& net, const std::string& alphabet, std::size_t context_length,
                        int out_shift, std::uint32_t default_seed) {
  hashmlp_tables m;
  m.alphabet = alphabet;
  m.context_length = context_length;
  m.sizes = net.sizes;
  m.default_seed = default_seed;
  const std::size_t L = net.layers();
  for (std::size_t l = 0; l < L; ++l) {
    const int s = l + 1 < L ? net.shift[l] : out_shift;
    m.shifts.push_back(static_cast<std::uint8_t>(s));
    std::vector<std::int8_t> q(net.w[l].size());
    for (std::size_t k = 0; k < q.size(); ++k) q[k] = static_cast<std::int8_t>(grid_round(net.w[l][k]));
    std::vector<std::uint8_t> packed(net.sizes[l + 1] * int2_row_bytes(net.sizes[l]));
    pack_int2(q.data(), net.sizes[l + 1], net.sizes[l], packed.data());
    m.weights.insert(m.weights.end(), packed.begin(), packed.end());
    // The 24-bit bound: fan_in * 510 + |bias| + half < 2^23.
    const double half = s > 0 ? std::ldexp(1.0, s - 1) : 0.0;
    const double limit =
        static_cast<double>(hm::accumulator_limit) - 1 - static_cast<double>(net.sizes[l]) * 510.0 - half;
    for (double b : net.b[l])
      m.biases.push_back(static_cast<std::int32_t>(std::clamp(std::floor(b + 0.5), -limit, limit)));
  }
  if (const char* e = hm::validate(m.view())) throw error(fmt::format("internal: quantised model invalid: {}", e));
  return m;
}

double integer_accuracy(const hm::model_view& m, const std::vector<chat_pair>& pairs, std::uint32_t seed) {
  if (pairs.empty()) return 0;
  std::size_t ok = 0;
  for (const auto& p : pairs) {
    // Without a reply set, a reply one symbol longer than the expected one is
    // wrong however it goes on: stop there. With one, the length limit is
    // part of the rule (replies longer than it are left out), so it must not
    // depend on the expected reply: 255, and the set's replies end by themselves.
    const std::size_t max_len = m.replies.empty() ? std::min<std::size_t>(p.reply.size() + 1, 256) : 255;
    const auto out = hm::generate<256>(m, p.prompt, seed, max_len);
    if (std::string_view(out.data(), out.size()) == p.reply) ++ok;
  }
  return static_cast<double>(ok) / static_cast<double>(pairs.size());
}

// ---- training ----------------------------------------------------------------------

namespace {

struct example {
  sparse_features x;
  std::size_t target;
  std::size_t pair;  // index of its training line
};

double float_accuracy(const float_mlp& net, const std::vector<std::vector<double>>& we, bool round_act,
                      const std::vector<chat_pair>& pairs, const std::string& alphabet, std::size_t C) {
  if (pairs.empty()) return 0;
  std::size_t ok = 0;
  workspace ws;
  const std::size_t L = net.layers();
  for (const auto& p : pairs) {
    std::string out;
    while (out.size() <= p.reply.size()) {
      forward(net, we, round_act, features_of(C, p.prompt, out), ws);
      const auto& z = ws.z[L - 1];
      const std::size_t k = static_cast<std::size_t>(std::max_element(z.begin(), z.end()) - z.begin());
      if (k == alphabet.size()) break;
      out.push_back(alphabet[k]);
    }
    if (out == p.reply) ++ok;
  }
  return static_cast<double>(ok) / static_cast<double>(pairs.size());
}

class epoch_bar {
 public:
  explicit epoch_bar(bool enabled) : enabled_(enabled), tty_(isatty(STDERR_FILENO) != 0) {}
  void update(int epoch, int epochs, std::size_t done, std::size_t total, double loss) {
    if (!enabled_ || !tty_) return;
    const auto now = std::chrono::steady_clock::now();
    if (done != total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const std::size_t width = 30, fill = total == 0 ? width : done * width / total;
    fmt::print(stderr, "\rtinylm-gen: epoch {:>3}/{} [{}{}] {:3}% loss {:.4f}", epoch, epochs, std::string(fill, '#'),
               std::string(width - fill, '.'), total == 0 ? 100 : done * 100 / total, loss);
    std::fflush(stderr);
  }
  void end_epoch(const epoch_log& e, int epochs, double seconds, bool best) {
    if (!enabled_) return;
    fmt::print(stderr, "{}tinylm-gen: epoch {:>3}/{} loss {:.4f} val float {:.3f} int {:.3f}{} ({:.1f} s)\n",
               tty_ ? "\r\033[K" : "", e.epoch, epochs, e.train_loss, e.val_float_acc, e.val_int_acc,
               best ? " *" : "", seconds);
    std::fflush(stderr);
  }

 private:
  bool enabled_, tty_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

hashmlp_result train_hashmlp(const std::vector<chat_pair>& pairs, const hashmlp_options& o) {
  if (o.epochs < 1) throw error("--epochs must be at least 1");
  if (o.hidden.empty() || o.hidden.size() + 1 > hm::max_layers)
    throw error(fmt::format("--hidden must give 1..{} layer sizes", hm::max_layers - 1));
  for (std::size_t h : o.hidden)
    if (h < 1 || h > hm::max_width) throw error(fmt::format("hidden layer size {} is not in 1..256", h));
  if (o.context > hm::max_context_length) throw error("--context must be at most 64");
  if (o.batch < 1) throw error("--batch must be at least 1");
  if (o.lr_schedule != "step" && o.lr_schedule != "cosine" && o.lr_schedule != "constant")
    throw error(fmt::format("--lr-schedule '{}' is not step, cosine or constant", o.lr_schedule));
  if (!(o.label_smoothing >= 0 && o.label_smoothing < 1)) throw error("--label-smoothing must be in [0, 1)");
  if (!(o.weight_decay >= 0)) throw error("--weight-decay must not be negative");
  if (!(o.typo >= 0 && o.typo < 1)) throw error("--typo must be in [0, 1)");
  if (pairs.size() < std::max<std::size_t>(o.min_lines, 1))
    throw error(fmt::format("too few lines: {} 'prompt | REPLY' pairs, at least {} are needed", pairs.size(),
                            std::max<std::size_t>(o.min_lines, 1)));
  const std::string alphabet = o.alphabet.empty() ? derive_alphabet(pairs) : o.alphabet;
  if (alphabet.empty() || alphabet.size() > 255) throw error("the alphabet must have 1..255 characters");
  check_alphabet(pairs, alphabet, "corpus");

  hashmlp_result res;
  std::vector<chat_pair> train;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (o.val_every > 0 && i % o.val_every == o.val_every - 1) res.validation.push_back(pairs[i]);
    else train.push_back(pairs[i]);
  }
  if (train.empty()) throw error("too few lines: no training line is left after the validation split");
  if (o.val_every == 0) res.validation = train;
  res.train_lines = train.size();
  res.val_lines = o.val_every == 0 ? 0 : res.validation.size();

  const std::size_t C = o.context, S = alphabet.size();
  std::vector<example> data;
  for (std::size_t pi = 0; pi < train.size(); ++pi) {
    const chat_pair& p = train[pi];
    for (std::size_t t = 0; t <= p.reply.size(); ++t) {
      const std::string_view ctx(p.reply.data(), t);
      const std::size_t target = t < p.reply.size() ? alphabet.find(p.reply[t]) : S;
      data.push_back({features_of(C, p.prompt, ctx), target, pi});
    }
  }
  res.examples = data.size();

  std::vector<std::size_t> sizes{hm::input_size};
  sizes.insert(sizes.end(), o.hidden.begin(), o.hidden.end());
  sizes.push_back(S + 1);
  rng64 rng{0x7469'6E79'6C6Dull ^ (std::uint64_t{o.seed} * 0x9E3779B97F4A7C15ull)};
  float_mlp net = random_mlp(sizes, rng.next());
  const std::size_t L = net.layers();

  // Calibration: each hidden shift puts the 99th percentile of |z| near 96.
  {
    const std::size_t sample = std::min<std::size_t>(data.size(), 512);
    workspace ws;
    for (std::size_t l = 0; l < L; ++l) {
      const auto we = effective_weights(net, 0);
      std::vector<double> mags;
      for (std::size_t e = 0; e < sample; ++e) {
        forward(net, we, false, data[e * data.size() / sample].x, ws);
        for (double z : ws.z[l]) mags.push_back(std::fabs(z));
      }
      std::sort(mags.begin(), mags.end());
      const double p99 = std::max(mags[mags.size() * 99 / 100], 1e-9);
      if (l + 1 < L) {
        net.shift[l] = std::clamp(static_cast<int>(std::ceil(std::log2(p99 / 96.0))), 0, 16);
      } else {
        double ss = 0;
        for (double m : mags) ss += m * m;
        net.log_kappa = -std::log(std::max(std::sqrt(ss / static_cast<double>(mags.size())), 1e-6));
      }
    }
  }

  float_mlp grad = zeros_like(net), m1 = zeros_like(net), m2 = zeros_like(net);
  double mk1 = 0, mk2 = 0;
  const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  long step = 0;
  std::vector<std::size_t> order(data.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  epoch_bar bar(o.progress);
  double best = -1;
  const double hard_epochs = std::max(1.0, o.hard_fraction * o.epochs);
  std::vector<sparse_features> noisy(train.size());  // this epoch's prompt features (--typo)
  sparse_features joined;

  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    const auto t0 = std::chrono::steady_clock::now();
    const double lambda = std::min(1.0, epoch / hard_epochs);
    const bool round_act = lambda >= 1.0;
    double lr = o.learning_rate;
    if (o.lr_schedule == "step") {
      lr *= epoch > hard_epochs ? 0.5 : 1.0;
    } else if (o.lr_schedule == "cosine") {
      const double pi = 3.14159265358979323846;
      lr *= o.lr_floor + (1 - o.lr_floor) * 0.5 * (1 + std::cos(pi * (epoch - 1) / o.epochs));
    }
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    if (o.typo > 0) {
      for (std::size_t pi = 0; pi < train.size(); ++pi) {
        std::string prompt = train[pi].prompt;
        for (int k = 0; k < 3 && rng.uniform() < o.typo; ++k) prompt = add_typo(std::move(prompt), rng);
        noisy[pi] = features_of(C, prompt, {});
      }
    }
    double loss_sum = 0, max_out = 1;
    workspace ws;
    sparse_features dropped;
    for (std::size_t start = 0; start < order.size(); start += o.batch) {
      const std::size_t end = std::min(order.size(), start + o.batch);
      const auto we = effective_weights(net, lambda);
      for (auto& w : grad.w) std::fill(w.begin(), w.end(), 0.0);
      for (auto& b : grad.b) std::fill(b.begin(), b.end(), 0.0);
      grad.log_kappa = 0;
      for (std::size_t k = start; k < end; ++k) {
        const example& ex = data[order[k]];
        const sparse_features* x = &ex.x;
        if (o.typo > 0) {
          // The noisy prompt counts, then the example's context counts.
          joined = noisy[ex.pair];
          for (std::size_t j = 0; j < ex.x.index.size(); ++j)
            if (ex.x.index[j] >= hm::buckets) {
              joined.index.push_back(ex.x.index[j]);
              joined.value.push_back(ex.x.value[j]);
            }
          x = &joined;
        }
        if (o.dropout > 0) {
          const sparse_features& src = *x;
          dropped.index.clear();
          dropped.value.clear();
          for (std::size_t j = 0; j < src.index.size(); ++j)
            if (src.index[j] >= hm::buckets || rng.uniform() >= o.dropout) {
              dropped.index.push_back(src.index[j]);
              dropped.value.push_back(src.value[j]);
            }
          x = &dropped;
        }
        forward(net, we, round_act, *x, ws);
        for (double z : ws.z[L - 1]) max_out = std::max(max_out, std::fabs(z));
        loss_sum += loss_backward(net, we, *x, ex.target, ws, &grad, nullptr, o.label_smoothing);
      }
      // Adam on the mean gradient.
      ++step;
      const double inv = 1.0 / static_cast<double>(end - start);
      const double c1 = 1 - std::pow(beta1, static_cast<double>(step));
      const double c2 = 1 - std::pow(beta2, static_cast<double>(step));
      auto adam = [&](double& p, double g, double& a, double& b, double rate) {
        a = beta1 * a + (1 - beta1) * g;
        b = beta2 * b + (1 - beta2) * g * g;
        p -= rate * (a / c1) / (std::sqrt(b / c2) + eps);
      };
      for (std::size_t l = 0; l < L; ++l) {
        auto& w = net.w[l];
        const double decay = 1 - lr * o.weight_decay;  // decoupled (AdamW), towards the 0 weight
        for (std::size_t k = 0; k < w.size(); ++k) {
          if (o.weight_decay > 0) w[k] *= decay;
          adam(w[k], grad.w[l][k] * inv, m1.w[l][k], m2.w[l][k], lr);
          w[k] = std::clamp(w[k], -2.5, 1.5);
        }
        const double brate = lr * 4.0 * std::ldexp(1.0, l + 1 < L ? net.shift[l] : 0);
        for (std::size_t k = 0; k < net.b[l].size(); ++k)
          adam(net.b[l][k], grad.b[l][k] * inv, m1.b[l][k], m2.b[l][k], brate);
      }
      adam(net.log_kappa, grad.log_kappa * inv, mk1, mk2, lr);
      bar.update(epoch, o.epochs, end, order.size(), loss_sum / static_cast<double>(end));
    }
    // The output shift: the smallest that keeps twice the largest training
    // logit seen this epoch inside int16.
    int out_shift = 0;
    while (out_shift < hm::max_shift && 2.0 * max_out / std::ldexp(1.0, out_shift) > 32000.0) ++out_shift;
    epoch_log e{epoch, loss_sum / static_cast<double>(data.size()), 0, 0};
    e.val_float_acc = float_accuracy(net, effective_weights(net, lambda), round_act, res.validation, alphabet, C);
    hashmlp_tables q = quantise(net, alphabet, C, out_shift, o.seed);
    e.val_int_acc = integer_accuracy(q.view(), res.validation, q.default_seed);
    res.log.push_back(e);
    const bool is_best = e.val_int_acc >= best;
    if (is_best) {
      best = e.val_int_acc;
      res.best_epoch = epoch;
      res.best_val_int_acc = e.val_int_acc;
      res.model = std::move(q);
    }
    bar.end_epoch(e, o.epochs, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                  is_best);
  }
  return res;
}

}  // namespace tinylm::gen
