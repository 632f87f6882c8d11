// The safetensors container shared by every model file: an 8-byte
// little-endian header length, a JSON header (tensors by name: dtype, 1-D
// shape, byte range; "__metadata__": string values), then the raw
// little-endian tensors. Written with sorted keys, the header padded with
// spaces to a multiple of 8, and no timestamps: the same model gives the
// same bytes. Reading checks the container and names any problem as
// "corrupt model file '<path>': <reason>".
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace tinylm::gen {

class safetensors_writer {
 public:
  // Bytes; dtype "U8" or "I8" (two's complement).
  void add_u8(const char* name, const std::uint8_t* bytes, std::size_t count, const char* dtype = "U8");
  // 16-bit values, stored little-endian, dtype "I16".
  void add_i16(const char* name, const std::vector<std::int16_t>& values);
  // 32-bit values, stored little-endian; dtype "U32" or "I32" (two's complement).
  void add_u32(const char* name, const std::vector<std::uint32_t>& values, const char* dtype = "U32");
  void set_metadata(const std::string& key, const std::string& value) { metadata_[key] = value; }
  std::string bytes() const;
  void write(const std::string& path) const;  // throws gen::error "cannot write model file ..."

 private:
  nlohmann::json header_ = nlohmann::json::object();
  std::map<std::string, std::string> metadata_;
  std::string data_;
};

class safetensors_reader {
 public:
  static constexpr std::size_t any_count = static_cast<std::size_t>(-1);

  // Reads the file and checks the container: length, JSON object, metadata.
  explicit safetensors_reader(const std::string& path);

  error corrupt(const std::string& why) const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  // Checks metadata "format" and "format_version".
  void require_format(const char* format, int version) const;
  // A metadata value that must be a whole number in [lo, hi].
  long meta_int(const char* key, long lo, long hi) const;
  // The bytes of a 1-D tensor after checking its dtype ("U8", "I8", "I16",
  // "U32" or "I32"), its element count (unless any_count) and its byte range.
  std::vector<std::uint8_t> tensor(const char* name, const char* dtype, std::size_t count = any_count) const;
  // Whether the file has a tensor of that name (for optional tensors).
  bool has_tensor(const char* name) const { return name != std::string("__metadata__") && header_.contains(name); }
  std::size_t data_size() const { return file_.size() - data_begin_; }

 private:
  std::string path_;
  std::vector<std::uint8_t> file_;
  nlohmann::json header_;
  std::size_t data_begin_ = 0;
  std::map<std::string, std::string> metadata_;
};

// The metadata "format" of a model file ("" when absent), after checking the
// container: what a command that takes either model family dispatches on.
std::string model_file_format(const std::string& path);

// Little-endian 32-bit values from a tensor's bytes.
std::vector<std::uint32_t> u32_values(const std::vector<std::uint8_t>& bytes);

}  // namespace tinylm::gen
