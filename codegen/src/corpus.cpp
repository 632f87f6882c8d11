#include "corpus.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "error.hpp"

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

corpus read_corpus(const std::string& path, records mode, std::uint8_t end_byte, const char* what) {
  const std::vector<std::uint8_t> data = read_file_bytes(path, what);
  if (data.empty()) throw error(fmt::format("{} '{}' is empty", what, path));
  corpus c;
  c.name = std::filesystem::path(path).filename().string();
  c.bytes = data.size();
  std::vector<std::uint8_t> cur;
  auto finish = [&] {
    if (mode == records::line && !cur.empty() && cur.back() == '\r') cur.pop_back();
    if (!cur.empty()) c.items.push_back(std::move(cur));
    cur.clear();
  };
  for (std::size_t i = 0; i < data.size(); ++i) {
    const std::uint8_t b = data[i];
    if (mode == records::line && b == '\n') {
      finish();
      continue;
    }
    if (b == end_byte)
      throw error(fmt::format(
          "{} '{}' contains the end byte {} at offset {}; the end byte marks the end of a record "
          "(choose another with --end-byte)",
          what, path, static_cast<unsigned>(end_byte), i));
    cur.push_back(b);
  }
  finish();
  if (c.items.empty()) throw error(fmt::format("{} '{}' has no text (only empty lines)", what, path));
  return c;
}

}  // namespace tinylm::gen
