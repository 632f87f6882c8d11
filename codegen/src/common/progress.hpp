// Progress lines on stderr for long work: "tinylm-gen: <stage> ... done (1.2 s)".
// On a terminal a stage may also update a percentage in place.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace tinylm::gen {

class progress {
 public:
  explicit progress(bool enabled);
  void begin(std::string stage);
  void update(std::size_t done, std::size_t total);  // cheap; redraws at most every 1%
  void end(const std::string& detail = {});

 private:
  bool enabled_;
  bool tty_;
  std::string stage_;
  int last_percent_ = -1;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace tinylm::gen
