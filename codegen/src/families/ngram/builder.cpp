#include "families/ngram/builder.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "common/error.hpp"

namespace tinylm::gen {

tinylm::ngram::model_view ngram_tables::view() const {
  tinylm::ngram::model_view v;
  v.order = order;
  v.end_byte = end_byte;
  for (int k = 0; k < order && k < static_cast<int>(node_count.size()); ++k)
    v.node_count[k] = node_count[static_cast<std::size_t>(k)];
  v.keys = keys.data();
  v.first_entry = first_entry.data();
  v.entry_byte = entry_byte.data();
  v.entry_weight = entry_weight.data();
  return v;
}

namespace {

// A gram of order k: k context bytes then the next byte, packed big-endian
// into the low (k+1) bytes of a uint64 so that numeric order is memcmp order
// of (context, next) for grams of the same k.
using gram = std::uint64_t;

std::uint64_t context_of(gram g) { return g >> 8; }
std::uint8_t next_of(gram g) { return static_cast<std::uint8_t>(g & 0xFF); }

struct counted {
  gram g;
  std::uint32_t count;
};

// The distinct grams of a list, ascending, each with how often it occurs.
std::vector<counted> count_runs(std::vector<gram> grams) {
  std::sort(grams.begin(), grams.end());
  std::vector<counted> out;
  for (std::size_t i = 0; i < grams.size();) {
    std::size_t j = i;
    while (j < grams.size() && grams[j] == grams[i]) ++j;
    out.push_back({grams[i], static_cast<std::uint32_t>(j - i)});
    i = j;
  }
  return out;
}

// Distinct grams of order k with their counts (raw occurrences).
std::vector<counted> count_grams(const corpus& text, int k, int pad, std::uint8_t end_byte) {
  std::vector<gram> all;
  std::vector<std::uint8_t> seq;
  for (const auto& rec : text.items) {
    seq.assign(static_cast<std::size_t>(pad), end_byte);
    seq.insert(seq.end(), rec.begin(), rec.end());
    seq.push_back(end_byte);
    for (std::size_t i = static_cast<std::size_t>(pad); i < seq.size(); ++i) {
      gram g = 0;
      for (std::size_t j = i - static_cast<std::size_t>(k); j <= i; ++j) g = (g << 8) | seq[j];
      all.push_back(g);
    }
  }
  return count_runs(std::move(all));
}

// Kneser-Ney continuation counts of order k from the distinct grams of order
// k+1: the number of distinct bytes seen before (context, next).
std::vector<counted> continuation_counts(const std::vector<counted>& higher, int k) {
  const gram mask = (k + 1) >= 8 ? ~gram{0} : ((gram{1} << (8 * (k + 1))) - 1);
  std::vector<gram> suffixes;
  suffixes.reserve(higher.size());
  for (const auto& c : higher) suffixes.push_back(c.g & mask);
  return count_runs(std::move(suffixes));
}

// Modified Kneser-Ney discounts D1, D2, D3+ (Chen and Goodman) from counts of counts.
std::array<double, 4> discounts(const std::vector<counted>& grams) {
  double n[5] = {0, 0, 0, 0, 0};
  for (const auto& c : grams)
    if (c.count <= 4) n[c.count] += 1;
  std::array<double, 4> d = {0, 0.5, 1.0, 1.5};  // fallbacks for tiny corpora
  if (n[1] > 0 && n[2] > 0) {
    const double y = n[1] / (n[1] + 2 * n[2]);
    d[1] = 1 - 2 * y * n[2] / n[1];
    if (n[3] > 0) d[2] = 2 - 3 * y * n[3] / n[2];
    if (n[4] > 0 && n[3] > 0) d[3] = 3 - 4 * y * n[4] / n[3];
  }
  for (int i = 1; i <= 3; ++i) d[static_cast<std::size_t>(i)] = std::clamp(d[static_cast<std::size_t>(i)], 0.05, static_cast<double>(i));
  return d;
}

struct node {
  std::uint64_t context;            // k bytes, big-endian
  std::vector<std::uint8_t> bytes;  // sorted by weight desc, byte asc
  std::vector<std::uint8_t> weights;
  std::vector<std::pair<std::uint8_t, std::uint32_t>> raw;  // raw corpus counts, for pruning
  std::vector<std::pair<std::uint8_t, std::uint32_t>> kn;   // the counts it was estimated from
  double score = 0;                 // log-likelihood gain per storage byte
  bool kept = true;
};

// Quantises one context's interpolated-KN distribution to weights in 1/256.
// The discounted probabilities and the escape (backoff) mass are rounded
// together by largest remainder so that they sum to exactly 256, the escape
// keeps at least 1, and entries that get 0 are dropped (their mass is left to
// the shorter contexts). Ties go to the lower byte.
void quantise(node& nd, const std::vector<std::pair<std::uint8_t, std::uint32_t>>& counts,
              const std::array<double, 4>& d) {
  double total = 0;
  for (const auto& [b, c] : counts) total += c;
  struct share {
    int byte;      // -1 for the escape
    double exact;  // in 1/256
    int weight;
  };
  std::vector<share> s;
  double escape = 256.0;
  for (const auto& [b, c] : counts) {
    const double disc = std::max(0.0, c - d[std::min<std::size_t>(c, 3)]);
    const double x = 256.0 * disc / total;
    s.push_back({b, x, static_cast<int>(std::floor(x))});
    escape -= x;
  }
  escape = std::max(escape, 0.0);
  s.push_back({-1, escape, static_cast<int>(std::floor(escape))});
  int used = 0;
  for (const auto& e : s) used += e.weight;
  std::vector<std::size_t> by_remainder(s.size());
  std::iota(by_remainder.begin(), by_remainder.end(), 0);
  std::stable_sort(by_remainder.begin(), by_remainder.end(), [&](std::size_t a, std::size_t b) {
    return s[a].exact - s[a].weight > s[b].exact - s[b].weight;
  });
  for (std::size_t i = 0; used < 256; i = (i + 1) % by_remainder.size(), ++used) ++s[by_remainder[i]].weight;
  share& esc = s.back();
  // The escape never drops below 1/256: take from the largest weights.
  while (esc.weight < 1) {
    auto it = std::max_element(s.begin(), s.end() - 1, [](const share& a, const share& b) { return a.weight < b.weight; });
    --it->weight;
    ++esc.weight;
  }
  s.pop_back();
  std::sort(s.begin(), s.end(), [](const share& a, const share& b) {
    return a.weight != b.weight ? a.weight > b.weight : a.byte < b.byte;
  });
  for (const auto& e : s) {
    if (e.weight <= 0) break;
    nd.bytes.push_back(static_cast<std::uint8_t>(e.byte));
    nd.weights.push_back(static_cast<std::uint8_t>(e.weight));
  }
}

// Storage of one node with 16-bit offsets: the pruning score's denominator.
std::size_t node_cost(int k, const node& n) { return static_cast<std::size_t>(k) + 2 + 2 * n.bytes.size(); }

ngram_tables assemble(const std::vector<std::vector<node>>& tables, const ngram_options& o) {
  ngram_tables t;
  t.order = o.order;
  t.end_byte = o.end_byte;
  t.default_seed = o.seed;
  t.first_entry.push_back(0);
  for (int k = 0; k < o.order; ++k) {
    std::uint32_t count = 0;
    for (const node& n : tables[static_cast<std::size_t>(k)]) {
      if (!n.kept) continue;
      ++count;
      for (int i = k - 1; i >= 0; --i) t.keys.push_back(static_cast<std::uint8_t>(n.context >> (8 * i)));
      t.entry_byte.insert(t.entry_byte.end(), n.bytes.begin(), n.bytes.end());
      t.entry_weight.insert(t.entry_weight.end(), n.weights.begin(), n.weights.end());
      t.first_entry.push_back(static_cast<std::uint32_t>(t.entry_byte.size()));
    }
    t.node_count.push_back(count);
  }
  return t;
}

tinylm::ngram::history history_of(std::uint64_t context, int k, int length) {
  tinylm::ngram::history h;
  h.length = length;
  for (int i = 0; i < k; ++i) h.bytes[length - 1 - i] = static_cast<std::uint8_t>(context >> (8 * i));
  return h;
}

double probability_value(const tinylm::ngram::probability_t& p) {
  return std::ldexp(static_cast<double>(p.numerator), -8 * (p.levels + 1));
}

}  // namespace

ngram_tables build_ngram(const corpus& text, const ngram_options& o, progress& log) {
  if (o.order < 1 || o.order > tinylm::ngram::max_order)
    throw error(fmt::format("--order must be between 1 and {} (got {})", tinylm::ngram::max_order, o.order));
  const int pad = o.order - 1;

  // 1. Counts: raw at the longest context, continuation counts below it.
  log.begin(fmt::format("counting n-grams of {} records, orders 1-{}", text.items.size(), o.order));
  std::vector<std::vector<counted>> raw(static_cast<std::size_t>(o.order));
  for (int k = 0; k < o.order; ++k) raw[static_cast<std::size_t>(k)] = count_grams(text, k, pad, o.end_byte);
  std::vector<std::vector<counted>> kn(static_cast<std::size_t>(o.order));
  kn[static_cast<std::size_t>(o.order - 1)] = raw[static_cast<std::size_t>(o.order - 1)];
  for (int k = o.order - 2; k >= 0; --k)
    kn[static_cast<std::size_t>(k)] = continuation_counts(raw[static_cast<std::size_t>(k + 1)], k);
  log.end(fmt::format("{} distinct grams at the longest context", raw.back().size()));

  // 2. Nodes: quantised interpolated-KN distributions, one per context.
  log.begin("estimating and quantising (modified Kneser-Ney)");
  std::vector<std::vector<node>> tables(static_cast<std::size_t>(o.order));
  std::vector<std::array<double, 4>> disc(static_cast<std::size_t>(o.order));
  for (int k = 0; k < o.order; ++k) {
    const auto& g = kn[static_cast<std::size_t>(k)];
    const auto& r = raw[static_cast<std::size_t>(k)];
    // The empty context is not discounted: its escape (to a uniform byte) is
    // the minimum 1/256, so text models rarely emit bytes never seen in training.
    const auto d = k == 0 ? std::array<double, 4>{0, 0, 0, 0} : discounts(g);
    disc[static_cast<std::size_t>(k)] = d;
    std::size_t ri = 0;
    for (std::size_t i = 0; i < g.size();) {
      std::size_t j = i;
      std::vector<std::pair<std::uint8_t, std::uint32_t>> counts;
      while (j < g.size() && context_of(g[j].g) == context_of(g[i].g)) {
        counts.emplace_back(next_of(g[j].g), g[j].count);
        ++j;
      }
      node nd;
      nd.context = context_of(g[i].g);
      // Raw counts of the same context (r is sorted the same way; every gram in g occurs in r).
      while (ri < r.size() && context_of(r[ri].g) < nd.context) ++ri;
      while (ri < r.size() && context_of(r[ri].g) == nd.context) {
        nd.raw.emplace_back(next_of(r[ri].g), r[ri].count);
        ++ri;
      }
      quantise(nd, counts, d);
      nd.kn = counts;
      if (!nd.bytes.empty() || k == 0) tables[static_cast<std::size_t>(k)].push_back(std::move(nd));
      i = j;
    }
  }
  log.end();

  ngram_tables full = assemble(tables, o);
  const std::size_t full_size = tinylm::ngram::storage_bytes(full.view());
  const std::size_t root_size = tinylm::ngram::storage_bytes(assemble({tables[0]}, {1, 0, o.seed, o.end_byte}).view());
  if (o.budget != 0 && o.budget < root_size)
    throw error(fmt::format("--budget {} bytes cannot fit: the smallest model (the empty context alone) needs {} bytes",
                            o.budget, root_size));

  // 3. Pruning: drop the contexts that gain the least log-likelihood on the
  // corpus per byte of storage, until the tables fit the budget.
  if (o.budget != 0 && full_size > o.budget) {
    log.begin(fmt::format("pruning {} bytes to a budget of {} bytes", full_size, o.budget));
    const auto full_view = full.view();
    struct ref {
      double score;
      int k;
      std::size_t i;
    };
    std::vector<ref> order_of_removal;
    std::size_t total_nodes = 0, scored = 0;
    for (int k = 1; k < o.order; ++k) total_nodes += tables[static_cast<std::size_t>(k)].size();
    for (int k = 1; k < o.order; ++k) {
      auto parent = full_view;
      parent.order = k;  // contexts shorter than k only
      for (std::size_t i = 0; i < tables[static_cast<std::size_t>(k)].size(); ++i) {
        node& nd = tables[static_cast<std::size_t>(k)][i];
        const auto h = history_of(nd.context, k, k);
        auto hp = h;  // the same history seen by the shorter contexts
        hp.length = k - 1;
        for (int b = 0; b < k - 1; ++b) hp.bytes[b] = h.bytes[b + 1];
        // Leave-one-out gain: each occurrence is scored by the distribution
        // the context would have without it (the counts it was estimated
        // from, one less), so contexts seen once or twice, which only
        // memorise the corpus, gain little.
        const auto& dk = disc[static_cast<std::size_t>(k)];
        double total = 0, n1 = 0, n2 = 0, n3 = 0;
        for (const auto& [b, c] : nd.kn) {
          total += c;
          (c == 1 ? n1 : c == 2 ? n2 : n3) += 1;
        }
        double gain = 0;
        for (const auto& [b, c_raw] : nd.raw) {
          const double p_parent = probability_value(tinylm::ngram::probability(parent, hp, b));
          double c = 0;
          for (const auto& [kb, kc] : nd.kn)
            if (kb == b) c = kc;
          double p_loo = p_parent;
          if (c >= 1 && total > 1) {
            const double c1 = c - 1;
            double m1 = n1, m2 = n2, m3 = n3;  // type counts without this occurrence
            (c == 1 ? m1 : c == 2 ? m2 : m3) -= 1;
            if (c1 == 1) m1 += 1;
            else if (c1 == 2) m2 += 1;
            else if (c1 >= 3) m3 += 1;
            const double t1 = total - 1;
            const double own = std::max(0.0, c1 - dk[std::min<std::size_t>(static_cast<std::size_t>(c1), 3)]) / t1;
            const double gamma = (dk[1] * m1 + dk[2] * m2 + dk[3] * m3) / t1;
            p_loo = own + gamma * p_parent;
          }
          gain += c_raw * std::log2(std::max(p_loo, 1e-12) / p_parent);
        }
        nd.score = gain / static_cast<double>(node_cost(k, nd));
        order_of_removal.push_back({nd.score, k, i});
        log.update(++scored, total_nodes);
      }
    }
    std::sort(order_of_removal.begin(), order_of_removal.end(), [](const ref& a, const ref& b) {
      if (a.score != b.score) return a.score < b.score;
      if (a.k != b.k) return a.k > b.k;
      return a.i < b.i;
    });
    // Exact size as nodes go: per-table node and entry counts (the offset
    // width of a table drops from 3 to 2 bytes below 65536 entries).
    std::vector<std::size_t> nodes_in(static_cast<std::size_t>(o.order)), entries_in(static_cast<std::size_t>(o.order));
    for (int k = 0; k < o.order; ++k)
      for (const node& nd : tables[static_cast<std::size_t>(k)]) {
        ++nodes_in[static_cast<std::size_t>(k)];
        entries_in[static_cast<std::size_t>(k)] += nd.bytes.size();
      }
    auto exact_size = [&] {
      std::size_t total = 0;
      for (std::size_t k = 0; k < nodes_in.size(); ++k)
        total += tinylm::ngram::table_storage_bytes(nodes_in[k], k, entries_in[k]);
      return total;
    };
    std::size_t size = exact_size();
    std::size_t next = 0;
    while (size > o.budget && next < order_of_removal.size()) {
      const ref& r = order_of_removal[next++];
      node& nd = tables[static_cast<std::size_t>(r.k)][r.i];
      nd.kept = false;
      --nodes_in[static_cast<std::size_t>(r.k)];
      entries_in[static_cast<std::size_t>(r.k)] -= nd.bytes.size();
      size = exact_size();
    }
    log.end(fmt::format("{} contexts removed", next));
  }

  ngram_tables t = assemble(tables, o);
  if (const char* problem = tinylm::ngram::validate(t.view()))
    throw error(fmt::format("internal error: built model is invalid: {}", problem));
  t.metadata["corpus"] = text.name;
  t.metadata["corpus_bytes"] = std::to_string(text.bytes);
  t.metadata["corpus_records"] = std::to_string(text.items.size());
  t.metadata["budget"] = std::to_string(o.budget);
  t.metadata["unpruned_bytes"] = std::to_string(full_size);
  t.metadata["storage_bytes"] = std::to_string(tinylm::ngram::storage_bytes(t.view()));
  return t;
}

eval_result evaluate(const tinylm::ngram::model_view& m, const corpus& text) {
  eval_result r;
  for (const auto& rec : text.items) {
    auto h = tinylm::ngram::start_history(m, {});
    auto score = [&](std::uint8_t c) {
      r.bits -= std::log2(probability_value(tinylm::ngram::probability(m, h, c)));
      ++r.predicted;
      h.push(c);
    };
    for (std::uint8_t c : rec) score(c);
    score(m.end_byte);
  }
  return r;
}

}  // namespace tinylm::gen
