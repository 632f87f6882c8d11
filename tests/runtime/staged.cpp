// Run-time tests of staged execution (tinylm/staged.hpp) on the bundled
// transformers: for the prompts of their held-out files and random byte
// strings, argmax and sampled, the reply with the weights streamed through a
// stage buffer (of the smallest size that works, sizes that divide no
// matrix, and the whole model) is the resident reply, byte for byte; each
// token reads every weight once but the embeddings' other rows; and a reader
// that fails part way stops the reply (ok false, a prefix), every time.
#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <tinylm/staged.hpp>
#include <tinylm/transformer.hpp>
#include <tinylm/zoo/sayings_transformer.hpp>
#include <tinylm/zoo/tinychat_transformer.hpp>

namespace tf = tinylm::transformer;
namespace st = tinylm::staged;

namespace {

// The prompts: a chat line's part before " | ", a text line's first 12
// bytes; 100 of the held-out file, then 20 random byte strings (0-300 bytes).
std::vector<std::string> prompts(const std::string& file, bool chat) {
  std::ifstream f(std::string(TINYLM_SOURCE_DIR) + "/codegen/corpus/" + file);
  std::vector<std::string> out;
  for (std::string line; std::getline(f, line) && out.size() < 100;) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    out.push_back(chat ? line.substr(0, line.find(" | ")) : line.substr(0, 12));
  }
  REQUIRE(out.size() == 100);
  tinylm::xorshift32 rng(77);
  for (int i = 0; i < 20; ++i) {
    std::string p(rng.below(301), '\0');
    for (char& c : p) c = static_cast<char>(rng.below(256));
    out.push_back(p);
  }
  return out;
}

struct failing_reader {
  st::array_reader inner;
  std::size_t fail_at;
  std::size_t calls = 0;
  bool read(std::size_t offset, std::int8_t* dst, std::size_t n) noexcept {
    return calls++ < fail_at && inner.read(offset, dst, n);
  }
};

template <class M>
void check_model(const std::string& file) {
  constexpr tf::model_view resident = tf::view_of<M>();
  tf::model_view weightless = resident;
  weightless.weights = nullptr;
  const std::size_t weight_bytes = resident.weight_count();
  // one row of each embedding, every matrix, and the head (the whole token
  // embedding again when tied)
  const std::size_t per_token = weight_bytes - (resident.vocab - 1) * resident.d_model -
                                (resident.context - 1) * resident.d_model +
                                (resident.tied ? resident.vocab * resident.d_model : 0);
  const std::size_t smallest = tinylm::transformer::min_block_bytes(resident);
  std::vector<std::int8_t> buffer(weight_bytes);
  auto ws = std::make_unique<tf::workspace_of<M>>();
  std::size_t compared = 0, nonempty = 0;
  for (const std::string& prompt : prompts(file, M::chat)) {
    for (const auto& [inv_temp, top_k] : {std::pair<std::uint16_t, std::size_t>{0, 0}, {256, 5}}) {
      const auto expected = tf::generate<128>(resident, ws->refs(), prompt, 9, 128, inv_temp, top_k);
      nonempty += expected.empty() ? 0 : 1;
      for (std::size_t bytes : {smallest, smallest + 37, std::size_t{1000}, weight_bytes}) {
        st::array_reader reader{M::weights, weight_bytes};
        const auto got = st::generate_staged<128>(weightless, ws->refs(), reader, buffer.data(), bytes, prompt, 9, 128,
                                                  inv_temp, top_k);
        INFO("prompt '" << prompt << "', buffer " << bytes << ", inv_temp " << inv_temp);
        REQUIRE(got.ok);
        REQUIRE(got.text == expected.view());
        REQUIRE(got.bytes_read % per_token == 0);
        ++compared;
      }
    }
  }
  CHECK(compared == 120 * 2 * 4);
  CHECK(nonempty > 200);
  // A reader that fails at its k-th call: no crash, ok false, a prefix.
  const std::string prompt = prompts(file, M::chat)[0];
  const auto full = tf::generate<128>(resident, ws->refs(), prompt, 9);
  for (std::size_t k : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{40}, std::size_t{200}}) {
    failing_reader reader{{M::weights, weight_bytes}, k};
    const auto got = st::generate_staged<128>(weightless, ws->refs(), reader, buffer.data(), smallest, prompt, 9);
    INFO("failing at read " << k);
    CHECK_FALSE(got.ok);
    CHECK(full.view().substr(0, got.text.size()) == got.text.view());
  }
  // Too small a buffer, or none: refused before any read.
  st::array_reader reader{M::weights, weight_bytes};
  CHECK_FALSE(st::generate_staged<128>(weightless, ws->refs(), reader, buffer.data(), smallest - 1, prompt, 9).ok);
  CHECK_FALSE(st::generate_staged<128>(weightless, ws->refs(), reader, nullptr, smallest, prompt, 9).ok);
  // A reader over too few bytes fails instead of reading past them.
  st::array_reader short_reader{M::weights, weight_bytes - 1};
  CHECK_FALSE(st::generate_staged<128>(weightless, ws->refs(), short_reader, buffer.data(), smallest, prompt, 9).ok);
}

}  // namespace

TEST_CASE("staged execution: the chat transformer streamed gives the resident replies", "[staged][transformer]") {
  check_model<tinylm::zoo::tinychat_transformer>("tinychat-heldout.txt");
}

TEST_CASE("staged execution: the text transformer streamed gives the resident replies", "[staged][transformer]") {
  check_model<tinylm::zoo::sayings_transformer>("sayings-heldout.txt");
}
