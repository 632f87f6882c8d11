#include "targets/m6502/ngram_runtime.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "targets/template/asm_template.hpp"
#include "common/error.hpp"

namespace tinylm::gen {

namespace {

// `.byte` lines of 16 values; with `text_comment`, each line ends with the
// bytes as text (non-printable bytes as '.').
std::string byte_lines(const std::vector<std::uint8_t>& bytes, bool text_comment) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 16) {
    std::string line = "        .byte ";
    std::string text;
    for (std::size_t j = i; j < bytes.size() && j < i + 16; ++j) {
      line += fmt::format("{}${:02X}", j > i ? "," : "", bytes[j]);
      const std::uint8_t b = bytes[j];
      text += (b >= 32 && b < 127) ? static_cast<char>(b) : '.';
    }
    if (text_comment) line += fmt::format("{:{}}; {}", "", line.size() < 78 ? 78 - line.size() : 1, text);
    out += line + "\n";
  }
  return out;
}

std::string label_line(const std::string& label, const std::string& comment) {
  const std::string head = label + ":";
  return fmt::format("{}{:{}}; {}\n", head, "", head.size() < 32 ? 32 - head.size() : 1, comment);
}

std::string constants(const ngram_tables& m, const tinylm::ngram::model_view& v, const bank_layout* banks) {
  const int hist = m.order - 1;
  std::string out;
  auto line = [&](const std::string& name, const std::string& value, const std::string& comment) {
    out += fmt::format("{:<16}= {:<8}; {}\n", name, value, comment);
  };
  line("TLM_BANKED", banks != nullptr ? "1" : "0", banks != nullptr ? "the tables are in banks (see above)"
                                                                    : "the tables are in the address space");
  line("TLM_PTR_SIZE", banks != nullptr ? "3" : "2", "bytes of tlm_wp and tlm_bp");
  if (banks != nullptr) {
    line("TLM_WINDOW", fmt::format("${:04X}", banks->window), fmt::format("the bank window ({} bytes)", banks->bank_size));
    for (const banked_array& a : banks->arrays)
      line(a.constant, fmt::format("${:05X}", a.base),
           fmt::format("{}: bank {}, ${:04X}; {} bytes", a.name, a.base / banks->bank_size,
                       banks->window + a.base % banks->bank_size, a.data.size()));
  }
  line("TLM_ORDER", fmt::format("{}", m.order), "N: contexts of 0 .. N-1 bytes");
  line("TLM_END_BYTE", fmt::format("${:02X}", m.end_byte), "the end of a record: generation stops there");
  line("TLM_HIST_LEN", fmt::format("{}", hist), "N-1: bytes of history");
  line("TLM_HIST_SIZE", fmt::format("{}", hist > 0 ? hist : 1), "bytes reserved for it (at least 1)");
  for (int k = 0; k < m.order; ++k) {
    const std::string word = k == 1 ? "byte" : "bytes";
    line(fmt::format("TLM_NODES_{}", k), fmt::format("{}", v.node_count[k]),
         fmt::format("nodes of table {} (contexts of {} {})", k, k, word));
    line(fmt::format("TLM_NODE_BASE_{}", k), fmt::format("{}", v.node_base(k)),
         fmt::format("global number of table {}'s first node", k));
  }
  return out;
}

std::string tables_text(const ngram_tables& m, const tinylm::ngram::model_view& v, std::size_t& data_bytes) {
  const std::uint32_t nodes = v.total_nodes();
  const std::uint32_t entries = v.total_entries();
  std::string counts;
  for (int k = 0; k < m.order; ++k) counts += fmt::format(" {}", v.node_count[k]);

  std::string exports;
  std::string body;
  data_bytes = 0;
  for (int k = 1; k < m.order; ++k) {
    const std::uint32_t n = v.node_count[k];
    const std::size_t off = v.key_offset(k);
    body += fmt::format("\n; ---- table {}: {} contexts of {} byte{} (nodes {} .. {}) ----\n", k, n, k, k == 1 ? "" : "s",
                        v.node_base(k), n > 0 ? v.node_base(k) + n - 1 : v.node_base(k));
    for (int j = 0; j < k; ++j) {
      const std::string label = fmt::format("tlm_key_{}_{}", k, j);
      exports += fmt::format(".export {}\n", label);
      std::vector<std::uint8_t> column(n);
      for (std::uint32_t i = 0; i < n; ++i)
        column[i] = m.keys[off + std::size_t{i} * static_cast<std::size_t>(k) + static_cast<std::size_t>(j)];
      const std::string what = j == 0 ? "byte 0 (the oldest)" : (j == k - 1 ? fmt::format("byte {} (the newest)", j)
                                                                             : fmt::format("byte {}", j));
      body += label_line(label, fmt::format("{} of each key", what));
      body += byte_lines(column, true);
      data_bytes += column.size();
    }
  }

  std::vector<std::uint8_t> lo(nodes + 1), hi(nodes + 1);
  for (std::uint32_t i = 0; i <= nodes; ++i) {
    lo[i] = static_cast<std::uint8_t>(m.first_entry[i] & 0xFFu);
    hi[i] = static_cast<std::uint8_t>(m.first_entry[i] >> 8);
  }
  body += fmt::format("\n; ---- first_entry[0 .. {}]: node i's entries are [first_entry[i], first_entry[i + 1]) ----\n",
                      nodes);
  body += label_line("tlm_first_entry_lo", "low bytes");
  body += byte_lines(lo, false);
  body += label_line("tlm_first_entry_hi", "high bytes");
  body += byte_lines(hi, false);
  body += fmt::format("\n; ---- the {} entries, per node by weight descending, then byte ascending ----\n", entries);
  body += label_line("tlm_entry_byte", "entry_byte[]");
  body += byte_lines(m.entry_byte, true);
  body += label_line("tlm_entry_weight", "entry_weight[], in 1/256");
  body += byte_lines(m.entry_weight, false);
  data_bytes += lo.size() + hi.size() + m.entry_byte.size() + m.entry_weight.size();

  return fmt::format(
      "; ngram_tables.s - the tables of an order-{order} byte n-gram model, for ngram_runtime.s (ca65).\n"
      "; Generated by tinylm-gen emit; do not edit. The layout is described at the\n"
      "; top of ngram_runtime.s.\n"
      ";\n"
      "; order {order}, end byte ${end:02X}; nodes per table:{counts} ({nodes} in all);\n"
      "; {entries} entries; {storage} bytes by tinylm::ngram::storage_bytes, {data} bytes here.\n"
      "\n"
      ".export tlm_first_entry_lo, tlm_first_entry_hi, tlm_entry_byte, tlm_entry_weight\n"
      "{exports}"
      "\n"
      ".segment \"RODATA\"\n"
      "{body}",
      fmt::arg("order", m.order), fmt::arg("end", m.end_byte), fmt::arg("counts", counts), fmt::arg("nodes", nodes),
      fmt::arg("entries", entries), fmt::arg("storage", tinylm::ngram::storage_bytes(v)), fmt::arg("data", data_bytes),
      fmt::arg("exports", exports), fmt::arg("body", body));
}

// The banked tables: per bank a segment BANKn, each array's slice in it.
std::string banked_tables_text(const ngram_tables& m, const tinylm::ngram::model_view& v, const bank_layout& banks,
                               std::size_t& data_bytes) {
  std::string body;
  std::size_t current = static_cast<std::size_t>(-1);
  data_bytes = 0;
  for (const banked_array& a : banks.arrays) {
    std::size_t done = 0;
    do {
      const std::size_t at = a.base + done;
      const std::size_t bank = at / banks.bank_size;
      const std::size_t chunk = std::min(a.data.size() - done, banks.bank_size - at % banks.bank_size);
      if (bank != current) {
        body += fmt::format("\n.segment \"BANK{}\"                ; linear ${:05X}-${:05X}, at ${:04X}-${:04X}\n", bank,
                            bank * banks.bank_size, (bank + 1) * banks.bank_size - 1, banks.window,
                            banks.window + banks.bank_size - 1);
        current = bank;
      }
      body += fmt::format("; {}[{} .. {}) at ${:04X}, linear ${:05X} ({}){}\n", a.name, done, done + chunk,
                          banks.window + at % banks.bank_size, at, a.constant,
                          done > 0 ? ", continued" : (chunk < a.data.size() ? ", continues in the next bank" : ""));
      std::vector<std::uint8_t> part(a.data.begin() + static_cast<std::ptrdiff_t>(done),
                                     a.data.begin() + static_cast<std::ptrdiff_t>(done + chunk));
      body += byte_lines(part, a.name.find("key") != std::string::npos || a.name == "tlm_entry_byte");
      done += chunk;
      data_bytes += chunk;
    } while (done < a.data.size());
  }
  std::string counts;
  for (int k = 0; k < m.order; ++k) counts += fmt::format(" {}", v.node_count[k]);
  return fmt::format(
      "; ngram_tables.s - the tables of an order-{order} byte n-gram model, for ngram_runtime.s (ca65),\n"
      "; in {banks} banks of {size} bytes (segments BANK0 .. BANK{last}, each at ${window:04X}).\n"
      "; Generated by tinylm-gen emit; do not edit. The layout is described at the\n"
      "; top of ngram_runtime.s; the linear addresses are its TLM_LIN_* constants.\n"
      ";\n"
      "; order {order}, end byte ${end:02X}; nodes per table:{counts} ({nodes} in all);\n"
      "; {entries} entries; {storage} bytes by tinylm::ngram::storage_bytes, {data} bytes here.\n"
      "{body}",
      fmt::arg("order", m.order), fmt::arg("banks", banks.banks()), fmt::arg("size", banks.bank_size),
      fmt::arg("last", banks.banks() > 0 ? banks.banks() - 1 : 0), fmt::arg("window", banks.window),
      fmt::arg("end", m.end_byte), fmt::arg("counts", counts), fmt::arg("nodes", v.total_nodes()),
      fmt::arg("entries", v.total_entries()), fmt::arg("storage", tinylm::ngram::storage_bytes(v)),
      fmt::arg("data", data_bytes), fmt::arg("body", body));
}

}  // namespace

bank_layout plan_banks(const ngram_tables& m, std::size_t bank_size, std::uint32_t window) {
  const tinylm::ngram::model_view v = m.view();
  bank_layout out;
  out.bank_size = bank_size;
  out.window = window;
  std::uint32_t at = 0;
  auto add = [&](std::string name, std::string constant, std::vector<std::uint8_t> data) {
    const auto size = static_cast<std::uint32_t>(data.size());
    out.arrays.push_back({std::move(name), std::move(constant), at, std::move(data)});
    at += size;
  };
  for (int k = 1; k < m.order; ++k) {
    const std::uint32_t n = v.node_count[k];
    const std::size_t off = v.key_offset(k);
    for (int j = 0; j < k; ++j) {
      std::vector<std::uint8_t> column(n);
      for (std::uint32_t i = 0; i < n; ++i)
        column[i] = m.keys[off + std::size_t{i} * static_cast<std::size_t>(k) + static_cast<std::size_t>(j)];
      add(fmt::format("tlm_key_{}_{}", k, j), fmt::format("TLM_LIN_KEY_{}_{}", k, j), std::move(column));
    }
  }
  const std::uint32_t nodes = v.total_nodes();
  std::vector<std::uint8_t> lo(nodes + 1), hi(nodes + 1);
  for (std::uint32_t i = 0; i <= nodes; ++i) {
    lo[i] = static_cast<std::uint8_t>(m.first_entry[i] & 0xFFu);
    hi[i] = static_cast<std::uint8_t>(m.first_entry[i] >> 8);
  }
  add("tlm_first_entry_lo", "TLM_LIN_FE_LO", std::move(lo));
  add("tlm_first_entry_hi", "TLM_LIN_FE_HI", std::move(hi));
  add("tlm_entry_weight", "TLM_LIN_WEIGHT", m.entry_weight);
  add("tlm_entry_byte", "TLM_LIN_BYTE", m.entry_byte);
  out.bytes = at;
  return out;
}

std::size_t runtime_code_bytes(const tinylm::ngram::model_view& v, bool banked) {
  if (banked) {
    // Counted from the template's TLM_BANKED parts: tlm_start forgets the
    // bank (4), tlm_read and the banked node_entries and draw_node replace
    // the plain ones, and every non-empty table has the 16-bit search with
    // 29 bytes per key byte (26 for the last).
    constexpr std::size_t fixed = 430;
    const std::size_t hist = static_cast<std::size_t>(v.order - 1);
    std::size_t n = fixed;
    if (hist > 0) n += 4 * (hist - 1) + 2 + 32;
    for (int k = 1; k < v.order; ++k) {
      const auto key = static_cast<std::size_t>(k);
      n += v.node_count[k] == 0 ? 2 : 84 + 29 * key + 10;
    }
    return n;
  }
  // Counted from the template's instructions (see the comments there); the
  // fixed part is tlm_seed, xorshift32_next, node_entries, draw_node,
  // walk_entries, the end of tlm_sample and the two routines' rts.
  constexpr std::size_t fixed = 281;
  const std::size_t hist = static_cast<std::size_t>(v.order - 1);
  std::size_t n = fixed;
  if (hist > 0) n += 4 * (hist - 1) + 2 + 32;  // history_push's moves, start_history
  for (int k = 1; k < v.order; ++k) {
    const std::uint32_t count = v.node_count[k];
    const auto key = static_cast<std::size_t>(k);
    if (count == 0) n += 2;                      // sec, rts
    else if (count < 256) n += 48 + 7 * key + 10;  // 8-bit search, 7 bytes per key byte; the call
    else n += 88 + 17 * key + 10;                // 16-bit search, 17 bytes per key byte; the call
  }
  return n;
}

std::vector<asm_variable> ngram_runtime_zero_page(int order, bool banked) {
  const std::size_t hist = order > 1 ? static_cast<std::size_t>(order - 1) : 1;  // TLM_HIST_SIZE
  const std::size_t ptr = banked ? 3 : 2;                                          // TLM_PTR_SIZE
  std::vector<asm_variable> zp = {
      {"tlm_rng", 4, "xorshift32::state, little-endian", ""},
      {"tlm_hist", hist, "history::bytes, oldest first (N-1 used)", "TLM_HIST_SIZE"},
      {"tlm_ptr", 2, "tlm_start: address of the prompt", ""},
      {"tlm_lo", 2, "find_context_K: search range [lo, hi)", ""},
      {"tlm_hi", 2, "", ""},
      {"tlm_node", 2, "find_context_K: the probe, then the node found", ""},
      {"tlm_kp", 2, "pointer into a table (key bytes, first_entry)", ""},
      {"tlm_wp", ptr, "entry_weight of the node's first entry (banked: linear, 3 bytes)", "TLM_PTR_SIZE"},
      {"tlm_bp", ptr, "entry_byte of the node's first entry (banked: linear, 3 bytes)", "TLM_PTR_SIZE"},
      {"tlm_count", 1, "entries of the node (tlm_start: the prompt's length)", ""},
      {"tlm_tmp", 4, "xorshift32_next: the shifted state", ""}};
  if (banked) {
    zp.push_back({"tlm_la", 3, "tlm_read: the linear address to read", ""});
    zp.push_back({"tlm_bank", 1, "the bank in the window ($FF: unknown)", ""});
    zp.push_back({"tlm_r", 1, "walk_entries: r", ""});
    zp.push_back({"tlm_w", 1, "walk_entries: the entry's weight", ""});
  }
  return zp;
}

ngram_6502 emit_ngram_6502(const ngram_tables& model, const bank_layout* banks) {
  const tinylm::ngram::model_view v = model.view();
  if (const char* problem = tinylm::ngram::validate(v))
    throw error(fmt::format("the model's tables are not valid: {}", problem));
  for (int k = 0; k < model.order; ++k)
    if (v.node_count[k] > max_6502_index)
      throw error(fmt::format("table {} has {} nodes; the 6502 layout holds at most {} per table", k, v.node_count[k],
                              max_6502_index));
  if (v.total_nodes() > max_6502_index || v.total_entries() > max_6502_index)
    throw error(fmt::format("the model has {} nodes and {} entries; the 6502 layout holds at most {} of each",
                            v.total_nodes(), v.total_entries(), max_6502_index));

  ngram_6502 out;
  out.zero_page = ngram_runtime_zero_page(model.order, banks != nullptr);
  std::string runtime = fill_template("m6502/ngram_runtime.s", {{"MODEL_CONSTANTS", constants(model, v, banks)},
                                                               {"ZERO_PAGE", reservation_lines(out.zero_page)}});
  out.runtime = {"ngram_runtime.s", std::move(runtime)};
  out.tables = {"ngram_tables.s", banks != nullptr ? banked_tables_text(model, v, *banks, out.table_bytes)
                                                    : tables_text(model, v, out.table_bytes)};
  out.code_bytes = runtime_code_bytes(v, banks != nullptr);
  return out;
}

}  // namespace tinylm::gen
