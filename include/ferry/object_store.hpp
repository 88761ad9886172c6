// One interface over S3, GCS, Azure Blob, a local directory and memory. Providers build requests and parse
// responses; they do not schedule (the transfer engine decides parts, concurrency and retries of whole steps).
// Every operation is a coroutine on the caller's executor returning result<T>; none throws.
//
// Conventions shared by every provider:
// - Keys are the object names as the service stores them (no percent-encoding); providers validate them.
// - ETags are opaque strings, compared exactly as stat()/put() returned them (S3's keep their quotes).
// - version: S3 versionId, GCS generation, Azure versionId/snapshot; empty when the store has none.
// - remove() of a missing key succeeds (S3 cannot tell the difference, so no caller may rely on it).
// - get_range(offset, length): offset > size is range_not_satisfiable; offset == size delivers nothing;
//   length is clipped at the end of the object (whole_object reads to the end).
#pragma once

#include "ferry/byte_range.hpp"
#include "ferry/checksum.hpp"
#include "ferry/error.hpp"
#include "ferry/http.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ferry {

struct object_info {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;
  std::chrono::system_clock::time_point last_modified{};
  std::string version;       // see above; empty when unversioned
  std::string content_type;  // empty when unknown
  // Whole-object checksums the store holds (S3 FULL_OBJECT / x-amz-checksum-*, GCS crc32c/md5, Azure MD5).
  // Composite S3 checksums ("b64-N") are not whole-object digests and are not listed here.
  std::map<checksum_kind, digest> checksums;
  std::map<std::string, std::string> metadata;  // user metadata (x-amz-meta-*, x-goog-meta-*, x-ms-meta-*)
};

// Pins a read or a delete to one state of the object: a changed object fails with precondition_failed
// (or not_found where the service answers so for a pinned version).
struct read_conditions {
  std::string if_match;  // ETag
  std::string version;   // read this version / generation (S3 versionId, GCS generation, Azure versionid)
};

struct put_options {
  // "*": create only (already_exists if something is there; S3/Azure If-None-Match, GCS ifGenerationMatch=0).
  // Any other value is rejected with unsupported.
  std::string if_none_match;
  std::string if_match;  // replace only this ETag, else precondition_failed
  std::string content_type;
  // Digests of the whole body: sent to the service to verify (x-amz-checksum-*, Content-MD5, x-ms-content-crc64,
  // GCS crc32c/md5Hash) and checked by the local and memory stores; a mismatch is checksum_mismatch and
  // stores nothing.
  std::vector<digest> checksums;
  std::map<std::string, std::string> metadata;
};

struct list_request {
  std::string prefix;
  std::string delimiter;   // usually "/" or empty for a flat recursive listing
  std::string page_token;  // from the previous page's next_token; empty for the first page
  std::uint32_t max_keys = 1000;
};

struct list_page {
  std::vector<object_info> objects;          // sorted by key (binary order, as S3)
  std::vector<std::string> common_prefixes;  // each ends with the delimiter
  std::string next_token;                    // empty when this was the last page
};

struct copy_options {
  read_conditions source;  // pin the source
  put_options destination; // conditions and metadata for the new object (empty metadata: copied from the source)
};

// A finished part of a multipart upload. number is 1-based and ascending in complete().
struct part_info {
  std::uint32_t number = 0;
  std::string etag;
  std::uint64_t size = 0;
  std::map<checksum_kind, digest> checksums;
};

struct presign_options {
  std::string method = "GET";
  std::chrono::seconds expires{3600};
};

struct store_limits {
  part_limits parts;                         // for choose_part_size
  std::uint64_t max_single_put = std::uint64_t(5) << 30;  // bigger objects need multipart
  std::uint64_t max_object_size = std::uint64_t(5) << 40;
  std::vector<checksum_kind> checksums;      // kinds the store verifies natively on upload
  bool supports_presign = false;
};

inline constexpr std::uint64_t whole_object = ~std::uint64_t(0);

class object_store {
 public:
  virtual ~object_store() = default;

  // "s3://bucket", "/srv/data", "memory": for messages.
  virtual std::string describe() const = 0;
  virtual store_limits limits() const = 0;

  virtual boost::asio::awaitable<result<object_info>> stat(std::string key, read_conditions cond = {}) = 0;
  // Streams [offset, offset+length) into sink, in order. Returns the object's info (size is the whole object's).
  virtual boost::asio::awaitable<result<object_info>> get_range(std::string key, std::uint64_t offset,
                                                                std::uint64_t length, http::body_sink sink,
                                                                read_conditions cond = {}) = 0;
  // The body must be replayable (rewind) so a provider can retry; its size() should be known.
  virtual boost::asio::awaitable<result<object_info>> put(std::string key, std::shared_ptr<http::body_source> body,
                                                          put_options options = {}) = 0;
  virtual boost::asio::awaitable<result<list_page>> list(list_request request) = 0;
  virtual boost::asio::awaitable<result<void>> remove(std::string key, read_conditions cond = {}) = 0;
  // Server-side copy within this store.
  virtual boost::asio::awaitable<result<object_info>> copy(std::string source_key, std::string destination_key,
                                                           copy_options options = {}) = 0;

  // Multipart: options' conditions apply when the upload completes.
  virtual boost::asio::awaitable<result<std::string>> create_multipart(std::string key, put_options options = {}) = 0;
  virtual boost::asio::awaitable<result<part_info>> upload_part(std::string key, std::string upload_id,
                                                                std::uint32_t part_number,
                                                                std::shared_ptr<http::body_source> body,
                                                                std::vector<digest> checksums = {}) = 0;
  virtual boost::asio::awaitable<result<object_info>> complete_multipart(std::string key, std::string upload_id,
                                                                         std::vector<part_info> parts) = 0;
  virtual boost::asio::awaitable<result<void>> abort_multipart(std::string key, std::string upload_id) = 0;
  virtual boost::asio::awaitable<result<std::vector<part_info>>> list_parts(std::string key,
                                                                            std::string upload_id) = 0;

  // A URL anyone can use until it expires; unsupported where the store has none (local, memory).
  virtual result<std::string> presign(const std::string& key, const presign_options& options) const = 0;
};

}  // namespace ferry
