// tinylm-tinychat: the bundled tinychat model (a hash-MLP with 2-bit
// weights, tinylm::zoo::tinychat), compiled in, answering prompts. The
// answers below are checked by the compiler; the program gives the same
// replies at run time, as `tinylm-gen generate` does from the model file and
// TINYCHAT.COM does on a Z80 (examples/cpm).
//
//   tinylm-tinychat hello "how are you"   one reply per argument
//   tinylm-tinychat                       one reply per line of standard input
#include <tinylm/model.hpp>
#include <tinylm/zoo/tinychat.hpp>

#include <cstdio>
#include <string>
#include <string_view>

#include "../common/cli.hpp"

namespace {

using model = tinylm::zoo::tinychat;

// What the compiler knows about the model: a few replies (the greeting is
// the first thing anyone types) and its memory plan.
static_assert(tinylm::reply<model>("hello") == "HI");
static_assert(tinylm::reply<model>("good night") == "BYE");
static_assert(tinylm::reply<model>("how are you") == "I AM FINE");
static_assert(tinylm::reply<model>("what is your name") == "CALL ME TINY");
static_assert(tinylm::reply<model>("HELLO") == tinylm::reply<model>("hello"),
              "the features are lowercased: shouting changes nothing");
static_assert(tinylm::hashmlp::plan<model>().peak_ram <= 4096, "fits beside the caller in the 8 KB of RAM of a small microcontroller");

constexpr std::size_t reply_capacity = 128;

void usage(std::FILE* out) {
  const auto p = tinylm::hashmlp::plan<model>();
  std::fprintf(out,
               "usage: tinylm-tinychat [--max-length N] [PROMPT...]\n"
               "Answers with the bundled %s model: a %zu-layer hash-MLP, %zu bytes of 2-bit weights,\n"
               "%zu bytes of RAM at most. Replies are chosen by argmax: the same prompt, the same reply.\n"
               "With no PROMPT, answers each line of standard input (Ctrl-D ends).\n"
               "  --max-length N  most characters per reply, 1-%zu (default %zu)\n"
               "  -h, --help      this help\n",
               model::name, model::layer_count, p.rom_weight_bytes, p.peak_ram, reply_capacity, reply_capacity);
}

void answer(std::string_view prompt, std::size_t max_length) {
  const auto text = tinylm::hashmlp::generate<model, reply_capacity>(prompt, model::default_seed, max_length);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t max_length = reply_capacity;
  int first_prompt = argc;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    unsigned long long v = 0;
    if (arg == "-h" || arg == "--help") {
      usage(stdout);
      return 0;
    } else if (arg == "--max-length") {
      if (!tinylm_examples::number_option("tinylm-tinychat", argc, argv, i, 1, reply_capacity, v)) return 2;
      max_length = static_cast<std::size_t>(v);
    } else if (arg == "--") {
      first_prompt = i + 1;
      break;
    } else if (arg.size() > 1 && arg[0] == '-') {
      std::fprintf(stderr, "tinylm-tinychat: unknown option '%s' (see --help)\n", argv[i]);
      return 2;
    } else {
      first_prompt = i;
      break;
    }
  }
  tinylm_examples::answer_all(argc, argv, first_prompt, "tinylm-tinychat: say something (Ctrl-D quits).",
                              [&](const std::string& prompt) { answer(prompt, max_length); });
  return 0;
}
