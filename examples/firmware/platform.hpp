// The two things examples/firmware needs from its platform: print text, and
// end the program with a status. platform_semihosting.cpp implements them on
// a Cortex-M under a debugger or QEMU (semihosting), platform_host.cpp on
// the host (stdout), where the same program is the oracle of the images.
#pragma once

#include <cstddef>
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

// A file on the host, for the staged model's weights: through semihosting
// on a Cortex-M (SYS_OPEN, SYS_SEEK, SYS_READ: the file is on the machine
// that runs QEMU or the debugger, relative to its working directory), stdio
// on the host. open_file() opens one file for reading (false when it
// cannot); read_file() copies n bytes from `offset` (false when the file
// has fewer).
bool open_file(const char* name) noexcept;
bool read_file(std::size_t offset, std::int8_t* dst, std::size_t n) noexcept;

// Stack measurement (Cortex-M only; on the host both do nothing and return
// 0). paint_stack() fills the free stack, from the end of .bss up to a
// little below its caller's frame, with a pattern; stack_low_water() is the
// lowest address whose word no longer holds it: the deepest the stack has
// reached since the paint. Interrupts (SysTick in bench builds) push their
// frames onto the same stack, so measure in a build without them.
void paint_stack() noexcept;
std::uintptr_t stack_low_water() noexcept;

// The stack pointer where it is read (0 on the host).
inline std::uintptr_t stack_pointer() noexcept {
#if defined(__arm__)
  std::uintptr_t sp;
  asm volatile("mov %0, sp" : "=r"(sp));
  return sp;
#else
  return 0;
#endif
}

}  // namespace tinylm_fw
