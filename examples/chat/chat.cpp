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

using tinylm_examples::parse_number;
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
      if (!parse_number(i + 1 < argc ? argv[i + 1] : nullptr, 0xFFFFFFFFull, v)) {
        std::fprintf(stderr, "tinylm-chat: --seed needs a number from 0 to 4294967295\n");
        return 2;
      }
      seed = static_cast<std::uint32_t>(v);
      ++i;
    } else if (arg == "--max-length") {
      if (!parse_number(i + 1 < argc ? argv[i + 1] : nullptr, reply_capacity, v) || v == 0) {
        std::fprintf(stderr, "tinylm-chat: --max-length needs a number from 1 to %zu\n", reply_capacity);
        return 2;
      }
      max_length = static_cast<std::size_t>(v);
      ++i;
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
  if (first_prompt < argc) {
    for (int i = first_prompt; i < argc; ++i) answer(argv[i], seed, max_length);
    return 0;
  }
  // One prompt per line; any bytes, any length (only the last bytes matter).
  // At a terminal, say so and show a prompt; piped input stays byte-clean.
  const bool interactive = tinylm_examples::interactive();
  if (interactive)
    std::printf("tinylm-chat: the %s model (seed %u). Type a prompt and Enter; Ctrl-D quits.\n> ", model::name, seed);
  std::fflush(stdout);
  tinylm_examples::for_each_line(stdin, [&](const std::string& line) {
    answer(line, seed, max_length);
    if (interactive) std::printf("> ");
    std::fflush(stdout);
    return true;
  });
  return 0;
}
