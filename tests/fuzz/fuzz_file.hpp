// The fuzz targets' one helper: the readers under test take a path (as the
// generator's commands do), so each input is written to a file of this
// process first. Expected failures are gen::error (a clear message for the
// user); any other exception escapes and libFuzzer reports it as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace tinylm_fuzz {

// The path of this process's input file (in TMPDIR), written with the bytes.
inline const std::string& input_file(const std::uint8_t* data, std::size_t size, const char* suffix) {
  static const std::string path = (std::filesystem::temp_directory_path() /
                                   ("tinylm-fuzz-" + std::to_string(::getpid()) + suffix)).string();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr || (size != 0 && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
    std::perror(path.c_str());
    std::abort();  // the machine, not the input: stop the run
  }
  return path;
}

}  // namespace tinylm_fuzz
