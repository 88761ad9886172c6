#include "transfer/staged_file.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry::transfer {
namespace {

failure errno_failure(const std::string& what) {
  return make_failure(boost::system::error_code(errno, boost::system::system_category()), what);
}

std::string parent_directory(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

result<staged_file> staged_file::create(const std::string& destination) {
  if (destination.empty()) return failure(error::invalid_argument, "empty destination path");
  struct stat st {};
  if (::stat(destination.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    return failure(error::invalid_argument, "destination '" + destination + "' is a directory");
  std::string dir = parent_directory(destination);
  if (::stat(dir.c_str(), &st) != 0) return errno_failure("destination directory '" + dir + "'");
  if (!S_ISDIR(st.st_mode)) return failure(error::invalid_argument, "'" + dir + "' is not a directory");
  std::string part = destination + ".ferry-part";
  // O_TRUNC: a part file left by a killed run without a journal holds nothing we can trust.
  int fd = ::open(part.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno_failure("cannot create '" + part + "'");
  return staged_file(fd, destination, std::move(part));
}

staged_file::staged_file(staged_file&& other) noexcept
    : fd_(other.fd_), destination_(std::move(other.destination_)), part_path_(std::move(other.part_path_)),
      done_(other.done_) {
  other.fd_ = -1;
  other.done_ = true;
}

staged_file::~staged_file() { abort(); }

result<void> staged_file::preallocate(std::uint64_t size) {
  if (size == 0) return {};
  int rc = ::posix_fallocate(fd_, 0, static_cast<off_t>(size));
  if (rc == ENOSPC) {
    errno = rc;
    return errno_failure("not enough disk space for " + std::to_string(size) + " bytes at '" + part_path_ + "'");
  }
  return {};  // EOPNOTSUPP and friends: the writes will allocate as they go
}

result<void> staged_file::write_at(std::uint64_t offset, std::span<const std::byte> bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::pwrite(fd_, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_failure("writing '" + part_path_ + "'");
    bytes = bytes.subspan(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
  return {};
}

result<void> staged_file::commit() {
  if (::fsync(fd_) != 0) return errno_failure("flushing '" + part_path_ + "'");
  if (::close(fd_) != 0) {
    fd_ = -1;
    return errno_failure("closing '" + part_path_ + "'");
  }
  fd_ = -1;
  if (::rename(part_path_.c_str(), destination_.c_str()) != 0)
    return errno_failure("renaming '" + part_path_ + "' to '" + destination_ + "'");
  done_ = true;
  // The rename is durable only once the directory entry is.
  int dir = ::open(parent_directory(destination_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

void staged_file::abort() noexcept {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!done_ && !part_path_.empty()) ::unlink(part_path_.c_str());
  done_ = true;
}

}  // namespace ferry::transfer
