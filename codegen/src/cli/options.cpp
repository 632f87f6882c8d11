#include "cli/options.hpp"

#include <fmt/core.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "common/error.hpp"
#include "formats/hashmlp_file.hpp"
#include "formats/ngram_file.hpp"
#include "formats/safetensors.hpp"
#include "formats/transformer_file.hpp"

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
  const bool known = found == ngram_format || found == hashmlp_format || found == transformer_format;
  if (known && found != format)
    throw error(fmt::format("'{}' is {} model file: {}", path,
                            found == hashmlp_format ? "a hash-MLP" : (found == ngram_format ? "an n-gram" : "a transformer"),
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

void require_output_folder(const std::string& output) {
  const std::filesystem::path folder = std::filesystem::path(output).parent_path();
  std::error_code ec;
  if (!folder.empty() && !std::filesystem::is_directory(folder, ec))
    throw error(fmt::format("the output folder '{}' does not exist (-o {})", folder.string(), output));
}

void plot_curve(const std::string& csv, const std::string& png, const std::string& y2_label, bool unit_y2,
                const std::string& series) {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    fmt::print(stderr, "tinylm-gen: warning: gnuplot not found, skipping the plot {} (apt-get install gnuplot-nox)\n",
               png);
    return;
  }
  const std::string script = png + ".gp";
  {
    std::FILE* f = std::fopen(script.c_str(), "wb");
    if (f == nullptr) throw error(fmt::format("cannot write '{}'", script));
    fmt::print(f,
               "set terminal pngcairo size 800,500 noenhanced\n"
               "set output '{}'\n"
               "set datafile separator ','\n"
               "set key top left\nset xlabel 'epoch'\nset ylabel 'train loss'\nset y2label '{}'\n"
               "{}set ytics nomirror\nset y2tics\n"
               "plot '{}' {}\n",
               png, y2_label, unit_y2 ? "set y2range [0:1]\n" : "", csv, series);
    std::fclose(f);
  }
  std::string cmd = fmt::format("gnuplot '{}' 2>/dev/null", script);
  if (std::system(cmd.c_str()) != 0) {
    // pngcairo may be missing: the plain png terminal.
    std::string alt = fmt::format("sed -i 's/pngcairo/png/' '{}' && gnuplot '{}'", script, script);
    if (std::system(alt.c_str()) != 0) fmt::print(stderr, "tinylm-gen: warning: gnuplot failed, no plot {}\n", png);
  }
  std::error_code ignore;
  std::filesystem::remove(script, ignore);
}

}  // namespace tinylm::gen
