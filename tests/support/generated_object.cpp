#include "tests/support/generated_object.hpp"

#include "tests/support/generated_content.hpp"

#include <cstdio>

namespace ferry::testd {
namespace {

class generated_reader final : public object_reader {
 public:
  generated_reader(std::uint64_t size, std::uint64_t seed) : seed_(seed) {
    info_.size = size;
    char b[64];
    std::snprintf(b, sizeof b, "\"g%llx-%llx\"", static_cast<unsigned long long>(size),
                  static_cast<unsigned long long>(seed));
    info_.etag = b;
    // Fixed, so ETag and Last-Modified agree across server restarts; a replace moves it on.
    info_.mtime = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000 + (seed % 1000000)));
  }
  const object_info& info() const override { return info_; }
  std::size_t read(std::uint64_t offset, std::span<char> out) override {
    if (offset >= info_.size) return 0;
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), info_.size - offset));
    generated_fill(info_.size, seed_, offset, out.data(), n);
    return n;
  }

 private:
  std::uint64_t seed_;
  object_info info_;
};

}  // namespace

std::shared_ptr<object_reader> generated_objects::open(std::uint64_t size, std::uint64_t seed) {
  std::uint64_t epoch = 0;
  {
    std::lock_guard lock(mutex_);
    if (auto it = epochs_.find({size, seed}); it != epochs_.end()) epoch = it->second;
  }
  return std::make_shared<generated_reader>(size, seed + epoch);
}

void generated_objects::replace(std::uint64_t size, std::uint64_t seed) {
  std::lock_guard lock(mutex_);
  ++epochs_[{size, seed}];
}

}  // namespace ferry::testd
