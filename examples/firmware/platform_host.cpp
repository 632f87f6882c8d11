// The host side of platform.hpp: stdout and exit (the oracle build).
#include <cstdio>
#include <cstdlib>

#include "platform.hpp"

namespace tinylm_fw {

void print(std::string_view text) noexcept { std::fwrite(text.data(), 1, text.size(), stdout); }

namespace {
std::FILE* open_one = nullptr;
}

bool open_file(const char* name) noexcept {
  if (open_one != nullptr) std::fclose(open_one);
  open_one = std::fopen(name, "rb");
  return open_one != nullptr;
}

bool read_file(std::size_t offset, std::int8_t* dst, std::size_t n) noexcept {
  return open_one != nullptr && std::fseek(open_one, static_cast<long>(offset), SEEK_SET) == 0 &&
         std::fread(dst, 1, n, open_one) == n;
}

void paint_stack() noexcept {}
std::uintptr_t stack_low_water() noexcept { return 0; }

void finish(int status) noexcept {
  std::fflush(stdout);
  std::exit(status);
}

}  // namespace tinylm_fw

int tinylm_fw_main();
int main() { tinylm_fw::finish(tinylm_fw_main()); }
