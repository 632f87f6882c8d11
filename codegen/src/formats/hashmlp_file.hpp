// The hash-MLP model file (safetensors, like model_file.hpp: sorted JSON keys,
// string metadata, no timestamps) (its C++ header: formats/cpp_header.hpp).
// Tensors: alphabet U8 [S], layer_sizes U32 [L+1], weights U8 (packed 2-bit,
// layer 0 first), biases I32, shifts U8 [L], and optionally the reply set
// (formats/reply_set_tensors.hpp). Metadata: format
// "tinylm.hashmlp", format_version, context_length, default_seed, plus the
// trainer's notes (corpus, seed, accuracies).
#pragma once

#include <string>

#include "families/hashmlp/trainer.hpp"

namespace tinylm::gen {

inline constexpr const char* hashmlp_format = "tinylm.hashmlp";
inline constexpr int hashmlp_format_version = 1;

// The file's bytes (what write_hashmlp_file writes).
std::string hashmlp_file_bytes(const hashmlp_tables& model);
void write_hashmlp_file(const std::string& path, const hashmlp_tables& model);
// Throws gen::error for a missing, truncated or corrupt file, or a model that
// fails tinylm::hashmlp::validate.
hashmlp_tables read_hashmlp_file(const std::string& path);

}  // namespace tinylm::gen
