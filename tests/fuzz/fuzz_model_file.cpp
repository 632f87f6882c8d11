// libFuzzer target: every reader of model files (safetensors container, the
// n-gram, hash-MLP and transformer files) on arbitrary bytes. A file that
// reads without an error has passed its family's validate(), so it must also
// answer a prompt without a fault: one short reply is generated from it.
// Seeds: tests/fuzz/seeds/model_file (a tiny model of each family).
#include <cstddef>
#include <cstdint>

#include "common/error.hpp"
#include "families/transformer/model.hpp"
#include "formats/hashmlp_file.hpp"
#include "formats/ngram_file.hpp"
#include "formats/safetensors.hpp"
#include "formats/transformer_file.hpp"
#include "fuzz_file.hpp"
#include "tinylm/hashmlp.hpp"
#include "tinylm/ngram.hpp"
#include "tinylm/transformer.hpp"

namespace {

constexpr std::size_t reply_capacity = 64;
constexpr std::string_view prompt = "hello there";

template <class Read, class Answer>
void try_family(const std::string& path, Read read, Answer answer) {
  try {
    const auto model = read(path);
    answer(model);
  } catch (const tinylm::gen::error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tinylm::gen;
  const std::string& path = tinylm_fuzz::input_file(data, size, ".safetensors");
  try {
    (void)model_file_format(path);
  } catch (const error&) {
  }
  try_family(path, read_model_file, [](const ngram_tables& m) {
    (void)tinylm::ngram::generate<reply_capacity>(m.view(), prompt, 1, reply_capacity);
  });
  try_family(path, read_hashmlp_file, [](const hashmlp_tables& m) {
    (void)tinylm::hashmlp::generate<reply_capacity>(m.view(), prompt, 1, reply_capacity, 0, 0);
    (void)tinylm::hashmlp::generate<reply_capacity>(m.view(), prompt, 1, reply_capacity, 256, 2);
  });
  try_family(path, read_transformer_file, [](const transformer_tables& m) {
    transformer_workspace ws(m.view());
    (void)tinylm::transformer::generate<reply_capacity>(m.view(), ws.refs(), prompt, 1, reply_capacity, 0, 0);
  });
  return 0;
}
