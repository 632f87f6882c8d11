#include "corpus/corpus.hpp"

#include <fmt/core.h>

#include <filesystem>

#include "common/error.hpp"
#include "common/files.hpp"

namespace tinylm::gen {

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
