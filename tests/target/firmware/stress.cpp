// tinylm_fw_stress: the cross-target runs of the firmware images (examples/
// firmware built with TINYLM_FW_PROMPT_FILE=1):
//   tinylm_fw_stress write FILE SEED COUNT CORPUS
//     writes COUNT prompts of tests/target/stress_prompts.hpp (drawn from
//     CORPUS's prompts) to FILE as the images read them: a 2-byte
//     little-endian length, then the bytes;
//   tinylm_fw_stress compare FILE EXPECTED GOT
//     parses the host oracle's output (EXPECTED) and the board's (GOT): per
//     prompt "number TAB length TAB reply LF", then "done"; prints the number
//     of prompts and mismatches, and fails naming the shortest failing
//     prompt when they differ.
#include <fmt/core.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "target/driver_util.hpp"
#include "target/stress_prompts.hpp"

namespace {

using tinylm::test::failure;

// number -> reply; "" when the output is malformed from that point on.
std::map<std::size_t, std::string> replies_of(const std::string& out, std::string* problem) {
  std::map<std::size_t, std::string> r;
  std::size_t at = 0;
  const auto number = [&](char end) -> std::size_t {
    std::size_t v = 0, digits = 0;
    while (at < out.size() && out[at] >= '0' && out[at] <= '9') v = v * 10 + static_cast<std::size_t>(out[at++] - '0'), ++digits;
    if (digits == 0 || at >= out.size() || out[at] != end) throw failure("malformed output at byte " + std::to_string(at));
    ++at;
    return v;
  };
  try {
    while (out.compare(at, 5, "done\n") != 0) {
      const std::size_t n = number('\t');
      const std::size_t length = number('\t');
      if (at + length + 1 > out.size() || out[at + length] != '\n')
        throw failure("malformed reply " + std::to_string(n) + " at byte " + std::to_string(at));
      r[n] = out.substr(at, length);
      at += length + 1;
    }
  } catch (const failure& e) {
    *problem = e.what();
  }
  return r;
}

int compare(const std::string& prompts_file, const std::string& expected_file, const std::string& got_file) {
  const std::string bytes = tinylm::test::read_file(prompts_file);
  std::vector<tinylm::test::stress_prompt> prompts;
  for (std::size_t at = 0; at + 2 <= bytes.size();) {
    const std::size_t n = static_cast<std::uint8_t>(bytes[at]) + 256u * static_cast<std::uint8_t>(bytes[at + 1]);
    prompts.push_back({bytes.substr(at + 2, n), ""});
    at += 2 + n;
  }
  std::string expected_problem, got_problem;
  const auto expected = replies_of(tinylm::test::read_file(expected_file), &expected_problem);
  const auto got = replies_of(tinylm::test::read_file(got_file), &got_problem);
  if (!expected_problem.empty()) throw failure("the host oracle's output: " + expected_problem);
  if (expected.size() != prompts.size())
    throw failure(fmt::format("the host oracle answered {} of {} prompts", expected.size(), prompts.size()));
  std::vector<std::size_t> failing;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    const auto g = got.find(i + 1);
    if (g == got.end() || g->second != expected.at(i + 1)) failing.push_back(i);
  }
  fmt::print("stress: {} prompts: {} mismatches\n", prompts.size(), failing.size());
  if (failing.empty() && got_problem.empty()) return 0;
  if (failing.empty()) throw failure("the board's output: " + got_problem);
  const std::size_t s = tinylm::test::shortest_failure(prompts, failing);
  const auto g = got.find(s + 1);
  throw failure(fmt::format("{} of {} prompts differ{}; the shortest, prompt {} ({} bytes): {}\n  host:  {}\n  board: {}",
                            failing.size(), prompts.size(), got_problem.empty() ? "" : " (" + got_problem + ")", s + 1,
                            prompts[s].text.size(), tinylm::test::shown(prompts[s].text, 300),
                            tinylm::test::shown(expected.at(s + 1)),
                            g == got.end() ? std::string("(no reply)") : tinylm::test::shown(g->second)));
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::vector<std::string> a(argv + 1, argv + argc);
    if (a.size() == 5 && a[0] == "write") {
      const auto prompts = tinylm::test::stress_prompts(static_cast<std::uint32_t>(std::stoul(a[2])), std::stoul(a[3]),
                                                        tinylm::test::corpus_prompts(tinylm::test::read_file(a[4])), 255);
      std::string out;
      for (const auto& p : prompts) {
        out.push_back(static_cast<char>(p.text.size() & 0xFF));
        out.push_back(static_cast<char>(p.text.size() >> 8));
        out += p.text;
      }
      tinylm::test::write_file(a[1], out);
      return 0;
    }
    if (a.size() == 4 && a[0] == "compare") return compare(a[1], a[2], a[3]);
    if (a.size() == 3 && a[0] == "write-malformed") {
      // A good record ("hi"), then what the firmware must refuse.
      std::string out("\x02\x00hi", 4);
      if (a[2] == "half-length") out += '\x05';                                   // one byte of a length
      else if (a[2] == "past-end") out += std::string("\x0a\x00" "abc", 5);        // 10 bytes promised, 3 there
      else if (a[2] == "too-long") out += std::string("\x01\x04", 2) + std::string(1025, 'a');  // 1,025 > 1,024
      else throw failure("write-malformed: KIND is half-length, past-end or too-long");
      tinylm::test::write_file(a[1], out);
      return 0;
    }
    throw failure("usage: tinylm_fw_stress write FILE SEED COUNT CORPUS | compare FILE EXPECTED GOT"
                  " | write-malformed FILE half-length|past-end|too-long");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tinylm_fw_stress: %s\n", e.what());
    return 1;
  }
}
