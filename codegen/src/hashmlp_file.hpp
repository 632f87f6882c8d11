// The hash-MLP model file (safetensors, like model_file.hpp: sorted JSON keys,
// string metadata, no timestamps) and its C++ header.
// Tensors: alphabet U8 [S], layer_sizes U32 [L+1], weights U8 (packed 2-bit,
// layer 0 first), biases I32, shifts U8 [L]. Metadata: format
// "tinylm.hashmlp", format_version, context_length, default_seed, plus the
// trainer's notes (corpus, seed, accuracies).
#pragma once

#include <string>

#include "train_hashmlp.hpp"

namespace tinylm::gen {

inline constexpr const char* hashmlp_format = "tinylm.hashmlp";
inline constexpr int hashmlp_format_version = 1;

// The file's bytes (what write_hashmlp_file writes).
std::string hashmlp_file_bytes(const hashmlp_tables& model);
void write_hashmlp_file(const std::string& path, const hashmlp_tables& model);
// Throws gen::error for a missing, truncated or corrupt file, or a model that
// fails tinylm::hashmlp::validate.
hashmlp_tables read_hashmlp_file(const std::string& path);

// A tag type satisfying tinylm::hashmlp::hashmlp_model.
std::string hashmlp_header(const hashmlp_tables& model, const std::string& name, const std::string& ns,
                           const std::string& command);

}  // namespace tinylm::gen
