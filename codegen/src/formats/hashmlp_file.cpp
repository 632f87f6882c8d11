#include "formats/hashmlp_file.hpp"

#include <fmt/core.h>

#include "formats/reply_set_tensors.hpp"
#include "formats/safetensors.hpp"

namespace tinylm::gen {

namespace {

safetensors_writer hashmlp_writer(const hashmlp_tables& m) {
  safetensors_writer w;
  w.add_u8("alphabet", reinterpret_cast<const std::uint8_t*>(m.alphabet.data()), m.alphabet.size());
  std::vector<std::uint32_t> sizes, biases;
  for (auto v : m.sizes) sizes.push_back(static_cast<std::uint32_t>(v));
  for (auto v : m.biases) biases.push_back(static_cast<std::uint32_t>(v));
  w.add_u32("layer_sizes", sizes);
  w.add_u8("weights", m.weights.data(), m.weights.size());
  w.add_u32("biases", biases, "I32");
  w.add_u8("shifts", m.shifts.data(), m.shifts.size());
  add_reply_set(w, m.replies);
  for (const auto& [k, v] : m.metadata) w.set_metadata(k, v);
  w.set_metadata("format", hashmlp_format);
  w.set_metadata("format_version", std::to_string(hashmlp_format_version));
  w.set_metadata("context_length", std::to_string(m.context_length));
  w.set_metadata("default_seed", std::to_string(m.default_seed));
  return w;
}

}  // namespace

std::string hashmlp_file_bytes(const hashmlp_tables& m) { return hashmlp_writer(m).bytes(); }

void write_hashmlp_file(const std::string& path, const hashmlp_tables& m) { hashmlp_writer(m).write(path); }

hashmlp_tables read_hashmlp_file(const std::string& path) {
  const safetensors_reader file(path);
  file.require_format(hashmlp_format, hashmlp_format_version);
  hashmlp_tables m;
  m.metadata = file.metadata();
  m.context_length = static_cast<std::size_t>(file.meta_int("context_length", 0, hashmlp::max_context_length));
  m.default_seed = static_cast<std::uint32_t>(file.meta_int("default_seed", 0, 0xFFFFFFFFL));
  const auto alpha = file.tensor("alphabet", "U8");
  m.alphabet.assign(alpha.begin(), alpha.end());
  for (std::uint32_t v : u32_values(file.tensor("layer_sizes", "U32"))) m.sizes.push_back(v);
  m.weights = file.tensor("weights", "U8");
  for (std::uint32_t v : u32_values(file.tensor("biases", "I32"))) m.biases.push_back(static_cast<std::int32_t>(v));
  m.shifts = file.tensor("shifts", "U8");
  m.replies = read_reply_set(file);
  if (m.sizes.size() < 2 || m.sizes.size() > hashmlp::max_layers + 1)
    throw file.corrupt(fmt::format("{} layer sizes: 2..{} are allowed", m.sizes.size(), hashmlp::max_layers + 1));
  const hashmlp::model_view v = m.view();
  if (const char* e = hashmlp::validate_shape(v)) throw file.corrupt(e);
  if (m.shifts.size() != v.layer_count || m.biases.size() != v.total_biases() ||
      m.weights.size() != v.total_weight_bytes() || m.alphabet.size() != v.symbols())
    throw file.corrupt("the tensors' sizes do not match layer_sizes");
  if (const char* e = hashmlp::validate(v)) throw file.corrupt(e);
  return m;
}

}  // namespace tinylm::gen
