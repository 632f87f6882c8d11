// model_edit: makes damaged copies of a model file (safetensors: an 8-byte
// little-endian header length, a JSON header, the tensor data) for the CLI
// tests, which check that tinylm-gen rejects each one with a clear message.
//
//   model_edit IN OUT OP [ARGS...]
//
//   truncate N            keep the first N bytes
//   truncate header/2     cut in the middle of the JSON header
//   truncate data/2       cut in the middle of the tensor data
//   length N              write N (decimal, up to 2^64-1) as the header length
//   length end+K          header length = file size - 8 + K (K may be negative)
//   header TEXT           replace the JSON header by TEXT (length updated)
//   set POINTER JSON      set the JSON value at a JSON pointer (/keys/shape/0)
//   set-string POINTER S  the same with a string value
//   add POINTER K         add the integer K to the number at POINTER
//   remove POINTER        remove the value at POINTER
//   fill TENSOR BYTE      overwrite every byte of a tensor's data with BYTE
//   poke-u32 TENSOR I V   set element I of a U32 tensor (I < 0: from the end)
//                         to V, or with V = last+K to its last element + K
//
// After a JSON edit the header is padded with spaces to a multiple of 8 bytes,
// as tinylm-gen writes it. Exit status 0, or 2 with a message on stderr.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using json = nlohmann::json;
using bytes = std::vector<unsigned char>;

struct model_file {
  std::uint64_t header_length = 0;
  std::string header;
  bytes data;
};

bytes read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_all(const std::string& path, const bytes& b) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

model_file split(const bytes& file) {
  if (file.size() < 8) throw std::runtime_error("the input is not a model file (under 8 bytes)");
  model_file m;
  for (int i = 7; i >= 0; --i) m.header_length = (m.header_length << 8) | file[static_cast<std::size_t>(i)];
  if (m.header_length > file.size() - 8) throw std::runtime_error("the input's header length runs past its end");
  const auto h = static_cast<std::ptrdiff_t>(m.header_length);
  m.header.assign(file.begin() + 8, file.begin() + 8 + h);
  m.data.assign(file.begin() + 8 + h, file.end());
  return m;
}

bytes join(std::uint64_t header_length, const std::string& header, const bytes& data) {
  bytes out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<unsigned char>(header_length >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

bytes with_json(const json& header, const bytes& data) {
  std::string text = header.dump();
  while (text.size() % 8 != 0) text.push_back(' ');
  return join(text.size(), text, data);
}

std::uint64_t parse_u64(const std::string& s) {
  std::size_t used = 0;
  const unsigned long long v = std::stoull(s, &used, 0);
  if (used != s.size()) throw std::runtime_error("not a number: " + s);
  return v;
}

long long parse_i64(const std::string& s) {
  std::size_t used = 0;
  const long long v = std::stoll(s, &used, 0);
  if (used != s.size()) throw std::runtime_error("not a number: " + s);
  return v;
}

int run(int argc, char** argv) {
  if (argc < 4) throw std::runtime_error("usage: model_edit IN OUT OP [ARGS...] (see the source)");
  const std::string in = argv[1], out = argv[2], op = argv[3];
  std::vector<std::string> args(argv + 4, argv + argc);
  auto need = [&](std::size_t n) {
    if (args.size() != n) throw std::runtime_error(op + " takes " + std::to_string(n) + " argument(s)");
  };
  const bytes file = read_all(in);
  const model_file m = split(file);

  if (op == "truncate") {
    need(1);
    std::size_t n = 0;
    if (args[0] == "header/2") n = 8 + m.header.size() / 2;
    else if (args[0] == "data/2") n = 8 + m.header.size() + m.data.size() / 2;
    else n = static_cast<std::size_t>(parse_u64(args[0]));
    if (n >= file.size()) throw std::runtime_error("truncate: the file has only " + std::to_string(file.size()) + " bytes");
    write_all(out, bytes(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(n)));
  } else if (op == "length") {
    need(1);
    std::uint64_t n = 0;
    if (args[0].rfind("end", 0) == 0) {
      const long long k = args[0].size() > 3 ? parse_i64(args[0].substr(3)) : 0;
      n = static_cast<std::uint64_t>(static_cast<long long>(file.size() - 8) + k);
    } else {
      n = parse_u64(args[0]);
    }
    write_all(out, join(n, m.header, m.data));
  } else if (op == "header") {
    need(1);
    write_all(out, join(args[0].size(), args[0], m.data));
  } else if (op == "fill") {
    need(2);
    const json header = json::parse(m.header);
    const json& t = header.at(args[0]);
    const std::size_t begin = t.at("data_offsets").at(0).get<std::size_t>();
    const std::size_t end = t.at("data_offsets").at(1).get<std::size_t>();
    if (begin > end || end > m.data.size()) throw std::runtime_error("fill: the tensor's range is not in the file");
    bytes data = m.data;
    for (std::size_t i = begin; i < end; ++i) data[i] = static_cast<unsigned char>(parse_u64(args[1]));
    write_all(out, join(m.header_length, m.header, data));
  } else if (op == "poke-u32") {
    need(3);
    const json header = json::parse(m.header);
    const json& t = header.at(args[0]);
    const std::size_t begin = t.at("data_offsets").at(0).get<std::size_t>();
    const std::size_t end = t.at("data_offsets").at(1).get<std::size_t>();
    const std::size_t count = (end - begin) / 4;
    if (begin > end || end > m.data.size() || count == 0)
      throw std::runtime_error("poke-u32: the tensor's range is not in the file");
    bytes data = m.data;
    auto get = [&](std::size_t i) {
      std::uint32_t v = 0;
      for (int b = 3; b >= 0; --b) v = (v << 8) | data[begin + 4 * i + static_cast<std::size_t>(b)];
      return v;
    };
    const long long index = parse_i64(args[1]);
    const std::size_t i = static_cast<std::size_t>(index < 0 ? static_cast<long long>(count) + index : index);
    if (i >= count) throw std::runtime_error("poke-u32: index out of range");
    std::uint32_t v = 0;
    if (args[2].rfind("last", 0) == 0) {
      v = static_cast<std::uint32_t>(get(count - 1) + (args[2].size() > 4 ? parse_i64(args[2].substr(4)) : 0));
    } else {
      v = static_cast<std::uint32_t>(parse_u64(args[2]));
    }
    for (int b = 0; b < 4; ++b) data[begin + 4 * i + static_cast<std::size_t>(b)] = static_cast<unsigned char>(v >> (8 * b));
    write_all(out, join(m.header_length, m.header, data));
  } else {
    json header = json::parse(m.header);
    if (op == "set") {
      need(2);
      header[json::json_pointer(args[0])] = json::parse(args[1]);
    } else if (op == "set-string") {
      need(2);
      header[json::json_pointer(args[0])] = args[1];
    } else if (op == "add") {
      need(2);
      const json::json_pointer p(args[0]);
      header[p] = header.at(p).get<long long>() + parse_i64(args[1]);
    } else if (op == "remove") {
      need(1);
      const json::json_pointer p(args[0]);
      header.at(p.parent_pointer()).erase(p.back());
    } else {
      throw std::runtime_error("unknown operation '" + op + "'");
    }
    write_all(out, with_json(header, m.data));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "model_edit: %s\n", e.what());
    return 2;
  }
}
