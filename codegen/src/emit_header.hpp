// Writing a model as a C++ header: a tag type in namespace tinylm::zoo (or
// another) with the model's shapes as static constexpr scalars and its tables
// as static constexpr plain arrays; byte tables are unsigned char string
// literals (octal escapes, so no escape can run into the next character).
// No timestamps and no absolute paths: the same model gives the same bytes.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <string>

#include "ngram_builder.hpp"

namespace tinylm::gen {

// `name` must be a C++ identifier; `ns` a namespace name such as tinylm::zoo.
std::string ngram_header(const ngram_tables& model, const std::string& name, const std::string& ns,
                         const std::string& command);

void write_text_file(const std::string& path, const std::string& text);

// The "//   key: value" comment lines of a generated header: every metadata
// entry except the structural keys (those are in the code itself), each value
// on one line (CR and LF become spaces).
std::string metadata_comment(const std::map<std::string, std::string>& metadata,
                             std::initializer_list<const char*> structural_keys);

// Writes OUTPUT.safetensors (write_model(path) writes the model file) and
// OUTPUT.hpp (header_text), both or neither: to temporary names first, then
// renamed. Throws gen::error, having removed the temporary files.
void write_model_and_header(const std::string& output, const std::function<void(const std::string&)>& write_model,
                            const std::string& header_text);

bool is_identifier(const std::string& s);

}  // namespace tinylm::gen
