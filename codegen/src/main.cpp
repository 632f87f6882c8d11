// tinylm-gen: builds tinylm models and writes them out as model files and
// C++ headers. Run `tinylm-gen --help` or `tinylm-gen <command> --help`.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "corpus.hpp"
#include "emit_cpm.hpp"
#include "emit_header.hpp"
#include "hashmlp_file.hpp"
#include "safetensors.hpp"
#include "error.hpp"
#include "model_file.hpp"
#include "ngram_builder.hpp"
#include "progress.hpp"
#include "target_6502.hpp"
#include "train_cli.hpp"

namespace gen = tinylm::gen;

namespace {

// "32768", "32K", "32KB", "1M": bytes. Digits first, no sign, no spaces, and
// no value that overflows.
std::size_t parse_bytes(const std::string& text) {
  const auto bad = [&] {
    return gen::error(fmt::format("--budget '{}' is not a size (examples: 0, 8192, 8K, 32KB, 1M)", text));
  };
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])) != 0) ++digits;
  if (digits == 0 || digits > 15) throw bad();
  std::uint64_t v = std::stoull(text.substr(0, digits));
  std::string unit = text.substr(digits);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::uint64_t unit_bytes = 1;
  if (unit == "K" || unit == "KB" || unit == "KIB") unit_bytes = 1024;
  else if (unit == "M" || unit == "MB" || unit == "MIB") unit_bytes = 1024 * 1024;
  else if (!unit.empty() && unit != "B")
    throw gen::error(fmt::format("--budget '{}' has an unknown unit '{}' (use K or M)", text, unit));
  constexpr std::uint64_t largest = std::uint64_t{1} << 40;
  if (v > largest / unit_bytes) throw gen::error(fmt::format("--budget '{}' is larger than 1 TiB", text));
  return static_cast<std::size_t>(v * unit_bytes);
}

// "--opt=" with an empty value is split into "--opt" "" so that the parser
// does not take the next argument as its value.
std::vector<std::string> split_empty_assignments(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = argc - 1; i >= 1; --i) {  // CLI11 takes arguments in reverse order
    std::string a = argv[i];
    if (a.size() > 3 && a.compare(0, 2, "--") == 0 && a.back() == '=' && a.find('=') == a.size() - 1) {
      args.emplace_back("");
      args.push_back(a.substr(0, a.size() - 1));
    } else {
      args.push_back(std::move(a));
    }
  }
  return args;
}

gen::records parse_records(const std::string& s) { return s == "file" ? gen::records::file : gen::records::line; }

std::string base_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }

// A model file of the wrong family for a command: a clear error instead of
// "corrupt model file" (an unknown or missing format is left to the reader).
void require_family(const std::string& path, const char* format, const char* why) {
  const std::string found = gen::model_file_format(path);
  const bool known = found == gen::ngram_format || found == gen::hashmlp_format;
  if (known && found != format)
    throw gen::error(fmt::format("'{}' is {} model file: {}", path,
                                 found == gen::hashmlp_format ? "a hash-MLP" : "an n-gram", why));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "tinylm-gen: builds tiny integer language models and writes them as model files (safetensors)\n"
      "and as C++ headers in which the model is a constexpr type."};
  app.name("tinylm-gen");
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show the help of every command");

  // ---- ngram ---------------------------------------------------------------
  auto* ngram = app.add_subcommand("ngram", "Build a byte n-gram model (interpolated Kneser-Ney) from a corpus");
  std::string corpus_path, output, name, ns = "tinylm::zoo", budget_text = "0", records_text = "line";
  gen::ngram_options opts;
  unsigned end_byte = 0;
  bool quiet = false;
  ngram->add_option("--corpus", corpus_path, "Training text (records: one per line)")->required();
  ngram->add_option("--order", opts.order, "Model order N: contexts of up to N-1 bytes (1-7)")
      ->default_val(6)
      ->check(CLI::Range(1, tinylm::ngram::max_order));
  ngram->add_option("--budget", budget_text, "Largest table size in bytes (8192, 32K, 256K; 0 = no pruning)")
      ->default_val("0");
  ngram->add_option("--seed", opts.seed, "The model's default sampling seed")->default_val(1);
  ngram->add_option("--end-byte", end_byte, "Byte that marks the end of a record (0-255)")
      ->default_val(0)
      ->check(CLI::Range(0, 255));
  ngram->add_option("--records", records_text, "What a record is: line or file")
      ->default_val("line")
      ->check(CLI::IsMember({"line", "file"}));
  ngram->add_option("-o,--output", output, "Output path prefix: writes PREFIX.safetensors and PREFIX.hpp")->required();
  ngram->add_option("--name", name, "C++ type name of the model (default: the output's base name)");
  ngram->add_option("--namespace", ns, "C++ namespace of the model type")->default_val("tinylm::zoo");
  ngram->add_flag("-q,--quiet", quiet, "No progress lines");

  // ---- eval ----------------------------------------------------------------
  auto* eval = app.add_subcommand("eval", "Bits per character of a model on a held-out text");
  std::string model_path, text_path;
  eval->add_option("--model", model_path, "Model file (.safetensors)")->required();
  eval->add_option("--text", text_path, "Held-out text")->required();
  eval->add_option("--records", records_text, "What a record is: line or file")
      ->default_val("line")
      ->check(CLI::IsMember({"line", "file"}));

  // ---- generate ------------------------------------------------------------
  auto* generate = app.add_subcommand("generate", "Generate text from a model file after a prompt");
  std::string prompt;
  long long seed = -1;
  std::size_t max_length = 128;
  generate->add_option("--model", model_path, "Model file (.safetensors)")->required();
  generate->add_option("--prompt", prompt, "Prompt (any bytes; may be empty)")->default_val("");
  generate->add_option("--seed", seed, "Sampling seed (default: the model's)")->check(CLI::Range(0LL, 0xFFFFFFFFLL));
  generate->add_option("--max-length", max_length, "Most bytes to generate (1-4096)")
      ->default_val(128)
      ->check(CLI::Range(1, 4096));
  unsigned inv_temp = 0;
  std::size_t top_k = 0;
  generate->add_option("--inv-temp", inv_temp,
                       "Hash-MLP models: 256 / temperature in Q8 (0: argmax, the default; 256: temperature 1)")
      ->default_val(0)
      ->check(CLI::Range(0, 65535));
  generate->add_option("--top-k", top_k, "Hash-MLP models with --inv-temp: sample among the k best (0: all)")
      ->default_val(0)
      ->check(CLI::Range(0, 256));

  // ---- header --------------------------------------------------------------
  auto* header = app.add_subcommand("header", "Write the C++ header of a model file");
  header->add_option("--model", model_path, "Model file (.safetensors)")->required();
  header->add_option("-o,--output", output, "Header to write (.hpp)")->required();
  header->add_option("--name", name, "C++ type name (default: the header's base name)");
  header->add_option("--namespace", ns, "C++ namespace of the model type")->default_val("tinylm::zoo");

  // ---- emit ----------------------------------------------------------------
  auto* emit = app.add_subcommand("emit", "Write a model as an 8-bit program: 6502 (sim6502, NES; ca65) or Z80 (CP/M; z80asm)");
  std::string target_text = "sim6502";
  emit->add_option("--model", model_path, "Model file (.safetensors)")->required();
  emit->add_option("--target", target_text,
                   "Target: sim6502 (sim65, for tests and benchmarks), nes (an NROM cartridge with a prompt menu), "
                   "nes-uxrom (the same on a banked UxROM cartridge: tables up to 240 KB) or sim6502-banked "
                   "(the banked runtime in sim65); cpm: a CP/M chat .COM (z80asm source) of a hash-MLP model file")
      ->default_val("sim6502")
      ->check(CLI::IsMember({"sim6502", "nes", "sim6502-banked", "nes-uxrom", "cpm"}));
  emit->add_option("-o,--output", output, "Directory to write the program's files to (created if missing)")
      ->required();
  std::size_t max_reply = 64;
  std::string com_name = "TINYLM";
  emit->add_option("--max-reply", max_reply, "cpm: most symbols per reply (1-255)")
      ->default_val(64)
      ->check(CLI::Range(1, 255));
  emit->add_option("--com-name", com_name, "cpm: the program's name, NAME.COM and name.asm (1-8 of A-Z, 0-9)")
      ->default_val("TINYLM");
  unsigned cpm_inv_temp = 0;
  std::size_t cpm_top_k = 0;
  std::uint32_t cpm_seed = 1;
  emit->add_option("--inv-temp", cpm_inv_temp,
                   "cpm: sample with 256 / temperature in Q8 (0: argmax, the default), as generate --inv-temp")
      ->default_val(0)
      ->check(CLI::Range(0, 65535));
  emit->add_option("--top-k", cpm_top_k, "cpm, with --inv-temp: sample among the k best (0: all)")
      ->default_val(0)
      ->check(CLI::Range(0, 256));
  emit->add_option("--seed", cpm_seed, "cpm, with --inv-temp: the seed (the generator restarts from it every line)")
      ->default_val(1);
  std::vector<std::string> game_objects;
  emit->add_option("--game", game_objects,
                   "cpm: twenty questions instead of chat, with these objects (comma separated; each line is "
                   "asked as '<object>: <line>', the reply WIN wins)")
      ->delimiter(',');

  // ---- train ---------------------------------------------------------------
  const auto train = gen::add_train_command(app);

  try {
    std::vector<std::string> args = split_empty_assignments(argc, argv);
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "tinylm-gen: error: {}\nRun 'tinylm-gen --help' or 'tinylm-gen <command> --help'.\n", e.what());
    return 2;
  }

  try {
    if (train->parsed()) {
      train->run();
    } else if (ngram->parsed()) {
      opts.budget = parse_bytes(budget_text);
      opts.end_byte = static_cast<std::uint8_t>(end_byte);
      if (name.empty()) name = base_name(output);
      if (!gen::is_identifier(name))
        throw gen::error(fmt::format("model name '{}' is not a C++ identifier (set --name)", name));
      gen::progress log(!quiet);
      log.begin(fmt::format("reading corpus '{}'", corpus_path));
      const gen::corpus text = gen::read_corpus(corpus_path, parse_records(records_text), opts.end_byte);
      log.end(fmt::format("{} bytes, {} records", text.bytes, text.items.size()));
      gen::ngram_tables model = gen::build_ngram(text, opts, log);
      const std::string command = fmt::format(
          "tinylm-gen ngram --corpus {} --order {} --budget {} --seed {} --end-byte {} --records {} -o {} --name {} "
          "--namespace {}",
          base_name(corpus_path), opts.order, opts.budget, opts.seed, end_byte, records_text, base_name(output), name,
          ns);
      // Both files or neither: write to temporary names, then rename.
      const std::string header_text = gen::ngram_header(model, name, ns, command);
      gen::write_model_and_header(
          output, [&](const std::string& path) { gen::write_model_file(path, model); }, header_text);
      fmt::print(stderr, "tinylm-gen: wrote {0}.safetensors and {0}.hpp ({1} bytes of tables, order {2})\n", output,
                 tinylm::ngram::storage_bytes(model.view()), model.order);
    } else if (eval->parsed()) {
      require_family(model_path, gen::ngram_format, "eval measures bits per character of n-gram models");
      const gen::ngram_tables model = gen::read_model_file(model_path);
      const gen::corpus text = gen::read_corpus(text_path, parse_records(records_text), model.end_byte, "text");
      const gen::eval_result r = gen::evaluate(model.view(), text);
      fmt::print("{:.4f} bits per character over {} characters ({} bytes of tables)\n", r.bits_per_char(),
                 r.predicted, tinylm::ngram::storage_bytes(model.view()));
    } else if (generate->parsed() && gen::model_file_format(model_path) == gen::hashmlp_format) {
      // A hash-MLP model: its decoding defaults (argmax) unless --inv-temp is given.
      const gen::hashmlp_tables model = gen::read_hashmlp_file(model_path);
      const std::uint32_t s = seed < 0 ? model.default_seed : static_cast<std::uint32_t>(seed);
      const auto out = tinylm::hashmlp::generate<4096>(model.view(), prompt, s, max_length,
                                                       static_cast<std::uint16_t>(inv_temp), top_k);
      std::fwrite(out.data(), 1, out.size(), stdout);
      std::fputc('\n', stdout);
    } else if (generate->parsed()) {
      const gen::ngram_tables model = gen::read_model_file(model_path);
      const std::uint32_t s = seed < 0 ? model.default_seed : static_cast<std::uint32_t>(seed);
      const auto out = tinylm::ngram::generate<4096>(model.view(), prompt, s, max_length);
      std::fwrite(out.data(), 1, out.size(), stdout);
      std::fputc('\n', stdout);
    } else if (emit->parsed() && target_text == "cpm") {
      // The CP/M chat program of a hash-MLP model file (codegen/src/emit_cpm.hpp).
      require_family(model_path, gen::hashmlp_format,
                     "the cpm target runs hash-MLP models (the 6502 targets run n-gram models)");
      const gen::hashmlp_tables model = gen::read_hashmlp_file(model_path);
      gen::cpm_options cpm;
      cpm.max_reply = max_reply;
      cpm.objects = game_objects;
      cpm.inv_temp_q8 = static_cast<std::uint16_t>(cpm_inv_temp);
      cpm.top_k = cpm_top_k;
      cpm.seed = cpm_seed;
      gen::cpm_program program = gen::emit_cpm(model.view(), cpm);
      gen::set_cpm_name(program, com_name);
      gen::write_cpm_program(program, output);
      fmt::print("tinylm-gen: wrote {} in {}\nPlan (cpm):\n{}Build with:\n{}\n", program.asm_name, output,
                 gen::cpm_plan_text(program), gen::cpm_build_command(program, output));
    } else if (emit->parsed()) {
      require_family(model_path, gen::ngram_format,
                     "the 6502 targets run n-gram models (hash-MLP models: --target cpm)");
      const gen::ngram_tables model = gen::read_model_file(model_path);
      const gen::program_6502 program = gen::emit_program_6502(model, gen::parse_target_6502(target_text));
      gen::write_program(program, output);
      std::string names;
      for (const auto& f : program.sources) names += f.name + ", ";
      for (const auto& f : program.includes) names += f.name + ", ";
      fmt::print("tinylm-gen: wrote {}{} in {} (order {}, {} bytes of tables, {} bytes of zero page)\n", names,
                 program.config.name, output, model.order, program.table_bytes, program.zero_page_bytes);
      fmt::print("RAM map ({}):\n{}", target_text, gen::ram_map_text(program));
      if (!program.rom_plan.empty()) fmt::print("ROM plan ({}):\n{}", target_text, program.rom_plan);
      fmt::print("Build with:\n{}\n", gen::build_command(program, output));
    } else if (header->parsed()) {
      if (name.empty()) name = std::filesystem::path(output).stem().string();
      if (!gen::is_identifier(name))
        throw gen::error(fmt::format("model name '{}' is not a C++ identifier (set --name)", name));
      const std::string command = fmt::format("tinylm-gen header --model {} -o {} --name {} --namespace {}",
                                              base_name(model_path), base_name(output), name, ns);
      if (gen::model_file_format(model_path) == gen::hashmlp_format)
        gen::write_text_file(output, gen::hashmlp_header(gen::read_hashmlp_file(model_path), name, ns, command));
      else
        gen::write_text_file(output, gen::ngram_header(gen::read_model_file(model_path), name, ns, command));
    }
  } catch (const gen::error& e) {
    fmt::print(stderr, "tinylm-gen: error: {}\n", e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "tinylm-gen: error: out of memory\n");
    return 1;
  }
  return 0;
}
