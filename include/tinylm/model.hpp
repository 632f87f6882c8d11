// tinylm/model.hpp - one entry point for every model family:
//   tinylm::reply<Model>(prompt)          the model's answer with its default seed
//   tinylm::reply<Model>(prompt, seed)    the same with another seed
// The result is a fixed_string, so it can be checked in a static_assert:
//   static_assert(tinylm::reply<tinylm::zoo::sayings>("Q: ") == "...");
#pragma once

#include <cstdint>
#include <string_view>

#include "ngram.hpp"

namespace tinylm {

inline constexpr std::size_t default_reply_capacity = 128;

template <class Model, std::size_t Capacity = default_reply_capacity>
  requires ngram::ngram_model<Model>
constexpr fixed_string<Capacity> reply(std::string_view prompt,
                                       std::uint32_t seed = Model::default_seed) noexcept {
  return ngram::generate<Model, Capacity>(prompt, seed);
}

}  // namespace tinylm
