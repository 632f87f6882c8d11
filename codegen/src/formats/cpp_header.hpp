// Writing a model as a C++ header: a tag type in namespace tinylm::zoo (or
// another) with the model's shapes as static constexpr scalars and its tables
// as static constexpr plain arrays; byte tables are unsigned char string
// literals (octal escapes, so no escape can run into the next character).
// No timestamps and no absolute paths: the same model gives the same bytes.
#pragma once

#include <initializer_list>
#include <map>
#include <string>

#include "families/hashmlp/trainer.hpp"
#include "families/transformer/model.hpp"
#include "families/ngram/builder.hpp"

namespace tinylm::gen {

// `name` must be a C++ identifier; `ns` a namespace name such as tinylm::zoo.
std::string ngram_header(const ngram_tables& model, const std::string& name, const std::string& ns,
                         const std::string& command);

// The "//   key: value" comment lines of a generated header: every metadata
// entry except the structural keys (those are in the code itself), each value
// on one line (CR and LF become spaces).
std::string metadata_comment(const std::map<std::string, std::string>& metadata,
                             std::initializer_list<const char*> structural_keys);

// A tag type satisfying tinylm::hashmlp::hashmlp_model.
std::string hashmlp_header(const hashmlp_tables& model, const std::string& name, const std::string& ns,
                           const std::string& command);

// A tag type satisfying tinylm::transformer::transformer_model.
std::string transformer_header(const transformer_tables& model, const std::string& name, const std::string& ns,
                               const std::string& command);

bool is_identifier(const std::string& s);

}  // namespace tinylm::gen
