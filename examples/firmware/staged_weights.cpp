// Writes the weights of staged_model.hpp (weight_at(i) for every i, in
// transformer.hpp's layout) to a file: what the staged firmware image
// (TINYLM_FW_FAMILY 4) streams from the host through semihosting.
//   tinylm-firmware-staged-weights [FILE]   (default: staged_model.weights)
#include <cstdio>
#include <cstring>

#include "staged_model.hpp"

int main(int argc, char** argv) {
  if (argc > 2 || (argc == 2 && (std::strcmp(argv[1], "-h") == 0 || std::strcmp(argv[1], "--help") == 0))) {
    std::fprintf(argc > 2 ? stderr : stdout,
                 "usage: tinylm-firmware-staged-weights [FILE]\n"
                 "Writes the %zu weight bytes of examples/firmware/staged_model.hpp to FILE\n"
                 "(default staged_model.weights), for the staged firmware image to stream.\n",
                 tinylm_fw::staged_model::weight_bytes);
    return argc > 2 ? 2 : 0;
  }
  const char* path = argc == 2 ? argv[1] : "staged_model.weights";
  std::FILE* f = std::fopen(path, "wb");
  if (f == nullptr) {
    std::fprintf(stderr, "tinylm-firmware-staged-weights: cannot write %s\n", path);
    return 1;
  }
  bool ok = true;
  for (std::size_t i = 0; i < tinylm_fw::staged_model::weight_bytes && ok; ++i) {
    const auto w = static_cast<unsigned char>(tinylm_fw::staged_model::weight_at(i));
    ok = std::fputc(w, f) != EOF;
  }
  ok = std::fclose(f) == 0 && ok;
  if (!ok) std::fprintf(stderr, "tinylm-firmware-staged-weights: writing %s failed\n", path);
  return ok ? 0 : 1;
}
