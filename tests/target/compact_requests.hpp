// tests/target/compact_requests.hpp - the random matrices on which the 8-bit
// kernels of the compact weight formats (ternary, 2-bit, int4) are checked
// against the library's dot products: the 6502's
// (tests/target/sim6502/compact_kernels.cpp) and the Z80's
// (tests/target/cpm/compact_kernels_z80.cpp). The library packs and
// computes; this file only chooses the matrices.
#pragma once

#include <fmt/core.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "tinylm/int4.hpp"
#include "tinylm/matvec_int2.hpp"
#include "tinylm/ternary.hpp"

namespace tinylm::test::compact {

enum class format : std::uint8_t { ternary = 1, int2 = 2, int4 = 3 };
inline constexpr format formats[] = {format::ternary, format::int2, format::int4};

inline const char* name_of(format f) { return f == format::ternary ? "ternary" : f == format::int2 ? "2-bit" : "int4"; }

// The format's weights, lowest first.
inline std::vector<int> values_of(format f) {
  if (f == format::ternary) return {-1, 0, 1};
  if (f == format::int2) return {-2, -1, 0, 1};
  return {-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7};
}

struct request {
  format f;
  std::size_t rows, cols;
  std::vector<std::int8_t> w;  // rows x cols, row-major, the format's values
  std::vector<std::int8_t> x;
  std::string label;
};

inline std::size_t packed_bytes(format f, std::size_t n) {
  return f == format::ternary ? tinylm::ternary_row_bytes(n)
         : f == format::int2  ? tinylm::int2_row_bytes(n)
                              : tinylm::int4_row_bytes(n);
}

inline void pack(format f, const std::int8_t* w, std::size_t rows, std::size_t cols, std::uint8_t* out) {
  if (f == format::ternary) tinylm::pack_ternary(w, rows, cols, out);
  else if (f == format::int2) tinylm::pack_int2(w, rows, cols, out);
  else tinylm::pack_int4(w, rows, cols, out);
}

// The oracle: the library's dot product of each row (packed as the library
// packs a row).
inline std::vector<std::int32_t> dots(const request& r) {
  const std::size_t stride = packed_bytes(r.f, r.cols);
  std::vector<std::uint8_t> packed(r.rows * stride);
  pack(r.f, r.w.data(), r.rows, r.cols, packed.data());
  std::vector<std::int32_t> out;
  for (std::size_t i = 0; i < r.rows; ++i) {
    const std::uint8_t* row = packed.data() + i * stride;
    out.push_back(r.f == format::ternary ? tinylm::dot_ternary_int8(row, r.x.data(), r.cols)
                  : r.f == format::int2  ? tinylm::dot_int2_int8(row, r.x.data(), r.cols)
                                         : tinylm::dot_int4_int8(row, r.x.data(), r.cols));
  }
  return out;
}

// The kernels' layout: the weights column by column, each column the
// format's packing of the transposed matrix's row (packed_bytes(f, rows)
// bytes a column).
inline std::vector<std::uint8_t> columns(const request& r) {
  std::vector<std::int8_t> t(r.rows * r.cols);
  for (std::size_t i = 0; i < r.rows; ++i)
    for (std::size_t j = 0; j < r.cols; ++j) t[j * r.rows + i] = r.w[i * r.cols + j];
  std::vector<std::uint8_t> out(r.cols * packed_bytes(r.f, r.rows));
  pack(r.f, t.data(), r.cols, r.rows, out.data());
  return out;
}

// A benchmark's request: every weight drawn uniformly from the format's
// values (ternary: a third zeros), x uniform in -127..127 with no zero (a
// zero column would be skipped, not measured).
inline request bench_request(format f, std::size_t rows, std::size_t cols, std::mt19937& rng) {
  request r{f, rows, cols, std::vector<std::int8_t>(rows * cols), std::vector<std::int8_t>(cols), "bench"};
  const std::vector<int> values = values_of(f);
  for (std::int8_t& v : r.w) v = static_cast<std::int8_t>(values[rng() % values.size()]);
  for (std::int8_t& v : r.x) v = static_cast<std::int8_t>(static_cast<int>(rng() % 255) - 127);
  for (std::int8_t& v : r.x)
    if (v == 0) v = 1;
  return r;
}

// Requests of every format from a seed: every shape of `row_counts` x
// {1, 2, 5, 32, 33, 64, 255, 256} columns (every padding of a last byte),
// weights random with a random share of zeros, x with 0, -128 and 127 and
// random values; then the extremes: every weight the format's most
// negative or most positive value with x all -128 (the largest sums), and
// x all zero.
inline std::vector<request> requests(std::uint32_t seed, const std::vector<std::size_t>& row_counts) {
  std::mt19937 rng(seed);
  const auto below = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  std::vector<request> out;
  const auto random_request = [&](format f, std::size_t rows, std::size_t cols, const std::string& kind) {
    request r{f, rows, cols, std::vector<std::int8_t>(rows * cols), std::vector<std::int8_t>(cols), kind};
    const int zeros = below(90);
    const std::vector<int> values = values_of(f);
    for (std::int8_t& v : r.w)
      v = static_cast<std::int8_t>(below(100) < zeros ? 0 : values[static_cast<std::size_t>(below(static_cast<int>(values.size())))]);
    for (std::int8_t& v : r.x) {
      const int k = below(10);
      v = static_cast<std::int8_t>(k == 0 ? 0 : k == 1 ? -128 : k == 2 ? 127 : static_cast<int>(rng() & 0xFF) - 128);
    }
    return r;
  };
  const std::size_t biggest = row_counts.empty() ? 1 : row_counts.back();
  for (format f : formats) {
    for (const std::size_t rows : row_counts)
      for (const std::size_t cols : std::vector<std::size_t>{1, 2, 5, 32, 33, 64, 255, 256})
        out.push_back(random_request(f, rows, cols, fmt::format("{} {} x {}", name_of(f), rows, cols)));
    for (const std::int8_t wv : {static_cast<std::int8_t>(values_of(f).front()), static_cast<std::int8_t>(values_of(f).back())}) {
      request r = random_request(f, biggest, 256, "");
      for (std::int8_t& v : r.w) v = wv;
      for (std::int8_t& v : r.x) v = -128;
      r.label = fmt::format("{} {} x 256, every weight {}, x -128", name_of(f), biggest, wv);
      out.push_back(r);
    }
    request z = random_request(f, 40, 40, "");
    for (std::int8_t& v : z.x) v = 0;
    z.label = fmt::format("{} 40 x 40, x all 0", name_of(f));
    out.push_back(z);
  }
  return out;
}

}  // namespace tinylm::test::compact
