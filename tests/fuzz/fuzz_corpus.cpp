// libFuzzer target: the corpus readers on arbitrary bytes: plain text by line
// and as one record, the chat form (`prompt | REPLY`) with its alphabet, and
// what the trainers build first from a chat corpus (the reply set).
// Seeds: tests/fuzz/seeds/corpus.
#include <cstddef>
#include <cstdint>

#include "common/error.hpp"
#include "corpus/chat.hpp"
#include "corpus/corpus.hpp"
#include "corpus/reply_set.hpp"
#include "fuzz_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tinylm::gen;
  const std::string& path = tinylm_fuzz::input_file(data, size, ".txt");
  for (const records mode : {records::line, records::file}) {
    try {
      (void)read_corpus(path, mode, 0);
    } catch (const error&) {
    }
  }
  try {
    (void)read_corpus(path, records::line, '\n');
  } catch (const error&) {
  }
  try {
    const std::vector<chat_pair> pairs = read_chat_corpus(path);
    const std::string alphabet = derive_alphabet(pairs);
    check_alphabet(pairs, alphabet, path);
    std::vector<std::vector<std::uint8_t>> replies;
    for (const chat_pair& p : pairs) replies.emplace_back(p.reply.begin(), p.reply.end());
    (void)make_reply_set(std::move(replies), 0);
  } catch (const error&) {
  }
  return 0;
}
