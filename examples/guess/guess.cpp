// tinylm-guess: twenty questions against the bundled guess model (a hash-MLP,
// tinylm::zoo::guess). The program thinks of an object; you ask yes/no
// questions; the model answers YES, NO or MAYBE, and WIN when you name the
// object. The model sees "<object>: <your question>" (the format of
// codegen/corpus/guess.txt), so one model plays every object.
//
//   tinylm-guess                    a random object, questions from standard input
//   tinylm-guess --object cat       a chosen object (for tests and demos)
#include <tinylm/model.hpp>
#include <tinylm/prng.hpp>
#include <tinylm/zoo/guess.hpp>

#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>

#include "../common/cli.hpp"

namespace {

using model = tinylm::zoo::guess;

// The objects the model was trained on (codegen/corpus/guess.txt).
constexpr const char* objects[] = {"apple", "book", "car", "cat", "moon", "piano"};
constexpr std::size_t object_count = sizeof(objects) / sizeof(objects[0]);
constexpr std::size_t max_questions = 20;

// Checked by the compiler: the model knows a cat from the moon.
static_assert(tinylm::reply<model>("cat: is it alive") == "YES");
static_assert(tinylm::reply<model>("moon: is it alive") == "NO");
static_assert(tinylm::reply<model>("cat: is it a cat") == "WIN");
static_assert(tinylm::reply<model>("piano: is it a cat") == "NO");

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage: tinylm-guess [--object NAME | --seed N]\n"
               "Twenty questions: I think of an object, you ask yes/no questions (one a line),\n"
               "the bundled %s model answers YES, NO or MAYBE, and WIN when you name it.\n"
               "  --object NAME  the object to think of: apple, book, car, cat, moon or piano\n"
               "  --seed N       pick the object with this seed (default: the clock)\n"
               "  -h, --help     this help\n",
               model::name);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t object = object_count;
  unsigned long long seed = static_cast<unsigned long long>(std::time(nullptr)) & 0xFFFFFFFFull;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      usage(stdout);
      return 0;
    } else if (arg == "--object" && i + 1 < argc) {
      const std::string_view name = argv[++i];
      for (std::size_t k = 0; k < object_count; ++k)
        if (name == objects[k]) object = k;
      if (object == object_count) {
        std::fprintf(stderr, "tinylm-guess: unknown object '%s': apple, book, car, cat, moon or piano\n", argv[i]);
        return 2;
      }
    } else if (arg == "--seed") {
      if (!tinylm_examples::number_option("tinylm-guess", argc, argv, i, 0, 0xFFFFFFFFull, seed)) return 2;
    } else {
      std::fprintf(stderr, "tinylm-guess: unknown argument '%s' (see --help)\n", argv[i]);
      return 2;
    }
  }
  if (object == object_count) {
    tinylm::xorshift32 rng(static_cast<std::uint32_t>(seed));
    object = rng.below(object_count);
  }
  const bool interactive = tinylm_examples::interactive();
  if (interactive)
    std::printf("tinylm-guess: I am thinking of an object. Ask me up to %zu yes/no questions.\n> ", max_questions);
  std::fflush(stdout);
  std::size_t asked = 0;
  bool won = false;
  tinylm_examples::for_each_line(stdin, [&](const std::string& question) {
    if (question.empty()) {
      if (interactive) std::printf("> ");
      std::fflush(stdout);
      return true;
    }
    ++asked;
    const auto answer = tinylm::reply<model>(std::string(objects[object]) + ": " + question);
    std::printf("%.*s\n", static_cast<int>(answer.size()), answer.data());
    if (std::string_view(answer.data(), answer.size()) == "WIN") {
      std::printf("You got it in %zu: it was the %s.\n", asked, objects[object]);
      won = true;
      return false;
    }
    if (asked == max_questions) {
      std::printf("That was question %zu. It was the %s.\n", max_questions, objects[object]);
      return false;
    }
    if (interactive) std::printf("> ");
    std::fflush(stdout);
    return true;
  });
  if (!won && asked < max_questions) std::printf("It was the %s.\n", objects[object]);
  return 0;
}
