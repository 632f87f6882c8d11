// The model answers inside the compiler: every static_assert below runs the
// bundled n-gram model (tinylm::zoo::sayings) during compilation, prompt and
// seed fixed, and checks the generated text. The expected strings are what
// the model file gives at run time (`tinylm-gen generate`), so a mismatch
// between the compile-time and run-time paths fails the build.
//
// Built with -DTINYLM_EXPECT_WRONG_ANSWER this file must NOT compile: the
// negative test in tests/compile_fail proves a wrong answer is caught.
#include <tinylm/model.hpp>
#include <tinylm/zoo/sayings.hpp>

using tinylm::zoo::sayings;

// The default seed of the model (2026).
static_assert(tinylm::reply<sayings>("Q: ") == "What is a lald.en An's gat. It runeal phsubant. Torieseting, gatch. F and then written's red? A: Then no amoll, a swriticoan fis");
static_assert(tinylm::reply<sayings>("The cat") == " plas.");

// Another seed, and the empty prompt (the start of a record).
static_assert(tinylm::reply<sayings>("Q: ", 7) == "Whemines clocns? A: The oracle craitse.");
static_assert(tinylm::reply<sayings>("The cat", 7) == " fuide warm essselectrosticoimpples whisme, aslms.");

// A length limit: the first 16 bytes only.
static_assert(tinylm::ngram::generate<sayings, 16>("", 2026) == "Q: A, one edggin");

// The memory plan is a compile-time fact: a firmware author proves it fits.
constexpr auto plan = tinylm::ngram::plan<sayings, 64>();
static_assert(plan.peak_ram == 5 + 4 + 64);
static_assert(plan.rom_bytes <= 24 * 1024);

#ifdef TINYLM_EXPECT_WRONG_ANSWER
static_assert(tinylm::reply<sayings>("Q: ") == "What is a byte? A: Eight small yeses and noes.");
#endif

int main() { return 0; }
