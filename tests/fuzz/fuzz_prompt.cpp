// libFuzzer target: prompts of any bytes and length through the bundled
// models as compiled in (the n-gram, hash-MLP and transformer families, the
// transformer's BPE encoding first): replies never overrun, never fault.
// The input's first byte chooses the model and its second the reply's
// length limit (1 to 4 symbols, or the full 64 when the byte is 240 or more),
// the rest is the prompt: one model per execution and mostly short replies
// keep the rate up (all five models to the end of each reply ran at 93
// inputs per second; the prompt's reading and the steps right after it are
// what outside bytes reach). An input shorter than two bytes is the empty
// prompt through every model to the full length.
// Seeds: tests/fuzz/seeds/prompt (six prompts, each once per model at the
// full length: the file name starts with the model the first byte chooses).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tinylm/bpe.hpp"
#include "tinylm/model.hpp"
#include "tinylm/zoo/guess.hpp"
#include "tinylm/zoo/sayings.hpp"
#include "tinylm/zoo/sayings_transformer.hpp"
#include "tinylm/zoo/tinychat.hpp"
#include "tinylm/zoo/tinychat_transformer.hpp"

namespace {

constexpr unsigned model_count = 5;
constexpr std::size_t capacity = 64;

void answer(unsigned model, std::string_view prompt, std::uint32_t seed, std::size_t limit) {
  namespace zoo = tinylm::zoo;
  switch (model) {
    case 0: (void)tinylm::ngram::generate<zoo::sayings, capacity>(prompt, seed, limit); break;
    case 1: (void)tinylm::hashmlp::generate<zoo::tinychat, capacity>(prompt, seed, limit); break;
    case 2: (void)tinylm::hashmlp::generate<zoo::guess, capacity>(prompt, seed, limit); break;
    case 3: (void)tinylm::transformer::generate<zoo::tinychat_transformer, capacity>(prompt, seed, limit); break;
    default: (void)tinylm::transformer::generate<zoo::sayings_transformer, capacity>(prompt, seed, limit); break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) {
    for (unsigned m = 0; m < model_count; ++m) answer(m, {}, 1, capacity);
    return 0;
  }
  const std::string_view prompt(reinterpret_cast<const char*>(data + 2), size - 2);
  const std::size_t limit = data[1] >= 240 ? capacity : 1u + data[1] % 4u;
  std::uint32_t seed = 1;
  for (std::size_t i = 2; i < size && i < 6; ++i) seed = seed * 131u + data[i];
  answer(data[0] % model_count, prompt, seed, limit);
  return 0;
}
