// tinylm-chat: the bundled n-gram model, compiled in, answering prompts typed
// at run time. The same model and seed give the same text as the
// compile-time path (examples/compile_time) and as `tinylm-gen generate`.
//
//   tinylm-chat "Q: "              one reply per prompt given as an argument
//   tinylm-chat                    reads prompts from standard input, one per line
//   tinylm-chat --seed 7 "Q: "     another seed
#include <tinylm/model.hpp>
#include <tinylm/zoo/sayings.hpp>

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "../common/cli.hpp"

namespace {

using model = tinylm::zoo::sayings;
constexpr std::size_t reply_capacity = 256;

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage: tinylm-chat [--seed N] [--max-length N] [PROMPT...]\n"
               "Generates text with the bundled %s model (order %d, %zu bytes of tables).\n"
               "With no PROMPT, reads one prompt per line from standard input.\n"
               "  --seed N        sampling seed, 0-4294967295 (default %u)\n"
               "  --max-length N  most bytes per reply, 1-%zu (default %zu)\n"
               "  -h, --help      this help\n",
               model::name, model::order, tinylm::ngram::plan<model>().rom_bytes, model::default_seed,
               reply_capacity, reply_capacity);
}

void answer(std::string_view prompt, std::uint32_t seed, std::size_t max_length) {
  const auto text = tinylm::ngram::generate<model, reply_capacity>(prompt, seed, max_length);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint32_t seed = model::default_seed;
  std::size_t max_length = reply_capacity;
  int first_prompt = argc;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    unsigned long long v = 0;
    if (arg == "-h" || arg == "--help") {
      usage(stdout);
      return 0;
    } else if (arg == "--seed") {
      if (!tinylm_examples::number_option("tinylm-chat", argc, argv, i, 0, 0xFFFFFFFFull, v)) return 2;
      seed = static_cast<std::uint32_t>(v);
    } else if (arg == "--max-length") {
      if (!tinylm_examples::number_option("tinylm-chat", argc, argv, i, 1, reply_capacity, v)) return 2;
      max_length = static_cast<std::size_t>(v);
    } else if (arg == "--") {
      first_prompt = i + 1;
      break;
    } else if (arg.size() > 1 && arg[0] == '-' && arg[1] == '-') {
      std::fprintf(stderr, "tinylm-chat: unknown option '%s' (see --help)\n", argv[i]);
      return 2;
    } else {
      first_prompt = i;
      break;
    }
  }
  char greeting[160];
  std::snprintf(greeting, sizeof greeting, "tinylm-chat: the %s model (seed %u). Type a prompt and Enter; Ctrl-D quits.",
                model::name, seed);
  tinylm_examples::answer_all(argc, argv, first_prompt, greeting,
                              [&](const std::string& prompt) { answer(prompt, seed, max_length); });
  return 0;
}
