#include "corpus/chat.hpp"

#include <fmt/core.h>

#include <cstdint>

#include "common/error.hpp"
#include "common/files.hpp"

namespace tinylm::gen {

std::vector<chat_pair> parse_chat(const std::string& text, const std::string& name) {
  if (text.empty()) throw error(fmt::format("'{}' is empty", name));
  std::vector<chat_pair> pairs;
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::size_t sep = line.find(" | ");
    if (sep == std::string::npos)
      throw error(fmt::format("{}:{}: no ' | ' between prompt and reply (the format is 'prompt | REPLY')", name,
                              line_no));
    chat_pair p{line.substr(0, sep), line.substr(sep + 3)};
    if (p.reply.empty()) throw error(fmt::format("{}:{}: the reply is empty", name, line_no));
    for (char c : p.reply) {
      const auto b = static_cast<unsigned char>(c);
      if (b < 0x20 || b > 0x7E)
        throw error(fmt::format("{}:{}: the reply has the byte 0x{:02X}; replies must be printable ASCII "
                                "(0x20-0x7E)",
                                name, line_no, static_cast<unsigned>(b)));
    }
    pairs.push_back(std::move(p));
  }
  if (pairs.empty()) throw error(fmt::format("'{}' has no 'prompt | REPLY' lines (only empty lines)", name));
  return pairs;
}

std::vector<chat_pair> read_chat_corpus(const std::string& path, const char* what) {
  const std::vector<std::uint8_t> bytes = read_file_bytes(path, what);
  if (bytes.empty()) throw error(fmt::format("{} '{}' is empty", what, path));
  return parse_chat(std::string(bytes.begin(), bytes.end()), path);
}

std::string derive_alphabet(const std::vector<chat_pair>& pairs) {
  bool seen[256] = {};
  for (const auto& p : pairs)
    for (char c : p.reply) seen[static_cast<unsigned char>(c)] = true;
  std::string a;
  for (int b = 0; b < 256; ++b)
    if (seen[b]) a.push_back(static_cast<char>(b));
  return a;
}

void check_alphabet(const std::vector<chat_pair>& pairs, const std::string& alphabet, const std::string& name) {
  for (std::size_t i = 0; i < pairs.size(); ++i)
    for (char c : pairs[i].reply)
      if (alphabet.find(c) == std::string::npos)
        throw error(fmt::format("{}: the reply '{}' (pair {}) has the character '{}', which is not in the "
                                "alphabet \"{}\"",
                                name, pairs[i].reply, i + 1, c, alphabet));
}

}  // namespace tinylm::gen
