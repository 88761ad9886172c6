#include "transfer/ordered_hasher.hpp"

#include <fcntl.h>

namespace ferry::transfer {

ordered_hasher::ordered_hasher(int fd, std::uint64_t size, std::uint64_t part_size, bool xxh3,
                               const std::optional<declared_digest>& declared)
    : fd_(fd), size_(size), part_size_(part_size), parts_(size == 0 ? 0 : (size + part_size - 1) / part_size),
      digests_(xxh3, declared), done_(parts_, false), thread_([this] { run(); }) {}

ordered_hasher::~ordered_hasher() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ordered_hasher::part_done(std::uint64_t index) {
  {
    std::lock_guard lock(mutex_);
    if (index < done_.size()) done_[index] = true;
  }
  cv_.notify_all();
}

void ordered_hasher::run() {
  for (;;) {
    std::uint64_t part;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stop_ || frontier_ >= parts_ || done_[frontier_]; });
      if (frontier_ >= parts_ || (stop_ && !done_[frontier_])) return;
      part = frontier_;
    }
    std::uint64_t offset = part * part_size_;
    std::uint64_t length = std::min(part_size_, size_ - offset);
    // Start writing this part to disk now rather than all at once in the final fsync.
    ::sync_file_range(fd_, static_cast<off_t>(offset), static_cast<off_t>(length), SYNC_FILE_RANGE_WRITE);
    auto r = digest_range(fd_, offset, length, digests_);
    std::lock_guard lock(mutex_);
    if (!r) {
      failed_ = r.error();
      frontier_ = parts_;
    } else {
      ++frontier_;
    }
    cv_.notify_all();
  }
}

result<file_digests> ordered_hasher::finish() {
  {
    std::unique_lock lock(mutex_);
    for (std::uint64_t i = frontier_; i < parts_; ++i)
      if (!done_[i]) return failure(error::io_error, "internal: hashing finished before every part was written");
    cv_.wait(lock, [&] { return frontier_ >= parts_; });
  }
  if (thread_.joinable()) thread_.join();
  if (failed_) return *failed_;
  return digests_.finish();
}

}  // namespace ferry::transfer
