#include "cli/options.hpp"

#include <fmt/core.h>

#include <cctype>
#include <cstdint>
#include <filesystem>

#include "common/error.hpp"
#include "formats/hashmlp_file.hpp"
#include "formats/ngram_file.hpp"
#include "formats/safetensors.hpp"

namespace tinylm::gen {

std::size_t parse_bytes(const std::string& text) {
  const auto bad = [&] {
    return error(fmt::format("--budget '{}' is not a size (examples: 0, 8192, 8K, 32KB, 1M)", text));
  };
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])) != 0) ++digits;
  if (digits == 0 || digits > 15) throw bad();
  std::uint64_t v = std::stoull(text.substr(0, digits));
  std::string unit = text.substr(digits);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::uint64_t unit_bytes = 1;
  if (unit == "K" || unit == "KB" || unit == "KIB") unit_bytes = 1024;
  else if (unit == "M" || unit == "MB" || unit == "MIB") unit_bytes = 1024 * 1024;
  else if (!unit.empty() && unit != "B")
    throw error(fmt::format("--budget '{}' has an unknown unit '{}' (use K or M)", text, unit));
  constexpr std::uint64_t largest = std::uint64_t{1} << 40;
  if (v > largest / unit_bytes) throw error(fmt::format("--budget '{}' is larger than 1 TiB", text));
  return static_cast<std::size_t>(v * unit_bytes);
}

records parse_records(const std::string& s) { return s == "file" ? records::file : records::line; }

std::string base_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }

void require_family(const std::string& path, const char* format, const char* why) {
  const std::string found = model_file_format(path);
  const bool known = found == ngram_format || found == hashmlp_format;
  if (known && found != format)
    throw error(fmt::format("'{}' is {} model file: {}", path, found == hashmlp_format ? "a hash-MLP" : "an n-gram",
                            why));
}

std::vector<std::string> split_empty_assignments(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = argc - 1; i >= 1; --i) {  // CLI11 takes arguments in reverse order
    std::string a = argv[i];
    if (a.size() > 3 && a.compare(0, 2, "--") == 0 && a.back() == '=' && a.find('=') == a.size() - 1) {
      args.emplace_back("");
      args.push_back(a.substr(0, a.size() - 1));
    } else {
      args.push_back(std::move(a));
    }
  }
  return args;
}

}  // namespace tinylm::gen
