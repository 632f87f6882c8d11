// tinylm-gen ngram: build a byte n-gram model from a corpus.
#include <fmt/core.h>

#include <memory>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/progress.hpp"
#include "corpus/corpus.hpp"
#include "families/ngram/builder.hpp"
#include "formats/cpp_header.hpp"
#include "formats/ngram_file.hpp"

namespace tinylm::gen {

namespace {

struct ngram_args {
  std::string corpus_path, output, name, ns = "tinylm::zoo", budget_text = "0", records_text = "line";
  ngram_options opts;
  unsigned end_byte = 0;
  bool quiet = false;
};

void run_ngram(ngram_args& a) {
  a.opts.budget = parse_bytes(a.budget_text);
  a.opts.end_byte = static_cast<std::uint8_t>(a.end_byte);
  if (a.name.empty()) a.name = base_name(a.output);
  if (!is_identifier(a.name))
    throw error(fmt::format("model name '{}' is not a C++ identifier (set --name)", a.name));
  progress log(!a.quiet);
  log.begin(fmt::format("reading corpus '{}'", a.corpus_path));
  const corpus text = read_corpus(a.corpus_path, parse_records(a.records_text), a.opts.end_byte);
  log.end(fmt::format("{} bytes, {} records", text.bytes, text.items.size()));
  ngram_tables model = build_ngram(text, a.opts, log);
  const std::string command = fmt::format(
      "tinylm-gen ngram --corpus {} --order {} --budget {} --seed {} --end-byte {} --records {} -o {} --name {} "
      "--namespace {}",
      base_name(a.corpus_path), a.opts.order, a.opts.budget, a.opts.seed, a.end_byte, a.records_text,
      base_name(a.output), a.name, a.ns);
  // Both files or neither: write to temporary names, then rename.
  const std::string header_text = ngram_header(model, a.name, a.ns, command);
  write_model_and_header(
      a.output, [&](const std::string& path) { write_model_file(path, model); }, header_text);
  fmt::print(stderr, "tinylm-gen: wrote {0}.safetensors and {0}.hpp ({1} bytes of tables, order {2})\n", a.output,
             tinylm::ngram::storage_bytes(model.view()), model.order);
}

}  // namespace

command add_ngram_command(CLI::App& app) {
  auto a = std::make_shared<ngram_args>();
  auto* c = app.add_subcommand("ngram", "Build a byte n-gram model (interpolated Kneser-Ney) from a corpus");
  c->add_option("--corpus", a->corpus_path, "Training text (records: one per line)")->required();
  c->add_option("--order", a->opts.order, "Model order N: contexts of up to N-1 bytes (1-7)")
      ->default_val(6)
      ->check(CLI::Range(1, tinylm::ngram::max_order));
  c->add_option("--budget", a->budget_text, "Largest table size in bytes (8192, 32K, 256K; 0 = no pruning)")
      ->default_val("0");
  c->add_option("--seed", a->opts.seed, "The model's default sampling seed")->default_val(1);
  c->add_option("--end-byte", a->end_byte, "Byte that marks the end of a record (0-255)")
      ->default_val(0)
      ->check(CLI::Range(0, 255));
  c->add_option("--records", a->records_text, "What a record is: line or file")
      ->default_val("line")
      ->check(CLI::IsMember({"line", "file"}));
  c->add_option("-o,--output", a->output, "Output path prefix: writes PREFIX.safetensors and PREFIX.hpp")->required();
  c->add_option("--name", a->name, "C++ type name of the model (default: the output's base name)");
  c->add_option("--namespace", a->ns, "C++ namespace of the model type")->default_val("tinylm::zoo");
  c->add_flag("-q,--quiet", a->quiet, "No progress lines");
  return {c, [a] { run_ngram(*a); }};
}

}  // namespace tinylm::gen
