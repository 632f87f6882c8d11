// Run-time tests of the hash-MLP family: the compile-time and run-time paths
// agree on the tiny hand-built model, END is reached, every prompt byte and
// empty/overlong prompts are handled, and a naive reference written here
// (unpacked row-major weights, int64 sums then wrap, its own trigram hash)
// agrees with the library on random models and thousands of random prompts.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include <tinylm/hashmlp.hpp>
#include <tinylm/model.hpp>

#include "support/tiny_hashmlp.hpp"

namespace hm = tinylm::hashmlp;
using tinylm_test::tiny_hashmlp;

namespace {

// ---- a naive reference of the contract ------------------------------------------------
std::vector<int> ref_trigram(const std::string& text) {
  std::vector<int> counts(128, 0);
  std::string t = " ";
  for (char c : text) t.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
  t.push_back(' ');
  for (std::size_t i = 0; i + 2 < t.size(); ++i) {
    unsigned h = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      h = ((h << 3) | (h >> 5)) & 0xFFu;
      h = (h + static_cast<unsigned char>(t[i + k])) & 0xFFu;
    }
    int& c = counts[h % 128];
    if (c < 255) ++c;
  }
  return counts;
}

struct ref_model {
  std::string alphabet;
  std::size_t context = 0;
  std::vector<std::size_t> sizes;                 // n_0 .. n_L
  std::vector<std::vector<std::int8_t>> w;        // per layer, row-major rows x cols
  std::vector<std::vector<std::int32_t>> b;       // per layer
  std::vector<std::uint8_t> shifts;
  // The packed form the library reads.
  std::vector<std::uint8_t> packed;
  std::vector<std::int32_t> biases;

  hm::model_view view() const {
    hm::model_view v;
    v.alphabet = alphabet.data();
    v.context_length = context;
    v.layer_count = sizes.size() - 1;
    for (std::size_t l = 0; l < sizes.size(); ++l) v.sizes[l] = sizes[l];
    v.weights = packed.data();
    v.biases = biases.data();
    v.shifts = shifts.data();
    return v;
  }
};

std::int64_t ref_round_shift(std::int64_t x, int s) {
  if (s == 0) return x;
  const std::int64_t d = std::int64_t{1} << s;
  const std::int64_t num = x + d / 2;
  // floor division
  return num >= 0 ? num / d : -((-num + d - 1) / d);
}

// interior (optional) counts the hidden activations strictly inside 0..255.
std::vector<std::int64_t> ref_forward(const ref_model& m, const std::string& prompt, const std::string& context,
                                      std::size_t* interior = nullptr) {
  const std::string p = prompt.size() > 255 ? prompt.substr(prompt.size() - 255) : prompt;
  const std::string c = context.size() > m.context ? context.substr(context.size() - m.context) : context;
  std::vector<std::int64_t> x;
  for (int v : ref_trigram(p)) x.push_back(v);
  for (int v : ref_trigram(c)) x.push_back(v);
  const std::size_t L = m.sizes.size() - 1;
  for (std::size_t l = 0; l < L; ++l) {
    const std::size_t rows = m.sizes[l + 1], cols = m.sizes[l];
    std::vector<std::int64_t> y(rows);
    for (std::size_t i = 0; i < rows; ++i) {
      std::int64_t sum = m.b[l][i];
      for (std::size_t j = 0; j < cols; ++j) sum += std::int64_t{m.w[l][i * cols + j]} * x[j];
      const auto acc = static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::uint64_t>(sum)));
      const std::int64_t r = ref_round_shift(acc, m.shifts[l]);
      if (l + 1 < L) {
        y[i] = r < 0 ? 0 : (r > 255 ? 255 : r);
        if (interior != nullptr && r > 0 && r < 255) ++*interior;
      } else {
        y[i] = r < -32768 ? -32768 : (r > 32767 ? 32767 : r);
      }
    }
    x = y;
  }
  return x;
}

std::string ref_generate(const ref_model& m, const std::string& prompt, std::uint32_t seed, std::size_t max_len,
                         std::uint16_t inv_temp, std::size_t top_k) {
  tinylm::xorshift32 rng(seed);
  std::string out;
  while (out.size() < max_len) {
    const std::string ctx = m.context == 0 ? std::string() : out.substr(out.size() > m.context ? out.size() - m.context : 0);
    const auto logits = ref_forward(m, prompt, ctx);
    std::size_t k = 0;
    if (inv_temp == 0) {
      for (std::size_t i = 1; i < logits.size(); ++i)
        if (logits[i] > logits[k]) k = i;
    } else {
      // The sampling kernel is tested on its own (kernels tests); here it is shared.
      std::vector<std::int16_t> s;
      for (auto v : logits) s.push_back(static_cast<std::int16_t>(v));
      k = tinylm::sample_top_k(s.data(), s.size(), inv_temp, top_k, rng);
    }
    if (k == m.alphabet.size()) break;
    out.push_back(m.alphabet[k]);
  }
  return out;
}

// Packs with this test's own code (w & 3, least significant pair first); the
// padding bits of the last byte of a row get random garbage (the contract
// says they are ignored).
void pack(ref_model& m, tinylm::xorshift32& rng) {
  m.packed.clear();
  m.biases.clear();
  for (std::size_t l = 0; l + 1 < m.sizes.size(); ++l) {
    const std::size_t rows = m.sizes[l + 1], cols = m.sizes[l], stride = (cols + 3) / 4;
    for (std::size_t i = 0; i < rows; ++i) {
      std::vector<std::uint8_t> row(stride, 0);
      for (std::size_t j = cols; j < stride * 4; ++j)
        row[j / 4] = static_cast<std::uint8_t>(row[j / 4] | ((rng.next() & 3u) << (2 * (j % 4))));
      for (std::size_t j = 0; j < cols; ++j) {
        const unsigned code = static_cast<unsigned>(m.w[l][i * cols + j]) & 3u;
        row[j / 4] = static_cast<std::uint8_t>(row[j / 4] | (code << (2 * (j % 4))));
      }
      m.packed.insert(m.packed.end(), row.begin(), row.end());
    }
    m.biases.insert(m.biases.end(), m.b[l].begin(), m.b[l].end());
  }
}

ref_model random_model(tinylm::xorshift32& rng, bool huge_biases) {
  ref_model m;
  const std::size_t symbols = 1 + rng.below(24);
  for (std::size_t i = 0; i < symbols; ++i) m.alphabet.push_back(static_cast<char>(rng.below(256)));
  m.context = rng.below(4) == 0 ? 0 : rng.below(20);
  const std::size_t hidden = rng.below(4);  // 0 .. 3 hidden layers
  m.sizes.push_back(256);
  for (std::size_t h = 0; h < hidden; ++h) m.sizes.push_back(1 + rng.below(rng.below(8) == 0 ? 256 : 40));
  m.sizes.push_back(symbols + 1);
  const unsigned zero_percent = rng.below(95);
  for (std::size_t l = 0; l + 1 < m.sizes.size(); ++l) {
    const std::size_t rows = m.sizes[l + 1], cols = m.sizes[l];
    std::vector<std::int8_t> w(rows * cols);
    for (auto& v : w) v = rng.below(100) < zero_percent ? std::int8_t{0} : static_cast<std::int8_t>(static_cast<int>(rng.below(4)) - 2);
    std::vector<std::int32_t> b(rows);
    for (auto& v : b) {
      v = huge_biases ? static_cast<std::int32_t>(rng.next()) : static_cast<std::int32_t>(rng.below(4001)) - 2000;
    }
    m.w.push_back(w);
    m.b.push_back(b);
    m.shifts.push_back(static_cast<std::uint8_t>(rng.below(huge_biases ? 32 : 12)));
  }
  pack(m, rng);
  return m;
}

std::string random_prompt(tinylm::xorshift32& rng) {
  std::string p;
  const std::uint32_t len = rng.below(8) == 0 ? rng.below(600) : rng.below(40);
  for (std::uint32_t j = 0; j < len; ++j)
    p.push_back(static_cast<char>(rng.below(3) == 0 ? rng.below(256) : 32 + rng.below(95)));
  return p;
}

std::vector<std::int64_t> lib_forward(const hm::model_view& v, const std::string& prompt, const std::string& context) {
  std::uint8_t pb[hm::buckets]{};
  hm::prompt_features(prompt, pb);
  std::int16_t logits[hm::max_width]{};
  hm::forward(v, pb, context, logits);
  return std::vector<std::int64_t>(logits, logits + v.output_size());
}

}  // namespace

TEST_CASE("hashmlp: compile-time and run-time forward passes and replies agree on the tiny model", "[hashmlp]") {
  constexpr auto hi = tinylm::reply<tiny_hashmlp>("hi");
  constexpr auto yo = tinylm::reply<tiny_hashmlp>("yo");
  constexpr auto sampled = hm::generate<tiny_hashmlp, 32>("hi", 3, 32, 16384, 2);
  constexpr auto bytes = hm::generate<tiny_hashmlp, 32>(std::string_view("\x00\x7f\x80\xff", 4), 9, 32, 8192);
  REQUIRE(hi == "HI!");
  REQUIRE(yo == "!");
  REQUIRE(sampled == "HH!HHH!HH!!!!!HH!!H!HH!HHH!HHH!H");  // tests/golden/hashmlp_tiny.py
  const auto v = hm::view_of<tiny_hashmlp>();
  REQUIRE(hi == hm::generate<128>(v, "hi", 1));
  REQUIRE(yo == hm::generate<128>(v, "yo", 1));
  REQUIRE(sampled == hm::generate<32>(v, "hi", 3, 32, 16384, 2));
  REQUIRE(bytes == hm::generate<32>(v, std::string_view("\x00\x7f\x80\xff", 4), 9, 32, 8192));

  constexpr auto logits_hi = [] {
    std::uint8_t pb[hm::buckets]{};
    hm::prompt_features("hi", pb);
    struct { std::int16_t l[4]; } r{};
    hm::forward(hm::view_of<tiny_hashmlp>(), pb, "HI!", r.l);
    return r;
  }();
  const auto run = lib_forward(v, "hi", "HI!");
  for (std::size_t i = 0; i < 4; ++i) REQUIRE(logits_hi.l[i] == run[i]);
  REQUIRE(run == std::vector<std::int64_t>{0, 0, -1, 1});
}

TEST_CASE("hashmlp: END is reachable and stops the reply", "[hashmlp]") {
  const auto v = hm::view_of<tiny_hashmlp>();
  // "HI!" then END: the reply is shorter than every limit.
  const auto r = hm::generate<64>(v, "hi", 1, 64);
  REQUIRE(r == "HI!");
  REQUIRE(lib_forward(v, "hi", "HI!")[3] == 1);  // END has the largest logit there
  // Without END the reply runs to the limit.
  REQUIRE(hm::generate<64>(v, "this prompt is long enough", 1, 50).size() == 50);
  REQUIRE(hm::generate<16>(v, "this prompt is long enough", 1, 1000).size() == 16);
}

TEST_CASE("hashmlp: every prompt byte, empty and overlong prompts", "[hashmlp]") {
  tinylm::xorshift32 rng(77);
  ref_model tiny;
  {
    // The tiny model as a ref_model, unpacked from its packed bytes by the test's own decoding.
    const auto v = hm::view_of<tiny_hashmlp>();
    tiny.alphabet = "HI!";
    tiny.context = 4;
    tiny.sizes = {256, 8, 4};
    tiny.shifts = {1, 0};
    std::size_t off = 0, boff = 0;
    for (std::size_t l = 0; l < 2; ++l) {
      const std::size_t rows = tiny.sizes[l + 1], cols = tiny.sizes[l], stride = (cols + 3) / 4;
      std::vector<std::int8_t> w(rows * cols);
      for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < cols; ++j) {
          const unsigned code = (v.weights[off + i * stride + j / 4] >> (2 * (j % 4))) & 3u;
          w[i * cols + j] = static_cast<std::int8_t>(code == 0 ? 0 : code == 1 ? 1 : code == 2 ? -2 : -1);
        }
      tiny.w.push_back(w);
      tiny.b.emplace_back(v.biases + boff, v.biases + boff + rows);
      off += rows * stride;
      boff += rows;
    }
    pack(tiny, rng);
  }
  std::vector<ref_model> models = {tiny, random_model(rng, false), random_model(rng, false), random_model(rng, true)};
  for (const auto& m : models) {
    const auto v = m.view();
    std::string all;
    for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
    for (int b = 0; b < 256; ++b) {
      for (const std::string& prompt : {std::string(1, static_cast<char>(b)), std::string(3, static_cast<char>(b))}) {
        INFO("byte " << b);
        REQUIRE(lib_forward(v, prompt, "") == ref_forward(m, prompt, ""));
        REQUIRE(std::string(hm::generate<40>(v, prompt, static_cast<std::uint32_t>(b)).view()) ==
                ref_generate(m, prompt, static_cast<std::uint32_t>(b), 40, 0, 0));
        REQUIRE(std::string(hm::generate<40>(v, prompt, static_cast<std::uint32_t>(b), 40, 4096, 0).view()) ==
                ref_generate(m, prompt, static_cast<std::uint32_t>(b), 40, 4096, 0));
      }
      // Every byte in the context too.
      REQUIRE(lib_forward(v, "hi", std::string(2, static_cast<char>(b))) == ref_forward(m, "hi", std::string(2, static_cast<char>(b))));
    }
    // The empty prompt; all 256 bytes (overlong: its last 255 bytes count); a
    // 100,000-byte prompt is its last 255 bytes.
    REQUIRE(std::string(hm::generate<40>(v, "", 5).view()) == ref_generate(m, "", 5, 40, 0, 0));
    REQUIRE(lib_forward(v, all, "") == lib_forward(v, all.substr(1), ""));
    REQUIRE(lib_forward(v, all, "") == ref_forward(m, all, ""));
    std::string overlong(100000, 'x');
    overlong += all;
    REQUIRE(hm::generate<40>(v, overlong, 3, 40, 16384, 3) == hm::generate<40>(v, all.substr(1), 3, 40, 16384, 3));
    REQUIRE(std::string(hm::generate<40>(v, overlong, 3, 40, 16384, 3).view()) ==
            ref_generate(m, overlong, 3, 40, 16384, 3));
    // An overlong context passed to forward: its last C bytes.
    const std::string long_ctx(300, 'H');
    REQUIRE(lib_forward(v, "q", long_ctx) == lib_forward(v, "q", long_ctx.substr(300 - m.context)));
  }
  // With the tiny model: the 255-byte cut is exact (a greeting at the start of a 256-byte prompt is cut off).
  const auto tv = hm::view_of<tiny_hashmlp>();
  const std::string greet_then_x = "hi" + std::string(254, 'x');
  REQUIRE(lib_forward(tv, greet_then_x, "") == lib_forward(tv, greet_then_x.substr(1), ""));
  REQUIRE(lib_forward(tv, greet_then_x, "") != lib_forward(tv, greet_then_x.substr(0, 255), ""));
}

TEST_CASE("hashmlp: differential: the library against a naive reference on random models and prompts", "[hashmlp]") {
  tinylm::xorshift32 rng(20261123);
  std::size_t prompts = 0, wrapped_models = 0, nonempty = 0, stopped_at_end = 0, interior = 0;
  for (int model = 0; model < 60; ++model) {
    const bool huge = model % 5 == 4;  // biases anywhere in int32: the accumulator wraps
    const ref_model m = random_model(rng, huge);
    const auto v = m.view();
    wrapped_models += huge ? 1u : 0u;
    // validate() agrees with the bound computed here.
    bool fits = true;
    for (std::size_t l = 0; l + 1 < m.sizes.size(); ++l) {
      std::int64_t max_bias = 0;
      for (auto b : m.b[l]) max_bias = std::max<std::int64_t>(max_bias, b < 0 ? -std::int64_t{b} : b);
      const std::int64_t half = m.shifts[l] > 0 ? std::int64_t{1} << (m.shifts[l] - 1) : 0;
      fits = fits && m.shifts[l] <= 23 && static_cast<std::int64_t>(m.sizes[l]) * 510 + max_bias + half < (std::int64_t{1} << 23);
    }
    REQUIRE((hm::validate(v) == nullptr) == fits);
    for (int i = 0; i < 60; ++i, ++prompts) {
      const std::string prompt = random_prompt(rng);
      std::string context;
      const std::uint32_t clen = rng.below(30);
      for (std::uint32_t j = 0; j < clen; ++j) context.push_back(m.alphabet[rng.below(static_cast<std::uint32_t>(m.alphabet.size()))]);
      INFO("model " << model << " prompt " << i);
      REQUIRE(lib_forward(v, prompt, context) == ref_forward(m, prompt, context, &interior));
      const std::uint32_t seed = rng.next();
      const std::size_t max_len = rng.below(24);
      const auto inv = static_cast<std::uint16_t>(rng.below(3) == 0 ? 0 : rng.below(65536));
      const std::size_t top_k = rng.below(3) == 0 ? 0 : rng.below(6);
      const std::string got(hm::generate<32>(v, prompt, seed, max_len, inv, top_k).view());
      REQUIRE(got == ref_generate(m, prompt, seed, max_len, inv, top_k));
      nonempty += got.empty() ? 0u : 1u;
      stopped_at_end += got.size() < max_len ? 1u : 0u;
    }
  }
  // The random models are not degenerate: most replies are non-empty, many
  // stop at END, and many hidden activations are neither 0 nor clamped to 255.
  REQUIRE(prompts == 3600);
  REQUIRE(nonempty > 2000);
  REQUIRE(stopped_at_end > 200);
  REQUIRE(interior > 20000);
  REQUIRE(wrapped_models == 12);
}

TEST_CASE("hashmlp: memory plan and validation of a random model", "[hashmlp]") {
  tinylm::xorshift32 rng(5);
  ref_model m = random_model(rng, false);
  m.sizes = {256, 200, 30, 256, 11};
  m.w.clear();
  m.b.clear();
  m.shifts.clear();
  for (std::size_t l = 0; l + 1 < m.sizes.size(); ++l) {
    m.w.emplace_back(m.sizes[l + 1] * m.sizes[l], std::int8_t{1});
    m.b.emplace_back(m.sizes[l + 1], 7);
    m.shifts.push_back(9);
  }
  m.alphabet = "0123456789";
  m.context = 8;
  pack(m, rng);
  const auto v = m.view();
  REQUIRE(hm::validate(v) == nullptr);
  const auto p = hm::plan<100>(v);
  // 200 int32 layer-0 sums, 256 int16 features, 2 x 256 int16 activations,
  // 11 int16 logits and gathered scores, 128 counts, a 256-byte index list,
  // 8 context bytes.
  REQUIRE(p.workspace_bytes == (4 * 200 + 512 + 2 * 512 + 22 + 22 + 128 + 256 + 8 + 3) / 4 * 4);
  REQUIRE(p.workspace_bytes == sizeof(hm::workspace<200, 256, 11, 8>));
  REQUIRE(p.peak_ram == p.workspace_bytes + sizeof(tinylm::xorshift32) + sizeof(tinylm::reply_cursor) +
                            sizeof(tinylm::fixed_string<100>));
  REQUIRE(p.rom_weight_bytes == 200 * 64 + 30 * 50 + 256 * 8 + 11 * 64);
  REQUIRE(p.rom_weight_bytes == m.packed.size());
  REQUIRE(p.rom_bytes == m.packed.size() + 4 * (200 + 30 + 256 + 11) + 4 + 10);
  // The widest layers work (256 wide hidden layer) and agree with the reference.
  REQUIRE(lib_forward(v, "hello there", "0123") == ref_forward(m, "hello there", "0123"));
  // A model type's plan is its own workspace's sizeof, not the limits'.
  constexpr auto tiny_plan = hm::plan<tiny_hashmlp>();
  REQUIRE(tiny_plan.workspace_bytes == sizeof(hm::workspace_of<tiny_hashmlp>));
  REQUIRE(tiny_plan.workspace_bytes < sizeof(hm::max_workspace) / 4);
}
