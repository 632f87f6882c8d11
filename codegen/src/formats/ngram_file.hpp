// The model file: safetensors (an 8-byte little-endian header length, a JSON
// header naming each tensor's dtype, shape and byte range, then the raw
// little-endian tensors). Metadata values are strings, as the format asks.
// The JSON is written with sorted keys and no timestamps: the same model
// gives the same bytes.
#pragma once

#include <string>

#include "families/ngram/builder.hpp"

namespace tinylm::gen {

inline constexpr const char* ngram_format = "tinylm.ngram";
inline constexpr int ngram_format_version = 1;

void write_model_file(const std::string& path, const ngram_tables& model);

// Throws gen::error naming the problem for a missing, truncated or corrupt
// file: bad header length, invalid JSON, wrong format, a missing tensor, a
// wrong dtype or shape, an out-of-range byte range, or tables that fail
// tinylm::ngram::validate.
ngram_tables read_model_file(const std::string& path);

}  // namespace tinylm::gen
