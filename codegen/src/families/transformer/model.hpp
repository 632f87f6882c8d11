// An owning transformer model (include/tinylm/transformer.hpp): what the
// trainer exports, the model file holds and the header writer prints.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <tinylm/transformer.hpp>

#include "corpus/bpe_trainer.hpp"
#include "corpus/chat.hpp"
#include "corpus/reply_set.hpp"

namespace tinylm::gen {

struct transformer_shape {
  std::size_t d_model = 32, heads = 4, layers = 2, ffn = 64, context = 20, min_reply = 6;
  bool tied = false;
  bool chat = true;
  // The matrices' weight formats (model_view::formats: per layer Wq, Wk, Wv,
  // Wo, W1, W2, then the head; tinylm::weight_format codes); empty: all int8.
  std::vector<std::uint8_t> formats;
};

// Formats for every matrix of a shape: `matrices` for the layers' matrices,
// `head` for an untied head (a tied head stays int8). All int8: empty.
std::vector<std::uint8_t> uniform_formats(const transformer_shape& s, tinylm::weight_format matrices,
                                          tinylm::weight_format head);

struct transformer_tables {
  bpe_tables tokenizer;
  transformer_shape shape;
  std::vector<std::int8_t> weights;
  std::vector<std::int16_t> gains;
  std::vector<std::int8_t> fracs;
  std::uint32_t default_seed = 1;
  reply_set_tables replies;  // chat: token ids ending with END; empty: unconstrained
  std::map<std::string, std::string> metadata;

  std::size_t vocab() const { return tokenizer.vocab_size(); }
  tinylm::transformer::model_view view() const;
};

// The run-time buffers of a model whose shapes are known only at run time
// (a model file): tinylm::transformer::workspace sized by the model.
class transformer_workspace {
 public:
  explicit transformer_workspace(const tinylm::transformer::model_view& v);
  tinylm::transformer::buffers refs();

 private:
  std::vector<std::int16_t> x_, h_, scores_, logits_, gathered_;
  std::vector<std::uint16_t> weights_;
  std::vector<std::int8_t> a_, q_, o_, u_, k_cache_, v_cache_;
  std::vector<std::int32_t> acc_;
  std::vector<std::uint8_t> tokens_, token_of_, decoding_;
};

// An owning copy of a model given as a view (a generated header's view_of<M>()):
// what the emitters take. The metadata is empty.
transformer_tables copy_of(const tinylm::transformer::model_view& v, std::uint32_t default_seed);

// The reply set of a chat corpus: each reply as the tokenizer encodes it.
reply_set_tables transformer_reply_set(const std::vector<chat_pair>& pairs, const bpe_tables& tokenizer);

// A view of a shape and vocabulary without tables (no tokenizer, no
// weights): what the counts, the plan and the prompt room need.
tinylm::transformer::model_view shape_view(const transformer_shape& s, std::size_t vocab);

// The view's counts for a shape and vocabulary (weights, gains, fractions).
std::size_t transformer_weight_count(const transformer_shape& s, std::size_t vocab);

}  // namespace tinylm::gen
