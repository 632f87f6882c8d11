// A chat model's reply set in its model file: two optional tensors,
// reply_symbols U8 [offsets[R]] and reply_offsets U32 [R + 1] (values at most
// 65,535). A file without them has no set (unconstrained decoding); a file
// with one of them only is corrupt. The family's reader validates the set
// against the model (tinylm::validate_replies, through validate_shape).
#pragma once

#include "corpus/reply_set.hpp"
#include "formats/safetensors.hpp"

namespace tinylm::gen {

void add_reply_set(safetensors_writer& w, const reply_set_tables& s);
// Throws gen::error (corrupt model file) for a malformed pair of tensors.
reply_set_tables read_reply_set(const safetensors_reader& file);

}  // namespace tinylm::gen
