// tinylm-transformer: the bundled chat transformer (tinylm::zoo::
// tinychat_transformer: 2 layers, d_model 32, 4 heads, FFN 64, context 20, a
// 128-token BPE vocabulary; int8 weights, the Soul Player class), compiled
// in, answering prompts. The answers below are checked by the compiler; the
// program gives the same replies at run time, as `tinylm-gen generate` does
// from the model file.
//
//   tinylm-transformer hello "how are you"   one reply per argument
//   tinylm-transformer                       one reply per line of standard input
#include <tinylm/model.hpp>
#include <tinylm/zoo/tinychat_transformer.hpp>

#include <cstdio>
#include <string>
#include <string_view>

#include "../common/cli.hpp"

namespace {

using model = tinylm::zoo::tinychat_transformer;
namespace tf = tinylm::transformer;

// What the compiler knows about the model: a few replies and its memory plan.
static_assert(tinylm::reply<model>("hello") == "HI");
static_assert(tinylm::reply<model>("how are you") == "I AM FINE");
static_assert(tinylm::reply<model>("what is your name") == "CALL ME TINY");
static_assert(tinylm::reply<model>("HELLO") == tinylm::reply<model>("hello"),
              "the tokenizer folds the prompt to the replies' capitals: shouting changes nothing");
static_assert(tinylm::reply<model>("tell me a joke") == "MY JOKES ARE ONE BIT");
// A long prompt leaves the reply 7 of the 20 positions (END, the prompt's
// last 12 tokens, SEP): the joke's 9 tokens cannot be written whole, so the
// reply set (tinylm/reply_set.hpp) keeps it out and the model answers with a
// corpus reply that fits (decoded without the set, it stopped mid-word at
// "MY JOKES ARE ON").
static_assert(tinylm::reply<model>("hey there little machine can you tell me a funny joke") == "ME TOO");
static_assert(tf::plan<model>().peak_ram <= 8192, "fits the RAM of a small microcontroller");

constexpr std::size_t reply_capacity = 128;

void usage(std::FILE* out) {
  const auto p = tf::plan<model>();
  std::fprintf(out,
               "usage: tinylm-transformer [--max-length N] [PROMPT...]\n"
               "Answers with the bundled %s model: a %zu-layer transformer (d_model %zu, %zu heads,\n"
               "context %zu tokens), %zu bytes of int8 weights, %zu bytes of RAM (KV cache %zu).\n"
               "Replies are chosen by argmax: the same prompt, the same reply.\n"
               "With no PROMPT, answers each line of standard input (Ctrl-D ends).\n"
               "  --max-length N  most characters per reply, 1-%zu (default %zu)\n"
               "  -h, --help      this help\n",
               model::name, model::layers, model::d_model, model::heads, model::context, p.weight_bytes, p.peak_ram,
               p.kv_cache_bytes, reply_capacity, reply_capacity);
}

void answer(std::string_view prompt, std::size_t max_length) {
  const auto text = tf::generate<model, reply_capacity>(prompt, model::default_seed, max_length);
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
      if (!tinylm_examples::number_option("tinylm-transformer", argc, argv, i, 1, reply_capacity, v)) return 2;
      max_length = static_cast<std::size_t>(v);
    } else if (arg == "--") {
      first_prompt = i + 1;
      break;
    } else if (arg.size() > 1 && arg[0] == '-') {
      std::fprintf(stderr, "tinylm-transformer: unknown option '%s' (see --help)\n", argv[i]);
      return 2;
    } else {
      first_prompt = i;
      break;
    }
  }
  tinylm_examples::answer_all(argc, argv, first_prompt, "tinylm-transformer: say something (Ctrl-D quits).",
                              [&](const std::string& prompt) { answer(prompt, max_length); });
  return 0;
}
