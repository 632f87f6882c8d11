// tinylm-gen eval: bits per character of an n-gram model on a held-out text.
#include <fmt/core.h>

#include <memory>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "corpus/corpus.hpp"
#include "families/ngram/builder.hpp"
#include "formats/ngram_file.hpp"

namespace tinylm::gen {

namespace {

struct eval_args {
  std::string model_path, text_path, records_text = "line";
};

void run_eval(const eval_args& a) {
  require_family(a.model_path, ngram_format, "eval measures bits per character of n-gram models");
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
