// Every tinylm header, every kernel instantiated for run time, compiled with
// -mgeneral-regs-only -fno-exceptions -fno-rtti (g++, x86-64): any floating
// point, exception or RTTI use in the library is a compile error here.
#include <tinylm/bpe.hpp>
#include <tinylm/dot_int8.hpp>
#include <tinylm/exp_table.hpp>
#include <tinylm/fixed_point.hpp>
#include <tinylm/fixed_string.hpp>
#include <tinylm/hashmlp.hpp>
#include <tinylm/int4.hpp>
#include <tinylm/isqrt.hpp>
#include <tinylm/matvec_int2.hpp>
#include <tinylm/matvec_int8.hpp>
#include <tinylm/model.hpp>
#include <tinylm/ngram.hpp>
#include <tinylm/ngram_lookup.hpp>
#include <tinylm/prng.hpp>
#include <tinylm/relu_u8.hpp>
#include <tinylm/reply_set.hpp>
#include <tinylm/rmsnorm.hpp>
#include <tinylm/sampling.hpp>
#include <tinylm/softmax.hpp>
#include <tinylm/staged.hpp>
#include <tinylm/ternary.hpp>
#include <tinylm/transformer.hpp>
#include <tinylm/trigram_hash.hpp>
#include <tinylm/zoo/sayings.hpp>

#include "../support/tiny_hashmlp.hpp"
#include "../support/tiny_transformer.hpp"

int tinylm_float_free_check(const char* text, unsigned n, unsigned seed, std::int16_t* io) {
  auto reply = tinylm::reply<tinylm::zoo::sayings>(std::string_view(text, n), seed);
  std::int8_t w8[16] = {};
  std::uint8_t w2[4] = {};
  std::int16_t y[4] = {};
  tinylm::matvec_int8(w8, io, nullptr, y, 4, 4, 3);
  tinylm::matvec_int2(w2, io, nullptr, y, 4, 4, 3);
  std::uint16_t weights[4] = {};
  tinylm::softmax_q15(io, 4, 256, weights);
  tinylm::rmsnorm(io, nullptr, y, 4);
  std::uint8_t buckets[128] = {};
  tinylm::trigram_hash(text, n, buckets, 128);
  tinylm::xorshift32 rng(seed);
  using tiny_mlp = tinylm_test::tiny_hashmlp;
  std::uint8_t prompt_buckets[tinylm::hashmlp::buckets] = {};
  tinylm::hashmlp::prompt_features(std::string_view(text, n), prompt_buckets);
  std::int16_t logits[4] = {};
  tinylm::hashmlp::forward(tinylm::hashmlp::view_of<tiny_mlp>(), prompt_buckets, "HI", logits);
  tinylm::relu_u8(logits, 4);
  auto mlp_reply = tinylm::hashmlp::generate<tiny_mlp, 32>(std::string_view(text, n), seed, 32, 16384, 2);
  auto mlp_default = tinylm::reply<tiny_mlp>(std::string_view(text, n));
  auto tf_reply = tinylm::transformer::generate<tinylm_test::tiny_transformer, 32>(std::string_view(text, n), seed, 32,
                                                                                 300, 3);
  auto tf_default = tinylm::reply<tinylm_test::tiny_transformer>(std::string_view(text, n));
  return static_cast<int>(reply.size() + mlp_reply.size() + mlp_default.size() + tf_reply.size() + tf_default.size() + logits[0] + tinylm::argmax(io, 4) + tinylm::sample_top_k(io, 4, 256, 2, rng) +
                          tinylm::isqrt32(seed) + weights[0] + buckets[0] + y[0]);
}
