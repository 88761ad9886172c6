// A destination being written: bytes go to DST.ferry-part and reach DST only through commit() (fsync, rename,
// fsync of the directory). Destroying an uncommitted staged_file removes the part file, so a failed transfer
// leaves nothing behind.
#pragma once

#include "ferry/error.hpp"

#include <cstdint>
#include <span>
#include <string>

namespace ferry::transfer {

class staged_file {
 public:
  // Checks that the destination's directory exists and is writable before any network traffic.
  static result<staged_file> create(const std::string& destination);
  staged_file(staged_file&& other) noexcept;
  staged_file& operator=(staged_file&&) = delete;
  ~staged_file();

  result<void> preallocate(std::uint64_t size);  // best effort: filesystems without fallocate are fine
  result<void> write_at(std::uint64_t offset, std::span<const std::byte> bytes);  // pwrite, thread-safe
  result<void> commit();                         // fsync + rename over the destination + fsync directory
  void abort() noexcept;                         // remove the part file

  int fd() const noexcept { return fd_; }
  const std::string& part_path() const noexcept { return part_path_; }
  const std::string& destination() const noexcept { return destination_; }

 private:
  staged_file(int fd, std::string destination, std::string part_path)
      : fd_(fd), destination_(std::move(destination)), part_path_(std::move(part_path)) {}
  int fd_ = -1;
  std::string destination_, part_path_;
  bool done_ = false;
};

}  // namespace ferry::transfer
