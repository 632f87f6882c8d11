#include "families/transformer/model.hpp"

namespace tinylm::gen {

tinylm::transformer::model_view shape_view(const transformer_shape& s, std::size_t vocab) {
  tinylm::transformer::model_view v;
  v.vocab = vocab;
  v.d_model = s.d_model;
  v.heads = s.heads;
  v.layers = s.layers;
  v.ffn = s.ffn;
  v.context = s.context;
  v.min_reply = s.min_reply;
  v.tied = s.tied;
  v.chat = s.chat;
  v.formats = s.formats.empty() ? nullptr : s.formats.data();
  return v;
}

std::vector<std::uint8_t> uniform_formats(const transformer_shape& s, tinylm::weight_format matrices,
                                          tinylm::weight_format head) {
  if (s.tied) head = tinylm::weight_format::int8;
  if (matrices == tinylm::weight_format::int8 && head == tinylm::weight_format::int8) return {};
  std::vector<std::uint8_t> f(s.layers * tinylm::transformer::layer_matrices, static_cast<std::uint8_t>(matrices));
  f.push_back(static_cast<std::uint8_t>(head));
  return f;
}

transformer_tables copy_of(const tinylm::transformer::model_view& v, std::uint32_t default_seed) {
  transformer_tables t;
  const tinylm::bpe::tokenizer_view& tok = v.tokenizer;
  t.tokenizer.normalise.assign(tok.normalise, tok.normalise + 256);
  t.tokenizer.base_bytes.assign(tok.base_bytes, tok.base_bytes + tok.base_count);
  t.tokenizer.merges.assign(tok.merges, tok.merges + 2 * tok.merge_count);
  t.shape = {v.d_model, v.heads, v.layers, v.ffn, v.context, v.min_reply, v.tied, v.chat, {}};
  if (v.formats != nullptr) t.shape.formats.assign(v.formats, v.formats + v.format_count());
  t.weights.assign(v.weights, v.weights + v.weight_count());
  t.gains.assign(v.gains, v.gains + v.gain_count());
  t.fracs.assign(v.fracs, v.fracs + v.frac_count());
  t.default_seed = default_seed;
  t.replies = copy_of(v.replies);
  return t;
}

tinylm::transformer::model_view transformer_tables::view() const {
  tinylm::transformer::model_view v = shape_view(shape, vocab());
  v.tokenizer = tokenizer.view();
  v.weights = weights.data();
  v.gains = gains.data();
  v.fracs = fracs.data();
  v.replies = replies.view();
  return v;
}

reply_set_tables transformer_reply_set(const std::vector<chat_pair>& pairs, const bpe_tables& tokenizer) {
  std::vector<std::vector<std::uint8_t>> seqs;
  for (const chat_pair& p : pairs) seqs.push_back(encode(tokenizer, p.reply));
  return make_reply_set(std::move(seqs), tinylm::bpe::end_token);
}

transformer_workspace::transformer_workspace(const tinylm::transformer::model_view& v)
    : x_(v.d_model), h_(v.d_model), scores_(v.context), logits_(v.vocab), weights_(v.context), a_(v.d_model),
      q_(v.d_model), o_(v.d_model), u_(v.ffn), k_cache_(v.layers * v.context * v.d_model), v_cache_(k_cache_.size()),
      acc_(v.d_model), tokens_(tinylm::transformer::token_room), token_of_(256), decoding_(v.vocab + 1) {
  gathered_.resize(v.vocab);
}

tinylm::transformer::buffers transformer_workspace::refs() {
  return {x_.data(),       h_.data(),       a_.data(),        q_.data(),      o_.data(),
          u_.data(),       scores_.data(),  weights_.data(),  logits_.data(), k_cache_.data(),
          v_cache_.data(), acc_.data(),     gathered_.data(), tokens_.data(), token_of_.data(),
          decoding_.data()};
}

std::size_t transformer_weight_count(const transformer_shape& s, std::size_t vocab) {
  return shape_view(s, vocab).weight_count();
}

}  // namespace tinylm::gen
