// Reading a corpus: the whole file as bytes, split into records.
// A record is a line (records::line, the default: '\n' ends a record and a
// '\r' before it is dropped) or the whole file (records::file). Every record
// is followed by the model's end byte during training, so the model learns
// where a reply stops. Empty lines are skipped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tinylm::gen {

enum class records { line, file };

struct corpus {
  std::string name;                              // the file's base name (no directories)
  std::size_t bytes = 0;                         // size of the file
  std::vector<std::vector<std::uint8_t>> items;  // the records, end markers not included
};

// Throws gen::error with a clear message for a missing, unreadable or empty
// file, a file with no text, or a byte equal to end_byte inside a record.
corpus read_corpus(const std::string& path, records mode, std::uint8_t end_byte,
                   const char* what = "corpus");

}  // namespace tinylm::gen
