// Tests of the 6502 emitters (codegen/src/targets/m6502, sim6502, nes; the template mechanism of targets/template): the tables
// of a hand-built model land where the runtime looks for them, the constants
// are filled in, the output is reproducible, the RAM map is contiguous, and a
// model one byte too large for the target is refused while one that fills it
// exactly is not. That the emitted program runs and agrees with the C++ is
// tests/target/sim6502 (sim65).
#include <catch2/catch.hpp>

#include <fmt/core.h>

#include <string>
#include <vector>

#include "targets/m6502/ngram_runtime.hpp"
#include "common/error.hpp"
#include "families/ngram/builder.hpp"
#include "support/tiny_ngram.hpp"
#include "targets/m6502/program.hpp"
#include "targets/m6502_targets.hpp"
#include "targets/sim6502/sim6502.hpp"
#include "targets/template/asm_template.hpp"

namespace gen = tinylm::gen;

namespace {

gen::ngram_tables tiny_tables() {
  using T = tinylm_test::tiny_ngram;
  gen::ngram_tables m;
  m.order = T::order;
  m.end_byte = T::end_byte;
  m.default_seed = T::default_seed;
  m.node_count.assign(std::begin(T::node_count), std::end(T::node_count));
  m.keys.assign(std::begin(T::keys), std::end(T::keys));
  m.first_entry.assign(std::begin(T::first_entry), std::end(T::first_entry));
  m.entry_byte.assign(std::begin(T::entry_byte), std::end(T::entry_byte));
  m.entry_weight.assign(std::begin(T::entry_weight), std::end(T::entry_weight));
  return m;
}

// An order-3 model with no 1-byte contexts, `contexts` 2-byte contexts of one
// entry each and `root_entries` entries in the empty context:
//   table bytes = 2 * contexts (keys) + 2 * (contexts + 2) (first_entry)
//                 + 2 * (root_entries + contexts) (entries).
gen::ngram_tables synthetic(std::uint32_t contexts, std::uint32_t root_entries) {
  gen::ngram_tables m;
  m.order = 3;
  m.node_count = {1, 0, contexts};
  m.first_entry.push_back(0);
  for (std::uint32_t b = 0; b < root_entries; ++b) {
    m.entry_byte.push_back(static_cast<std::uint8_t>(b));
    m.entry_weight.push_back(1);
  }
  m.first_entry.push_back(root_entries);
  for (std::uint32_t i = 0; i < contexts; ++i) {
    m.keys.push_back(static_cast<std::uint8_t>(i >> 8));
    m.keys.push_back(static_cast<std::uint8_t>(i & 0xFF));
    m.entry_byte.push_back('x');
    m.entry_weight.push_back(200);
    m.first_entry.push_back(root_entries + i + 1);
  }
  return m;
}

// The `.byte` data right after `label:` in ca65 source, as one string.
std::string data_after(const std::string& text, const std::string& label) {
  std::size_t at = text.find("\n" + label + ":");
  if (at == std::string::npos) return "<no label " + label + ">";
  at = text.find('\n', at + 1) + 1;
  std::string out;
  while (at < text.size() && text.compare(at, 14, "        .byte ") == 0) {
    const std::size_t end = text.find('\n', at);
    std::string line = text.substr(at + 14, end - at - 14);
    line = line.substr(0, line.find(' '));  // drop the text comment
    out += (out.empty() ? "" : ",") + line;
    at = end + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("the tables of the tiny model are laid out as the runtime reads them", "[targets_m6502]") {
  const gen::ngram_6502 e = gen::emit_ngram_6502(tiny_tables());
  const std::string& t = e.tables.text;
  // Table 1 ("\0", "a"): one array per key byte; first_entry split in low and
  // high bytes; the entries in the model's order.
  CHECK(data_after(t, "tlm_key_1_0") == "$00,$61");
  CHECK(data_after(t, "tlm_first_entry_lo") == "$00,$02,$03,$05");
  CHECK(data_after(t, "tlm_first_entry_hi") == "$00,$00,$00,$00");
  CHECK(data_after(t, "tlm_entry_byte") == "$61,$62,$61,$62,$00");
  CHECK(data_after(t, "tlm_entry_weight") == "$80,$40,$C8,$64,$32");
  CHECK(e.table_bytes == 2 + 4 + 4 + 5 + 5);
  for (const char* label : {"tlm_key_1_0", "tlm_first_entry_lo", "tlm_first_entry_hi", "tlm_entry_byte",
                            "tlm_entry_weight"})
    CHECK(t.find(label) != std::string::npos);
  CHECK(t.find(".export tlm_key_1_0\n") != std::string::npos);
  CHECK(t.find(".segment \"RODATA\"") != std::string::npos);
  CHECK(t.find("; order 2, end byte $00; nodes per table: 1 2 (3 in all);") != std::string::npos);
}

TEST_CASE("the runtime gets the model's constants and names the C++ it mirrors", "[targets_m6502]") {
  const gen::ngram_6502 e = gen::emit_ngram_6502(tiny_tables());
  const std::string& r = e.runtime.text;
  CHECK(e.runtime.name == "ngram_runtime.s");
  CHECK(e.tables.name == "ngram_tables.s");
  CHECK(r.find(";@MODEL_CONSTANTS@") == std::string::npos);
  for (const char* line : {"\nTLM_ORDER       = 2 ", "\nTLM_END_BYTE    = $00 ", "\nTLM_HIST_LEN    = 1 ",
                           "\nTLM_HIST_SIZE   = 1 ", "\nTLM_NODES_0     = 1 ", "\nTLM_NODE_BASE_0 = 0 ",
                           "\nTLM_NODES_1     = 2 ", "\nTLM_NODE_BASE_1 = 1 "})
    CHECK(r.find(line) != std::string::npos);
  // The interface of RUNTIME_API.md and the labels of the mirrored functions.
  for (const char* s : {".export TLM_ORDER, TLM_END_BYTE", ".exportzp tlm_rng, tlm_hist, tlm_ptr",
                        ".export tlm_seed, tlm_start, tlm_sample", "\ntlm_seed:", "\ntlm_start:", "\nstart_history:",
                        "\ntlm_sample:", "\nsample_next:", "\nxorshift32_next:", "\nhistory_push:",
                        "find_context_%d", "find_key()", "\nnode_entries:", "\ndraw_node:", "\nwalk_entries:",
                        ".segment \"ZEROPAGE\"", ".segment \"CODE\""})
    CHECK(r.find(s) != std::string::npos);
  // The zero page, in order, with its sizes.
  std::vector<std::string> names;
  std::size_t bytes = 0;
  for (const auto& z : e.zero_page) {
    names.push_back(z.label);
    bytes += z.size;
  }
  CHECK(names == std::vector<std::string>{"tlm_rng", "tlm_hist", "tlm_ptr", "tlm_lo", "tlm_hi", "tlm_node", "tlm_kp",
                                          "tlm_wp", "tlm_bp", "tlm_count", "tlm_tmp"});
  CHECK(e.zero_page[0].size == 4);
  CHECK(e.zero_page[1].size == 1);  // N-1
  CHECK(bytes == 24);
}

TEST_CASE("emitting is reproducible", "[targets_m6502]") {
  const gen::ngram_tables m = tiny_tables();
  const gen::program_6502 a = gen::emit_program_6502(m, gen::target_6502::sim6502);
  const gen::program_6502 b = gen::emit_program_6502(m, gen::target_6502::sim6502);
  REQUIRE(a.sources.size() == 3);
  REQUIRE(a.sources.size() == b.sources.size());
  for (std::size_t i = 0; i < a.sources.size(); ++i) {
    CHECK(a.sources[i].name == b.sources[i].name);
    CHECK(a.sources[i].text == b.sources[i].text);
  }
  CHECK(a.config.text == b.config.text);
  CHECK(gen::ram_map_text(a) == gen::ram_map_text(b));
  // No paths or dates in what is written.
  for (const auto& f : a.sources) {
    CHECK(f.text.find("/work") == std::string::npos);
    CHECK(f.text.find("20" "26-") == std::string::npos);
  }
}

TEST_CASE("the sim6502 program: link order, RAM map and build command", "[targets_m6502]") {
  const gen::program_6502 p = gen::emit_program_6502(tiny_tables(), gen::target_6502::sim6502);
  CHECK(p.sources[0].name == "ngram_runtime.s");  // first: its zero page starts at $0000
  CHECK(p.sources[1].name == "ngram_tables.s");
  CHECK(p.sources[2].name == "main.s");
  CHECK(p.config.name == "sim6502.cfg");
  CHECK(p.zero_page_bytes == 24);
  // The map is in address order and without gaps or overlaps.
  REQUIRE(!p.ram_map.empty());
  CHECK(p.ram_map.front().address == 0);
  CHECK(p.ram_map.front().what.rfind("tlm_rng:", 0) == 0);
  for (std::size_t i = 1; i < p.ram_map.size(); ++i) {
    INFO(p.ram_map[i].what);
    CHECK(p.ram_map[i].address == p.ram_map[i - 1].address + p.ram_map[i - 1].size);
  }
  CHECK(p.ram_map.back().address + p.ram_map.back().size == 0x10000);
  const std::string map = gen::ram_map_text(p);
  CHECK(map.find("  $0000-$0003      4  zero page  tlm_rng: ") != std::string::npos);
  CHECK(map.find("  $0018-$0031     26  zero page  cc65 runtime") != std::string::npos);
  CHECK(map.find("  $0100-$01FF    256  stack ") != std::string::npos);
  CHECK(map.find("  $0200-$02FF    256  buffer     in_buf: ") != std::string::npos);
  CHECK(gen::build_command(p, "out") ==
        "cl65 -t sim6502 -C out/sim6502.cfg -m out/prog.map -o out/prog.prg out/ngram_runtime.s out/ngram_tables.s "
        "out/main.s");
  CHECK(gen::build_command(p, "my dir").find("-C 'my dir/sim6502.cfg'") != std::string::npos);
}

TEST_CASE("a model larger than the target is refused; one that fills it is not", "[targets_m6502]") {
  namespace plan = gen::sim6502_plan;
  // 6 * 9,900 + 4 + 2 * 114 = 59,632 bytes: exactly the room.
  REQUIRE(plan::table_room == 59632);
  const gen::ngram_tables fits = synthetic(9900, 114);
  const gen::program_6502 p = gen::emit_program_6502(fits, gen::target_6502::sim6502);
  CHECK(p.table_bytes == plan::table_room);
  // An empty table (table 1 here) still has its label, with no data.
  CHECK(data_after(p.sources[1].text, "tlm_key_1_0").empty());
  CHECK(p.sources[1].text.find("\ntlm_key_1_0:") != std::string::npos);
  // Two bytes more (one more entry).
  const gen::ngram_tables too_big = synthetic(9900, 115);
  REQUIRE_THROWS_AS(gen::emit_program_6502(too_big, gen::target_6502::sim6502), gen::error);
  REQUIRE_THROWS_WITH(gen::emit_program_6502(too_big, gen::target_6502::sim6502),
                      Catch::Contains("does not fit the sim6502 target") && Catch::Contains("need 59634 bytes") &&
                          Catch::Contains("room for 59632"));
}

TEST_CASE("the nes cartridge: files, link order, RAM plan, ROM plan and build command", "[targets_m6502][nes]") {
  const gen::program_6502 p = gen::emit_program_6502(tiny_tables(), gen::target_6502::nes);
  REQUIRE(p.sources.size() == 3);
  CHECK(p.sources[0].name == "shell.s");  // first: its zero page starts at $0000
  CHECK(p.sources[1].name == "ngram_runtime.s");
  CHECK(p.sources[2].name == "ngram_tables.s");
  REQUIRE(p.includes.size() == 1);
  CHECK(p.includes[0].name == "prompts.inc");
  CHECK(p.includes[0].text.find("PROMPT \"") != std::string::npos);
  CHECK(p.sources[0].text.find(".include \"prompts.inc\"") != std::string::npos);
  CHECK(p.config.name == "nrom.cfg");
  CHECK(p.config.text.find("VECTORS") != std::string::npos);
  // The runtime and tables are those of the sim6502 target.
  const gen::program_6502 sim = gen::emit_program_6502(tiny_tables(), gen::target_6502::sim6502);
  CHECK(p.sources[1].text == sim.sources[0].text);
  CHECK(p.sources[2].text == sim.sources[1].text);
  // RAM: the shell's 27 bytes of zero page, then the runtime's 24; the fixed
  // buffers of the shell; 2 KB in all, in address order without gaps.
  CHECK(p.zero_page_bytes == 24);
  REQUIRE(!p.ram_map.empty());
  for (std::size_t i = 1; i < p.ram_map.size(); ++i) {
    INFO(p.ram_map[i].what);
    CHECK(p.ram_map[i].address == p.ram_map[i - 1].address + p.ram_map[i - 1].size);
  }
  CHECK(p.ram_map.back().address + p.ram_map.back().size == 0x0800);
  const std::string map = gen::ram_map_text(p);
  CHECK(map.find("  $0000-$0000      1  zero page  shell nmi_count") != std::string::npos);
  CHECK(map.find("  $001B-$001E      4  zero page  tlm_rng: ") != std::string::npos);
  CHECK(map.find("  $0033-$00FF    205  zero page  free") != std::string::npos);
  CHECK(map.find("  $0100-$01FF    256  stack ") != std::string::npos);
  CHECK(map.find("  $0300-$03FF    256  buffer     shell: results") != std::string::npos);
  CHECK(map.find("  $0400-$04FF    256  buffer     shell: the VRAM update ring") != std::string::npos);
  CHECK(map.find("  $0500-$07FF    768  free ") != std::string::npos);
  // ROM: shell + runtime + tables + vectors, the rest free.
  CHECK(p.rom_bytes == 32768);
  CHECK(p.shell_bytes == 1885);
  CHECK(p.code_bytes == gen::runtime_code_bytes(tiny_tables().view()));
  CHECK(p.rom_plan.find(fmt::format("{:>6}  free", 32768 - 1885 - 6 - p.code_bytes - p.table_bytes)) !=
        std::string::npos);
  CHECK(gen::build_command(p, "out") ==
        "cl65 -t nes -C out/nrom.cfg -m out/tinylm.map -o out/tinylm.nes out/shell.s out/ngram_runtime.s "
        "out/ngram_tables.s");
  CHECK(gen::parse_target_6502("nes") == gen::target_6502::nes);
}

TEST_CASE("the runtime's code size follows its template", "[targets_m6502]") {
  // Measured with ld65 (ngram_runtime.o CODE) on models built from the
  // sayings corpus; the target tests compare every model they build.
  gen::ngram_tables m = synthetic(255, 10);  // an 8-bit search on table 2
  CHECK(gen::runtime_code_bytes(m.view()) == 281 + 6 + 32 + 2 + (48 + 14 + 10));
  m = synthetic(256, 10);  // a 16-bit search
  CHECK(gen::runtime_code_bytes(m.view()) == 281 + 6 + 32 + 2 + (88 + 34 + 10));
}

TEST_CASE("a model larger than the NROM cartridge is refused; one that fills it is not", "[targets_m6502][nes]") {
  // Room for tables: 32,768 - 6 - 1,885 (shell) - 453 (runtime) = 30,424
  // = 6 * 5,000 + 4 + 2 * 210.
  const gen::ngram_tables fits = synthetic(5000, 210);
  const gen::program_6502 p = gen::emit_program_6502(fits, gen::target_6502::nes);
  CHECK(p.code_bytes == 453);
  CHECK(p.table_room == 30424);
  CHECK(p.table_bytes == 30424);
  CHECK(p.used_rom_bytes() == 32768);
  CHECK(p.rom_plan.find("     0  free") != std::string::npos);
  const gen::ngram_tables too_big = synthetic(5000, 211);
  REQUIRE_THROWS_WITH(gen::emit_program_6502(too_big, gen::target_6502::nes),
                      Catch::Contains("does not fit the nes target") && Catch::Contains("32768 bytes of PRG ROM") &&
                          Catch::Contains("the tables 30426") && Catch::Contains("2 too many") &&
                          Catch::Contains("at most 30424") && Catch::Contains("--budget") &&
                          Catch::Contains("--target nes-uxrom"));
}

// The text of the banked tables from the segment line of bank `bank` on.
std::string bank_text(const std::string& tables, std::size_t bank) {
  const std::size_t at = tables.find(fmt::format("\n.segment \"BANK{}\"", bank));
  return at == std::string::npos ? "<no BANK" + std::to_string(bank) + ">" : tables.substr(at + 1);
}

const gen::banked_array& array_named(const gen::bank_layout& l, const std::string& name) {
  for (const auto& a : l.arrays)
    if (a.name == name) return a;
  throw gen::error("no array " + name);
}

TEST_CASE("banks: an array that ends exactly on a bank boundary; the next starts at the bank's first byte",
          "[targets_m6502][banked]") {
  // keys of table 2: 8,192 + 8,192 bytes = bank 0 exactly.
  const gen::ngram_tables m = synthetic(8192, 10);
  const gen::bank_layout l = gen::plan_banks(m);
  const auto& key21 = array_named(l, "tlm_key_2_1");
  CHECK(key21.base + key21.data.size() == 16384);
  CHECK(array_named(l, "tlm_first_entry_lo").base == 16384);
  const gen::ngram_6502 code = gen::emit_ngram_6502(m, &l);
  const std::string& t = code.tables.text;
  // Bank 0 ends with key_2_1's last line; bank 1 starts with first_entry_lo at $8000.
  const std::string b0 = bank_text(t, 0);
  const std::string b1 = bank_text(t, 1);
  CHECK(b0.substr(0, b0.size() - b1.size()).find("tlm_first_entry_lo") == std::string::npos);
  CHECK(b1.find("; tlm_first_entry_lo[0 .. 8194) at $8000, linear $04000 (TLM_LIN_FE_LO)\n") != std::string::npos);
  CHECK(b1.find("; tlm_key_2_1") == std::string::npos);
  CHECK(code.runtime.text.find("TLM_LIN_FE_LO   = $04000") != std::string::npos);
  CHECK(code.runtime.text.find("TLM_BANKED      = 1") != std::string::npos);
  CHECK(code.table_bytes == l.bytes);
}

TEST_CASE("banks: an array whose elements cross from one bank to the next", "[targets_m6502][banked]") {
  // first_entry_lo is [12000, 18002): element 4384 is the first byte of bank 1.
  const gen::ngram_tables m = synthetic(6000, 10);
  const gen::bank_layout l = gen::plan_banks(m);
  const auto& lo = array_named(l, "tlm_first_entry_lo");
  REQUIRE(lo.base == 12000);
  const gen::ngram_6502 code = gen::emit_ngram_6502(m, &l);
  const std::string& t = code.tables.text;
  CHECK(t.find("; tlm_first_entry_lo[0 .. 4384) at $AEE0, linear $02EE0 (TLM_LIN_FE_LO), continues in the next "
               "bank\n") != std::string::npos);
  const std::string b1 = bank_text(t, 1);
  const std::string head = "; tlm_first_entry_lo[4384 .. 6002) at $8000, linear $04000 (TLM_LIN_FE_LO), continued\n";
  REQUIRE(b1.find(head) != std::string::npos);
  // Its first byte is element 4384: first_entry[4384] = 10 + 4384 - 1 = 4393 = $1129, low byte $29.
  const std::string data = b1.substr(b1.find(head) + head.size());
  CHECK(data.rfind("        .byte $29,$2A,$2B", 0) == 0);
  CHECK(m.first_entry[4384] == 4393);
  // Bank of an element: linear / 16 KB; window address $8000 + linear % 16 KB.
  CHECK((lo.base + 4383) / l.bank_size == 0);
  CHECK((lo.base + 4384) / l.bank_size == 1);
  CHECK(l.banks() == 3);  // 6 * 6000 + 4 + 20 = 36,024 bytes
}

TEST_CASE("banks: the UxROM cartridge takes 15 banks of tables and refuses 16", "[targets_m6502][banked][nes]") {
  // 6 * 40,950 + 4 + 2 * 28 = 245,760 = 15 * 16 KB.
  const gen::ngram_tables fits = synthetic(40950, 28);
  const gen::program_6502 p = gen::emit_program_6502(fits, gen::target_6502::nes_uxrom);
  CHECK(p.table_bytes == 245760);
  CHECK(p.banks == 15);
  CHECK(p.rom_bytes == 16 * 16384);
  CHECK(p.config.text.find("BANK14:  load = BANK14,") != std::string::npos);
  CHECK(p.config.text.find("BANK15") == std::string::npos);  // bank 15 is the fixed one
  REQUIRE(p.sources.size() == 4);
  CHECK(p.sources[3].name == "uxrom.s");
  CHECK(p.sources[3].text.find("TLM_PRG_BANKS = 16") != std::string::npos);
  const gen::ngram_tables too_big = synthetic(40950, 29);
  REQUIRE_THROWS_WITH(gen::emit_program_6502(too_big, gen::target_6502::nes_uxrom),
                      Catch::Contains("does not fit the nes-uxrom target") && Catch::Contains("245762 bytes") &&
                          Catch::Contains("16 banks") && Catch::Contains("--budget"));
  // A small model: 2 banks (one of tables, the fixed one), 32 KB of PRG.
  const gen::program_6502 small = gen::emit_program_6502(tiny_tables(), gen::target_6502::nes_uxrom);
  CHECK(small.banks == 1);
  CHECK(small.rom_bytes == 32768);
  CHECK(gen::build_command(small, "out") ==
        "cl65 -t nes -C out/uxrom.cfg -m out/tinylm.map -o out/tinylm.nes out/shell.s out/ngram_runtime.s "
        "out/ngram_tables.s out/uxrom.s");
  // The banked runtime's zero page: 3-byte entry pointers and the bank state.
  CHECK(small.zero_page_bytes == 24 + 2 + 6);
}

TEST_CASE("sim6502-banked: bank files, window and build command", "[targets_m6502][banked]") {
  const gen::program_6502 p = gen::emit_program_6502(synthetic(6000, 10), gen::target_6502::sim6502_banked);
  CHECK(p.banks == 3);
  CHECK(p.config.text.find("BANK2:   file = \"bank02.bin\", start = $8000, size = $4000;") != std::string::npos);
  CHECK(gen::ram_map_text(p).find("  $8000-$BFFF  16384  window ") != std::string::npos);
  CHECK(gen::build_command(p, "out") ==
        "cd out && cl65 -t sim6502 -C sim6502-banked.cfg -m prog.map -o prog.prg ngram_runtime.s ngram_tables.s "
        "main.s banks.s");
}

TEST_CASE("the emitter refuses invalid tables and unknown targets", "[targets_m6502]") {
  gen::ngram_tables m = tiny_tables();
  m.entry_weight[0] = 0;
  REQUIRE_THROWS_WITH(gen::emit_ngram_6502(m), Catch::Contains("an entry has weight 0"));
  REQUIRE_THROWS_WITH(gen::parse_target_6502("c65"), Catch::Contains("unknown 6502 target 'c65'"));
  CHECK(gen::parse_target_6502("sim6502") == gen::target_6502::sim6502);
  // c64 is a target of transformer models: an n-gram model is refused by name.
  REQUIRE_THROWS_WITH(gen::emit_program_6502(tiny_tables(), gen::parse_target_6502("c64")),
                      Catch::Contains("the c64 target runs transformer models"));
}

TEST_CASE("reservation_lines writes the RAM plan's variables as .res lines", "[targets_m6502]") {
  const std::vector<gen::asm_variable> vars = {{"a", 4, "four", ""}, {"b", 16, "", "SIZE"}, {"c", 3, "", ""}};
  CHECK(gen::total_bytes(vars) == 23);
  CHECK(gen::reservation_lines(vars) ==
        "a:         .res 4              ; four\n"
        "b:         .res SIZE\n"
        "c:         .res 3\n");
  CHECK(gen::reservation_lines({}).empty());
}

TEST_CASE("fill_template fills @NAME@ numbers and ;@NAME@ blocks, and nothing else", "[targets_m6502]") {
  const std::string text = "  lda #@N@\n;@BLOCK@\n@done: rts ; @local labels stay\n#@CFG@\n";
  CHECK(gen::fill_template_text(text, "t", {{"N", "5"}, {"BLOCK", "x: .res 2\ny: .res 1\n"}, {"CFG", ""}}) ==
        "  lda #5\nx: .res 2\ny: .res 1\n@done: rts ; @local labels stay\n");
  REQUIRE_THROWS_WITH(gen::fill_template_text(text, "t", {{"N", "5"}, {"BLOCK", ""}}),
                      Catch::Contains("template 't' has the placeholder @CFG@ and no value"));
  REQUIRE_THROWS_WITH(gen::fill_template_text(text, "t", {{"N", "5"}, {"BLOCK", ""}, {"CFG", ""}, {"X", "1"}}),
                      Catch::Contains("template 't' has no placeholder @X@"));
  // Every embedded template is found by its path under codegen/asm.
  CHECK(gen::asm_template("m6502/ngram_runtime.s").find(";@ZERO_PAGE@\n") != std::string::npos);
  CHECK(gen::asm_template("z80/cpm/chat.asm").find(";@BYTE_ROUTINES@\n") != std::string::npos);
  REQUIRE_THROWS_WITH(gen::asm_template("nope.s"), Catch::Contains("no embedded assembly template 'nope.s'"));
}
