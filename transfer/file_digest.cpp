#include "transfer/file_digest.hpp"

#include "signing/encoding.hpp"


#include <cerrno>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

namespace ferry::transfer {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<declared_digest> decode(declared_digest::algorithm algo, std::string_view b64, std::string source,
                                      std::size_t expected_size) {
  auto raw = signing::base64_decode(trim(b64));
  if (!raw || raw->size() != expected_size) return std::nullopt;
  return declared_digest{algo, std::move(*raw), std::move(source)};
}

}  // namespace

std::optional<declared_digest> find_declared_digest(const http::response& resp) {
  using algo = declared_digest::algorithm;
  if (auto v = resp.headers.find("repr-digest")) {
    // RFC 9530: sha-256=:BASE64:, possibly among other algorithms.
    std::string_view s = *v;
    if (auto at = s.find("sha-256=:"); at != std::string_view::npos) {
      auto start = at + 9;
      auto end = s.find(':', start);
      if (end != std::string_view::npos)
        if (auto d = decode(algo::sha256, s.substr(start, end - start), "Repr-Digest sha-256", 32)) return d;
    }
  }
  if (auto v = resp.headers.find("x-goog-hash")) {
    std::string_view s = *v;
    if (auto at = s.find("md5="); at != std::string_view::npos) {
      auto start = at + 4;
      auto end = s.find(',', start);
      if (auto d = decode(algo::md5, s.substr(start, end == std::string_view::npos ? end : end - start),
                          "x-goog-hash md5", 16))
        return d;
    }
  }
  if (auto v = resp.headers.find("x-ms-blob-content-md5"))
    if (auto d = decode(algo::md5, *v, "x-ms-blob-content-md5", 16)) return d;
  if (resp.status == 200)
    if (auto v = resp.headers.find("content-md5"))
      if (auto d = decode(algo::md5, *v, "Content-MD5", 16)) return d;
  return std::nullopt;
}

content_digests::content_digests(bool xxh3, const std::optional<declared_digest>& declared) {
  if (xxh3) xxh3_ = make_hasher(checksum_kind::xxh3);
  if (declared && declared->algo != declared_digest::algorithm::crc32c)
    declared_ = make_hasher(declared->algo == declared_digest::algorithm::md5 ? checksum_kind::md5 : checksum_kind::sha256);
}

void content_digests::update(const void* data, std::size_t n) {
  std::span<const std::byte> bytes(static_cast<const std::byte*>(data), n);
  if (xxh3_) xxh3_->update(bytes);
  if (declared_) declared_->update(bytes);
}

file_digests content_digests::finish() {
  file_digests out;
  if (xxh3_) out.xxh3_hex = xxh3_->finish().hex();
  if (declared_) {
    auto d = declared_->finish();
    out.declared_actual = std::string(reinterpret_cast<const char*>(d.view().data()), d.view().size());
  }
  return out;
}

result<void> digest_range(int fd, std::uint64_t offset, std::uint64_t length, content_digests& digests) {
  thread_local std::vector<char> buf(4 << 20);
  std::uint64_t end = offset + length;
  while (offset < end) {
    ssize_t n = ::pread(fd, buf.data(), static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), end - offset)),
                        static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_failure(boost::system::error_code(errno, boost::system::system_category()), "reading back");
    if (n == 0) return failure(error::io_error, "file shorter than expected while hashing");
    digests.update(buf.data(), static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
  return {};
}

result<file_digests> digest_file(int fd, std::uint64_t size, const std::optional<declared_digest>& declared) {
  content_digests digests(true, declared);
  if (auto r = digest_range(fd, 0, size, digests); !r) return r.error();
  return digests.finish();
}

result<file_digests> digest_path(const std::string& path, const std::optional<declared_digest>& declared) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_failure(boost::system::error_code(errno, boost::system::system_category()), "open " + path);
  off_t size = ::lseek(fd, 0, SEEK_END);
  auto r = digest_file(fd, static_cast<std::uint64_t>(size), declared);
  ::close(fd);
  return r;
}

}  // namespace ferry::transfer
