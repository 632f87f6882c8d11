#include "common/files.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "common/error.hpp"

namespace tinylm::gen {

std::vector<std::uint8_t> read_file_bytes(const std::string& path, const char* what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw error(fmt::format("cannot read {} '{}': it is a directory", what, path));
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr)
    throw error(fmt::format("cannot open {} '{}': {}", what, path, std::strerror(errno)));
  std::vector<std::uint8_t> data;
  std::uint8_t buf[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.insert(data.end(), buf, buf + n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) throw error(fmt::format("cannot read {} '{}': read error", what, path));
  return data;
}

void write_text_file(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) throw error(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) throw error(fmt::format("cannot write '{}'", path));
}

void write_model_and_header(const std::string& output, const std::function<void(const std::string&)>& write_model,
                            const std::string& header_text) {
  const std::string tmp_model = output + ".safetensors.tmp", tmp_header = output + ".hpp.tmp";
  try {
    write_model(tmp_model);
    write_text_file(tmp_header, header_text);
    std::filesystem::rename(tmp_model, output + ".safetensors");
    std::filesystem::rename(tmp_header, output + ".hpp");
  } catch (const std::exception& e) {
    std::error_code ignore;
    std::filesystem::remove(tmp_model, ignore);
    std::filesystem::remove(tmp_header, ignore);
    if (dynamic_cast<const error*>(&e) != nullptr) throw;
    throw error(fmt::format("cannot write '{}.safetensors' and '{}.hpp': {}", output, output, e.what()));
  }
}

}  // namespace tinylm::gen
