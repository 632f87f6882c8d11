#include "formats/transformer_file.hpp"

#include <fmt/core.h>

#include "formats/reply_set_tensors.hpp"
#include "formats/safetensors.hpp"

namespace tinylm::gen {

namespace {

safetensors_writer transformer_writer(const transformer_tables& m) {
  safetensors_writer w;
  w.add_u8("normalise", m.tokenizer.normalise.data(), m.tokenizer.normalise.size());
  w.add_u8("base_bytes", m.tokenizer.base_bytes.data(), m.tokenizer.base_bytes.size());
  w.add_u8("merges", m.tokenizer.merges.data(), m.tokenizer.merges.size());
  w.add_u8("weights", reinterpret_cast<const std::uint8_t*>(m.weights.data()), m.weights.size(), "I8");
  w.add_i16("gains", m.gains);
  w.add_u8("fracs", reinterpret_cast<const std::uint8_t*>(m.fracs.data()), m.fracs.size(), "I8");
  if (!m.shape.formats.empty()) w.add_u8("formats", m.shape.formats.data(), m.shape.formats.size());
  add_reply_set(w, m.replies);
  for (const auto& [k, v] : m.metadata) w.set_metadata(k, v);
  const transformer_shape& s = m.shape;
  w.set_metadata("format", transformer_format);
  w.set_metadata("format_version", std::to_string(transformer_format_version));
  w.set_metadata("d_model", std::to_string(s.d_model));
  w.set_metadata("heads", std::to_string(s.heads));
  w.set_metadata("layers", std::to_string(s.layers));
  w.set_metadata("ffn", std::to_string(s.ffn));
  w.set_metadata("context", std::to_string(s.context));
  w.set_metadata("min_reply", std::to_string(s.min_reply));
  w.set_metadata("tied", s.tied ? "1" : "0");
  w.set_metadata("chat", s.chat ? "1" : "0");
  w.set_metadata("default_seed", std::to_string(m.default_seed));
  return w;
}

}  // namespace

std::string transformer_file_bytes(const transformer_tables& m) { return transformer_writer(m).bytes(); }

void write_transformer_file(const std::string& path, const transformer_tables& m) { transformer_writer(m).write(path); }

transformer_tables read_transformer_file(const std::string& path) {
  namespace tf = tinylm::transformer;
  const safetensors_reader file(path);
  file.require_format(transformer_format, transformer_format_version);
  transformer_tables m;
  m.metadata = file.metadata();
  transformer_shape& s = m.shape;
  s.d_model = static_cast<std::size_t>(file.meta_int("d_model", 1, tf::max_d));
  s.heads = static_cast<std::size_t>(file.meta_int("heads", 1, tf::max_heads));
  s.layers = static_cast<std::size_t>(file.meta_int("layers", 1, tf::max_layers));
  s.ffn = static_cast<std::size_t>(file.meta_int("ffn", 1, tf::max_ffn));
  s.context = static_cast<std::size_t>(file.meta_int("context", 2, tf::max_context));
  s.min_reply = static_cast<std::size_t>(file.meta_int("min_reply", 0, tf::max_context));
  s.tied = file.meta_int("tied", 0, 1) == 1;
  s.chat = file.meta_int("chat", 0, 1) == 1;
  m.default_seed = static_cast<std::uint32_t>(file.meta_int("default_seed", 0, 0xFFFFFFFFL));
  m.tokenizer.normalise = file.tensor("normalise", "U8", 256);
  m.tokenizer.base_bytes = file.tensor("base_bytes", "U8");
  m.tokenizer.merges = file.tensor("merges", "U8");
  if (m.tokenizer.merges.size() % 2 != 0) throw file.corrupt("merges must hold pairs of tokens");
  if (m.tokenizer.base_bytes.empty() || m.tokenizer.vocab_size() > tinylm::bpe::max_vocab)
    throw file.corrupt("the vocabulary must have 3..256 tokens");
  // (optional: a file without it is all int8, as every file before the
  // compact formats)
  if (file.has_tensor("formats")) {
    s.formats = file.tensor("formats", "U8", s.layers * tf::layer_matrices + 1);
    for (std::uint8_t f : s.formats)
      if (!tinylm::is_weight_format(f)) throw file.corrupt("a weight format is not 0..3 (int8, int4, int2, ternary)");
  }
  const std::size_t weights = transformer_weight_count(s, m.tokenizer.vocab_size());
  for (std::uint8_t b : file.tensor("weights", "I8", weights)) m.weights.push_back(static_cast<std::int8_t>(b));
  const std::vector<std::uint8_t> g = file.tensor("gains", "I16", (2 * s.layers + 1) * s.d_model);
  for (std::size_t i = 0; i + 1 < g.size(); i += 2)
    m.gains.push_back(static_cast<std::int16_t>(static_cast<std::uint16_t>(g[i] | g[i + 1] << 8)));
  for (std::uint8_t b : file.tensor("fracs", "I8", tf::global_fracs + s.layers * tf::layer_fracs))
    m.fracs.push_back(static_cast<std::int8_t>(b));
  m.replies = read_reply_set(file);
  if (const char* e = tf::validate_shape(m.view())) throw file.corrupt(e);
  return m;
}

}  // namespace tinylm::gen
