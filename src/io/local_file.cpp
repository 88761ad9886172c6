#include "ferry/local_file.hpp"

#include "ferry/printable.hpp"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry::io {
namespace {

std::string random_hex16() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), static_cast<unsigned>(::getpid()),
                      static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count())};
    return std::mt19937_64(seq);
  }());
  static constexpr char digits[] = "0123456789abcdef";
  std::uint64_t v = rng();
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[i] = digits[v & 15];
  return out;
}

constexpr std::string_view temp_marker = ".ferry-tmp-";

file_info to_info(const struct stat& st) {
  file_info info;
  info.size = static_cast<std::uint64_t>(st.st_size);
  info.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  info.mtime = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(info.mtime_ns)));
  info.inode = static_cast<std::uint64_t>(st.st_ino);
  info.device = static_cast<std::uint64_t>(st.st_dev);
  info.regular = S_ISREG(st.st_mode);
  info.directory = S_ISDIR(st.st_mode);
  return info;
}

// Atomic create-only rename: renameat2(RENAME_NOREPLACE), or link+unlink where the filesystem lacks it.
int rename_noreplace(const char* from, const char* to) {
#ifdef RENAME_NOREPLACE
  if (::renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) return -1;
#endif
  if (::link(from, to) != 0) return -1;
  ::unlink(from);
  return 0;
}

}  // namespace

unique_fd& unique_fd::operator=(unique_fd&& o) noexcept {
  if (this != &o) reset(o.release());
  return *this;
}

int unique_fd::release() noexcept {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

void unique_fd::reset(int fd) noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

failure errno_failure(int err, std::string_view what, std::string_view path) {
  return make_failure(boost::system::error_code(err, boost::system::system_category()),
                      std::string(what) + " " + printable(path, 400));
}

result<unique_fd> open_read(const std::string& path) {
  int fd;
  do fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return errno_failure(errno, "cannot open", path);
  unique_fd out(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return errno_failure(errno, "cannot stat", path);
  if (S_ISDIR(st.st_mode)) return failure(error::invalid_argument, printable(path, 400) + " is a directory");
  return out;
}

result<unique_fd> create_exclusive(const std::string& path, unsigned mode) {
  int fd;
  do fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return errno_failure(errno, "cannot create", path);
  return unique_fd(fd);
}

result<file_info> stat_fd(int fd, std::string_view path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return errno_failure(errno, "cannot stat", path);
  return to_info(st);
}

result<file_info> stat_path(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return errno_failure(errno, "cannot stat", path);
  return to_info(st);
}

result<std::size_t> pread_some(int fd, std::span<std::byte> out, std::uint64_t offset, std::string_view path) {
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_failure(errno, "cannot read", path);
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

result<void> pread_all(int fd, std::span<std::byte> out, std::uint64_t offset, std::string_view path) {
  auto n = pread_some(fd, out, offset, path);
  if (!n) return n.error();
  if (*n != out.size())
    return failure(error::io_error, printable(path, 400) + " is shorter than expected: wanted " +
                                        std::to_string(out.size()) + " bytes at offset " + std::to_string(offset) +
                                        ", got " + std::to_string(*n));
  return {};
}

result<void> pwrite_all(int fd, std::span<const std::byte> bytes, std::uint64_t offset, std::string_view path) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_failure(errno, "cannot write", path);
    if (n == 0) return errno_failure(EIO, "wrote nothing to", path);
    done += static_cast<std::size_t>(n);
  }
  return {};
}

result<void> preallocate(int fd, std::uint64_t size, std::string_view path) {
  if (size == 0) return {};
  int rc;
  do rc = ::posix_fallocate(fd, 0, static_cast<off_t>(size));
  while (rc == EINTR);
  if (rc == ENOSPC || rc == EFBIG || rc == EBADF || rc == EIO)
    return errno_failure(rc, "cannot reserve " + std::to_string(size) + " bytes for", path);
  return {};  // EOPNOTSUPP, EINVAL on some filesystems: writes will allocate as they go
}

result<void> fsync_fd(int fd, std::string_view path) {
  int rc;
  do rc = ::fsync(fd);
  while (rc != 0 && errno == EINTR);
  if (rc != 0) return errno_failure(errno, "cannot flush", path);
  return {};
}

result<void> fsync_directory(const std::string& directory) {
  int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_failure(errno, "cannot open directory", directory);
  unique_fd guard(fd);
  int rc;
  do rc = ::fsync(fd);
  while (rc != 0 && errno == EINTR);
  // Some filesystems refuse fsync on directories (EINVAL): the rename is as durable as they make it.
  if (rc != 0 && errno != EINVAL && errno != EROFS) return errno_failure(errno, "cannot flush directory", directory);
  return {};
}

std::string parent_directory(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

bool is_atomic_temp_name(std::string_view name) noexcept {
  if (!name.starts_with('.') || name.size() < temp_marker.size() + 17) return false;
  std::string_view tail = name.substr(name.size() - 16 - temp_marker.size());
  if (!tail.starts_with(temp_marker)) return false;
  for (char c : tail.substr(temp_marker.size()))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

result<atomic_file> atomic_file::create(const std::string& destination, unsigned mode) {
  if (destination.empty() || destination.back() == '/')
    return failure(error::invalid_argument, "destination " + printable(destination) + " is not a file name");
  std::string dir = parent_directory(destination);
  std::string name = destination.substr(destination.find_last_of('/') + 1);
  if (name.size() > 100) name.resize(100);  // keep the temp name under NAME_MAX (255)
  for (int attempt = 0;; ++attempt) {
    std::string temp = dir + "/." + name + std::string(temp_marker) + random_hex16();
    auto fd = create_exclusive(temp, mode);
    if (fd) return atomic_file(std::move(*fd), destination, std::move(temp));
    if (fd.error().kind != error::already_exists || attempt == 8) return fd.error();
  }
}

atomic_file::atomic_file(atomic_file&& other) noexcept
    : fd_(std::move(other.fd_)), destination_(std::move(other.destination_)),
      temp_path_(std::move(other.temp_path_)), append_offset_(other.append_offset_), done_(other.done_) {
  other.done_ = true;
}

atomic_file::~atomic_file() { abort(); }

result<void> atomic_file::write_at(std::uint64_t offset, std::span<const std::byte> bytes) {
  return pwrite_all(fd_.get(), bytes, offset, temp_path_);
}

result<void> atomic_file::append(std::span<const std::byte> bytes) {
  auto r = pwrite_all(fd_.get(), bytes, append_offset_, temp_path_);
  if (r) append_offset_ += bytes.size();
  return r;
}

result<void> atomic_file::preallocate(std::uint64_t size) { return io::preallocate(fd_.get(), size, temp_path_); }

result<void> atomic_file::commit(replace_mode mode) {
  if (done_) return failure(error::invalid_argument, "atomic file for " + printable(destination_) + " already finished");
  auto fail = [this](failure f) {
    abort();
    return f;
  };
  if (auto r = fsync_fd(fd_.get(), temp_path_); !r) return fail(r.error());
  fd_.reset();
  int rc = mode == replace_mode::replace ? ::rename(temp_path_.c_str(), destination_.c_str())
                                         : rename_noreplace(temp_path_.c_str(), destination_.c_str());
  if (rc != 0) {
    int err = errno;
    if (err == EEXIST)
      return fail(failure(error::already_exists, printable(destination_, 400) + " already exists",
                          boost::system::error_code(err, boost::system::system_category())));
    return fail(errno_failure(err, "cannot rename into place", destination_));
  }
  done_ = true;
  return fsync_directory(parent_directory(destination_));
}

void atomic_file::abort() noexcept {
  if (done_) return;
  done_ = true;
  fd_.reset();
  ::unlink(temp_path_.c_str());
}

result<void> write_file_atomic(const std::string& path, std::span<const std::byte> bytes,
                               atomic_file::replace_mode mode) {
  auto file = atomic_file::create(path);
  if (!file) return file.error();
  if (auto r = file->append(bytes); !r) return r.error();
  return file->commit(mode);
}

}  // namespace ferry::io
