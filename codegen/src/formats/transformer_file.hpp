// The transformer model file (safetensors, like the other families' files:
// sorted JSON keys, string metadata, no timestamps).
// Tensors: normalise U8 [256], base_bytes U8 [A], merges U8 [2 M],
// weights I8 (the model_view layout), gains I16, fracs I8, and for a chat
// model optionally the reply set (formats/reply_set_tensors.hpp).
// Metadata: format "tinylm.transformer", format_version, d_model, heads,
// layers, ffn, context, min_reply, tied, chat, default_seed, plus the
// trainer's notes (corpus, seed, scores).
#pragma once

#include <string>

#include "families/transformer/model.hpp"

namespace tinylm::gen {

inline constexpr const char* transformer_format = "tinylm.transformer";
inline constexpr int transformer_format_version = 1;

std::string transformer_file_bytes(const transformer_tables& model);
void write_transformer_file(const std::string& path, const transformer_tables& model);
// Throws gen::error for a missing, truncated or corrupt file, or a model that
// fails tinylm::transformer::validate_shape.
transformer_tables read_transformer_file(const std::string& path);

}  // namespace tinylm::gen
