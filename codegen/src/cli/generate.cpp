// tinylm-gen generate: text from a model file (n-gram or hash-MLP) after a prompt.
#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "formats/hashmlp_file.hpp"
#include "formats/ngram_file.hpp"
#include "formats/safetensors.hpp"
#include "formats/transformer_file.hpp"

namespace tinylm::gen {

namespace {

struct generate_args {
  std::string model_path, prompt;
  long long seed = -1;
  std::size_t max_length = 128;
  unsigned inv_temp = 0;
  std::size_t top_k = 0;
};

void print_bytes(const auto& out) {
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fputc('\n', stdout);
}

void run_generate(const generate_args& a) {
  const std::string format = model_file_format(a.model_path);
  if (format == transformer_format) {
    // A transformer: argmax unless --inv-temp is given.
    const transformer_tables model = read_transformer_file(a.model_path);
    const std::uint32_t s = a.seed < 0 ? model.default_seed : static_cast<std::uint32_t>(a.seed);
    transformer_workspace ws(model.view());
    print_bytes(tinylm::transformer::generate<4096>(model.view(), ws.refs(), a.prompt, s, a.max_length,
                                                    static_cast<std::uint16_t>(a.inv_temp), a.top_k));
    return;
  }
  if (format == hashmlp_format) {
    // A hash-MLP model: its decoding defaults (argmax) unless --inv-temp is given.
    const hashmlp_tables model = read_hashmlp_file(a.model_path);
    const std::uint32_t s = a.seed < 0 ? model.default_seed : static_cast<std::uint32_t>(a.seed);
    print_bytes(tinylm::hashmlp::generate<4096>(model.view(), a.prompt, s, a.max_length,
                                                static_cast<std::uint16_t>(a.inv_temp), a.top_k));
    return;
  }
  const ngram_tables model = read_model_file(a.model_path);
  const std::uint32_t s = a.seed < 0 ? model.default_seed : static_cast<std::uint32_t>(a.seed);
  print_bytes(tinylm::ngram::generate<4096>(model.view(), a.prompt, s, a.max_length));
}

}  // namespace

command add_generate_command(CLI::App& app) {
  auto a = std::make_shared<generate_args>();
  auto* c = app.add_subcommand("generate", "Generate text from a model file after a prompt");
  c->add_option("--model", a->model_path, "Model file (.safetensors)")->required();
  c->add_option("--prompt", a->prompt, "Prompt (any bytes; may be empty)")->default_val("");
  c->add_option("--seed", a->seed, "Sampling seed (default: the model's)")->check(CLI::Range(0LL, 0xFFFFFFFFLL));
  c->add_option("--max-length", a->max_length, "Most bytes to generate (1-4096)")
      ->default_val(128)
      ->check(CLI::Range(1, 4096));
  c->add_option("--inv-temp", a->inv_temp,
                "Hash-MLP and transformer models: 256 / temperature in Q8 (0: argmax, the default; 256: temperature 1)")
      ->default_val(0)
      ->check(CLI::Range(0, 65535));
  c->add_option("--top-k", a->top_k, "Hash-MLP and transformer models with --inv-temp: sample among the k best (0: all)")
      ->default_val(0)
      ->check(CLI::Range(0, 256));
  return {c, [a] { run_generate(*a); }};
}

}  // namespace tinylm::gen
