// The two things examples/firmware needs from its platform: print text, and
// end the program with a status. platform_semihosting.cpp implements them on
// a Cortex-M under a debugger or QEMU (semihosting), platform_host.cpp on
// the host (stdout), where the same program is the oracle of the images.
#pragma once

#include <string_view>

namespace tinylm_fw {

void print(std::string_view text) noexcept;
[[noreturn]] void finish(int status) noexcept;

}  // namespace tinylm_fw
