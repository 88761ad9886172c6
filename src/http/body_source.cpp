// Replayable request bodies: an owned string, or a slice of an open file read with pread.
#include "ferry/http.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace ferry::http {
namespace {

class string_body final : public body_source {
 public:
  explicit string_body(std::string bytes) : bytes_(std::move(bytes)) {}
  std::optional<std::uint64_t> size() const override { return bytes_.size(); }
  result<void> rewind() override {
    pos_ = 0;
    return {};
  }
  result<std::size_t> read(std::span<std::byte> out) override {
    std::size_t n = std::min(out.size(), bytes_.size() - pos_);
    std::memcpy(out.data(), bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string bytes_;
  std::size_t pos_ = 0;
};

class file_body final : public body_source {
 public:
  file_body(int fd, std::uint64_t offset, std::uint64_t length) : fd_(fd), offset_(offset), length_(length) {}
  std::optional<std::uint64_t> size() const override { return length_; }
  result<void> rewind() override {
    pos_ = 0;
    return {};
  }
  result<std::size_t> read(std::span<std::byte> out) override {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), length_ - pos_));
    if (want == 0) return std::size_t{0};
    for (;;) {
      ssize_t n = ::pread(fd_, out.data(), want, static_cast<off_t>(offset_ + pos_));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0)
        return make_failure(boost::system::error_code(errno, boost::system::system_category()),
                            "reading the request body from a file");
      if (n == 0) return failure(error::io_error, "file shrank while it was being sent");
      pos_ += static_cast<std::uint64_t>(n);
      return static_cast<std::size_t>(n);
    }
  }

 private:
  int fd_;
  std::uint64_t offset_, length_, pos_ = 0;
};

}  // namespace

std::shared_ptr<body_source> body_from_string(std::string bytes) {
  return std::make_shared<string_body>(std::move(bytes));
}

std::shared_ptr<body_source> body_from_file(int fd, std::uint64_t offset, std::uint64_t length) {
  return std::make_shared<file_body>(fd, offset, length);
}

}  // namespace ferry::http
