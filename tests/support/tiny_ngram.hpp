// A hand-built order-2 n-gram model whose probabilities are worked out by
// hand in tests/static/ngram.cpp and whose generations come from the
// independent script tests/golden/ngram_tiny.py.
//
//   empty context : 'a' 128, 'b' 64            (escape 64)
//   context "\0"  : 'a' 200                    (escape 56)
//   context "a"   : 'b' 100, end byte 0 50     (escape 106)
#pragma once

#include <cstdint>

namespace tinylm_test {

struct tiny_ngram {
  static constexpr const char* name = "tiny";
  static constexpr int order = 2;
  static constexpr std::uint8_t end_byte = 0;
  static constexpr std::uint32_t default_seed = 1;
  static constexpr std::uint32_t node_count[2] = {1, 2};
  static constexpr unsigned char keys[] = {0x00, 'a'};
  static constexpr std::uint32_t first_entry[] = {0, 2, 3, 5};
  static constexpr unsigned char entry_byte[] = {'a', 'b', 'a', 'b', 0x00};
  static constexpr unsigned char entry_weight[] = {128, 64, 200, 100, 50};
};

}  // namespace tinylm_test
