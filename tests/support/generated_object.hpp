// Objects under /_gen/<size>?seed=N: bytes from generated_content.hpp, never stored. The replace
// fault bumps an epoch per (size, seed); the content served is then generated_fill(size, seed + epoch).
#pragma once

#include "tests/support/object_backend.hpp"

#include <map>
#include <mutex>
#include <utility>

namespace ferry::testd {

class generated_objects {
 public:
  std::shared_ptr<object_reader> open(std::uint64_t size, std::uint64_t seed);
  void replace(std::uint64_t size, std::uint64_t seed);

 private:
  std::mutex mutex_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::uint64_t> epochs_;
};

}  // namespace ferry::testd
