// The two things examples/firmware needs from its platform: print text, and
// end the program with a status. platform_semihosting.cpp implements them on
// a Cortex-M under a debugger or QEMU (semihosting), platform_host.cpp on
// the host (stdout), where the same program is the oracle of the images.
#pragma once

#include <cstdint>
#include <string_view>

namespace tinylm_fw {

void print(std::string_view text) noexcept;
[[noreturn]] void finish(int status) noexcept;

// Bench builds (TINYLM_FW_COUNT, Cortex-M only): SysTick ticks since the
// start, counted at the processor clock with a wrap interrupt. Under QEMU's
// -icount shift=0 a tick is a fixed number of instructions (bench/firmware.sh
// calibrates it with a loop of known length).
std::uint64_t ticks() noexcept;

}  // namespace tinylm_fw
