// Helpers shared by the subcommands of tinylm-gen (cli/*.cpp).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "corpus/corpus.hpp"

namespace tinylm::gen {

// "32768", "32K", "32KB", "1M": bytes. Digits first, no sign, no spaces, and
// no value that overflows. Throws gen::error naming --budget.
std::size_t parse_bytes(const std::string& text);

// "file" -> records::file, anything else (CLI11 checked it) -> records::line.
records parse_records(const std::string& s);

// The file name of a path, without its directories.
std::string base_name(const std::string& path);

// A model file of the wrong family for a command: a clear error instead of
// "corrupt model file" (an unknown or missing format is left to the reader).
void require_family(const std::string& path, const char* format, const char* why);

// The arguments for CLI11 (which takes them in reverse order); "--opt=" with
// an empty value is split into "--opt" "" so that the parser does not take
// the next argument as its value.
std::vector<std::string> split_empty_assignments(int argc, char** argv);

// Throws gen::error when the folder of an output prefix does not exist:
// checked before long work (training), not after it.
void require_output_folder(const std::string& output);

// The training curve as a PNG through gnuplot (a warning, no plot, without
// it): `series` is gnuplot's plot arguments after the file name; the second
// axis is labelled y2_label (range 0..1 when unit_y2).
void plot_curve(const std::string& csv, const std::string& png, const std::string& y2_label, bool unit_y2,
                const std::string& series);

}  // namespace tinylm::gen
