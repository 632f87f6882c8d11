// examples/common/cli.hpp - what the example programs share: number
// arguments and a loop over input lines that keeps every byte.
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>

namespace tinylm_examples {

// A whole decimal number in [0, max] (no sign, no trailing characters).
inline bool parse_number(const char* text, unsigned long long max, unsigned long long& value) {
  if (text == nullptr || *text == '\0' || *text < '0' || *text > '9') return false;
  char* end = nullptr;
  errno = 0;
  value = std::strtoull(text, &end, 10);
  return errno == 0 && *end == '\0' && value <= max;
}

// Standard input and output are a terminal (show prompts and greetings).
inline bool interactive() { return isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0; }

// Calls on_line(line) for every line of `in` (any bytes 0-255, any length;
// '\n' ends a line and is not part of it; a last line without '\n' counts).
// Stops early when on_line returns false.
template <class F>
void for_each_line(std::FILE* in, F&& on_line) {
  std::string line;
  int c = 0;
  while ((c = std::fgetc(in)) != EOF) {
    if (c == '\n') {
      if (!on_line(line)) return;
      line.clear();
    } else {
      line.push_back(static_cast<char>(c));
    }
  }
  if (!line.empty()) on_line(line);
}

// The value N of an option `--NAME N` at argv[i]: advances i past N, or
// prints "<program>: --NAME needs a number from min to max" and returns
// false when N is missing or out of range.
inline bool number_option(const char* program, int argc, char** argv, int& i, unsigned long long min,
                          unsigned long long max, unsigned long long& value) {
  if (!parse_number(i + 1 < argc ? argv[i + 1] : nullptr, max, value) || value < min) {
    std::fprintf(stderr, "%s: %s needs a number from %llu to %llu\n", program, argv[i], min, max);
    return false;
  }
  ++i;
  return true;
}

// Answers every prompt: the arguments argv[first..argc) when there are any,
// else every line of standard input (any bytes, any length). At a terminal
// it prints `greeting` first and "> " before each line; piped input and
// output stay byte-clean.
template <class F>
void answer_all(int argc, char** argv, int first, const char* greeting, F&& answer) {
  if (first < argc) {
    for (int i = first; i < argc; ++i) answer(std::string(argv[i]));
    return;
  }
  const bool at_terminal = interactive();
  if (at_terminal) std::printf("%s\n> ", greeting);
  std::fflush(stdout);
  for_each_line(stdin, [&](const std::string& line) {
    answer(line);
    if (at_terminal) std::printf("> ");
    std::fflush(stdout);
    return true;
  });
}

}  // namespace tinylm_examples
