// Building an n-gram model from a corpus: counting, interpolated modified
// Kneser-Ney, quantisation to 1/256 weights, and pruning to a byte budget.
// Floating point is used here, at build time only; the model it produces is
// integer tables whose meaning is defined by include/tinylm/ngram.hpp.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <tinylm/ngram.hpp>

#include "corpus/corpus.hpp"
#include "common/progress.hpp"

namespace tinylm::gen {

// An owning n-gram model: the tables of tinylm::ngram::model_view.
struct ngram_tables {
  int order = 0;
  std::uint8_t end_byte = 0;
  std::uint32_t default_seed = 1;
  std::vector<std::uint32_t> node_count;   // order values
  std::vector<std::uint8_t> keys;
  std::vector<std::uint32_t> first_entry;  // total nodes + 1
  std::vector<std::uint8_t> entry_byte;
  std::vector<std::uint8_t> entry_weight;
  std::map<std::string, std::string> metadata;

  tinylm::ngram::model_view view() const;
};

struct ngram_options {
  int order = 6;
  std::size_t budget = 0;  // bytes of storage_bytes(); 0 = no pruning
  std::uint32_t seed = 1;  // the model's default sampling seed
  std::uint8_t end_byte = 0;
};

// Throws gen::error when the options are out of range or the budget cannot
// hold even the smallest model (the empty context alone).
ngram_tables build_ngram(const corpus& text, const ngram_options& options, progress& log);

// Bits per byte of `text` under the model (each record's end byte counts as
// one predicted byte, standing for the newline it replaced).
struct eval_result {
  double bits = 0;
  std::size_t predicted = 0;
  double bits_per_char() const { return predicted == 0 ? 0 : bits / static_cast<double>(predicted); }
};
eval_result evaluate(const tinylm::ngram::model_view& model, const corpus& text);

}  // namespace tinylm::gen
