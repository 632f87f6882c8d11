// tinylm-gen train hashmlp: the hash-MLP trainer (families/hashmlp/trainer.hpp)
// on a chat corpus, writing the model file, the header, the loss log and plot.
#include "cli/commands.hpp"

#include <fmt/core.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "cli/options.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "corpus/chat.hpp"
#include "families/hashmlp/trainer.hpp"
#include "formats/cpp_header.hpp"
#include "formats/hashmlp_file.hpp"

namespace tinylm::gen {

namespace {

struct train_hashmlp_args {
  std::string corpus, heldout, output, name, ns = "tinylm::zoo", hidden = "256,192,128", alphabet;
  hashmlp_options opts;
  bool quiet = false, free_replies = false;
  void run();  // throws gen::error
};

std::vector<std::size_t> parse_hidden(const std::string& text) {
  std::vector<std::size_t> v;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(pos, end - pos);
    if (item.empty() || item.size() > 3 || item.find_first_not_of("0123456789") != std::string::npos)
      throw error(fmt::format("--hidden '{}' is not a list of layer sizes such as 256,192,128", text));
    v.push_back(std::stoul(item));
    pos = end + 1;
  }
  return v;
}

void train_hashmlp_args::run() {
  if (name.empty()) name = base_name(output);
  if (!is_identifier(name)) throw error(fmt::format("model name '{}' is not a C++ identifier (set --name)", name));
  require_output_folder(output);
  opts.hidden = parse_hidden(hidden);
  opts.alphabet = alphabet;
  opts.progress = !quiet;
  const auto pairs = read_chat_corpus(corpus);
  std::vector<chat_pair> held;
  if (!heldout.empty()) held = read_chat_corpus(heldout, "held-out file");
  const std::string alpha = alphabet.empty() ? derive_alphabet(pairs) : alphabet;
  if (!held.empty()) check_alphabet(held, alpha, heldout);

  const auto t0 = std::chrono::steady_clock::now();
  hashmlp_result r = train_hashmlp(pairs, opts);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  hashmlp_tables& m = r.model;
  const std::string command = fmt::format(
      "tinylm-gen train hashmlp --corpus {}{} --seed {} --epochs {} --hidden {} --context {} --val-every {} "
      "--batch {} --lr {} --lr-schedule {} --lr-floor {} --hard-fraction {} --dropout {} --typo {} "
      "--weight-decay {} --label-smoothing {}{}{} -o {} --name {} --namespace {}",
      base_name(corpus), heldout.empty() ? "" : " --heldout " + base_name(heldout), opts.seed, opts.epochs, hidden,
      opts.context, opts.val_every, opts.batch, opts.learning_rate, opts.lr_schedule, opts.lr_floor,
      opts.hard_fraction, opts.dropout, opts.typo, opts.weight_decay, opts.label_smoothing,
      alphabet.empty() ? "" : " --alphabet '" + alphabet + "'", free_replies ? " --free-replies" : "",
      base_name(output), name, ns);
  // The reply set is attached after training: the checkpoint is chosen by
  // unconstrained argmax; the held-out figure below is the shipped model's.
  double held_free = -1;
  if (!held.empty()) held_free = integer_accuracy(m.view(), held, m.default_seed);
  if (!free_replies) m.replies = hashmlp_reply_set(pairs, m.alphabet);
  m.metadata["corpus"] = base_name(corpus);
  m.metadata["train_lines"] = std::to_string(r.train_lines);
  m.metadata["validation_lines"] = std::to_string(r.val_lines);
  m.metadata["best_epoch"] = std::to_string(r.best_epoch);
  m.metadata["validation_integer_accuracy"] = fmt::format("{:.4f}", r.best_val_int_acc);
  double held_acc = -1;
  if (!held.empty()) {
    held_acc = integer_accuracy(m.view(), held, m.default_seed);
    m.metadata["heldout"] = base_name(heldout);
    m.metadata["heldout_integer_accuracy"] = fmt::format("{:.4f}", held_acc);
    if (!free_replies) m.metadata["heldout_integer_accuracy_free"] = fmt::format("{:.4f}", held_free);
  }
  std::string csv = "epoch,train_loss,val_float_acc,val_int_acc\n";
  for (const auto& e : r.log)
    csv += fmt::format("{},{:.6f},{:.4f},{:.4f}\n", e.epoch, e.train_loss, e.val_float_acc, e.val_int_acc);

  const std::string header_text = hashmlp_header(m, name, ns, command);
  write_model_and_header(
      output, [&](const std::string& path) { write_hashmlp_file(path, m); }, header_text);
  write_text_file(output + ".loss.csv", csv);
  plot_curve(output + ".loss.csv", output + ".loss.png", "accuracy", true,
             "every ::1 using 1:2 with lines title 'train loss', "
             "'' every ::1 using 1:3 axes x1y2 with lines title 'val float acc', "
             "'' every ::1 using 1:4 axes x1y2 with lines title 'val integer acc'");
  fmt::print(stderr,
             "tinylm-gen: trained in {:.1f} s on {} lines ({} examples); best epoch {}: validation integer "
             "accuracy {:.1f}% ({} lines)\n",
             seconds, r.train_lines, r.examples, r.best_epoch, 100 * r.best_val_int_acc, r.validation.size());
  if (held_acc >= 0)
    fmt::print(stderr, "tinylm-gen: held-out integer accuracy {:.1f}% ({} lines of {}){}\n", 100 * held_acc,
               held.size(), base_name(heldout),
               free_replies ? std::string() : fmt::format("; {:.1f}% without the reply set", 100 * held_free));
  if (!free_replies)
    fmt::print(stderr, "tinylm-gen: reply set: {} distinct replies of the corpus ({} bytes)\n", m.replies.count(),
               m.replies.symbols.size() + 2 * m.replies.offsets.size());
  fmt::print(stderr, "tinylm-gen: wrote {0}.safetensors, {0}.hpp, {0}.loss.csv\n", output);
}

}  // namespace

command add_train_hashmlp_command(CLI::App& train) {
  auto c = std::make_shared<train_hashmlp_args>();
  auto* h = train.add_subcommand(
      "hashmlp",
      "Train a hash-MLP chat model (2-bit weights, quantisation-aware) on 'prompt | REPLY' lines. The defaults are "
      "the recipe of the bundled tinychat model (bench/RESULTS.md section 7)");
  auto& o = c->opts;
  h->add_option("--corpus", c->corpus, "Training pairs, one 'prompt | REPLY' a line")->required();
  h->add_option("--heldout", c->heldout, "Held-out pairs: integer accuracy reported (not used for selection)");
  h->add_option("--seed", o.seed, "Seed of initialisation, shuffling, and the model's default seed")->default_val(1);
  h->add_option("--epochs", o.epochs, "Training epochs")->default_val(60)->check(CLI::Range(1, 10000));
  h->add_option("--hidden", c->hidden, "Hidden layer sizes, comma separated (each 1..256)")
      ->default_val("256,128,64");
  h->add_option("--context", o.context, "Context length C: the last C reply symbols are hashed (0..64)")
      ->default_val(8)
      ->check(CLI::Range(0, 64));
  h->add_option("--val-every", o.val_every, "Every Nth line is validation (0: select on the training lines)")
      ->default_val(10);
  h->add_option("--batch", o.batch, "Mini-batch size")->default_val(32)->check(CLI::Range(1, 100000));
  h->add_option("--lr", o.learning_rate, "Adam learning rate (latent weights in 2-bit grid units)")
      ->default_val(0.02);
  h->add_option("--hard-fraction", o.hard_fraction,
                "Fraction of the epochs over which the weights move from float to the 2-bit grid")
      ->default_val(0.6)
      ->check(CLI::Range(0.0, 1.0));
  h->add_option("--dropout", o.dropout, "Training input dropout: probability of dropping a prompt trigram count")
      ->default_val(0.0)
      ->check(CLI::Range(0.0, 0.9));
  h->add_option("--typo", o.typo,
                "Training typo augmentation: each epoch a line's prompt gets a random edit (delete, double, swap, "
                "replace or insert a letter) with this probability, a second with its square, a third with its cube")
      ->default_val(0.5)
      ->check(CLI::Range(0.0, 0.95));
  h->add_option("--weight-decay", o.weight_decay,
                "Decoupled L2 decay of the latent weights towards 0 (per step: w -= lr * decay * w)")
      ->default_val(0.0)
      ->check(CLI::Range(0.0, 100.0));
  h->add_option("--label-smoothing", o.label_smoothing,
                "Label smoothing: the loss's target puts 1 - eps on the symbol and eps / (S + 1) on every symbol")
      ->default_val(0.0)
      ->check(CLI::Range(0.0, 0.5));
  h->add_option("--lr-schedule", o.lr_schedule,
                "Learning rate per epoch: step (halved once the weights are fully 2-bit), cosine (from --lr down "
                "to --lr-floor times it), constant")
      ->default_val("cosine")
      ->check(CLI::IsMember({"step", "cosine", "constant"}));
  h->add_option("--lr-floor", o.lr_floor, "cosine schedule: the final learning rate as a fraction of --lr")
      ->default_val(0.0)
      ->check(CLI::Range(0.0, 1.0));
  h->add_option("--alphabet", c->alphabet, "The output alphabet (default: the distinct reply characters)");
  h->add_option("-o,--output", c->output,
                "Output prefix: writes PREFIX.safetensors, PREFIX.hpp, PREFIX.loss.csv, PREFIX.loss.png")
      ->required();
  h->add_option("--name", c->name, "C++ type name of the model (default: the output's base name)");
  h->add_option("--namespace", c->ns, "C++ namespace of the model type")->default_val("tinylm::zoo");
  h->add_flag("--free-replies", c->free_replies,
              "Do not attach the corpus's reply set: decoding may then write replies that are not in the corpus "
              "(tinylm/reply_set.hpp)");
  h->add_flag("-q,--quiet", c->quiet, "No progress output");
  return {h, [c] { c->run(); }};
}

}  // namespace tinylm::gen
