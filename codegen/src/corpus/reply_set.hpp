// The owning reply set of a chat model (include/tinylm/reply_set.hpp): the
// corpus's distinct replies as symbol sequences, what the trainers attach to
// a model, the model files store and the header writer and the emitters
// print.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <tinylm/reply_set.hpp>

namespace tinylm::gen {

struct reply_set_tables {
  std::vector<std::uint8_t> symbols;    // the replies end to end, each ending with END
  std::vector<std::uint16_t> offsets;   // count + 1 values; empty: no set (unconstrained)

  std::size_t count() const { return offsets.empty() ? 0 : offsets.size() - 1; }
  bool empty() const { return count() == 0; }
  tinylm::reply_set_view view() const;
  // Reply r's symbols without its END.
  std::vector<std::uint8_t> reply(std::size_t r) const;
};

// The set of `replies` (symbol sequences without END; duplicates are
// dropped), sorted as reply_set.hpp requires, each ended by `end`. Throws
// gen::error for a reply that contains `end`, more than max_replies replies
// or more than 65,535 symbols.
reply_set_tables make_reply_set(std::vector<std::vector<std::uint8_t>> replies, std::uint8_t end);

// An owning copy of a view (a generated header's set).
reply_set_tables copy_of(const tinylm::reply_set_view& v);

}  // namespace tinylm::gen
