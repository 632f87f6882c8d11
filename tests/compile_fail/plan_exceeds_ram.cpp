// Must NOT compile with -DTINYLM_COMPILE_FAIL: the bundled model's static
// memory plan does not fit in 16 bytes of RAM, and a firmware author who
// asserts that it does must be stopped by the compiler.
// expect-error: peak_ram <= 16
//
// Without the define this file compiles (the positive control): the plan is a
// compile-time fact, and the same assertion with a bound that holds passes.
#include <tinylm/ngram.hpp>
#include <tinylm/zoo/sayings.hpp>

constexpr auto sayings_plan = tinylm::ngram::plan<tinylm::zoo::sayings>();
static_assert(sayings_plan.peak_ram > 16);
static_assert(tinylm::ngram::plan<tinylm::zoo::sayings>().peak_ram <= 2048);

#ifdef TINYLM_COMPILE_FAIL
static_assert(tinylm::ngram::plan<tinylm::zoo::sayings>().peak_ram <= 16);
#endif

int main() { return 0; }
