#include "model_file.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "corpus.hpp"
#include "error.hpp"

namespace tinylm::gen {

namespace {

using json = nlohmann::json;

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

struct tensor_spec {
  const char* name;
  const char* dtype;
};

}  // namespace

void write_model_file(const std::string& path, const ngram_tables& m) {
  std::vector<std::uint8_t> data;
  json header = json::object();
  auto add = [&](const char* name, const char* dtype, std::size_t count, auto&& write) {
    const std::size_t begin = data.size();
    write();
    header[name] = {{"dtype", dtype}, {"shape", {count}}, {"data_offsets", {begin, data.size()}}};
  };
  add("node_count", "U32", m.node_count.size(), [&] { for (auto v : m.node_count) put_u32(data, v); });
  add("keys", "U8", m.keys.size(), [&] { data.insert(data.end(), m.keys.begin(), m.keys.end()); });
  add("first_entry", "U32", m.first_entry.size(), [&] { for (auto v : m.first_entry) put_u32(data, v); });
  add("entry_byte", "U8", m.entry_byte.size(),
      [&] { data.insert(data.end(), m.entry_byte.begin(), m.entry_byte.end()); });
  add("entry_weight", "U8", m.entry_weight.size(),
      [&] { data.insert(data.end(), m.entry_weight.begin(), m.entry_weight.end()); });
  json meta = json::object();
  for (const auto& [k, v] : m.metadata) meta[k] = v;
  meta["format"] = ngram_format;
  meta["format_version"] = std::to_string(ngram_format_version);
  meta["order"] = std::to_string(m.order);
  meta["end_byte"] = std::to_string(m.end_byte);
  meta["default_seed"] = std::to_string(m.default_seed);
  header["__metadata__"] = meta;
  std::string text = header.dump();
  while (text.size() % 8 != 0) text.push_back(' ');

  std::vector<std::uint8_t> file;
  const std::uint64_t n = text.size();
  for (int i = 0; i < 8; ++i) file.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
  file.insert(file.end(), text.begin(), text.end());
  file.insert(file.end(), data.begin(), data.end());

  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) throw error(fmt::format("cannot write model file '{}': {}", path, std::strerror(errno)));
  const bool ok = std::fwrite(file.data(), 1, file.size(), f) == file.size();
  if (std::fclose(f) != 0 || !ok) throw error(fmt::format("cannot write model file '{}'", path));
}

ngram_tables read_model_file(const std::string& path) {
  const std::vector<std::uint8_t> file = read_file_bytes(path, "model file");
  auto corrupt = [&](const std::string& why) {
    return error(fmt::format("corrupt model file '{}': {}", path, why));
  };
  if (file.size() < 8) throw corrupt(fmt::format("{} bytes is too short for a safetensors header", file.size()));
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | file[static_cast<std::size_t>(i)];
  if (n > file.size() - 8)
    throw corrupt(fmt::format("header length {} runs past the end of the file ({} bytes): truncated?", n,
                              file.size()));
  json header;
  try {
    header = json::parse(file.begin() + 8, file.begin() + 8 + static_cast<std::ptrdiff_t>(n));
  } catch (const json::exception& e) {
    throw corrupt(fmt::format("the header is not valid JSON ({})", e.what()));
  }
  if (!header.is_object()) throw corrupt("the header is not a JSON object");
  const std::size_t data_begin = 8 + static_cast<std::size_t>(n);
  const std::size_t data_size = file.size() - data_begin;

  ngram_tables m;
  try {
    const json& meta = header.at("__metadata__");
    for (auto it = meta.begin(); it != meta.end(); ++it) m.metadata[it.key()] = it.value().get<std::string>();
  } catch (const json::exception&) {
    throw corrupt("missing or malformed __metadata__");
  }
  auto meta_int = [&](const char* key, long lo, long hi) {
    const auto it = m.metadata.find(key);
    if (it == m.metadata.end()) throw corrupt(fmt::format("metadata '{}' is missing", key));
    try {
      std::size_t used = 0;
      const long v = std::stol(it->second, &used);
      if (used != it->second.size() || v < lo || v > hi) throw std::out_of_range(key);
      return v;
    } catch (const std::exception&) {
      throw corrupt(fmt::format("metadata '{}' = '{}' is not a number in [{}, {}]", key, it->second, lo, hi));
    }
  };
  if (m.metadata["format"] != ngram_format)
    throw corrupt(fmt::format("format is '{}', expected '{}'", m.metadata["format"], ngram_format));
  if (meta_int("format_version", 0, 1000) != ngram_format_version)
    throw corrupt(fmt::format("format_version {} is not supported (this tinylm-gen reads {})",
                              m.metadata["format_version"], ngram_format_version));
  m.order = static_cast<int>(meta_int("order", 1, tinylm::ngram::max_order));
  m.end_byte = static_cast<std::uint8_t>(meta_int("end_byte", 0, 255));
  m.default_seed = static_cast<std::uint32_t>(meta_int("default_seed", 0, 0xFFFFFFFFL));

  // Returns the tensor's bytes after checking dtype, shape and range.
  auto tensor = [&](const char* name, const char* dtype, std::size_t count) {
    if (!header.contains(name)) throw corrupt(fmt::format("tensor '{}' is missing", name));
    const json& t = header[name];
    std::size_t begin = 0, end = 0, shape0 = 0;
    try {
      if (t.at("dtype").get<std::string>() != dtype)
        throw corrupt(fmt::format("tensor '{}' has dtype {}, expected {}", name, t.at("dtype").dump(), dtype));
      const json& shape = t.at("shape");
      if (!shape.is_array() || shape.size() != 1)
        throw corrupt(fmt::format("tensor '{}' must have a 1-D shape, got {}", name, shape.dump()));
      shape0 = shape[0].get<std::size_t>();
      begin = t.at("data_offsets").at(0).get<std::size_t>();
      end = t.at("data_offsets").at(1).get<std::size_t>();
    } catch (const json::exception&) {
      throw corrupt(fmt::format("tensor '{}' has a malformed entry {}", name, t.dump()));
    }
    const std::size_t width = std::string_view(dtype) == "U32" ? 4 : 1;
    if (shape0 != count)
      throw corrupt(fmt::format("tensor '{}' has {} elements, the other tables need {}", name, shape0, count));
    if (begin > end || end > data_size || end - begin != count * width)
      throw corrupt(fmt::format("tensor '{}' byte range [{}, {}) does not fit {} elements in {} data bytes", name,
                                begin, end, count, data_size));
    return std::vector<std::uint8_t>(file.begin() + static_cast<std::ptrdiff_t>(data_begin + begin),
                                     file.begin() + static_cast<std::ptrdiff_t>(data_begin + end));
  };
  auto u32s = [](const std::vector<std::uint8_t>& b) {
    std::vector<std::uint32_t> v(b.size() / 4);
    for (std::size_t i = 0; i < v.size(); ++i)
      v[i] = std::uint32_t{b[4 * i]} | std::uint32_t{b[4 * i + 1]} << 8 | std::uint32_t{b[4 * i + 2]} << 16 |
             std::uint32_t{b[4 * i + 3]} << 24;
    return v;
  };

  m.node_count = u32s(tensor("node_count", "U32", static_cast<std::size_t>(m.order)));
  std::size_t nodes = 0, key_bytes = 0;
  for (std::size_t k = 0; k < m.node_count.size(); ++k) {
    nodes += m.node_count[k];
    key_bytes += std::size_t{m.node_count[k]} * k;
  }
  if (nodes > data_size) throw corrupt(fmt::format("node_count claims {} nodes, more than the file holds", nodes));
  m.keys = tensor("keys", "U8", key_bytes);
  m.first_entry = u32s(tensor("first_entry", "U32", nodes + 1));
  const std::size_t entries = m.first_entry.back();
  m.entry_byte = tensor("entry_byte", "U8", entries);
  m.entry_weight = tensor("entry_weight", "U8", entries);
  if (const char* problem = tinylm::ngram::validate(m.view())) throw corrupt(problem);
  return m;
}

}  // namespace tinylm::gen
