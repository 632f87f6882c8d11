// A program that uses tinylm the way a user's project does: the bundled model
// answers at compile time, and again at run time for a prompt the compiler
// cannot see; the two must agree.
#include <tinylm/model.hpp>
#include <tinylm/zoo/sayings.hpp>

#include <cstdio>
#include <string_view>

#ifndef TINYLM_CONSUMER_KIND
#error "TINYLM_CONSUMER_KIND must name the way tinylm was found"
#endif

using tinylm::zoo::sayings;

// The memory plan proves that generation fits in 2 KB of RAM.
constexpr auto plan = tinylm::ngram::plan<sayings, 64>();
static_assert(plan.peak_ram <= 2048);
static_assert(plan.rom_bytes > 0);

// The model answers inside the compiler.
constexpr auto compile_time_reply = tinylm::reply<sayings>("Q: ", 7);
static_assert(!compile_time_reply.empty());

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s PROMPT\n", argv[0]);
    return 2;
  }
  const std::string_view prompt = argv[1];
  const auto run_time_reply = tinylm::reply<sayings>(prompt, 7);
  if (prompt == "Q: " && run_time_reply != compile_time_reply.view()) {
    std::printf("tinylm consumer (%s): compile time and run time DISAGREE:\n  [%s]\n  [%s]\n",
                TINYLM_CONSUMER_KIND, compile_time_reply.c_str(), run_time_reply.c_str());
    return 1;
  }
  std::printf("tinylm consumer (%s): OK: %s\n", TINYLM_CONSUMER_KIND, run_time_reply.c_str());
  return 0;
}
