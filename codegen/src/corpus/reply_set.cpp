#include "corpus/reply_set.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "common/error.hpp"

namespace tinylm::gen {

tinylm::reply_set_view reply_set_tables::view() const {
  if (empty()) return {};
  return {symbols.data(), offsets.data(), count()};
}

std::vector<std::uint8_t> reply_set_tables::reply(std::size_t r) const {
  return {symbols.begin() + offsets[r], symbols.begin() + offsets[r + 1] - 1};
}

reply_set_tables make_reply_set(std::vector<std::vector<std::uint8_t>> replies, std::uint8_t end) {
  for (auto& r : replies) {
    if (std::find(r.begin(), r.end(), end) != r.end())
      throw error(fmt::format("a reply contains the END symbol {}", end));
    r.push_back(end);
  }
  // With END at the end of each, plain lexicographic order is the order of
  // reply_set.hpp (END ends both, so no reply is a prefix of another).
  // (An explicit loop: g++ 12 warns falsely on the memcmp of vector's operator<.)
  const auto less = [](const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
      if (a[i] != b[i]) return a[i] < b[i];
    return a.size() < b.size();
  };
  std::sort(replies.begin(), replies.end(), less);
  replies.erase(std::unique(replies.begin(), replies.end(),
                            [&](const auto& a, const auto& b) { return !less(a, b) && !less(b, a); }),
                replies.end());
  if (replies.size() > tinylm::max_replies)
    throw error(fmt::format("{} distinct replies: a reply set holds at most {}", replies.size(), tinylm::max_replies));
  reply_set_tables s;
  s.offsets.push_back(0);
  for (const auto& r : replies) {
    s.symbols.insert(s.symbols.end(), r.begin(), r.end());
    if (s.symbols.size() > 0xFFFF)
      throw error(fmt::format("the replies need more than 65535 symbols"));
    s.offsets.push_back(static_cast<std::uint16_t>(s.symbols.size()));
  }
  if (replies.empty()) s.offsets.clear();
  return s;
}

reply_set_tables copy_of(const tinylm::reply_set_view& v) {
  reply_set_tables s;
  if (v.empty()) return s;
  s.symbols.assign(v.symbols, v.symbols + v.symbol_bytes());
  s.offsets.assign(v.offsets, v.offsets + v.count + 1);
  return s;
}

}  // namespace tinylm::gen
