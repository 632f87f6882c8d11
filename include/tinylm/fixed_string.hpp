// tinylm/fixed_string.hpp - a heap-free, constexpr byte string of bounded
// capacity: what generation returns, so that a reply can be compared in a
// static_assert. Bytes are stored as char; any value 0-255 may appear.
#pragma once

#include <cstddef>
#include <string_view>

namespace tinylm {

template <std::size_t Capacity>
class fixed_string {
 public:
  static constexpr std::size_t capacity = Capacity;

  constexpr fixed_string() noexcept = default;

  // Appends c; returns false (and changes nothing) when full.
  constexpr bool push_back(char c) noexcept {
    if (size_ == Capacity) return false;
    data_[size_++] = c;
    data_[size_] = '\0';
    return true;
  }

  constexpr std::size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr bool full() const noexcept { return size_ == Capacity; }
  constexpr const char* data() const noexcept { return data_; }
  constexpr const char* c_str() const noexcept { return data_; }
  constexpr char operator[](std::size_t i) const noexcept { return data_[i]; }
  constexpr std::string_view view() const noexcept { return {data_, size_}; }
  constexpr operator std::string_view() const noexcept { return view(); }
  constexpr const char* begin() const noexcept { return data_; }
  constexpr const char* end() const noexcept { return data_ + size_; }

  friend constexpr bool operator==(const fixed_string& a, std::string_view b) noexcept {
    return a.view() == b;
  }
  template <std::size_t M>
  friend constexpr bool operator==(const fixed_string& a, const fixed_string<M>& b) noexcept {
    return a.view() == b.view();
  }

 private:
  char data_[Capacity + 1] = {};
  std::size_t size_ = 0;
};

}  // namespace tinylm
