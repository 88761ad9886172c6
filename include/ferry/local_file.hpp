// Local file primitives with errors as values: an RAII descriptor, full pread/pwrite loops (EINTR, short
// transfers), preallocation, fsync, and atomic replacement of a file (temp in the same directory, fsync, rename,
// fsync of the directory) so a reader sees either the old file or the complete new one, never a torn one.
// Every failure names the path.
#pragma once

#include "ferry/error.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ferry::io {

class unique_fd {
 public:
  unique_fd() = default;
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  unique_fd(unique_fd&& o) noexcept : fd_(o.release()) {}
  unique_fd& operator=(unique_fd&& o) noexcept;
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd() { reset(); }

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  int release() noexcept;
  void reset(int fd = -1) noexcept;  // closes the current descriptor (close errors ignored: reads only)

 private:
  int fd_ = -1;
};

// errno (or a given code) as a failure: "<what> '<path>'" plus the OS reason in the cause.
failure errno_failure(int err, std::string_view what, std::string_view path);

result<unique_fd> open_read(const std::string& path);
// O_CREAT|O_EXCL: fails with already_exists when the path exists.
result<unique_fd> create_exclusive(const std::string& path, unsigned mode = 0644);

struct file_info {
  std::uint64_t size = 0;
  std::chrono::system_clock::time_point mtime;
  std::int64_t mtime_ns = 0;  // since the epoch
  std::uint64_t inode = 0, device = 0;
  bool regular = false, directory = false;
};
result<file_info> stat_fd(int fd, std::string_view path_for_errors);
result<file_info> stat_path(const std::string& path);  // follows symlinks

// Reads exactly out.size() bytes at offset; reaching the end of the file first is an io_error ("shorter than").
result<void> pread_all(int fd, std::span<std::byte> out, std::uint64_t offset, std::string_view path_for_errors);
// Reads up to out.size() bytes (fewer only at the end of the file).
result<std::size_t> pread_some(int fd, std::span<std::byte> out, std::uint64_t offset, std::string_view path_for_errors);
result<void> pwrite_all(int fd, std::span<const std::byte> bytes, std::uint64_t offset, std::string_view path_for_errors);

// Reserves size bytes. ENOSPC is an error; filesystems that cannot preallocate are fine (writes allocate).
result<void> preallocate(int fd, std::uint64_t size, std::string_view path_for_errors);
result<void> fsync_fd(int fd, std::string_view path_for_errors);
result<void> fsync_directory(const std::string& directory);

std::string parent_directory(const std::string& path);  // "." for a bare name

// A file being written that reaches its destination only through commit(). The temp file is a unique,
// O_EXCL-created hidden name in the destination's directory (".NAME.ferry-tmp-XXXXXXXXXXXXXXXX"), so concurrent
// writers never share one. Destroying an uncommitted atomic_file removes the temp file.
class atomic_file {
 public:
  enum class replace_mode {
    replace,     // rename over an existing destination
    no_replace,  // fail with already_exists if the destination exists (atomically: renameat2 / link)
  };

  static result<atomic_file> create(const std::string& destination, unsigned mode = 0644);
  atomic_file(atomic_file&& other) noexcept;
  atomic_file& operator=(atomic_file&&) = delete;
  ~atomic_file();

  result<void> write_at(std::uint64_t offset, std::span<const std::byte> bytes);
  // Appends at the running end (for streams).
  result<void> append(std::span<const std::byte> bytes);
  result<void> preallocate(std::uint64_t size);
  // fsync, rename into place, fsync the directory. After a failure the temp file is removed.
  result<void> commit(replace_mode mode = replace_mode::replace);
  void abort() noexcept;

  int fd() const noexcept { return fd_.get(); }
  std::uint64_t appended() const noexcept { return append_offset_; }
  const std::string& temp_path() const noexcept { return temp_path_; }
  const std::string& destination() const noexcept { return destination_; }

 private:
  atomic_file(unique_fd fd, std::string destination, std::string temp_path)
      : fd_(std::move(fd)), destination_(std::move(destination)), temp_path_(std::move(temp_path)) {}
  unique_fd fd_;
  std::string destination_, temp_path_;
  std::uint64_t append_offset_ = 0;
  bool done_ = false;
};

// True for names atomic_file uses for its temp files (stores hide them from listings).
bool is_atomic_temp_name(std::string_view file_name) noexcept;

// Writes bytes to path atomically (atomic_file + commit).
result<void> write_file_atomic(const std::string& path, std::span<const std::byte> bytes,
                               atomic_file::replace_mode mode = atomic_file::replace_mode::replace);

}  // namespace ferry::io
