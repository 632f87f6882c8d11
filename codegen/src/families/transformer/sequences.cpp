// The training sequences of chat pairs and text lines, and the scores of the
// integer model (families/transformer/trainer.hpp).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "families/transformer/trainer.hpp"

namespace tinylm::gen {

namespace tf = tinylm::transformer;

// ---- sequences ----------------------------------------------------------------------
std::vector<token_sequence> chat_sequences(const bpe_tables& t, const transformer_shape& s,
                                           const std::vector<chat_pair>& pairs) {
  tf::model_view v = shape_view(s, t.vocab_size());
  v.tokenizer = t.view();
  v.chat = true;
  std::vector<token_sequence> out;
  for (const chat_pair& p : pairs) {
    // END, the prompt's last prompt_room() tokens, SEP: the library's own start.
    std::uint8_t start[tf::max_context] = {};
    std::vector<std::uint8_t> seq(start, start + tf::start_tokens(v, p.prompt, start));
    const std::size_t first_target = seq.size() - 1;  // the position of SEP predicts the reply's first token
    const std::vector<std::uint8_t> reply = encode(t, p.reply);
    seq.insert(seq.end(), reply.begin(), reply.end());
    seq.push_back(tinylm::bpe::end_token);
    token_sequence ts;
    const std::size_t n = std::min(seq.size() - 1, s.context);
    ts.input.assign(seq.begin(), seq.begin() + static_cast<std::ptrdiff_t>(n));
    ts.target.assign(n, -1);
    for (std::size_t i = first_target; i < n; ++i) ts.target[i] = seq[i + 1];
    out.push_back(std::move(ts));
  }
  return out;
}

std::vector<token_sequence> text_sequences(const bpe_tables& t, const transformer_shape& s,
                                           const std::vector<std::string>& lines) {
  std::vector<token_sequence> out;
  for (const std::string& line : lines) {
    std::vector<std::uint8_t> seq = {tinylm::bpe::end_token};
    const std::vector<std::uint8_t> body = encode(t, line);
    seq.insert(seq.end(), body.begin(), body.end());
    seq.push_back(tinylm::bpe::end_token);
    // Windows of the context, each starting with END as every sequence of the
    // integer model does: END predicts seq[start], then seq[k] predicts seq[k+1].
    for (std::size_t start = 1; start < seq.size();) {
      token_sequence ts;
      ts.input.push_back(tinylm::bpe::end_token);
      ts.target.push_back(seq[start]);
      for (std::size_t k = start; k + 1 < seq.size() && ts.input.size() < s.context; ++k) {
        ts.input.push_back(seq[k]);
        ts.target.push_back(seq[k + 1]);
      }
      start += ts.input.size();
      out.push_back(std::move(ts));
    }
  }
  return out;
}

// ---- scoring the integer model ----------------------------------------------------
double transformer_chat_accuracy(const transformer_tables& m, const std::vector<chat_pair>& pairs) {
  if (pairs.empty()) return 0;
  const tf::model_view v = m.view();
  transformer_workspace ws(v);
  const tf::buffers b = ws.refs();
  std::size_t ok = 0;
  for (const chat_pair& p : pairs) ok += tf::generate<256>(v, b, p.prompt, m.default_seed, 255).view() == p.reply;
  return static_cast<double>(ok) / static_cast<double>(pairs.size());
}

double transformer_bits_per_byte(const transformer_tables& m, const std::vector<std::string>& lines) {
  const tf::model_view v = m.view();
  transformer_workspace ws(v);
  const tf::buffers b = ws.refs();
  transformer_shape s = m.shape;
  double bits = 0;
  std::size_t bytes = 0;
  for (const token_sequence& seq : text_sequences(m.tokenizer, s, lines)) {
    for (std::size_t i = 0; i < seq.input.size(); ++i) {
      tf::step(v, b, seq.input[i], i);
      if (seq.target[i] < 0) continue;
      double mx = -1e300, sum = 0;
      for (std::size_t k = 0; k < v.vocab; ++k) mx = std::max(mx, b.logits[k] / 256.0);
      for (std::size_t k = 0; k < v.vocab; ++k) sum += std::exp(b.logits[k] / 256.0 - mx);
      bits += (std::log(sum) - (b.logits[static_cast<std::size_t>(seq.target[i])] / 256.0 - mx)) / std::log(2.0);
    }
  }
  for (const std::string& line : lines) bytes += line.size() + 1;
  return bytes == 0 ? 0 : bits / static_cast<double>(bytes);
}

double float_chat_accuracy(float_transformer& net, const bpe_tables& t, const std::vector<chat_pair>& pairs) {
  if (pairs.empty()) return 0;
  tf::model_view v = shape_view(net.shape, t.vocab_size());
  v.tokenizer = t.view();
  std::size_t ok = 0;
  std::vector<float> logits;
  for (const chat_pair& p : pairs) {
    std::uint8_t start[tf::max_context] = {};
    token_sequence seq;
    seq.input.assign(start, start + tf::start_tokens(v, p.prompt, start));
    std::string out;
    for (;;) {
      seq.target.assign(seq.input.size(), -1);
      transformer_loss(net, seq, nullptr, false, &logits);
      const auto k = static_cast<std::size_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
      if (k == tinylm::bpe::end_token || k == tinylm::bpe::sep_token) break;
      fixed_string<256> bytes;
      tinylm::bpe::append_token(t.view(), static_cast<std::uint8_t>(k), bytes);
      out.append(bytes.data(), bytes.size());
      if (seq.input.size() == net.shape.context || out.size() > 255) break;
      seq.input.push_back(static_cast<std::uint8_t>(k));
    }
    ok += out == p.reply;
  }
  return static_cast<double>(ok) / static_cast<double>(pairs.size());
}

double float_bits_per_byte(float_transformer& net, const bpe_tables& t, const std::vector<std::string>& lines) {
  double nats = 0;
  std::size_t bytes = 0;
  for (const token_sequence& seq : text_sequences(t, net.shape, lines)) {
    std::size_t count = 0;
    for (int target : seq.target) count += target >= 0;
    nats += transformer_loss(net, seq, nullptr, false) * static_cast<double>(count);
  }
  for (const std::string& line : lines) bytes += line.size() + 1;
  return bytes == 0 ? 0 : nats / std::log(2.0) / static_cast<double>(bytes);
}

}  // namespace tinylm::gen
