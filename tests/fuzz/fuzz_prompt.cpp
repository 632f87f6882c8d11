// libFuzzer target: prompts of any bytes and length through every bundled
// model as compiled in (the n-gram, hash-MLP and transformer families, the
// transformer's BPE encoding first): replies never overrun, never fault.
// Seeds: tests/fuzz/seeds/prompt.
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

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view prompt(reinterpret_cast<const char*>(data), size);
  std::uint32_t seed = 1;
  for (std::size_t i = 0; i < size && i < 4; ++i) seed = seed * 131u + data[i];
  (void)tinylm::reply<tinylm::zoo::sayings, 64>(prompt, seed);
  (void)tinylm::reply<tinylm::zoo::tinychat>(prompt);
  (void)tinylm::reply<tinylm::zoo::guess>(prompt);
  (void)tinylm::reply<tinylm::zoo::tinychat_transformer>(prompt);
  (void)tinylm::reply<tinylm::zoo::sayings_transformer, 64>(prompt, seed);
  return 0;
}
