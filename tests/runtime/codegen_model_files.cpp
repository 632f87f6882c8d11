// The model-file readers of the three families (codegen/src/formats) on
// damaged files, exhaustively for small models: every truncation of each
// family's file is refused with "corrupt model file '<path>'", every file is
// refused by the other families' readers, and every single-byte change either
// reads as a model that passes its family's validation and answers a prompt,
// or is refused with that message (never another exception, never a crash).
// The files are the fuzz seeds (tests/fuzz/seeds/model_file: a tiny model of
// each family, written by the generator); tests/fuzz runs the same readers
// on random damage.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <unistd.h>
#include <vector>

#include "common/error.hpp"
#include "formats/hashmlp_file.hpp"
#include "formats/ngram_file.hpp"
#include "formats/transformer_file.hpp"
#include "families/transformer/model.hpp"
#include "tinylm/hashmlp.hpp"
#include "tinylm/ngram.hpp"
#include "tinylm/transformer.hpp"

namespace gen = tinylm::gen;
namespace fs = std::filesystem;

namespace {

using bytes = std::string;

bytes read_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  REQUIRE(f.good());
  return bytes(std::istreambuf_iterator<char>(f), {});
}

void write_bytes(const fs::path& p, const bytes& b) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(b.data(), static_cast<std::streamsize>(b.size()));
  REQUIRE(f.good());
}

// Reads the file as one family and, when it reads, answers one prompt (a
// model that passed the reader's validation must run without a fault).
struct family {
  const char* name;
  const char* seed_file;
  std::function<void(const std::string&)> read_and_answer;
};

const std::vector<family>& families() {
  static const std::vector<family> f = {
      {"n-gram", "ngram.safetensors",
       [](const std::string& p) {
         const gen::ngram_tables m = gen::read_model_file(p);
         (void)tinylm::ngram::generate<16>(m.view(), "hello", 1, 16);
       }},
      {"hash-MLP", "hashmlp.safetensors",
       [](const std::string& p) {
         const gen::hashmlp_tables m = gen::read_hashmlp_file(p);
         (void)tinylm::hashmlp::generate<16>(m.view(), "hello", 1, 16, 0, 0);
       }},
      {"transformer", "transformer.safetensors",
       [](const std::string& p) {
         const gen::transformer_tables m = gen::read_transformer_file(p);
         gen::transformer_workspace ws(m.view());
         (void)tinylm::transformer::generate<16>(m.view(), ws.refs(), "hello", 1, 16, 0, 0);
       }},
  };
  return f;
}

const fs::path seed_dir = fs::path(TINYLM_SOURCE_DIR) / "tests/fuzz/seeds/model_file";

struct scratch {
  fs::path dir = fs::temp_directory_path() / ("tinylm-model-files-" + std::to_string(::getpid()));
  scratch() { fs::create_directories(dir); }
  ~scratch() { fs::remove_all(dir); }
};

// "" when `read` refuses the file with the clear message, else what happened.
std::string refusal_problem(const family& f, const std::string& path) {
  try {
    f.read_and_answer(path);
    return "it was read as a model";
  } catch (const gen::error& e) {
    const std::string want = "corrupt model file '" + path + "'";
    if (std::string(e.what()).find(want) == std::string::npos) return std::string("unclear error: ") + e.what();
    return "";
  } catch (const std::exception& e) {
    return std::string("not a gen::error: ") + e.what();
  }
}

}  // namespace

TEST_CASE("the model-file seeds read as their own family", "[model_file]") {
  for (const family& f : families()) {
    INFO(f.name);
    CHECK_NOTHROW(f.read_and_answer((seed_dir / f.seed_file).string()));
  }
}

TEST_CASE("every truncation of a model file of each family is refused with a clear error", "[model_file]") {
  const scratch s;
  const std::string path = (s.dir / "cut.safetensors").string();
  for (const family& f : families()) {
    const bytes whole = read_bytes(seed_dir / f.seed_file);
    REQUIRE(whole.size() > 100);
    std::size_t refused = 0;
    for (std::size_t n = 0; n < whole.size(); ++n) {
      write_bytes(path, whole.substr(0, n));
      const std::string problem = refusal_problem(f, path);
      INFO(f.name << " cut to " << n << " of " << whole.size() << " bytes: " << problem);
      REQUIRE(problem.empty());
      ++refused;
    }
    CHECK(refused == whole.size());
  }
}

TEST_CASE("each family's reader refuses the other families' files", "[model_file]") {
  for (const family& reader : families())
    for (const family& file : families()) {
      if (reader.seed_file == file.seed_file) continue;
      const std::string path = (seed_dir / file.seed_file).string();
      INFO(reader.name << " reader on the " << file.name << " file");
      CHECK(refusal_problem(reader, path).empty());
    }
}

TEST_CASE("every single-byte change of a model file reads as a valid model or is refused clearly", "[model_file]") {
  const scratch s;
  const std::string path = (s.dir / "poked.safetensors").string();
  for (const family& f : families()) {
    const bytes whole = read_bytes(seed_dir / f.seed_file);
    std::size_t read_as_model = 0, refused = 0;
    for (std::size_t i = 0; i < whole.size(); ++i)
      for (const unsigned flip : {0x01u, 0x80u, 0xFFu}) {
        bytes poked = whole;
        poked[i] = static_cast<char>(static_cast<unsigned char>(poked[i]) ^ flip);
        write_bytes(path, poked);
        const std::string problem = refusal_problem(f, path);
        if (problem == "it was read as a model") {
          ++read_as_model;  // a changed weight, bias or seed: still a valid model, and it answered
          continue;
        }
        INFO(f.name << ": byte " << i << " ^ " << flip << ": " << problem);
        REQUIRE(problem.empty());
        ++refused;
      }
    INFO(f.name << ": " << read_as_model << " changed files read as models, " << refused << " refused");
    // Both outcomes occur: the header's damage is refused, the data's
    // (mostly) reads; a reader that accepted or refused everything fails.
    CHECK(read_as_model > 0);
    CHECK(refused > 0);
  }
}

// Files that are well-formed safetensors whose tables do not fit each other
// (written by the generator's own writers from an edited model): the damage
// a single byte cannot make, each refused with its own message.
TEST_CASE("model files whose tables do not fit each other are refused with a clear error", "[model_file]") {
  const scratch s;
  const std::string path = (s.dir / "edited.safetensors").string();
  const auto refused_with = [&](auto write, const family& f, const char* why) {
    write(path);
    INFO(f.name << ": " << why);
    try {
      f.read_and_answer(path);
      FAIL("the edited file was read as a model");
    } catch (const gen::error& e) {
      CHECK_THAT(e.what(), Catch::Contains("corrupt model file '" + path + "'") && Catch::Contains(why));
    }
  };
  const family& ngram = families()[0];
  const family& hashmlp = families()[1];
  const family& transformer = families()[2];

  const gen::ngram_tables n = gen::read_model_file((seed_dir / ngram.seed_file).string());
  const auto ngram_edit = [&](auto edit) {
    return [&, edit](const std::string& p) {
      gen::ngram_tables m = n;
      edit(m);
      gen::write_model_file(p, m);
    };
  };
  refused_with(ngram_edit([](gen::ngram_tables& m) { m.entry_weight.pop_back(); }), ngram,
               "tensor 'entry_weight' has");
  refused_with(ngram_edit([](gen::ngram_tables& m) { m.first_entry.pop_back(); }), ngram, "tensor 'first_entry' has");
  refused_with(ngram_edit([](gen::ngram_tables& m) { m.keys.push_back(1); }), ngram, "tensor 'keys' has");

  const gen::hashmlp_tables h = gen::read_hashmlp_file((seed_dir / hashmlp.seed_file).string());
  const auto hashmlp_edit = [&](auto edit) {
    return [&, edit](const std::string& p) {
      gen::hashmlp_tables m = h;
      edit(m);
      gen::write_hashmlp_file(p, m);
    };
  };
  refused_with(hashmlp_edit([](gen::hashmlp_tables& m) { m.weights.pop_back(); }), hashmlp,
               "the tensors' sizes do not match layer_sizes");
  refused_with(hashmlp_edit([](gen::hashmlp_tables& m) { m.biases.push_back(0); }), hashmlp,
               "the tensors' sizes do not match layer_sizes");
  refused_with(hashmlp_edit([](gen::hashmlp_tables& m) { m.shifts.pop_back(); }), hashmlp,
               "the tensors' sizes do not match layer_sizes");
  refused_with(hashmlp_edit([](gen::hashmlp_tables& m) { m.alphabet.pop_back(); }), hashmlp,
               "the tensors' sizes do not match layer_sizes");
  refused_with(hashmlp_edit([](gen::hashmlp_tables& m) { m.sizes.resize(1); }), hashmlp, "1 layer sizes: 2..");

  const gen::transformer_tables t = gen::read_transformer_file((seed_dir / transformer.seed_file).string());
  const auto transformer_edit = [&](auto edit) {
    return [&, edit](const std::string& p) {
      gen::transformer_tables m = t;
      edit(m);
      gen::write_transformer_file(p, m);
    };
  };
  refused_with(transformer_edit([](gen::transformer_tables& m) { m.tokenizer.merges.push_back(1); }), transformer,
               "merges must hold pairs of tokens");
  refused_with(transformer_edit([](gen::transformer_tables& m) { m.weights.pop_back(); }), transformer,
               "tensor 'weights' has");
  refused_with(transformer_edit([](gen::transformer_tables& m) { m.gains.push_back(1); }), transformer,
               "tensor 'gains' has");
  refused_with(transformer_edit([](gen::transformer_tables& m) { m.tokenizer.base_bytes.clear(); }), transformer,
               "the vocabulary must have 3..256 tokens");
}
