#include "common/progress.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <cstdio>

namespace tinylm::gen {

progress::progress(bool enabled) : enabled_(enabled), tty_(isatty(STDERR_FILENO) != 0) {}

void progress::begin(std::string stage) {
  stage_ = std::move(stage);
  last_percent_ = -1;
  start_ = std::chrono::steady_clock::now();
  if (enabled_) {
    fmt::print(stderr, "tinylm-gen: {} ...", stage_);
    if (!tty_) fmt::print(stderr, "\n");
    std::fflush(stderr);
  }
}

void progress::update(std::size_t done, std::size_t total) {
  if (!enabled_ || !tty_ || total == 0) return;
  const int percent = static_cast<int>(done * 100 / total);
  if (percent == last_percent_) return;
  last_percent_ = percent;
  fmt::print(stderr, "\rtinylm-gen: {} ... {:3d}%", stage_, percent);
  std::fflush(stderr);
}

void progress::end(const std::string& detail) {
  if (!enabled_) return;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (tty_) fmt::print(stderr, "\rtinylm-gen: {} ... ", stage_);
  else fmt::print(stderr, "tinylm-gen: {} ... ", stage_);
  fmt::print(stderr, "done ({:.1f} s){}{}\n", seconds, detail.empty() ? "" : ", ", detail);
  std::fflush(stderr);
}

}  // namespace tinylm::gen
