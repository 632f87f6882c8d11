// tinylm/ngram.hpp - the n-gram model family (the NES model).
//
// Model. Byte tokens (0-255). A model of order N keeps contexts of length
// k = 0 .. N-1 (N <= max_order). Table k holds node_count[k] nodes whose keys
// are the k context bytes, oldest first, sorted ascending (ngram_lookup.hpp).
// Node i of the whole model (tables laid end to end, k ascending) owns the
// entries [first_entry[i], first_entry[i+1]): pairs (entry_byte, entry_weight)
// in units of 1/256, sorted by weight descending, then byte ascending. The
// weights of a node sum to at most 255; the rest, escape = 256 - sum >= 1, is
// the probability of backing off to the next shorter context.
//
// Meaning (interpolated Kneser-Ney, quantised): with found nodes h_0 (longest)
// .. h_{L-1} (the empty context) for the current history,
//   P(c) = w_0(c)/256 + e_0/256 * (w_1(c)/256 + e_1/256 * ( ... + e_{L-1}/256 * 1/256))
// i.e. the discounted counts of a context plus its escape mass spread by the
// next shorter context, down to a uniform distribution over 256 bytes.
// A context absent from its table is skipped (no escape is charged for it).
//
// Sampling rule (every target does exactly this): for k = N-1 down to 0, look
// up the last k bytes of the history; if found, draw r = rng.next_byte() and
// walk the node's entries: if r < weight emit the byte, else r -= weight; if
// the walk ends, back off to k-1. After the empty context, emit
// rng.next_byte() (uniform). This draws an exact sample of P above with no
// multiplication or division: one xorshift32 step per visited node.
//
// Generation: the history starts as N-1 copies of end_byte (the start of a
// record), then takes the prompt's bytes (all of them; only the last N-1
// matter, so an empty or overlong prompt is fine and any byte 0-255 is
// plain context). Bytes are sampled until end_byte or max_length.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fixed_string.hpp"
#include "ngram_lookup.hpp"
#include "prng.hpp"

namespace tinylm::ngram {

inline constexpr int max_order = 7;          // 7 levels * 8 bits + uniform fit a uint64 probability
inline constexpr unsigned weight_one = 256;  // weights are in units of 1/256

// A non-owning view of a model's tables: what the generated headers, the model
// file loader and every kernel here work on.
struct model_view {
  int order = 0;                              // N: context lengths 0 .. N-1
  std::uint8_t end_byte = 0;                  // record end / stop marker
  std::uint32_t node_count[max_order] = {};   // nodes per context length
  const std::uint8_t* keys = nullptr;         // table k at key_offset(k), node_count[k] * k bytes
  const std::uint32_t* first_entry = nullptr; // total_nodes() + 1 values
  const std::uint8_t* entry_byte = nullptr;   // total_entries() values
  const std::uint8_t* entry_weight = nullptr; // total_entries() values

  constexpr std::uint32_t node_base(int k) const noexcept {
    std::uint32_t base = 0;
    for (int j = 0; j < k; ++j) base += node_count[j];
    return base;
  }
  constexpr std::size_t key_offset(int k) const noexcept {
    std::size_t off = 0;
    for (int j = 0; j < k; ++j) off += std::size_t{node_count[j]} * static_cast<std::size_t>(j);
    return off;
  }
  constexpr std::uint32_t total_nodes() const noexcept { return node_base(order); }
  constexpr std::size_t total_key_bytes() const noexcept { return key_offset(order); }
  constexpr std::uint32_t total_entries() const noexcept { return first_entry[total_nodes()]; }
};

// A generated model type: a tag type with static constexpr plain arrays.
template <class M>
concept ngram_model = requires {
  { M::order } -> std::convertible_to<int>;
  { M::end_byte } -> std::convertible_to<std::uint8_t>;
  { M::default_seed } -> std::convertible_to<std::uint32_t>;
  M::node_count[0];
  M::keys[0];
  M::first_entry[0];
  M::entry_byte[0];
  M::entry_weight[0];
};

template <ngram_model M>
constexpr model_view view_of() noexcept {
  model_view v;
  v.order = M::order;
  v.end_byte = M::end_byte;
  for (int k = 0; k < M::order; ++k) v.node_count[k] = M::node_count[k];
  v.keys = M::keys;
  v.first_entry = M::first_entry;
  v.entry_byte = M::entry_byte;
  v.entry_weight = M::entry_weight;
  return v;
}

// The history: the last N-1 bytes, oldest first.
struct history {
  std::uint8_t bytes[max_order] = {};
  int length = 0;  // N-1 of the model it was made for

  constexpr void push(std::uint8_t b) noexcept {
    if (length == 0) return;
    for (int i = 0; i + 1 < length; ++i) bytes[i] = bytes[i + 1];
    bytes[length - 1] = b;
  }
};

// The start-of-record history, then the prompt's bytes.
constexpr history start_history(const model_view& m, std::string_view prompt) noexcept {
  history h;
  h.length = m.order - 1;
  for (int i = 0; i < h.length; ++i) h.bytes[i] = m.end_byte;
  for (char c : prompt) h.push(static_cast<std::uint8_t>(c));
  return h;
}

// Global node index of the context made of the last k bytes of h, or not_found.
constexpr std::uint32_t find_context(const model_view& m, const history& h, int k) noexcept {
  const std::uint8_t* key = h.bytes + (h.length - k);
  const std::uint32_t i = find_key(m.keys + m.key_offset(k), m.node_count[k],
                                   static_cast<std::size_t>(k), key);
  return i == not_found ? not_found : m.node_base(k) + i;
}

// A source of uniform bytes: xorshift32, or a scripted sequence in tests.
template <class R>
concept byte_source = requires(R& r) {
  { r.next_byte() } -> std::convertible_to<std::uint8_t>;
};

// One byte by the sampling rule above.
template <byte_source Rng>
constexpr std::uint8_t sample_next(const model_view& m, const history& h, Rng& rng) noexcept {
  for (int k = m.order - 1; k >= 0; --k) {
    const std::uint32_t node = find_context(m, h, k);
    if (node == not_found) continue;
    unsigned r = rng.next_byte();
    for (std::uint32_t e = m.first_entry[node]; e < m.first_entry[node + 1]; ++e) {
      if (r < m.entry_weight[e]) return m.entry_byte[e];
      r -= m.entry_weight[e];
    }
  }
  return rng.next_byte();
}

// Generates at most max_length bytes (and at most Capacity) after the prompt.
// The end byte is not part of the result.
template <std::size_t Capacity>
constexpr fixed_string<Capacity> generate(const model_view& m, std::string_view prompt,
                                          std::uint32_t seed,
                                          std::size_t max_length = Capacity) noexcept {
  fixed_string<Capacity> out;
  history h = start_history(m, prompt);
  xorshift32 rng(seed);
  while (out.size() < max_length && !out.full()) {
    const std::uint8_t c = sample_next(m, h, rng);
    if (c == m.end_byte) break;
    out.push_back(static_cast<char>(c));
    h.push(c);
  }
  return out;
}

template <ngram_model M, std::size_t Capacity = 128>
constexpr fixed_string<Capacity> generate(std::string_view prompt, std::uint32_t seed = M::default_seed,
                                          std::size_t max_length = Capacity) noexcept {
  return generate<Capacity>(view_of<M>(), prompt, seed, max_length);
}

// The exact probability of byte c after history h:
//   P = numerator / 256^(levels + 1), levels = number of found contexts.
struct probability_t {
  std::uint64_t numerator = 0;
  int levels = 0;
};

constexpr probability_t probability(const model_view& m, const history& h, std::uint8_t c) noexcept {
  // Found nodes, longest context first.
  std::uint32_t nodes[max_order] = {};
  int levels = 0;
  for (int k = m.order - 1; k >= 0; --k) {
    const std::uint32_t node = find_context(m, h, k);
    if (node != not_found) nodes[levels++] = node;
  }
  // Horner from the uniform floor up: N = w * 256^depth + escape * N_below.
  std::uint64_t num = 1;
  std::uint64_t scale = 1;  // 256^(number of levels below, inclusive of uniform) / 256
  for (int l = levels - 1; l >= 0; --l) {
    const std::uint32_t node = nodes[l];
    unsigned w = 0;
    unsigned sum = 0;
    for (std::uint32_t e = m.first_entry[node]; e < m.first_entry[node + 1]; ++e) {
      if (m.entry_byte[e] == c) w = m.entry_weight[e];
      sum += m.entry_weight[e];
    }
    scale *= weight_one;
    num = std::uint64_t{w} * scale + std::uint64_t{weight_one - sum} * num;
  }
  return {num, levels};
}

// The budget measure: bytes of the tables in their compact form, the form an
// 8-bit target stores them in: key bytes, a 16-bit (24-bit when a table has
// more than 65535 entries) first-entry offset per node plus one end offset
// per table, and one byte and one weight per entry.
// table_storage_bytes: one table of `nodes` contexts of k bytes owning
// `entries` entries (the builder prices its pruning with it too).
constexpr std::size_t table_storage_bytes(std::size_t nodes, std::size_t k, std::size_t entries) noexcept {
  const std::size_t offset_bytes = entries > 0xFFFFu ? 3 : 2;
  return nodes * k + (nodes + 1) * offset_bytes + 2 * entries;
}

constexpr std::size_t storage_bytes(const model_view& m) noexcept {
  std::size_t total = 0;
  for (int k = 0; k < m.order; ++k) {
    const std::uint32_t base = m.node_base(k);
    const std::uint32_t n = m.node_count[k];
    total += table_storage_bytes(n, static_cast<std::size_t>(k), m.first_entry[base + n] - m.first_entry[base]);
  }
  return total;
}

// Structural check of a model's tables: what a loader runs before trusting a
// file. Returns nullptr when valid, else a description of the first problem.
constexpr const char* validate(const model_view& m) noexcept {
  if (m.order < 1 || m.order > max_order) return "order must be between 1 and 7";
  if (m.node_count[0] != 1) return "the empty context (table 0) must have exactly one node";
  // An order-1 model has no keys, and a model may have no entries: an empty
  // table may be a null pointer.
  if (m.first_entry == nullptr) return "missing table";
  if (m.keys == nullptr && m.total_key_bytes() != 0) return "missing table";
  if ((m.entry_byte == nullptr || m.entry_weight == nullptr) && m.total_entries() != 0)
    return "missing table";
  const std::uint32_t nodes = m.total_nodes();
  if (m.first_entry[0] != 0) return "first_entry must start at 0";
  // Offsets first, so that no entry is read before its range is known to lie
  // inside [0, total_entries()).
  for (std::uint32_t i = 0; i < nodes; ++i) {
    if (m.first_entry[i + 1] < m.first_entry[i]) return "first_entry is not ascending";
    if (m.first_entry[i + 1] - m.first_entry[i] > 255) return "a node has more than 255 entries";
  }
  for (std::uint32_t i = 0; i < nodes; ++i) {
    const std::uint32_t b = m.first_entry[i];
    const std::uint32_t e = m.first_entry[i + 1];
    unsigned sum = 0;
    for (std::uint32_t j = b; j < e; ++j) {
      if (m.entry_weight[j] == 0) return "an entry has weight 0";
      if (j > b && (m.entry_weight[j] > m.entry_weight[j - 1] ||
                    (m.entry_weight[j] == m.entry_weight[j - 1] && m.entry_byte[j] <= m.entry_byte[j - 1])))
        return "entries are not sorted by weight descending, byte ascending";
      sum += m.entry_weight[j];
    }
    if (sum > 255) return "entry weights of a node sum to more than 255";
  }
  for (int k = 1; k < m.order; ++k) {
    const std::uint8_t* t = m.keys + m.key_offset(k);
    for (std::uint32_t i = 1; i < m.node_count[k]; ++i) {
      if (compare_key(t + std::size_t{i - 1} * static_cast<std::size_t>(k),
                      t + std::size_t{i} * static_cast<std::size_t>(k), static_cast<std::size_t>(k)) >= 0)
        return "keys of a table are not strictly ascending";
    }
  }
  return nullptr;
}

// The static memory plan of generation: everything that is written while a
// reply is produced. The tables stay in ROM.
struct memory_plan {
  std::size_t history_bytes;  // the last N-1 bytes
  std::size_t rng_bytes;      // xorshift32 state
  std::size_t output_bytes;   // the reply buffer
  std::size_t peak_ram;
  std::size_t rom_bytes;      // storage_bytes(): the tables
};

template <ngram_model M, std::size_t OutputCapacity = 128>
constexpr memory_plan plan() noexcept {
  memory_plan p{static_cast<std::size_t>(M::order - 1), 4, OutputCapacity, 0, storage_bytes(view_of<M>())};
  p.peak_ram = p.history_bytes + p.rng_bytes + p.output_bytes;
  return p;
}

}  // namespace tinylm::ngram
