// tinylm-gen eval: bits per character of an n-gram model on a held-out text.
#include <fmt/core.h>

#include <memory>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "corpus/corpus.hpp"
#include "families/ngram/builder.hpp"
#include "formats/ngram_file.hpp"
#include "formats/safetensors.hpp"
#include "formats/transformer_file.hpp"
#include "families/transformer/trainer.hpp"

namespace tinylm::gen {

namespace {

struct eval_args {
  std::string model_path, text_path, records_text = "line";
};

void run_eval(const eval_args& a) {
  if (model_file_format(a.model_path) == transformer_format) {
    const transformer_tables model = read_transformer_file(a.model_path);
    if (model.shape.chat)
      throw error(fmt::format("'{}' is a chat transformer: eval measures text models (bits per byte)", a.model_path));
    const corpus text = read_corpus(a.text_path, parse_records(a.records_text), '\n', "text");
    std::vector<std::string> lines;
    std::size_t bytes = 0;
    for (const auto& item : text.items) lines.emplace_back(item.begin(), item.end()), bytes += item.size() + 1;
    fmt::print("{:.4f} bits per character over {} characters ({} bytes of weights)\n",
               transformer_bits_per_byte(model, lines), bytes, tinylm::transformer::plan(model.view()).weight_bytes);
    return;
  }
  require_family(a.model_path, ngram_format, "eval measures bits per character of n-gram models (and of text transformers)");
  const ngram_tables model = read_model_file(a.model_path);
  const corpus text = read_corpus(a.text_path, parse_records(a.records_text), model.end_byte, "text");
  const eval_result r = evaluate(model.view(), text);
  fmt::print("{:.4f} bits per character over {} characters ({} bytes of tables)\n", r.bits_per_char(), r.predicted,
             tinylm::ngram::storage_bytes(model.view()));
}

}  // namespace

command add_eval_command(CLI::App& app) {
  auto a = std::make_shared<eval_args>();
  auto* c = app.add_subcommand("eval", "Bits per character of a model on a held-out text");
  c->add_option("--model", a->model_path, "Model file (.safetensors)")->required();
  c->add_option("--text", a->text_path, "Held-out text")->required();
  c->add_option("--records", a->records_text, "What a record is: line or file")
      ->default_val("line")
      ->check(CLI::IsMember({"line", "file"}));
  return {c, [a] { run_eval(*a); }};
}

}  // namespace tinylm::gen
