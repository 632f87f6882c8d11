// A bare-metal Cortex-M (M0, M3, M4) side of platform.hpp: the vector
// table, the reset handler (copies .data, zeroes .bss, runs the program) and
// output and exit through semihosting (a `bkpt 0xAB` that the debugger or
// QEMU's -semihosting-config answers): SYS_WRITE0 (0x04) prints a
// NUL-terminated string, SYS_EXIT_EXTENDED (0x20) ends with a status,
// SYS_OPEN (0x01), SYS_SEEK (0x0A) and SYS_READ (0x06) read a host file. A
// fault prints "fault" and exits with status 3. No heap, no C library
// start-up; the only interrupt is SysTick's, in bench builds (TINYLM_FW_COUNT).
#include <cstddef>
#include <cstdint>

#include "platform.hpp"

extern "C" {
// From the linker script (boards/sections.ld).
extern std::uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];
[[noreturn]] void Reset_Handler();
[[noreturn]] void Fault_Handler();
void SysTick_Handler();
}

int tinylm_fw_main();

namespace {

int semihost(int operation, const void* argument) {
  register int r0 asm("r0") = operation;
  register const void* r1 asm("r1") = argument;
  asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

}  // namespace

// SysTick: reload 2^24 - 1, the processor clock, an interrupt at each wrap.
namespace {
volatile std::uint32_t systick_wraps = 0;
volatile std::uint32_t* const syst_csr = reinterpret_cast<volatile std::uint32_t*>(0xE000E010u);
volatile std::uint32_t* const syst_rvr = reinterpret_cast<volatile std::uint32_t*>(0xE000E014u);
volatile std::uint32_t* const syst_cvr = reinterpret_cast<volatile std::uint32_t*>(0xE000E018u);
}  // namespace

namespace tinylm_fw {

void print(std::string_view text) noexcept {
  char chunk[65];
  while (!text.empty()) {
    const std::size_t n = text.size() < 64 ? text.size() : 64;
    for (std::size_t i = 0; i < n; ++i) chunk[i] = text[i];
    chunk[n] = '\0';
    semihost(0x04, chunk);
    text.remove_prefix(n);
  }
}

void finish(int status) noexcept {
  const std::uint32_t block[2] = {0x20026u, static_cast<std::uint32_t>(status)};  // ADP_Stopped_ApplicationExit
  semihost(0x20, block);
  for (;;) {
  }
}

std::uint64_t ticks() noexcept {
  std::uint32_t wraps, value;
  do {  // read the counter between two equal wrap counts
    wraps = systick_wraps;
    value = *syst_cvr;
  } while (wraps != systick_wraps);
  return (std::uint64_t{wraps} << 24) + (0xFFFFFFu - value);
}

namespace {
int open_handle = -1;
}  // namespace

bool open_file(const char* name) noexcept {
  std::size_t length = 0;
  while (name[length] != '\0') ++length;
  const std::uint32_t block[3] = {reinterpret_cast<std::uint32_t>(name), 1 /* "rb" */,
                                  static_cast<std::uint32_t>(length)};
  open_handle = semihost(0x01, block);  // SYS_OPEN
  return open_handle != -1;
}

bool read_file(std::size_t offset, std::int8_t* dst, std::size_t n) noexcept {
  if (open_handle == -1) return false;
  const std::uint32_t seek[2] = {static_cast<std::uint32_t>(open_handle), static_cast<std::uint32_t>(offset)};
  if (semihost(0x0A, seek) != 0) return false;  // SYS_SEEK
  const std::uint32_t read[3] = {static_cast<std::uint32_t>(open_handle), reinterpret_cast<std::uint32_t>(dst),
                                 static_cast<std::uint32_t>(n)};
  return semihost(0x06, read) == 0;  // SYS_READ: the number of bytes NOT read
}

namespace {
constexpr std::uint32_t stack_paint = 0x5AC3A53Cu;
// Words left unpainted below paint_stack()'s caller: its own frame.
constexpr std::uintptr_t paint_margin = 64;
}  // namespace

__attribute__((noinline)) void paint_stack() noexcept {
  const std::uintptr_t top = stack_pointer() - paint_margin;
  for (volatile std::uint32_t* w = _ebss; reinterpret_cast<std::uintptr_t>(w) < top; ++w) *w = stack_paint;
}

std::uintptr_t stack_low_water() noexcept {
  const volatile std::uint32_t* w = _ebss;
  while (w < _estack && *w == stack_paint) ++w;
  return reinterpret_cast<std::uintptr_t>(w);
}

}  // namespace tinylm_fw

extern "C" void SysTick_Handler() { systick_wraps = systick_wraps + 1; }

extern "C" void Reset_Handler() {
  for (std::uint32_t *from = _sidata, *to = _sdata; to < _edata;) *to++ = *from++;
  for (std::uint32_t* to = _sbss; to < _ebss;) *to++ = 0;
#if TINYLM_FW_COUNT
  *syst_rvr = 0xFFFFFFu;
  *syst_cvr = 0;
  *syst_csr = 7;  // enable, interrupt, processor clock
#endif
  tinylm_fw::finish(tinylm_fw_main());
}

extern "C" void Fault_Handler() {
  tinylm_fw::print("fault\n");
  tinylm_fw::finish(3);
}

namespace {

struct vector_table {
  void* initial_stack;
  void (*handlers[15])();
};

}  // namespace

// The first 16 entries of the Cortex-M vector table (no device interrupts).
__attribute__((section(".isr_vector"), used)) const vector_table tinylm_vectors = {
    _estack,
    {Reset_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, nullptr, nullptr,
     nullptr, nullptr, Fault_Handler, Fault_Handler, nullptr, Fault_Handler, SysTick_Handler}};
