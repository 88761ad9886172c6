// Where ferry_testd keeps objects: a directory (--root) or memory (--memory). Every protocol dialect
// (plain HTTP today; S3, GCS, Azure later) maps its names to keys here, so they all see one namespace.
// Calls are blocking (pread/write on local files) and thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::testd {

struct object_info {
  std::uint64_t size = 0;
  std::string etag;  // strong, already quoted: "\"...\""
  std::chrono::system_clock::time_point mtime;
  std::string content_type = "application/octet-stream";
  std::map<std::string, std::string> metadata;  // user metadata (memory backend keeps it; files do not)
};

// A consistent snapshot of one object: later replaces or deletes do not change what it reads.
class object_reader {
 public:
  virtual ~object_reader() = default;
  virtual const object_info& info() const = 0;
  // Reads up to out.size() bytes at offset; returns the count (short only at the end).
  virtual std::size_t read(std::uint64_t offset, std::span<char> out) = 0;
};

// A pending PUT. Nothing is visible until commit(); destroying it uncommitted discards it.
class object_writer {
 public:
  virtual ~object_writer() = default;
  virtual void write(std::span<const char> data) = 0;
  // Atomically checks the precondition against the current object (nullopt = absent) and replaces it.
  // Returns nullopt when the precondition refused.
  using precondition = std::function<bool(const std::optional<object_info>& current)>;
  virtual std::optional<object_info> commit(const precondition& check) = 0;
};

// Thrown for keys that are empty, absolute, contain NUL or a "." / ".." segment.
struct invalid_key : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

class object_backend {
 public:
  virtual ~object_backend() = default;
  virtual std::shared_ptr<object_reader> open(std::string_view key) = 0;  // nullptr when absent
  virtual std::optional<object_info> stat(std::string_view key) = 0;
  virtual std::unique_ptr<object_writer> create(std::string_view key, std::string content_type,
                                                std::map<std::string, std::string> metadata) = 0;
  virtual bool remove(std::string_view key) = 0;
  // Keys starting with prefix, sorted, with their info.
  virtual std::vector<std::pair<std::string, object_info>> list(std::string_view prefix) = 0;
  // Fault injection: replaces the object with different bytes of the same size and a new ETag.
  virtual bool replace_content(std::string_view key) = 0;
};

// Throws invalid_key unless key is a safe relative name.
void check_key(std::string_view key);

std::unique_ptr<object_backend> make_directory_backend(std::string root);
std::unique_ptr<object_backend> make_memory_backend();

}  // namespace ferry::testd
