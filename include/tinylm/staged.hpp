// tinylm/staged.hpp - staged execution: a transformer whose weights are not
// in memory, computed token by token with its weights streamed through one
// stage buffer.
//
// Contract
//   A reader gives bytes of the model's int8 weight array (transformer.hpp's
//   layout; model files and headers hold the same bytes):
//     r.read(offset, dst, n) -> bool   copy bytes [offset, offset + n) to dst;
//                                      false when it cannot (the run stops)
//   e.g. array_reader (a table in flash or ROM), a file on the host, a file
//   on the debugger's host through semihosting (examples/firmware).
//   generate_staged<Capacity>(m, b, reader, buffer, buffer_bytes, prompt, seed,
//                             max_length, inv_temp_q8, top_k)
//     the reply of transformer::generate(m with its weights, ...), bit for
//     bit: each step asks for its weights in transformer.hpp's order (the
//     embedding rows, then per layer Wq, Wk, Wv, Wo, W1, W2, then the head),
//     each matrix in blocks of as many whole rows as the buffer holds, and
//     the arithmetic is the resident path's (step_from), block by block.
//     Needs buffer_bytes >= transformer::min_block_bytes(m): the longest
//     row (max(d, F) for an all-int8 model; plan().min_stage_bytes); m.weights is
//     not used (it may be nullptr).
//     The result says whether every read succeeded: when one fails, the
//     reply so far is returned with ok == false (nothing hangs, nothing is
//     read out of range).
// RAM: plan().staged_peak_ram(buffer_bytes): the workspace, the stage
//   buffer, and nothing for the weights. Each token reads every weight once
//   but the embeddings' other rows (the tied head reads the token embedding
//   whole), in reads of at most buffer_bytes: streaming costs that many
//   bytes copied per token, and the reader's time.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "fixed_string.hpp"
#include "transformer.hpp"

namespace tinylm::staged {

template <class R>
concept weight_reader = requires(R& r, std::size_t offset, std::int8_t* dst, std::size_t n) {
  { r.read(offset, dst, n) } -> std::convertible_to<bool>;
};

// The weights as an array (in flash, ROM or RAM) of `size` bytes.
struct array_reader {
  const std::int8_t* data = nullptr;
  std::size_t size = 0;
  constexpr bool read(std::size_t offset, std::int8_t* dst, std::size_t n) const noexcept {
    if (data == nullptr || offset > size || n > size - offset) return false;
    if (std::is_constant_evaluated()) {
      for (std::size_t i = 0; i < n; ++i) dst[i] = data[offset + i];
    } else if (n != 0) {
      std::memcpy(dst, data + offset, n);
    }
    return true;
  }
};

// A step's weight source (transformer.hpp) that reads through a reader into
// the stage buffer; counts its reads.
template <weight_reader R>
struct stage_source {
  R* reader;
  std::int8_t* buffer;
  std::size_t capacity;
  std::size_t reads = 0;
  std::size_t bytes = 0;
  bool failed = false;

  constexpr const std::int8_t* operator()(std::size_t offset, std::size_t n) noexcept {
    if (n > capacity || !reader->read(offset, buffer, n)) {
      failed = true;
      return nullptr;
    }
    ++reads;
    bytes += n;
    return buffer;
  }
  constexpr std::size_t block_bytes() const noexcept { return capacity; }
};

template <std::size_t Capacity>
struct staged_reply {
  fixed_string<Capacity> text;
  bool ok = false;            // every read succeeded (and the model and buffer were valid)
  std::size_t reads = 0;      // reader calls
  std::size_t bytes_read = 0;
};

template <std::size_t Capacity, weight_reader R>
constexpr staged_reply<Capacity> generate_staged(const transformer::model_view& m, const transformer::buffers& b,
                                                 R& reader, std::int8_t* buffer, std::size_t buffer_bytes,
                                                 std::string_view prompt, std::uint32_t seed,
                                                 std::size_t max_length = Capacity, std::uint16_t inv_temp_q8 = 0,
                                                 std::size_t top_k = 0) noexcept {
  staged_reply<Capacity> r;
  if (transformer::validate_shape(m, false) != nullptr || buffer == nullptr ||
      buffer_bytes < transformer::min_block_bytes(m))
    return r;
  stage_source<R> src{&reader, buffer, buffer_bytes};
  r.text = transformer::generate_from<Capacity>(m, b, src, prompt, seed, max_length, inv_temp_q8, top_k);
  r.ok = !src.failed;
  r.reads = src.reads;
  r.bytes_read = src.bytes;
  return r;
}

}  // namespace tinylm::staged
