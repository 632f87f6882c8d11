#include "formats/safetensors.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "common/files.hpp"

namespace tinylm::gen {

using json = nlohmann::json;

void safetensors_writer::add_u8(const char* name, const std::uint8_t* bytes, std::size_t count, const char* dtype) {
  const std::size_t begin = data_.size();
  data_.append(reinterpret_cast<const char*>(bytes), count);
  header_[name] = {{"dtype", dtype}, {"shape", {count}}, {"data_offsets", {begin, data_.size()}}};
}

void safetensors_writer::add_i16(const char* name, const std::vector<std::int16_t>& values) {
  const std::size_t begin = data_.size();
  for (std::int16_t v : values)
    for (int i = 0; i < 2; ++i) data_.push_back(static_cast<char>(static_cast<std::uint16_t>(v) >> (8 * i)));
  header_[name] = {{"dtype", "I16"}, {"shape", {values.size()}}, {"data_offsets", {begin, data_.size()}}};
}

void safetensors_writer::add_u32(const char* name, const std::vector<std::uint32_t>& values, const char* dtype) {
  const std::size_t begin = data_.size();
  for (std::uint32_t v : values)
    for (int i = 0; i < 4; ++i) data_.push_back(static_cast<char>(static_cast<std::uint8_t>(v >> (8 * i))));
  header_[name] = {{"dtype", dtype}, {"shape", {values.size()}}, {"data_offsets", {begin, data_.size()}}};
}

std::string safetensors_writer::bytes() const {
  json header = header_;
  json meta = json::object();
  for (const auto& [k, v] : metadata_) meta[k] = v;
  header["__metadata__"] = meta;
  std::string text = header.dump();
  while (text.size() % 8 != 0) text.push_back(' ');
  std::string file;
  const std::uint64_t n = text.size();
  for (int i = 0; i < 8; ++i) file.push_back(static_cast<char>(static_cast<std::uint8_t>(n >> (8 * i))));
  return file + text + data_;
}

void safetensors_writer::write(const std::string& path) const {
  const std::string file = bytes();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) throw error(fmt::format("cannot write model file '{}': {}", path, std::strerror(errno)));
  const bool ok = std::fwrite(file.data(), 1, file.size(), f) == file.size();
  if (std::fclose(f) != 0 || !ok) throw error(fmt::format("cannot write model file '{}'", path));
}

safetensors_reader::safetensors_reader(const std::string& path)
    : path_(path), file_(read_file_bytes(path, "model file")) {
  if (file_.size() < 8) throw corrupt(fmt::format("{} bytes is too short for a safetensors header", file_.size()));
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | file_[static_cast<std::size_t>(i)];
  if (n > file_.size() - 8)
    throw corrupt(fmt::format("header length {} runs past the end of the file ({} bytes): truncated?", n,
                              file_.size()));
  try {
    header_ = json::parse(file_.begin() + 8, file_.begin() + 8 + static_cast<std::ptrdiff_t>(n));
  } catch (const json::exception& e) {
    throw corrupt(fmt::format("the header is not valid JSON ({})", e.what()));
  }
  if (!header_.is_object()) throw corrupt("the header is not a JSON object");
  data_begin_ = 8 + static_cast<std::size_t>(n);
  try {
    const json& meta = header_.at("__metadata__");
    for (auto it = meta.begin(); it != meta.end(); ++it) metadata_[it.key()] = it.value().get<std::string>();
  } catch (const json::exception&) {
    throw corrupt("missing or malformed __metadata__");
  }
}

error safetensors_reader::corrupt(const std::string& why) const {
  return error(fmt::format("corrupt model file '{}': {}", path_, why));
}

std::string model_file_format(const std::string& path) {
  const safetensors_reader file(path);
  const auto it = file.metadata().find("format");
  return it == file.metadata().end() ? std::string() : it->second;
}

void safetensors_reader::require_format(const char* format, int version) const {
  const auto it = metadata_.find("format");
  const std::string found = it == metadata_.end() ? "" : it->second;
  if (found != format) throw corrupt(fmt::format("format is '{}', expected '{}'", found, format));
  if (meta_int("format_version", 0, 1000) != version)
    throw corrupt(fmt::format("format_version {} is not supported (this tinylm-gen reads {})",
                              metadata_.at("format_version"), version));
}

long safetensors_reader::meta_int(const char* key, long lo, long hi) const {
  const auto it = metadata_.find(key);
  if (it == metadata_.end()) throw corrupt(fmt::format("metadata '{}' is missing", key));
  try {
    std::size_t used = 0;
    const long v = std::stol(it->second, &used);
    if (used != it->second.size() || v < lo || v > hi) throw std::out_of_range(key);
    return v;
  } catch (const std::exception&) {
    throw corrupt(fmt::format("metadata '{}' = '{}' is not a number in [{}, {}]", key, it->second, lo, hi));
  }
}

std::vector<std::uint8_t> safetensors_reader::tensor(const char* name, const char* dtype, std::size_t count) const {
  if (!header_.contains(name)) throw corrupt(fmt::format("tensor '{}' is missing", name));
  const json& t = header_[name];
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
  const std::string_view type(dtype);
  const std::size_t width = type == "U8" || type == "I8" ? 1 : (type == "I16" ? 2 : 4);
  if (count != any_count && shape0 != count)
    throw corrupt(fmt::format("tensor '{}' has {} elements, the other tables need {}", name, shape0, count));
  if (shape0 > data_size() || begin > end || end > data_size() || end - begin != shape0 * width)
    throw corrupt(fmt::format("tensor '{}' byte range [{}, {}) does not fit {} elements in {} data bytes", name, begin,
                              end, shape0, data_size()));
  return {file_.begin() + static_cast<std::ptrdiff_t>(data_begin_ + begin),
          file_.begin() + static_cast<std::ptrdiff_t>(data_begin_ + end)};
}

std::vector<std::uint32_t> u32_values(const std::vector<std::uint8_t>& b) {
  std::vector<std::uint32_t> v(b.size() / 4);
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = std::uint32_t{b[4 * i]} | std::uint32_t{b[4 * i + 1]} << 8 | std::uint32_t{b[4 * i + 2]} << 16 |
           std::uint32_t{b[4 * i + 3]} << 24;
  return v;
}

}  // namespace tinylm::gen
