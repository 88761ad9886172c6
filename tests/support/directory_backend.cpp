// --root DIR: keys are files under DIR. Reads use pread on a descriptor opened once per request (a
// snapshot: a replace renames a new inode over the name), writes go to a temp file renamed on commit.
#include "tests/support/object_backend.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <utility>

namespace ferry::testd {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view temp_marker = ".testd-tmp-";

std::string hex(std::uint64_t v) {
  char b[17];
  std::snprintf(b, sizeof b, "%llx", static_cast<unsigned long long>(v));
  return b;
}

object_info info_from_stat(const struct stat& st) {
  object_info i;
  i.size = static_cast<std::uint64_t>(st.st_size);
  const std::uint64_t ns = static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1000000000ull +
                           static_cast<std::uint64_t>(st.st_mtim.tv_nsec);
  // Strong ETag from size, mtime and inode: a rename-replace always changes the inode.
  i.etag = "\"" + hex(i.size) + "-" + hex(ns) + "-" + hex(static_cast<std::uint64_t>(st.st_ino)) + "\"";
  i.mtime = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(ns)));
  return i;
}

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

class fd_guard {
 public:
  explicit fd_guard(int fd = -1) : fd_(fd) {}
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  ~fd_guard() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

class file_reader final : public object_reader {
 public:
  file_reader(int fd, object_info info) : fd_(fd), info_(std::move(info)) {}
  const object_info& info() const override { return info_; }
  std::size_t read(std::uint64_t offset, std::span<char> out) override {
    std::size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::pread(fd_.get(), out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_errno("pread");
      }
      if (n == 0) break;
      done += static_cast<std::size_t>(n);
    }
    return done;
  }

 private:
  fd_guard fd_;
  object_info info_;
};

void write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw_errno("write");
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

class directory_backend;

class file_writer final : public object_writer {
 public:
  file_writer(directory_backend& owner, fs::path target, fs::path temp, int fd)
      : owner_(owner), target_(std::move(target)), temp_(std::move(temp)), fd_(fd) {}
  ~file_writer() override {
    if (!committed_) ::unlink(temp_.c_str());
  }
  void write(std::span<const char> data) override { write_all(fd_.get(), data.data(), data.size()); }
  std::optional<object_info> commit(const precondition& check) override;

 private:
  directory_backend& owner_;
  fs::path target_, temp_;
  fd_guard fd_;
  bool committed_ = false;
};

class directory_backend final : public object_backend {
 public:
  explicit directory_backend(std::string root) : root_(fs::absolute(root)) { fs::create_directories(root_); }

  std::shared_ptr<object_reader> open(std::string_view key) override {
    const fs::path p = path_of(key);
    fd_guard fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return nullptr;
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
    return std::make_shared<file_reader>(fd.release(), info_from_stat(st));
  }

  std::optional<object_info> stat(std::string_view key) override { return stat_path(path_of(key)); }

  std::unique_ptr<object_writer> create(std::string_view key, std::string, std::map<std::string, std::string>) override {
    const fs::path p = path_of(key);
    fs::create_directories(p.parent_path());
    fs::path temp = p.parent_path() / (std::string(temp_marker) + std::to_string(::getpid()) + "-" +
                                       std::to_string(counter_++) + "-" + p.filename().string());
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) throw_errno("open " + temp.string());
    return std::make_unique<file_writer>(*this, p, std::move(temp), fd);
  }

  bool remove(std::string_view key) override {
    const fs::path p = path_of(key);
    std::lock_guard lock(mutex_);
    auto st = stat_path(p);
    return st && ::unlink(p.c_str()) == 0;
  }

  std::vector<std::pair<std::string, object_info>> list(std::string_view prefix) override {
    std::vector<std::pair<std::string, object_info>> out;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root_, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      std::string key = fs::relative(it->path(), root_).generic_string();
      if (it->path().filename().string().starts_with(temp_marker) || !key.starts_with(prefix)) continue;
      if (auto st = stat_path(it->path())) out.emplace_back(std::move(key), std::move(*st));
    }
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.first < b.first; });
    return out;
  }

  bool replace_content(std::string_view key) override {
    auto reader = open(key);
    if (!reader) return false;
    auto writer = create(key, {}, {});
    std::vector<char> buf(1 << 20);
    for (std::uint64_t off = 0; off < reader->info().size;) {
      std::size_t n = reader->read(off, buf);
      if (n == 0) break;
      for (std::size_t i = 0; i < n; ++i) buf[i] = static_cast<char>(buf[i] + 0x5B);  // new bytes, same size
      writer->write({buf.data(), n});
      off += n;
    }
    return writer->commit([](const auto&) { return true; }).has_value();
  }

  std::mutex& mutex() { return mutex_; }

  static std::optional<object_info> stat_path(const fs::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    return info_from_stat(st);
  }

 private:
  fs::path path_of(std::string_view key) const {
    check_key(key);
    return root_ / fs::path(std::string(key));
  }

  fs::path root_;
  std::mutex mutex_;  // makes precondition check + rename atomic
  std::atomic<std::uint64_t> counter_{0};
};

std::optional<object_info> file_writer::commit(const precondition& check) {
  // No fsync: a test server needs atomic visibility, not durability, and fsync would skew upload benchmarks.
  std::lock_guard lock(owner_.mutex());
  if (!check(directory_backend::stat_path(target_))) return std::nullopt;
  if (::rename(temp_.c_str(), target_.c_str()) != 0) throw_errno("rename");
  committed_ = true;
  struct stat st {};
  if (::fstat(fd_.get(), &st) != 0) throw_errno("fstat");
  return info_from_stat(st);
}

}  // namespace

void check_key(std::string_view key) {
  if (key.empty()) throw invalid_key("empty key");
  if (key.front() == '/') throw invalid_key("absolute key");
  if (key.find('\0') != std::string_view::npos) throw invalid_key("NUL in key");
  std::size_t start = 0;
  while (start <= key.size()) {
    std::size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view seg = key.substr(start, end - start);
    if (seg == "." || seg == "..") throw invalid_key("dot segment in key");
    if (seg.empty() && end != key.size()) throw invalid_key("empty segment in key");
    start = end + 1;
  }
  if (key.back() == '/') throw invalid_key("key ends with /");
}

std::unique_ptr<object_backend> make_directory_backend(std::string root) {
  return std::make_unique<directory_backend>(std::move(root));
}

}  // namespace ferry::testd
