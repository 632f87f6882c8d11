#include "formats/ngram_file.hpp"

#include <fmt/core.h>

#include "formats/safetensors.hpp"

namespace tinylm::gen {

void write_model_file(const std::string& path, const ngram_tables& m) {
  safetensors_writer w;
  w.add_u32("node_count", m.node_count);
  w.add_u8("keys", m.keys.data(), m.keys.size());
  w.add_u32("first_entry", m.first_entry);
  w.add_u8("entry_byte", m.entry_byte.data(), m.entry_byte.size());
  w.add_u8("entry_weight", m.entry_weight.data(), m.entry_weight.size());
  for (const auto& [k, v] : m.metadata) w.set_metadata(k, v);
  w.set_metadata("format", ngram_format);
  w.set_metadata("format_version", std::to_string(ngram_format_version));
  w.set_metadata("order", std::to_string(m.order));
  w.set_metadata("end_byte", std::to_string(m.end_byte));
  w.set_metadata("default_seed", std::to_string(m.default_seed));
  w.write(path);
}

ngram_tables read_model_file(const std::string& path) {
  const safetensors_reader file(path);
  file.require_format(ngram_format, ngram_format_version);
  ngram_tables m;
  m.metadata = file.metadata();
  m.order = static_cast<int>(file.meta_int("order", 1, tinylm::ngram::max_order));
  m.end_byte = static_cast<std::uint8_t>(file.meta_int("end_byte", 0, 255));
  m.default_seed = static_cast<std::uint32_t>(file.meta_int("default_seed", 0, 0xFFFFFFFFL));

  m.node_count = u32_values(file.tensor("node_count", "U32", static_cast<std::size_t>(m.order)));
  std::size_t nodes = 0, key_bytes = 0;
  for (std::size_t k = 0; k < m.node_count.size(); ++k) {
    nodes += m.node_count[k];
    key_bytes += std::size_t{m.node_count[k]} * k;
  }
  if (nodes > file.data_size())
    throw file.corrupt(fmt::format("node_count claims {} nodes, more than the file holds", nodes));
  m.keys = file.tensor("keys", "U8", key_bytes);
  m.first_entry = u32_values(file.tensor("first_entry", "U32", nodes + 1));
  const std::size_t entries = m.first_entry.back();
  m.entry_byte = file.tensor("entry_byte", "U8", entries);
  m.entry_weight = file.tensor("entry_weight", "U8", entries);
  if (const char* problem = tinylm::ngram::validate(m.view())) throw file.corrupt(problem);
  return m;
}

}  // namespace tinylm::gen
