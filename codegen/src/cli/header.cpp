// tinylm-gen header: the C++ header of a model file.
#include <fmt/core.h>

#include <filesystem>
#include <memory>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "formats/cpp_header.hpp"
#include "formats/hashmlp_file.hpp"
#include "formats/ngram_file.hpp"
#include "formats/safetensors.hpp"
#include "formats/transformer_file.hpp"

namespace tinylm::gen {

namespace {

struct header_args {
  std::string model_path, output, name, ns = "tinylm::zoo";
};

void run_header(header_args& a) {
  if (a.name.empty()) a.name = std::filesystem::path(a.output).stem().string();
  if (!is_identifier(a.name))
    throw error(fmt::format("model name '{}' is not a C++ identifier (set --name)", a.name));
  const std::string command = fmt::format("tinylm-gen header --model {} -o {} --name {} --namespace {}",
                                          base_name(a.model_path), base_name(a.output), a.name, a.ns);
  const std::string format = model_file_format(a.model_path);
  if (format == transformer_format)
    write_text_file(a.output, transformer_header(read_transformer_file(a.model_path), a.name, a.ns, command));
  else if (format == hashmlp_format)
    write_text_file(a.output, hashmlp_header(read_hashmlp_file(a.model_path), a.name, a.ns, command));
  else
    write_text_file(a.output, ngram_header(read_model_file(a.model_path), a.name, a.ns, command));
}

}  // namespace

command add_header_command(CLI::App& app) {
  auto a = std::make_shared<header_args>();
  auto* c = app.add_subcommand("header", "Write the C++ header of a model file");
  c->add_option("--model", a->model_path, "Model file (.safetensors)")->required();
  c->add_option("-o,--output", a->output, "Header to write (.hpp)")->required();
  c->add_option("--name", a->name, "C++ type name (default: the header's base name)");
  c->add_option("--namespace", a->ns, "C++ namespace of the model type")->default_val("tinylm::zoo");
  return {c, [a] { run_header(*a); }};
}

}  // namespace tinylm::gen
