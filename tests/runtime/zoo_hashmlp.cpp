// Run-time tests of the bundled hash-MLP models (include/tinylm/zoo): every
// reply to a prompt of their corpora and held-out sets ends with END well
// before the reply buffer is full (END is reachable, the model does not
// loop), the compile-time path gives the run-time reply, and both models
// pass validate() and fit the memory plan the examples promise.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include <tinylm/hashmlp.hpp>
#include <tinylm/model.hpp>
#include <tinylm/zoo/guess.hpp>
#include <tinylm/zoo/tinychat.hpp>

namespace hm = tinylm::hashmlp;

namespace {

std::vector<std::string> prompts_of(const char* name) {
  std::ifstream f(std::string(TINYLM_SOURCE_DIR) + "/codegen/corpus/" + name);
  std::vector<std::string> out;
  for (std::string line; std::getline(f, line);) out.push_back(line.substr(0, line.find(" | ")));
  return out;
}

template <class M>
std::size_t longest_reply(const char* corpus) {
  const auto prompts = prompts_of(corpus);
  REQUIRE(prompts.size() >= 100);
  std::size_t longest = 0;
  for (const auto& p : prompts) {
    const auto r = hm::generate<M, 128>(p);
    longest = r.size() > longest ? r.size() : longest;
  }
  return longest;
}

}  // namespace

TEST_CASE("zoo hash-MLP models: every reply of their corpora ends (END is reachable)", "[zoo][hashmlp]") {
  // The longest training reply has 20 symbols; a reply of 64 or more means
  // the model runs on instead of ending.
  CHECK(longest_reply<tinylm::zoo::tinychat>("tinychat.txt") < 64);
  CHECK(longest_reply<tinylm::zoo::tinychat>("tinychat-heldout.txt") < 64);
  CHECK(longest_reply<tinylm::zoo::guess>("guess.txt") < 64);
  CHECK(longest_reply<tinylm::zoo::guess>("guess-heldout.txt") < 64);
}

TEST_CASE("zoo hash-MLP models: compile time and run time give the same reply", "[zoo][hashmlp]") {
  constexpr auto at_compile_time = tinylm::reply<tinylm::zoo::tinychat>("good morning");
  const std::string prompt = "good morning";  // a run-time string: the run-time path
  const auto at_run_time = tinylm::reply<tinylm::zoo::tinychat>(prompt);
  CHECK(std::string(at_compile_time.data(), at_compile_time.size()) ==
        std::string(at_run_time.data(), at_run_time.size()));
  CHECK(at_run_time.size() > 0);
}

TEST_CASE("zoo hash-MLP models: valid, and their plans", "[zoo][hashmlp]") {
  constexpr auto chat = hm::plan<tinylm::zoo::tinychat>();
  constexpr auto game = hm::plan<tinylm::zoo::guess>();
  STATIC_REQUIRE(hm::validate(hm::view_of<tinylm::zoo::tinychat>()) == nullptr);
  STATIC_REQUIRE(hm::validate(hm::view_of<tinylm::zoo::guess>()) == nullptr);
  STATIC_REQUIRE(chat.peak_ram <= 4096);  // (the 8 KB lm3s811evb runs it: tests/target/firmware)
  STATIC_REQUIRE(game.peak_ram <= 4096);
}
