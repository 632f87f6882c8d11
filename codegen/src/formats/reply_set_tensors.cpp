#include "formats/reply_set_tensors.hpp"

#include <fmt/core.h>

namespace tinylm::gen {

void add_reply_set(safetensors_writer& w, const reply_set_tables& s) {
  if (s.empty()) return;
  w.add_u8("reply_symbols", s.symbols.data(), s.symbols.size());
  w.add_u32("reply_offsets", std::vector<std::uint32_t>(s.offsets.begin(), s.offsets.end()));
}

reply_set_tables read_reply_set(const safetensors_reader& file) {
  reply_set_tables s;
  const bool has_symbols = file.has_tensor("reply_symbols"), has_offsets = file.has_tensor("reply_offsets");
  if (!has_symbols && !has_offsets) return s;
  if (has_symbols != has_offsets) throw file.corrupt("reply_symbols and reply_offsets come together");
  s.symbols = file.tensor("reply_symbols", "U8");
  const std::vector<std::uint32_t> offsets = u32_values(file.tensor("reply_offsets", "U32"));
  if (offsets.size() < 2 || offsets.size() > tinylm::max_replies + 1)
    throw file.corrupt(fmt::format("reply_offsets has {} values: 2..{} are allowed", offsets.size(),
                                   tinylm::max_replies + 1));
  for (std::uint32_t o : offsets) {
    if (o > 0xFFFF) throw file.corrupt("a reply offset is above 65535");
    s.offsets.push_back(static_cast<std::uint16_t>(o));
  }
  if (offsets.back() != s.symbols.size()) throw file.corrupt("reply_offsets does not end at the size of reply_symbols");
  return s;
}

}  // namespace tinylm::gen
