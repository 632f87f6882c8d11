#include "hashmlp_file.hpp"

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

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(static_cast<std::uint8_t>(v >> (8 * i))));
}

std::uint32_t get_u32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}

// A C++ string literal of printable ASCII (octal escapes for anything else).
std::string c_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"') out += fmt::format("\\{}", c);
    else if (c == '?') out += "\\?";
    else if (b >= 32 && b < 127) out.push_back(c);
    else out += fmt::format("\\{:03o}", static_cast<unsigned>(b));
  }
  return out + "\"";
}

}  // namespace

std::string hashmlp_file_bytes(const hashmlp_tables& m) {
  std::string data;
  json header = json::object();
  auto add = [&](const char* name, const char* dtype, std::size_t count, auto&& write) {
    const std::size_t begin = data.size();
    write();
    header[name] = {{"dtype", dtype}, {"shape", {count}}, {"data_offsets", {begin, data.size()}}};
  };
  add("alphabet", "U8", m.alphabet.size(), [&] { data += m.alphabet; });
  add("layer_sizes", "U32", m.sizes.size(),
      [&] { for (auto v : m.sizes) put_u32(data, static_cast<std::uint32_t>(v)); });
  add("weights", "U8", m.weights.size(), [&] { data.append(m.weights.begin(), m.weights.end()); });
  add("biases", "I32", m.biases.size(), [&] { for (auto v : m.biases) put_u32(data, static_cast<std::uint32_t>(v)); });
  add("shifts", "U8", m.shifts.size(), [&] { data.append(m.shifts.begin(), m.shifts.end()); });
  json meta = json::object();
  for (const auto& [k, v] : m.metadata) meta[k] = v;
  meta["format"] = hashmlp_format;
  meta["format_version"] = std::to_string(hashmlp_format_version);
  meta["context_length"] = std::to_string(m.context_length);
  meta["default_seed"] = std::to_string(m.default_seed);
  header["__metadata__"] = meta;
  std::string text = header.dump();
  while (text.size() % 8 != 0) text.push_back(' ');
  std::string file;
  const std::uint64_t n = text.size();
  for (int i = 0; i < 8; ++i) file.push_back(static_cast<char>(static_cast<std::uint8_t>(n >> (8 * i))));
  return file + text + data;
}

void write_hashmlp_file(const std::string& path, const hashmlp_tables& m) {
  const std::string bytes = hashmlp_file_bytes(m);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) throw error(fmt::format("cannot write model file '{}': {}", path, std::strerror(errno)));
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  if (std::fclose(f) != 0 || !ok) throw error(fmt::format("cannot write model file '{}'", path));
}

hashmlp_tables read_hashmlp_file(const std::string& path) {
  const std::vector<std::uint8_t> file = read_file_bytes(path, "model file");
  auto corrupt = [&](const std::string& why) {
    return error(fmt::format("corrupt model file '{}': {}", path, why));
  };
  if (file.size() < 8) throw corrupt(fmt::format("{} bytes is too short for a safetensors header", file.size()));
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | file[static_cast<std::size_t>(i)];
  if (n > file.size() - 8) throw corrupt(fmt::format("header length {} runs past the end of the file", n));
  json header;
  try {
    header = json::parse(file.begin() + 8, file.begin() + 8 + static_cast<std::ptrdiff_t>(n));
  } catch (const json::exception& e) {
    throw corrupt(fmt::format("the header is not valid JSON ({})", e.what()));
  }
  if (!header.is_object()) throw corrupt("the header is not a JSON object");
  const std::size_t data_begin = 8 + static_cast<std::size_t>(n), data_size = file.size() - data_begin;
  hashmlp_tables m;
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
  if (m.metadata["format"] != hashmlp_format)
    throw corrupt(fmt::format("format is '{}', expected '{}'", m.metadata["format"], hashmlp_format));
  if (meta_int("format_version", 0, 1000) != hashmlp_format_version)
    throw corrupt(fmt::format("format_version {} is not supported", m.metadata["format_version"]));
  m.context_length = static_cast<std::size_t>(meta_int("context_length", 0, hashmlp::max_context_length));
  m.default_seed = static_cast<std::uint32_t>(meta_int("default_seed", 0, 0xFFFFFFFFL));
  auto tensor = [&](const char* name, const char* dtype, std::size_t width) {
    if (!header.contains(name)) throw corrupt(fmt::format("tensor '{}' is missing", name));
    const json& t = header[name];
    std::size_t begin = 0, end = 0, count = 0;
    try {
      if (t.at("dtype").get<std::string>() != dtype)
        throw corrupt(fmt::format("tensor '{}' has dtype {}, expected {}", name, t.at("dtype").dump(), dtype));
      if (!t.at("shape").is_array() || t.at("shape").size() != 1)
        throw corrupt(fmt::format("tensor '{}' must have a 1-D shape", name));
      count = t.at("shape")[0].get<std::size_t>();
      begin = t.at("data_offsets").at(0).get<std::size_t>();
      end = t.at("data_offsets").at(1).get<std::size_t>();
    } catch (const json::exception&) {
      throw corrupt(fmt::format("tensor '{}' has a malformed entry", name));
    }
    if (count > data_size || begin > end || end > data_size || end - begin != count * width)
      throw corrupt(fmt::format("tensor '{}' byte range [{}, {}) does not fit {} elements", name, begin, end, count));
    return std::vector<std::uint8_t>(file.begin() + static_cast<std::ptrdiff_t>(data_begin + begin),
                                     file.begin() + static_cast<std::ptrdiff_t>(data_begin + end));
  };
  const auto alpha = tensor("alphabet", "U8", 1);
  m.alphabet.assign(alpha.begin(), alpha.end());
  const auto sizes = tensor("layer_sizes", "U32", 4);
  for (std::size_t i = 0; i < sizes.size(); i += 4) m.sizes.push_back(get_u32(&sizes[i]));
  m.weights = tensor("weights", "U8", 1);
  const auto biases = tensor("biases", "I32", 4);
  for (std::size_t i = 0; i < biases.size(); i += 4) m.biases.push_back(static_cast<std::int32_t>(get_u32(&biases[i])));
  m.shifts = tensor("shifts", "U8", 1);
  if (m.sizes.size() < 2 || m.sizes.size() > hashmlp::max_layers + 1)
    throw corrupt(fmt::format("{} layer sizes: 2..{} are allowed", m.sizes.size(), hashmlp::max_layers + 1));
  const hashmlp::model_view v = m.view();
  if (const char* e = hashmlp::validate_shape(v)) throw corrupt(e);
  if (m.shifts.size() != v.layer_count || m.biases.size() != v.total_biases() ||
      m.weights.size() != v.total_weight_bytes() || m.alphabet.size() != v.symbols())
    throw corrupt("the tensors' sizes do not match layer_sizes");
  if (const char* e = hashmlp::validate(v)) throw corrupt(e);
  return m;
}

std::string hashmlp_header(const hashmlp_tables& m, const std::string& name, const std::string& ns,
                           const std::string& command) {
  const hashmlp::model_view v = m.view();
  std::string meta;
  for (const auto& [k, val] : m.metadata) {
    if (k == "format" || k == "format_version" || k == "context_length" || k == "default_seed") continue;
    std::string value = val;
    for (char& c : value)
      if (c == '\n' || c == '\r') c = ' ';
    meta += fmt::format("//   {}: {}\n", k, value);
  }
  std::string sizes, shifts, biases, weights;
  for (std::size_t i = 0; i < m.sizes.size(); ++i) sizes += fmt::format("{}{}", i ? ", " : "", m.sizes[i]);
  for (std::size_t i = 0; i < m.shifts.size(); ++i) shifts += fmt::format("{}{}", i ? ", " : "", m.shifts[i]);
  for (std::size_t l = 0; l < v.layer_count; ++l) {
    biases += fmt::format("      // layer {}\n", l);
    const std::size_t off = v.bias_offset(l);
    for (std::size_t i = 0; i < v.sizes[l + 1]; i += 12) {
      biases += "      ";
      for (std::size_t j = i; j < v.sizes[l + 1] && j < i + 12; ++j) biases += fmt::format("{},", m.biases[off + j]);
      biases += "\n";
    }
  }
  for (std::size_t l = 0; l < v.layer_count; ++l) {
    weights += fmt::format("      // layer {}: {} rows of {} bytes\n", l, v.sizes[l + 1],
                           int2_row_bytes(v.sizes[l]));
    const std::size_t off = v.weight_offset(l), len = v.layer_weight_bytes(l);
    for (std::size_t i = 0; i < len; i += 16) {
      weights += "      ";
      for (std::size_t j = i; j < len && j < i + 16; ++j) weights += fmt::format("0x{:02x},", m.weights[off + j]);
      weights += "\n";
    }
  }
  const auto p = hashmlp::plan(v);
  return fmt::format(
      "// Generated by tinylm-gen; do not edit. Regenerate with:\n"
      "//   {command}\n"
      "// Model metadata:\n"
      "{meta}"
      "#pragma once\n\n"
      "#include <cstddef>\n"
      "#include <cstdint>\n\n"
      "#include <tinylm/hashmlp.hpp>\n\n"
      "namespace {ns} {{\n\n"
      "// A hash-MLP model ({layers} layers, {wbytes} bytes of packed 2-bit weights, {ram} bytes of RAM);\n"
      "// see tinylm/hashmlp.hpp.\n"
      "struct {name} {{\n"
      "  static constexpr const char* name = \"{name}\";\n"
      "  static constexpr char alphabet[] = {alphabet};\n"
      "  static constexpr std::size_t context_length = {ctx};\n"
      "  static constexpr std::size_t layer_count = {layers};\n"
      "  static constexpr std::size_t layer_sizes[] = {{{sizes}}};\n"
      "  static constexpr std::uint8_t shifts[] = {{{shifts}}};\n"
      "  static constexpr std::uint32_t default_seed = {seed}u;\n"
      "  static constexpr std::int32_t biases[] = {{\n{biases}"
      "  }};\n"
      "  static constexpr std::uint8_t weights[] = {{\n{weights}"
      "  }};\n"
      "}};\n\n"
      "static_assert(tinylm::hashmlp::hashmlp_model<{name}>);\n"
      "static_assert(tinylm::hashmlp::validate(tinylm::hashmlp::view_of<{name}>()) == nullptr);\n\n"
      "}}  // namespace {ns}\n",
      fmt::arg("command", command), fmt::arg("meta", meta), fmt::arg("ns", ns), fmt::arg("name", name),
      fmt::arg("layers", v.layer_count), fmt::arg("wbytes", v.total_weight_bytes()), fmt::arg("ram", p.peak_ram),
      fmt::arg("alphabet", c_string(m.alphabet)), fmt::arg("ctx", m.context_length), fmt::arg("sizes", sizes),
      fmt::arg("shifts", shifts), fmt::arg("seed", m.default_seed), fmt::arg("biases", biases),
      fmt::arg("weights", weights));
}

}  // namespace tinylm::gen
