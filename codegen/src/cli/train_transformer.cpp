// tinylm-gen train transformer: the transformer trainer
// (families/transformer/trainer.hpp) on a chat or text corpus, writing the
// model file, the header, the loss log and its plot.
#include <fmt/core.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "corpus/chat.hpp"
#include "corpus/corpus.hpp"
#include "families/transformer/trainer.hpp"
#include "formats/cpp_header.hpp"
#include "formats/transformer_file.hpp"

namespace tinylm::gen {

namespace {

struct train_transformer_args {
  std::string corpus, heldout, output, name, ns = "tinylm::zoo", form = "auto", budget;
  std::string format = "int8", head_format = "int8";
  std::vector<std::string> validation;
  transformer_options opts;
  std::size_t vocab = 128;
  bool quiet = false, free_replies = false;
  void run();
};

// The shapes --budget chooses from, in this order: the first with the most
// weight bytes within the budget wins (d_model, heads, layers, ffn).
struct candidate {
  std::size_t d, heads, layers, ffn;
};
constexpr candidate candidates[] = {{8, 2, 1, 16},  {16, 2, 1, 32}, {16, 2, 2, 32},  {24, 3, 2, 48}, {32, 4, 2, 64},
                                    {32, 4, 3, 64}, {40, 5, 3, 80}, {48, 6, 3, 96},  {48, 6, 4, 96}, {64, 8, 4, 128},
                                    {64, 8, 6, 128}, {96, 8, 6, 192}, {128, 8, 8, 256}};

std::size_t bytes_of(const transformer_shape& s, std::size_t vocab) {
  return tinylm::transformer::plan(shape_view(s, vocab)).weight_bytes;
}


// The lines of a text corpus (corpus.hpp's records; '\n' as the end byte
// cannot occur inside a line, so any byte is allowed in the text).
std::vector<std::string> read_lines(const std::string& path, const char* what) {
  std::vector<std::string> lines;
  for (const auto& item : read_corpus(path, records::line, '\n', what).items) lines.emplace_back(item.begin(), item.end());
  return lines;
}

// " --validation a/b.txt ..." as recorded in a header: paths relative to the
// corpus's folder, so the command reruns from there.
std::string validation_flags(const std::vector<std::string>& files) {
  std::string out;
  for (const std::string& f : files) out += " --validation " + f;
  return out;
}

// Every format's name, in code order (tinylm/weight_format.hpp).
std::vector<std::string> format_names() {
  std::vector<std::string> names;
  for (unsigned f = 0; f < tinylm::weight_format_count; ++f)
    names.emplace_back(tinylm::format_name(static_cast<tinylm::weight_format>(f)));
  return names;
}

tinylm::weight_format parse_format(const std::string& name) {
  const std::vector<std::string> names = format_names();
  std::string known;
  for (std::size_t f = 0; f < names.size(); ++f) {
    if (name == names[f]) return static_cast<tinylm::weight_format>(f);
    known += (f == 0 ? "" : ", ") + names[f];
  }
  throw error(fmt::format("unknown weight format '{}' ({})", name, known));
}

// A chat corpus: every line has " | ".
bool is_chat_corpus(const std::string& path) {
  for (const std::string& line : read_lines(path, "corpus"))
    if (line.find(" | ") == std::string::npos) return false;
  return true;
}

void train_transformer_args::run() {
  if (name.empty()) name = base_name(output);
  if (!is_identifier(name)) throw error(fmt::format("model name '{}' is not a C++ identifier (set --name)", name));
  require_output_folder(output);
  const bool chat = form == "chat" || (form == "auto" && is_chat_corpus(corpus));
  opts.tokenizer.vocab_size = vocab;
  opts.progress = !quiet;
  if (opts.threads == 0) opts.threads = std::max(1u, std::thread::hardware_concurrency());
  transformer_shape& s = opts.shape;
  if (!chat) s.min_reply = 0;
  const tinylm::weight_format matrices = parse_format(format), head = parse_format(head_format);
  if (s.tied && head != tinylm::weight_format::int8)
    throw error("--head-format: a tied head is the token embedding, which is int8");
  s.formats = uniform_formats(s, matrices, head);
  if (!budget.empty()) {
    const std::size_t limit = parse_bytes(budget);
    std::size_t best_bytes = 0;
    bool found = false;
    for (const candidate& c : candidates) {
      transformer_shape t = s;
      t.d_model = c.d, t.heads = c.heads, t.layers = c.layers, t.ffn = c.ffn;
      t.formats = uniform_formats(t, matrices, head);
      const std::size_t b = bytes_of(t, vocab);
      if (b <= limit && b > best_bytes) s = t, best_bytes = b, found = true;
    }
    if (!found)
      throw error(fmt::format("--budget {}: the smallest transformer (d_model 8, 1 layer, vocabulary {}, context {}) "
                              "needs {} bytes",
                              budget, vocab, s.context, [&] {
                                transformer_shape t{8, 2, 1, 16, s.context, s.min_reply, s.tied, chat, {}};
                                t.formats = uniform_formats(t, matrices, head);
                                return bytes_of(t, vocab);
                              }()));
  }
  if (s.heads == 0 || s.d_model % s.heads != 0)
    throw error(fmt::format("--heads {} must divide --d-model {}", s.heads, s.d_model));
  if (chat && s.context < s.min_reply + 3)
    throw error(fmt::format("--context {} leaves no room for a prompt beside --min-reply {}", s.context, s.min_reply));

  const auto t0 = std::chrono::steady_clock::now();
  transformer_result r;
  std::string heldout_note;
  if (chat) {
    const std::vector<chat_pair> pairs = read_chat_corpus(corpus);
    for (const std::string& v : validation) {
      const std::vector<chat_pair> more = read_chat_corpus(v, "validation file");
      opts.validation.insert(opts.validation.end(), more.begin(), more.end());
    }
    r = train_transformer_chat(pairs, opts);
    // The reply set is attached after training: the checkpoint is chosen by
    // unconstrained argmax; the held-out figure is the shipped model's.
    double free_acc = -1;
    if (!heldout.empty()) free_acc = transformer_chat_accuracy(r.model, read_chat_corpus(heldout, "held-out file"));
    if (!free_replies) r.model.replies = transformer_reply_set(pairs, r.model.tokenizer);
    if (!heldout.empty()) {
      const double acc = transformer_chat_accuracy(r.model, read_chat_corpus(heldout, "held-out file"));
      r.model.metadata["heldout"] = base_name(heldout);
      r.model.metadata["heldout_integer_accuracy"] = fmt::format("{:.4f}", acc);
      heldout_note = fmt::format("held-out exact replies {:.1f}% ({})", 100 * acc, base_name(heldout));
      if (!free_replies) {
        r.model.metadata["heldout_integer_accuracy_free"] = fmt::format("{:.4f}", free_acc);
        heldout_note += fmt::format("; {:.1f}% without the reply set", 100 * free_acc);
      }
    }
    if (!free_replies)
      heldout_note += fmt::format("{}reply set: {} distinct replies of the corpus ({} bytes)",
                                  heldout_note.empty() ? "" : "\ntinylm-gen: ", r.model.replies.count(),
                                  r.model.replies.symbols.size() + 2 * r.model.replies.offsets.size());
  } else {
    if (!validation.empty()) throw error("--validation is for chat corpora (text models validate on --val-every)");
    r = train_transformer_text(read_lines(corpus, "corpus"), opts);
    if (!heldout.empty()) {
      const double bpb = transformer_bits_per_byte(r.model, read_lines(heldout, "held-out file"));
      r.model.metadata["heldout"] = base_name(heldout);
      r.model.metadata["heldout_bits_per_byte"] = fmt::format("{:.4f}", bpb);
      heldout_note = fmt::format("held-out {:.4f} bits per byte ({})", bpb, base_name(heldout));
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  transformer_tables& m = r.model;
  const std::string command = fmt::format(
      "tinylm-gen train transformer --corpus {}{}{} --form {} --seed {} --epochs {} --batch {} --lr {} --lr-floor {} "
      "--warmup {} --weight-decay {} --qat-start {} --typo {}{} --val-every {} --vocab {} --d-model {} --heads {} --layers {} "
      "--ffn {} --context {} --min-reply {}{}{}{} -o {} --name {} --namespace {}",
      base_name(corpus), heldout.empty() ? "" : " --heldout " + base_name(heldout), validation_flags(validation),
      chat ? "chat" : "text", opts.seed,
      opts.epochs, opts.batch, opts.learning_rate, opts.lr_floor, opts.warmup, opts.weight_decay, opts.qat_start, opts.typo,
      opts.word_noise > 0 ? fmt::format(" --word-noise {}", opts.word_noise) : std::string(),
      opts.val_every, vocab, s.d_model, s.heads, s.layers, s.ffn, s.context, s.min_reply, s.tied ? " --tied" : "",
      (format == "int8" ? std::string() : " --format " + format) + (head_format == "int8" ? std::string() : " --head-format " + head_format),
      free_replies && chat ? " --free-replies" : "", base_name(output), name, ns);
  m.metadata["corpus"] = base_name(corpus);
  m.metadata["train_lines"] = std::to_string(r.train_lines);
  m.metadata["validation_lines"] = std::to_string(r.val_lines);
  m.metadata["best_epoch"] = std::to_string(r.best_epoch);
  m.metadata[chat ? "validation_integer_accuracy" : "validation_bits_per_byte"] = fmt::format("{:.4f}", r.best_val_score);
  m.metadata[chat ? "validation_float_accuracy" : "validation_float_bits_per_byte"] =
      fmt::format("{:.4f}", r.best_val_float);
  std::string csv = fmt::format("epoch,train_loss,{}\n", chat ? "val_int_acc" : "val_bits_per_byte");
  for (const auto& e : r.log) csv += fmt::format("{},{:.6f},{:.4f}\n", e.epoch, e.train_loss, e.val_score);
  write_model_and_header(
      output, [&](const std::string& path) { write_transformer_file(path, m); },
      transformer_header(m, name, ns, command));
  write_text_file(output + ".loss.csv", csv);
  plot_curve(output + ".loss.csv", output + ".loss.png", chat ? "validation exact replies" : "validation bits per byte",
             chat, "every ::1 using 1:2 with lines title 'train loss', '' every ::1 using 1:3 axes x1y2 with lines "
                   "title 'validation (integer model)'");
  const tinylm::transformer::memory_plan p = tinylm::transformer::plan(m.view());
  fmt::print(stderr,
             "tinylm-gen: trained in {:.1f} s on {} lines ({} sequences, {} threads): d_model {}, {} heads, {} layers, "
             "FFN {}, context {}, vocabulary {}: {} bytes of weights; best epoch {}: validation {} {:.4f} (integer), "
             "{:.4f} (float)\n",
             seconds, r.train_lines, r.sequences, opts.threads, s.d_model, s.heads, s.layers, s.ffn, s.context,
             m.vocab(), p.weight_bytes, r.best_epoch, chat ? "exact replies" : "bits per byte", r.best_val_score,
             r.best_val_float);
  if (!heldout_note.empty()) fmt::print(stderr, "tinylm-gen: {}\n", heldout_note);
  fmt::print(stderr, "tinylm-gen: wrote {0}.safetensors, {0}.hpp, {0}.loss.csv\n", output);
}

}  // namespace

command add_train_transformer_command(CLI::App& train) {
  auto c = std::make_shared<train_transformer_args>();
  auto* t = train.add_subcommand(
      "transformer",
      "Train a transformer (int8, quantisation-aware) on a chat corpus ('prompt | REPLY' lines) or on text (one record "
      "a line)");
  transformer_options& o = c->opts;
  transformer_shape& s = o.shape;
  t->add_option("--corpus", c->corpus, "Training text: chat pairs or text lines")->required();
  t->add_option("--form", c->form, "chat, text, or auto (chat when every line has ' | ')")
      ->default_val("auto")
      ->check(CLI::IsMember({"auto", "chat", "text"}));
  t->add_option("--heldout", c->heldout, "Held-out file: its score is reported (not used for selection)");
  t->add_option("--budget", c->budget,
                "Weight bytes (8K, 24K, ...): the largest shape of a fixed list that fits (overrides the shape flags)");
  t->add_option("--vocab", c->vocab, "Tokenizer vocabulary, END and SEP included (3..256)")
      ->default_val(128)
      ->check(CLI::Range(3, 256));
  t->add_option("--d-model", s.d_model, "Model width")->default_val(32)->check(CLI::Range(1, 256));
  t->add_option("--heads", s.heads, "Attention heads (divide --d-model)")->default_val(4)->check(CLI::Range(1, 16));
  t->add_option("--layers", s.layers, "Layers")->default_val(2)->check(CLI::Range(1, 8));
  t->add_option("--ffn", s.ffn, "FFN width")->default_val(64)->check(CLI::Range(1, 1024));
  t->add_option("--context", s.context, "Context in tokens (prompt and reply)")->default_val(20)->check(CLI::Range(2, 256));
  t->add_option("--min-reply", s.min_reply, "Chat: tokens kept free for the reply (the prompt is cut to the rest)")
      ->default_val(6)
      ->check(CLI::Range(0, 255));
  t->add_flag("--tied", s.tied, "The output head is the token embedding");
  t->add_option("--format", c->format,
                "Weight format of every layer matrix (Wq, Wk, Wv, Wo, W1, W2): int8, int4 (two per byte), int2 "
                "({-2,-1,0,1}, four per byte) or ternary (five per byte); compact rows carry a power-of-two exponent "
                "(tinylm/weight_format.hpp). The embeddings stay int8")
      ->default_val("int8")
      ->check(CLI::IsMember(format_names()));
  t->add_option("--head-format", c->head_format, "Weight format of an untied output head (as --format)")
      ->default_val("int8")
      ->check(CLI::IsMember(format_names()));
  t->add_option("--seed", o.seed, "Seed of initialisation and shuffling, and the model's default seed")->default_val(1);
  t->add_option("--epochs", o.epochs, "Training epochs")->default_val(40)->check(CLI::Range(1, 100000));
  t->add_option("--batch", o.batch, "Sequences per step")->default_val(16)->check(CLI::Range(1, 4096));
  t->add_option("--lr", o.learning_rate, "AdamW learning rate")->default_val(3e-3);
  t->add_option("--lr-floor", o.lr_floor, "The final learning rate, as a fraction of --lr (cosine)")
      ->default_val(0.05)
      ->check(CLI::Range(0.0, 1.0));
  t->add_option("--warmup", o.warmup, "Fraction of the steps with a linear warm-up")
      ->default_val(0.03)
      ->check(CLI::Range(0.0, 1.0));
  t->add_option("--weight-decay", o.weight_decay, "AdamW weight decay (not on the gains)")->default_val(0.01);
  t->add_option("--qat-start", o.qat_start, "Fraction of the steps before the quantised forward starts")
      ->default_val(0.25)
      ->check(CLI::Range(0.0, 1.0));
  t->add_option("--typo", o.typo,
                "Chat: each epoch a prompt gets a random edit (delete, double, swap, replace or insert a letter) with "
                "this probability, a second with its square, a third with its cube")
      ->default_val(0.5)
      ->check(CLI::Range(0.0, 0.95));
  t->add_option("--word-noise", o.word_noise,
                "Chat: each epoch a prompt loses a random word or has two neighbouring words swapped with this "
                "probability")
      ->default_val(0.0)
      ->check(CLI::Range(0.0, 1.0));
  t->add_option("--validation", c->validation,
                "Chat: validation files (repeatable) that choose the checkpoint instead of every --val-every-th line; "
                "every corpus line then trains")
      ->take_all();
  t->add_option("--val-every", o.val_every, "Every Nth line is validation (0: select on the training lines)")
      ->default_val(10);
  t->add_option("--threads", o.threads, "Threads (0: every core); the result does not depend on it")->default_val(0);
  t->add_option("-o,--output", c->output,
                "Output prefix: writes PREFIX.safetensors, PREFIX.hpp, PREFIX.loss.csv, PREFIX.loss.png")
      ->required();
  t->add_option("--name", c->name, "C++ type name of the model (default: the output's base name)");
  t->add_option("--namespace", c->ns, "C++ namespace of the model type")->default_val("tinylm::zoo");
  t->add_flag("--free-replies", c->free_replies,
              "Chat: do not attach the corpus's reply set, so decoding may write replies that are not in the corpus "
              "(tinylm/reply_set.hpp)");
  t->add_flag("-q,--quiet", c->quiet, "No progress output");
  return {t, [c] { c->run(); }};
}

}  // namespace tinylm::gen
