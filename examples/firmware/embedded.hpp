// A text file carried by the program (cmake/embed_text.cmake writes the
// table): the prompts of examples/firmware.
#pragma once

#include <cstddef>

namespace tinylm_fw {

struct embedded_file {
  const char* name;
  const char* const* pieces;  // whole lines, at most 8,000 bytes each
  std::size_t piece_count;
};

extern const embedded_file embedded_files[];
extern const std::size_t embedded_file_count;

}  // namespace tinylm_fw
