// Helpers of the target test drivers (tests/target/*/..._agreement.cpp):
// running the toolchain and the emulators as processes, reading and writing
// their files, and showing bytes in a failure message.
#pragma once

#include <fmt/core.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/wait.h>

namespace tinylm::test {

// A check that failed: the driver prints it and exits with status 1.
struct failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// s quoted for sh.
inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a shell command; returns its exit status (-1 if killed by a signal).
inline int run(const std::string& command) {
  const int status = std::system(command.c_str());
  if (status == -1) throw failure(fmt::format("cannot run: {}", command));
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) throw failure(fmt::format("cannot read '{}'", p.string()));
  return {std::istreambuf_iterator<char>(f), {}};
}

inline void write_file(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream f(p, std::ios::binary);
  f << bytes;
  if (!f) throw failure(fmt::format("cannot write '{}'", p.string()));
}

// Runs the command with its output in `log`; a non-zero status fails with
// the command and the log.
inline void run_or_fail(const std::string& command, const std::string& what, const std::filesystem::path& log) {
  const int status = run(command + " > " + quote(log.string()) + " 2>&1");
  if (status != 0)
    throw failure(fmt::format("{} failed (exit status {}):\n  {}\n{}", what, status, command, read_file(log)));
}

// `text` (the file `name`) with each --mutate FROM TO pair applied: the first
// FROM replaced by TO; a FROM that does not occur fails (a mutant that
// changes nothing would pass as caught for the wrong reason).
template <class Pairs>
std::string mutated(std::string text, const Pairs& mutations, const std::string& name) {
  for (const auto& [from, to] : mutations) {
    const std::size_t at = text.find(from);
    if (at == std::string::npos) throw failure(fmt::format("--mutate: '{}' is not in {}", from, name));
    text.replace(at, from.size(), to);
  }
  return text;
}

// At most `limit` bytes of s as a quoted C string (\xNN for the others).
inline std::string shown(std::string_view s, std::size_t limit = 60) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < limit; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') out += fmt::format("\\{}", static_cast<char>(c));
    else if (c >= 32 && c < 127) out += static_cast<char>(c);
    else out += fmt::format("\\x{:02x}", c);
  }
  if (s.size() > limit) out += fmt::format("...({} bytes)", s.size());
  return "\"" + out + "\"";
}

}  // namespace tinylm::test
