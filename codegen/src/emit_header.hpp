// Writing a model as a C++ header: a tag type in namespace tinylm::zoo (or
// another) with the model's shapes as static constexpr scalars and its tables
// as static constexpr plain arrays; byte tables are unsigned char string
// literals (octal escapes, so no escape can run into the next character).
// No timestamps and no absolute paths: the same model gives the same bytes.
#pragma once

#include <string>

#include "ngram_builder.hpp"

namespace tinylm::gen {

// `name` must be a C++ identifier; `ns` a namespace name such as tinylm::zoo.
std::string ngram_header(const ngram_tables& model, const std::string& name, const std::string& ns,
                         const std::string& command);

void write_text_file(const std::string& path, const std::string& text);

bool is_identifier(const std::string& s);

}  // namespace tinylm::gen
