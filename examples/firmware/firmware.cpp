// examples/firmware: a bundled model answering prompts with no heap, no
// exceptions and no operating system, on a Cortex-M (platform_semihosting)
// or on the host (platform_host: the oracle the images are compared with).
//
// TINYLM_FW_FAMILY picks the model: 1 the n-gram `zoo::sayings`, 2 the
// hash-MLP `zoo::tinychat`, 3 the transformer `zoo::tinychat_transformer`,
// 4 staged execution (tinylm/staged.hpp) of staged_model.hpp, a transformer
// whose 86 KB of weights do not fit the flash of the smallest board: its
// weights are streamed through a 768-byte stage buffer from
//   TINYLM_FW_STAGED_SOURCE 0: the file staged_model.weights on the host
//                              (semihosting; staged_weights.cpp writes it)
//                           1: a table in flash (bench: the streaming's cost)
//                           2: none: resident, the table in flash (bench)
// and the host build (the oracle) runs it resident, its weights computed
// into memory.
// The prompts are the first TINYLM_FW_PROMPTS lines of the family's held-out
// file (embedded): a chat line's part before " | ", or a text line's first
// 12 bytes, which the n-gram model continues with seed = the line number.
// One output line per prompt: its number, a tab, the reply; then "done".
// With TINYLM_FW_PROMPT_FILE=1 (families 1-3; the cross-target runs of
// tests/target/firmware and bench/cross_target.sh) the prompts come instead
// from the host file prompts.bin (semihosting on a board, stdio on the
// host): records of a 2-byte little-endian length and that many bytes, any
// byte values, each used whole as the prompt, up to 1,024 bytes; each
// output line is then its number, a tab, the reply's length, a tab, the
// reply (which may hold any byte).
// The memory plan: on a Cortex-M (not in bench builds) the free stack is
// painted first, and a line before "done",
//   stack <bytes used below the reply call> plan <peak_ram> allowance <bytes>
// reports the deepest any reply went. tests/target/firmware requires
// stack <= plan + allowance: the plan (plan<M>().peak_ram) counts every
// buffer, the allowance the call frames' saved registers, spills and return
// addresses, which the compiler decides (measured on M0, M3 and M4 at -Os:
// 103 to 584 bytes, bench/RESULTS.md section 11). The host oracle prints no such line. The build passes
// -Wstack-usage= with TINYLM_FW_STACK_LIMIT (CMakeLists.txt, per family),
// which must be the plan plus the allowance: no single frame may exceed it.
// A bench build (TINYLM_FW_COUNT=1, bench/firmware.sh) also counts SysTick
// ticks around every reply and prints, before "done", a line
//   count <ticks in replies> <reply bytes> <ticks of a 2,000,000-instruction loop>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <tinylm/model.hpp>

#include "embedded.hpp"
#include "platform.hpp"

constexpr bool defined_arm() {
#if defined(__arm__)
  return true;
#else
  return false;
#endif
}

#if TINYLM_FW_FAMILY == 1
#include <tinylm/zoo/sayings.hpp>
using model = tinylm::zoo::sayings;
constexpr bool chat_prompts = false;
constexpr std::size_t plan_peak_ram = tinylm::ngram::plan<model, 64>().peak_ram;
#elif TINYLM_FW_FAMILY == 2
#include <tinylm/zoo/tinychat.hpp>
using model = tinylm::zoo::tinychat;
constexpr bool chat_prompts = true;
constexpr std::size_t plan_peak_ram = tinylm::hashmlp::plan<model, 64>().peak_ram;
#elif TINYLM_FW_FAMILY == 3
#include <tinylm/zoo/tinychat_transformer.hpp>
using model = tinylm::zoo::tinychat_transformer;
constexpr bool chat_prompts = true;
constexpr std::size_t plan_peak_ram = tinylm::transformer::plan<model>().peak_ram;
#elif TINYLM_FW_FAMILY == 4
#include <array>

#include <tinylm/staged.hpp>

#include "staged_model.hpp"
namespace sm = tinylm_fw::staged_model;
constexpr bool chat_prompts = true;
#ifndef TINYLM_FW_STAGED_SOURCE
#define TINYLM_FW_STAGED_SOURCE 0
#endif
constexpr bool streamed = defined_arm() && TINYLM_FW_STAGED_SOURCE != 2;
constexpr std::size_t stage_bytes = 768;  // 8 rows of W2 (the widest matrix: 96 columns), 16 of the others
constexpr auto staged_plan = tinylm::transformer::plan<64>(sm::view());
static_assert(stage_bytes >= staged_plan.min_stage_bytes);
constexpr std::size_t plan_peak_ram = streamed ? staged_plan.staged_peak_ram(stage_bytes) : staged_plan.peak_ram;
#else
#error "TINYLM_FW_FAMILY must be 1 (n-gram), 2 (hash-MLP), 3 (transformer) or 4 (staged transformer)"
#endif

#ifndef TINYLM_FW_PROMPTS
#define TINYLM_FW_PROMPTS 100
#endif
#ifndef TINYLM_FW_COUNT
#define TINYLM_FW_COUNT 0
#endif
#ifndef TINYLM_FW_PROMPT_FILE
#define TINYLM_FW_PROMPT_FILE 0
#endif
static_assert(!TINYLM_FW_PROMPT_FILE || TINYLM_FW_FAMILY != 4,
              "the staged family reads its weights from the one host file; prompts come from the held-out lines");

namespace {

constexpr std::size_t reply_capacity = 64;  // (the plans above are for 64 too)
constexpr std::size_t stack_allowance = 640;
#ifdef TINYLM_FW_STACK_LIMIT
static_assert(TINYLM_FW_STACK_LIMIT == plan_peak_ram + stack_allowance,
              "set the family's TINYLM_FW_STACK_LIMIT in examples/firmware/CMakeLists.txt to the plan + 640");
#endif
#if TINYLM_FW_COUNT
std::uint64_t reply_ticks = 0, reply_bytes = 0;
#endif
std::uintptr_t reply_call_sp = 0;  // the stack pointer at the reply calls

void print_number(std::size_t n) {
  char digits[20];
  std::size_t k = 0;
  do {
    digits[k++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  char text[20];
  for (std::size_t i = 0; i < k; ++i) text[i] = digits[k - 1 - i];
  tinylm_fw::print(std::string_view(text, k));
}

#if TINYLM_FW_FAMILY == 4
#if !defined(__arm__) || TINYLM_FW_STAGED_SOURCE != 0
// The weights as a table: in flash on a board, in memory on the host.
#if defined(__arm__)
constexpr
#endif
    auto weights_table = [] {
      std::array<std::int8_t, sm::weight_bytes> w{};
      for (std::size_t i = 0; i < w.size(); ++i) w[i] = sm::weight_at(i);
      return w;
    }();
#endif

struct file_reader {
  bool read(std::size_t offset, std::int8_t* dst, std::size_t n) const noexcept {
    return tinylm_fw::read_file(offset, dst, n);
  }
};

// The reply and whether every read of the weights succeeded.
tinylm::staged::staged_reply<reply_capacity> staged_reply(std::string_view prompt, std::uint32_t seed) {
  sm::workspace ws;
  tinylm::transformer::model_view v = sm::view();
#if !defined(__arm__) || TINYLM_FW_STAGED_SOURCE == 2
  static_assert(!streamed);
  v.weights = weights_table.data();
  return {tinylm::transformer::generate<reply_capacity>(v, ws.refs(), prompt, seed), true};
#else
  static_assert(streamed);
  std::int8_t buffer[stage_bytes];
#if TINYLM_FW_STAGED_SOURCE == 0
  file_reader reader;
#else
  tinylm::staged::array_reader reader{weights_table.data(), weights_table.size()};
#endif
  return tinylm::staged::generate_staged<reply_capacity>(v, ws.refs(), reader, buffer, stage_bytes, prompt, seed);
#endif
}
#endif

// The reply to one prompt, printed.
void answer_prompt(std::size_t number, std::string_view prompt) {
#if TINYLM_FW_COUNT
  const std::uint64_t start = tinylm_fw::ticks();
#endif
  reply_call_sp = tinylm_fw::stack_pointer();
#if TINYLM_FW_FAMILY == 4
  const auto staged = staged_reply(prompt, static_cast<std::uint32_t>(number));
  if (!staged.ok) tinylm_fw::print("(a read of the weights failed)\n");
  const auto& reply = staged.text;
#else
  const auto reply = tinylm::reply<model, reply_capacity>(prompt, static_cast<std::uint32_t>(number));
#endif
#if TINYLM_FW_COUNT
  reply_ticks += tinylm_fw::ticks() - start;
  reply_bytes += reply.size();
#endif
  print_number(number);
  tinylm_fw::print("\t");
  if constexpr (TINYLM_FW_PROMPT_FILE != 0) {
    print_number(reply.size());
    tinylm_fw::print("\t");
  }
  tinylm_fw::print(reply.view());
  tinylm_fw::print("\n");
}

// The reply to one line of the held-out file.
void answer(std::size_t number, std::string_view line) {
  std::string_view prompt = line;
  if constexpr (chat_prompts) {
    const std::size_t bar = line.find(" | ");
    if (bar != std::string_view::npos) prompt = std::string_view(line.data(), bar);  // (no substr: it can throw)
  } else if (prompt.size() > 12) {
    prompt.remove_suffix(prompt.size() - 12);
  }
  answer_prompt(number, prompt);
}

#if TINYLM_FW_PROMPT_FILE
// The prompts of prompts.bin, each answered; false when the file is missing
// or malformed (a record or its length past the end, or longer than the
// buffer).
bool answer_file(std::size_t& number) {
  static char prompt[1024];
  if (!tinylm_fw::open_file("prompts.bin")) return false;
  for (std::size_t at = 0;;) {
    std::int8_t length[2];
    if (!tinylm_fw::read_file(at, length, 1)) return true;               // the end
    if (!tinylm_fw::read_file(at + 1, length + 1, 1)) return false;      // half a length
    const std::size_t n = static_cast<std::uint8_t>(length[0]) + 256u * static_cast<std::uint8_t>(length[1]);
    if (n > sizeof prompt || (n > 0 && !tinylm_fw::read_file(at + 2, reinterpret_cast<std::int8_t*>(prompt), n)))
      return false;
    answer_prompt(++number, std::string_view(prompt, n));
    at += 2 + n;
  }
}
#endif

}  // namespace

int tinylm_fw_main() {
#if TINYLM_FW_FAMILY == 4 && defined(__arm__) && TINYLM_FW_STAGED_SOURCE == 0
  if (!tinylm_fw::open_file("staged_model.weights")) {
    tinylm_fw::print("cannot open staged_model.weights (staged_weights.cpp writes it)\n");
    return 2;
  }
#endif
  if (!TINYLM_FW_COUNT) tinylm_fw::paint_stack();
  std::size_t number = 0;
#if TINYLM_FW_PROMPT_FILE
  if (!answer_file(number)) {
    tinylm_fw::print("prompts.bin is missing or malformed\n");
    return 2;
  }
#endif
  const tinylm_fw::embedded_file& file = tinylm_fw::embedded_files[0];
  for (std::size_t p = 0; !TINYLM_FW_PROMPT_FILE && p < file.piece_count && number < TINYLM_FW_PROMPTS; ++p) {
    std::string_view text(file.pieces[p]);
    while (!text.empty() && number < TINYLM_FW_PROMPTS) {
      const std::size_t end = text.find('\n');
      const std::size_t n = end == std::string_view::npos ? text.size() : end;
      std::string_view line(text.data(), n);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!line.empty()) answer(++number, line);
      text.remove_prefix(n == text.size() ? n : n + 1);
    }
  }
#if TINYLM_FW_COUNT
  // A loop of 2 x 1,000,000 instructions (subs, bne) calibrates the ticks.
  const std::uint64_t t0 = tinylm_fw::ticks();
  std::uint32_t n = 1000000;
  asm volatile(".syntax unified\n1: subs %0, %0, #1\n\tbne 1b" : "+l"(n) : : "cc");
  const std::uint64_t calibration = tinylm_fw::ticks() - t0;
  tinylm_fw::print("count ");
  print_number(static_cast<std::size_t>(reply_ticks));
  tinylm_fw::print(" ");
  print_number(static_cast<std::size_t>(reply_bytes));
  tinylm_fw::print(" ");
  print_number(static_cast<std::size_t>(calibration));
  tinylm_fw::print("\n");
#endif
  if (!TINYLM_FW_COUNT && reply_call_sp != 0) {
    tinylm_fw::print("stack ");
    print_number(reply_call_sp - tinylm_fw::stack_low_water());
    tinylm_fw::print(" plan ");
    print_number(plan_peak_ram);
    tinylm_fw::print(" allowance ");
    print_number(stack_allowance);
    tinylm_fw::print("\n");
  }
  tinylm_fw::print("done\n");
  return TINYLM_FW_PROMPT_FILE || number == TINYLM_FW_PROMPTS ? 0 : 1;
}
