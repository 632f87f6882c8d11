// tinylm/model.hpp - one entry point for every model family:
//   tinylm::reply<Model>(prompt)          the model's answer with its default seed
//   tinylm::reply<Model>(prompt, seed)    the same with another seed
// for the n-gram family (ngram.hpp, sampled), the transformer family
// (transformer.hpp, argmax) and the hash-MLP family
// (hashmlp.hpp: the model's decoding defaults, argmax unless the model sets
// default_inv_temp_q8; with argmax the seed does not change the reply).
// The result is a fixed_string, so it can be checked in a static_assert:
//   static_assert(tinylm::reply<tinylm::zoo::sayings>("Q: ") == "...");
#pragma once

#include <cstdint>
#include <string_view>

#include "hashmlp.hpp"
#include "ngram.hpp"
#include "transformer.hpp"

namespace tinylm {

inline constexpr std::size_t default_reply_capacity = 128;

template <class Model, std::size_t Capacity = default_reply_capacity>
  requires ngram::ngram_model<Model>
constexpr fixed_string<Capacity> reply(std::string_view prompt,
                                       std::uint32_t seed = Model::default_seed) noexcept {
  return ngram::generate<Model, Capacity>(prompt, seed);
}

// Hash-MLP models: the model's default temperature and top-k (argmax when
// it sets none; argmax draws no random number).
template <class Model, std::size_t Capacity = default_reply_capacity>
  requires hashmlp::hashmlp_model<Model>
constexpr fixed_string<Capacity> reply(std::string_view prompt,
                                       std::uint32_t seed = Model::default_seed) noexcept {
  return hashmlp::generate<Model, Capacity>(prompt, seed);
}

// Transformer models: argmax with the model's seed (the seed matters only
// when sampling: transformer::generate).
template <class Model, std::size_t Capacity = default_reply_capacity>
  requires transformer::transformer_model<Model>
constexpr fixed_string<Capacity> reply(std::string_view prompt,
                                       std::uint32_t seed = Model::default_seed) noexcept {
  return transformer::generate<Model, Capacity>(prompt, seed);
}

}  // namespace tinylm
