// Reading and writing the generator's files: whole files as bytes, text files,
// and a model file with its header written both or neither. Errors are
// gen::error with the path and the reason.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tinylm::gen {

// The whole file; `what` names it in errors ("corpus", "model file").
std::vector<std::uint8_t> read_file_bytes(const std::string& path, const char* what);

void write_text_file(const std::string& path, const std::string& text);

// Writes OUTPUT.safetensors (write_model(path) writes the model file) and
// OUTPUT.hpp (header_text), both or neither: to temporary names first, then
// renamed. Throws gen::error, having removed the temporary files.
void write_model_and_header(const std::string& output, const std::function<void(const std::string&)>& write_model,
                            const std::string& header_text);

}  // namespace tinylm::gen
