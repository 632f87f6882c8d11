// The host side of platform.hpp: stdout and exit (the oracle build).
#include <cstdio>
#include <cstdlib>

#include "platform.hpp"

namespace tinylm_fw {

void print(std::string_view text) noexcept { std::fwrite(text.data(), 1, text.size(), stdout); }

void paint_stack() noexcept {}
std::uintptr_t stack_low_water() noexcept { return 0; }

void finish(int status) noexcept {
  std::fflush(stdout);
  std::exit(status);
}

}  // namespace tinylm_fw

int tinylm_fw_main();
int main() { tinylm_fw::finish(tinylm_fw_main()); }
