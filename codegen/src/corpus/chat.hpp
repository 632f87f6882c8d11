// Reading a chat corpus: `prompt | REPLY` pairs, the corpus form of the chat
// model families (hash-MLP, transformer).
//
// One pair a line, `prompt | REPLY` (the first " | " separates them;
// see codegen/corpus/CHAT-CORPORA.md). '\r' before '\n' is dropped, empty
// lines are skipped. Errors (gen::error, naming file and line): a missing or
// empty file, a line without " | ", an empty reply, a reply byte outside
// 0x20..0x7E, a reply character outside the alphabet, fewer than
// min_lines pairs.
// Alphabet: the distinct bytes of the training replies in increasing byte
// order (--alphabet gives it explicitly instead; then every reply must use
// only its characters). A held-out file must use only the alphabet's
// characters in its replies.
//
#pragma once

#include <string>
#include <vector>

namespace tinylm::gen {

struct chat_pair {
  std::string prompt, reply;
};

// Parses `prompt | REPLY` lines; `name` names the source in errors.
std::vector<chat_pair> parse_chat(const std::string& text, const std::string& name);
std::vector<chat_pair> read_chat_corpus(const std::string& path, const char* what = "corpus");

// The distinct reply bytes in increasing order.
std::string derive_alphabet(const std::vector<chat_pair>& pairs);
// Throws gen::error for a reply character outside `alphabet`.
void check_alphabet(const std::vector<chat_pair>& pairs, const std::string& alphabet, const std::string& name);

}  // namespace tinylm::gen
