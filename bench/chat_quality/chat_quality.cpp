// tinylm-chat-quality: exact-reply accuracy of a chat model on prompt sets,
// beside the simple baselines, with a paired comparison.
//
//   tinylm-chat-quality --model tinychat|guess|FILE.safetensors [--free] --train CORPUS
//                       NAME=SET.txt [NAME=SET.txt ...]
//
// --free decodes without the model's reply set (tinylm/reply_set.hpp), to
// show what the set does to accuracy.
//
// For every set (a `prompt | REPLY` file) it prints one markdown row:
//   model       exact replies of the model (argmax: hashmlp::generate or
//               transformer::generate)
//   1-NN        the reply of the training line whose prompt shares the most
//               character trigrams with the prompt (Jaccard overlap of the
//               sets of trigrams of the lowercased prompts, a space added at
//               each end; ties: the first line)
//   majority    the most frequent training reply, always
//   paired      prompts the model got and 1-NN missed / 1-NN got and the
//               model missed
//   invalid     model replies that are no reply of the training corpus
// The model is a bundled one (compiled in) or a hash-MLP or transformer
// model file.
#include <tinylm/zoo/guess.hpp>
#include <tinylm/zoo/tinychat.hpp>

#include <fmt/core.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "corpus/chat.hpp"
#include "formats/hashmlp_file.hpp"
#include "formats/safetensors.hpp"
#include "formats/transformer_file.hpp"

namespace gen = tinylm::gen;

namespace {

std::set<std::string> trigrams(const std::string& s) {
  std::string t = " ";
  for (char c : s) t += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  t += ' ';
  std::set<std::string> out;
  for (std::size_t i = 0; i + 3 <= t.size(); ++i) out.insert(t.substr(i, 3));
  return out;
}

double jaccard(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::size_t both = 0;
  for (const auto& x : a) both += b.count(x);
  const std::size_t either = a.size() + b.size() - both;
  return either == 0 ? 0.0 : static_cast<double>(both) / static_cast<double>(either);
}

}  // namespace

int main(int argc, char** argv) {
  std::string model_arg, train_path;
  bool free = false;
  std::vector<std::pair<std::string, std::string>> sets;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--model" && i + 1 < argc) model_arg = argv[++i];
    else if (a == "--train" && i + 1 < argc) train_path = argv[++i];
    else if (a == "--free") free = true;
    else if (a.find('=') != std::string::npos) sets.emplace_back(a.substr(0, a.find('=')), a.substr(a.find('=') + 1));
    else {
      std::fprintf(stderr,
                   "usage: tinylm-chat-quality --model tinychat|guess|FILE.safetensors [--free] --train CORPUS NAME=SET...\n");
      return 2;
    }
  }
  if (model_arg.empty() || train_path.empty() || sets.empty()) {
    std::fprintf(stderr, "tinylm-chat-quality: --model, --train and at least one NAME=SET are required\n");
    return 2;
  }
  try {
    std::function<std::string(const std::string&)> reply_of;
    const auto hashmlp_reply = [free](tinylm::hashmlp::model_view m, std::uint32_t seed) {
      if (free) m.replies = {};
      return [m, seed](const std::string& prompt) {
        const auto out = tinylm::hashmlp::generate<256>(m, prompt, seed, 128);
        return std::string(out.data(), out.size());
      };
    };
    if (model_arg == "tinychat") {
      reply_of = hashmlp_reply(tinylm::hashmlp::view_of<tinylm::zoo::tinychat>(), 1);
    } else if (model_arg == "guess") {
      reply_of = hashmlp_reply(tinylm::hashmlp::view_of<tinylm::zoo::guess>(), 1);
    } else if (gen::model_file_format(model_arg) == gen::transformer_format) {
      auto m = std::make_shared<gen::transformer_tables>(gen::read_transformer_file(model_arg));
      auto ws = std::make_shared<gen::transformer_workspace>(m->view());
      if (free) m->replies = {};
      reply_of = [m, ws](const std::string& prompt) {
        const auto out = tinylm::transformer::generate<256>(m->view(), ws->refs(), prompt, m->default_seed, 128);
        return std::string(out.data(), out.size());
      };
    } else {
      auto m = std::make_shared<gen::hashmlp_tables>(gen::read_hashmlp_file(model_arg));
      if (free) m->replies = {};
      reply_of = [m](const std::string& prompt) {
        const auto out = tinylm::hashmlp::generate<256>(m->view(), prompt, m->default_seed, 128);
        return std::string(out.data(), out.size());
      };
    }
    const auto train = gen::read_chat_corpus(train_path);
    std::map<std::string, std::size_t> counts;
    std::set<std::string> replies;
    std::vector<std::set<std::string>> train_grams;
    for (const auto& p : train) {
      ++counts[p.reply];
      replies.insert(p.reply);
      train_grams.push_back(trigrams(p.prompt));
    }
    std::string majority;
    for (const auto& [r, n] : counts)
      if (majority.empty() || n > counts[majority]) majority = r;

    fmt::print("| set | prompts | model | 1-NN | majority ({}) | model only / 1-NN only | invalid replies |\n", majority);
    fmt::print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    std::size_t all_n = 0, all_m = 0, all_nn = 0, all_maj = 0, all_mo = 0, all_no = 0, all_bad = 0;
    for (const auto& [name, path] : sets) {
      const auto test = gen::read_chat_corpus(path, "set");
      std::size_t m_ok = 0, nn_ok = 0, maj_ok = 0, m_only = 0, nn_only = 0, bad = 0;
      for (const auto& p : test) {
        const std::string reply = reply_of(p.prompt);
        const auto g = trigrams(p.prompt);
        std::size_t best = 0;
        double best_j = -1;
        for (std::size_t i = 0; i < train.size(); ++i) {
          const double j = jaccard(g, train_grams[i]);
          if (j > best_j) best_j = j, best = i;
        }
        const bool m = reply == p.reply, nn = train[best].reply == p.reply;
        m_ok += m;
        nn_ok += nn;
        maj_ok += majority == p.reply;
        m_only += m && !nn;
        nn_only += nn && !m;
        bad += replies.count(reply) == 0;
      }
      const auto pct = [&](std::size_t k) { return fmt::format("{:.1f} %", 100.0 * static_cast<double>(k) / static_cast<double>(test.size())); };
      fmt::print("| {} | {} | {} | {} | {} | {} / {} | {} |\n", name, test.size(), pct(m_ok), pct(nn_ok), pct(maj_ok),
                 m_only, nn_only, bad);
      all_n += test.size(), all_m += m_ok, all_nn += nn_ok, all_maj += maj_ok, all_mo += m_only, all_no += nn_only,
          all_bad += bad;
    }
    if (sets.size() > 1) {
      const auto pct = [&](std::size_t k) { return fmt::format("{:.1f} %", 100.0 * static_cast<double>(k) / static_cast<double>(all_n)); };
      fmt::print("| all sets | {} | {} | {} | {} | {} / {} | {} |\n", all_n, pct(all_m), pct(all_nn), pct(all_maj), all_mo,
                 all_no, all_bad);
    }
  } catch (const gen::error& e) {
    std::fprintf(stderr, "tinylm-chat-quality: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
