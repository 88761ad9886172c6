// Whole-file digests computed in one sequential pass (the file is hot in the page cache right after a transfer):
// XXH3-128 always, plus whichever digest a server declared for the object.
#pragma once

#include "ferry/error.hpp"
#include "ferry/checksum.hpp"
#include "ferry/http.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace ferry::transfer {

// A digest the server stated for the whole object, decoded to raw bytes.
struct declared_digest {
  enum class algorithm { md5, sha256, crc32c } algo;
  std::string raw;     // big-endian digest bytes
  std::string source;  // e.g. "x-goog-hash md5", for reports and errors
};

// From response headers that describe the whole object (x-goog-hash, x-ms-blob-content-md5, Repr-Digest; and
// Content-MD5 only on a 200, since on a 206 it describes the range). Malformed values are ignored.
std::optional<declared_digest> find_declared_digest(const http::response& resp);

struct file_digests {
  std::string xxh3_hex;          // XXH3-128, 32 hex digits, canonical (big-endian) form
  std::optional<std::string> declared_actual;  // the declared algorithm over the file, raw bytes
};

// Digests fed in order, piece by piece: XXH3-128 (when asked) and the declared algorithm (when there is one).
class content_digests {
 public:
  content_digests(bool xxh3, const std::optional<declared_digest>& declared);
  void update(const void* data, std::size_t n);
  file_digests finish();

 private:
  std::unique_ptr<hasher> xxh3_, declared_;
};

// Feeds [offset, offset+length) of fd into digests with pread.
result<void> digest_range(int fd, std::uint64_t offset, std::uint64_t length, content_digests& digests);

result<file_digests> digest_file(int fd, std::uint64_t size, const std::optional<declared_digest>& declared);
result<file_digests> digest_path(const std::string& path, const std::optional<declared_digest>& declared);

}  // namespace ferry::transfer
