#include "providers/storage/memory/memory_store.hpp"

#include "ferry/printable.hpp"
#include "providers/storage/checksum_verifier.hpp"
#include "providers/storage/key_validation.hpp"
#include "providers/storage/listing.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <random>

namespace ferry::storage {
namespace {

using bytes_ptr = std::shared_ptr<const std::string>;

struct stored_object {
  bytes_ptr data;
  object_info info;  // key, size, etag, version, ...
};

struct stored_part {
  bytes_ptr data;
  part_info info;
};

struct upload {
  std::string key;
  put_options options;
  std::map<std::uint32_t, stored_part> parts;
};

std::span<const std::byte> as_bytes(const std::string& s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

std::string content_etag(std::string_view bytes) {
  return "\"" + compute_digest(checksum_kind::xxh3, bytes).hex() + "\"";
}

// Reads a whole body, feeding the verifier as it goes.
result<std::string> read_body(http::body_source& body, checksum_verifier& verifier) {
  if (auto r = body.rewind(); !r) return r.error();
  std::string out;
  if (auto n = body.size()) out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(*n, 1u << 30)));
  std::array<std::byte, 64 * 1024> buf;
  for (;;) {
    auto n = body.read(buf);
    if (!n) return n.error();
    if (*n == 0) break;
    verifier.update(std::span(buf.data(), *n));
    out.append(reinterpret_cast<const char*>(buf.data()), *n);
  }
  if (auto declared = body.size(); declared && *declared != out.size())
    return failure(error::io_error, "request body declared " + std::to_string(*declared) + " bytes but gave " +
                                        std::to_string(out.size()));
  return out;
}

failure missing(std::string_view key) { return failure(error::not_found, "no object " + printable(key) + " in memory store"); }

result<void> check_read(const stored_object& obj, const read_conditions& cond) {
  if (!cond.if_match.empty() && cond.if_match != obj.info.etag)
    return failure(error::precondition_failed, "object " + printable(obj.info.key) + " changed: ETag is " +
                                                   obj.info.etag + ", expected " + cond.if_match);
  if (!cond.version.empty() && cond.version != obj.info.version)
    return failure(error::not_found, "version " + printable(cond.version, 40) + " of " + printable(obj.info.key) +
                                         " does not exist (the memory store keeps only the latest)");
  return {};
}

result<void> check_write(const stored_object* existing, std::string_view key, const put_options& options) {
  if (!options.if_none_match.empty() && options.if_none_match != "*")
    return failure(error::unsupported, "if_none_match supports only \"*\"");
  if (options.if_none_match == "*" && existing)
    return failure(error::already_exists, "object " + printable(key) + " already exists");
  if (!options.if_match.empty()) {
    if (!existing)
      return failure(error::precondition_failed, "object " + printable(key) + " does not exist (if_match " +
                                                     options.if_match + ")");
    if (existing->info.etag != options.if_match)
      return failure(error::precondition_failed, "object " + printable(key) + " has ETag " + existing->info.etag +
                                                     ", expected " + options.if_match);
  }
  return {};
}

}  // namespace

struct memory_store::state {
  mutable std::mutex mutex;
  std::map<std::string, stored_object> objects;
  std::map<std::string, upload> uploads;
  fault_hook hook;
  std::uint64_t generation = 0;
  std::mt19937_64 rng{std::random_device{}()};

  result<void> fault(std::string_view op, std::string_view key) {
    fault_hook h;
    {
      std::lock_guard lock(mutex);
      h = hook;
    }
    return h ? h(op, key) : result<void>();
  }

  // Stores data under key with the mutex held; conditions checked atomically with the write.
  result<object_info> store_locked(const std::string& key, bytes_ptr data, const put_options& options,
                                   std::string etag, std::vector<digest> verified) {
    auto it = objects.find(key);
    if (auto c = check_write(it == objects.end() ? nullptr : &it->second, key, options); !c) return c.error();
    stored_object obj;
    obj.info.key = key;
    obj.info.size = data->size();
    obj.info.etag = std::move(etag);
    obj.info.last_modified = std::chrono::system_clock::now();
    obj.info.version = std::to_string(++generation);
    obj.info.content_type = options.content_type;
    obj.info.metadata = options.metadata;
    for (auto& d : verified) obj.info.checksums[d.kind] = d;
    if (!obj.info.checksums.count(checksum_kind::crc64nvme))  // as S3 does by default
      obj.info.checksums[checksum_kind::crc64nvme] = compute_digest(checksum_kind::crc64nvme, as_bytes(*data));
    obj.data = std::move(data);
    object_info info = obj.info;
    objects[key] = std::move(obj);
    return info;
  }
};

memory_store::memory_store(memory_store_options options)
    : state_(std::make_unique<state>()), options_(std::move(options)) {
  if (options_.read_chunk == 0) options_.read_chunk = 256 * 1024;
}

memory_store::~memory_store() = default;

void memory_store::set_fault_hook(fault_hook hook) {
  std::lock_guard lock(state_->mutex);
  state_->hook = std::move(hook);
}

std::size_t memory_store::object_count() const {
  std::lock_guard lock(state_->mutex);
  return state_->objects.size();
}

std::size_t memory_store::upload_count() const {
  std::lock_guard lock(state_->mutex);
  return state_->uploads.size();
}

std::string memory_store::describe() const { return options_.name; }
store_limits memory_store::limits() const { return options_.limits; }

boost::asio::awaitable<result<object_info>> memory_store::stat(std::string key, read_conditions cond) {
  if (auto f = state_->fault("stat", key); !f) co_return f.error();
  if (auto v = validate_key(key, key_profile::object); !v) co_return v.error();
  std::lock_guard lock(state_->mutex);
  auto it = state_->objects.find(key);
  if (it == state_->objects.end()) co_return missing(key);
  if (auto c = check_read(it->second, cond); !c) co_return c.error();
  co_return it->second.info;
}

boost::asio::awaitable<result<object_info>> memory_store::get_range(std::string key, std::uint64_t offset,
                                                                    std::uint64_t length, http::body_sink sink,
                                                                    read_conditions cond) {
  if (auto f = state_->fault("get", key); !f) co_return f.error();
  if (auto v = validate_key(key, key_profile::object); !v) co_return v.error();
  bytes_ptr data;
  object_info info;
  {
    std::lock_guard lock(state_->mutex);
    auto it = state_->objects.find(key);
    if (it == state_->objects.end()) co_return missing(key);
    if (auto c = check_read(it->second, cond); !c) co_return c.error();
    data = it->second.data;
    info = it->second.info;
  }
  if (offset > data->size())
    co_return failure(error::range_not_satisfiable, "offset " + std::to_string(offset) + " is past the end of " +
                                                        printable(key) + " (" + std::to_string(data->size()) + " bytes)");
  std::uint64_t end = data->size() - offset < length ? data->size() : offset + length;
  // The sink runs without the lock: the bytes are immutable and shared.
  for (std::uint64_t pos = offset; pos < end;) {
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(options_.read_chunk, end - pos));
    if (auto r = sink(as_bytes(*data).subspan(static_cast<std::size_t>(pos), n)); !r) co_return r.error();
    pos += n;
  }
  co_return info;
}

boost::asio::awaitable<result<object_info>> memory_store::put(std::string key, std::shared_ptr<http::body_source> body,
                                                              put_options options) {
  if (auto f = state_->fault("put", key); !f) co_return f.error();
  if (auto v = validate_key(key, key_profile::object); !v) co_return v.error();
  if (!body) co_return failure(error::invalid_argument, "put of " + printable(key) + " without a body");
  checksum_verifier verifier(options.checksums, "the body of " + printable(key));
  auto bytes = read_body(*body, verifier);
  if (!bytes) co_return bytes.error();
  auto verified = verifier.verify();
  if (!verified) co_return verified.error();
  if (bytes->size() > options_.limits.max_single_put)
    co_return failure(error::quota_exceeded, "a single put of " + std::to_string(bytes->size()) +
                                                 " bytes exceeds the store's limit; use multipart");
  std::string etag = content_etag(*bytes);
  auto data = std::make_shared<const std::string>(std::move(*bytes));
  std::lock_guard lock(state_->mutex);
  co_return state_->store_locked(key, std::move(data), options, std::move(etag), std::move(*verified));
}

boost::asio::awaitable<result<list_page>> memory_store::list(list_request request) {
  if (auto f = state_->fault("list", request.prefix); !f) co_return f.error();
  std::vector<object_info> infos;
  {
    std::lock_guard lock(state_->mutex);
    auto it = state_->objects.lower_bound(request.prefix);
    for (; it != state_->objects.end() && it->first.starts_with(request.prefix); ++it) infos.push_back(it->second.info);
  }
  co_return paginate_listing(infos, request);
}

boost::asio::awaitable<result<void>> memory_store::remove(std::string key, read_conditions cond) {
  if (auto f = state_->fault("remove", key); !f) co_return f.error();
  if (auto v = validate_key(key, key_profile::object); !v) co_return v.error();
  std::lock_guard lock(state_->mutex);
  auto it = state_->objects.find(key);
  if (it == state_->objects.end()) co_return result<void>();
  if (auto c = check_read(it->second, cond); !c) co_return c.error();
  state_->objects.erase(it);
  co_return result<void>();
}

boost::asio::awaitable<result<object_info>> memory_store::copy(std::string source_key, std::string destination_key,
                                                               copy_options options) {
  if (auto f = state_->fault("copy", destination_key); !f) co_return f.error();
  if (auto v = validate_key(source_key, key_profile::object); !v) co_return v.error();
  if (auto v = validate_key(destination_key, key_profile::object); !v) co_return v.error();
  std::lock_guard lock(state_->mutex);
  auto it = state_->objects.find(source_key);
  if (it == state_->objects.end()) co_return missing(source_key);
  if (auto c = check_read(it->second, options.source); !c) co_return c.error();
  const stored_object& src = it->second;
  put_options dst = options.destination;
  if (dst.metadata.empty()) dst.metadata = src.info.metadata;
  if (dst.content_type.empty()) dst.content_type = src.info.content_type;
  std::vector<digest> sums;
  for (auto& [kind, d] : src.info.checksums) sums.push_back(d);
  for (auto& want : dst.checksums) {
    auto have = src.info.checksums.find(want.kind);
    digest actual = have != src.info.checksums.end() ? have->second : compute_digest(want.kind, as_bytes(*src.data));
    if (!(actual == want))
      co_return failure(error::checksum_mismatch, std::string(to_string(want.kind)) + " of " + printable(source_key) +
                                                      " is " + actual.base64() + ", expected " + want.base64());
  }
  co_return state_->store_locked(destination_key, src.data, dst, src.info.etag, std::move(sums));
}

boost::asio::awaitable<result<std::string>> memory_store::create_multipart(std::string key, put_options options) {
  if (auto f = state_->fault("create_multipart", key); !f) co_return f.error();
  if (auto v = validate_key(key, key_profile::object); !v) co_return v.error();
  if (!options.if_none_match.empty() && options.if_none_match != "*")
    co_return failure(error::unsupported, "if_none_match supports only \"*\"");
  std::lock_guard lock(state_->mutex);
  std::string id = to_hex(compute_digest(checksum_kind::xxh3, key + std::to_string(state_->rng())).view());
  state_->uploads[id] = upload{key, std::move(options), {}};
  co_return id;
}

boost::asio::awaitable<result<part_info>> memory_store::upload_part(std::string key, std::string upload_id,
                                                                    std::uint32_t part_number,
                                                                    std::shared_ptr<http::body_source> body,
                                                                    std::vector<digest> checksums) {
  if (auto f = state_->fault("upload_part", key); !f) co_return f.error();
  if (part_number == 0 || part_number > options_.limits.parts.max_parts)
    co_return failure(error::invalid_argument, "part number " + std::to_string(part_number) + " is outside 1.." +
                                                   std::to_string(options_.limits.parts.max_parts));
  if (!body) co_return failure(error::invalid_argument, "upload_part without a body");
  checksum_verifier verifier(checksums, "part " + std::to_string(part_number) + " of " + printable(key));
  auto bytes = read_body(*body, verifier);
  if (!bytes) co_return bytes.error();
  auto verified = verifier.verify();
  if (!verified) co_return verified.error();
  if (bytes->size() > options_.limits.parts.max_part)
    co_return failure(error::invalid_argument, "part " + std::to_string(part_number) + " is larger than the maximum part size");
  stored_part part;
  part.info.number = part_number;
  part.info.size = bytes->size();
  part.info.etag = content_etag(*bytes);
  for (auto& d : *verified) part.info.checksums[d.kind] = d;
  part.data = std::make_shared<const std::string>(std::move(*bytes));
  std::lock_guard lock(state_->mutex);
  auto it = state_->uploads.find(upload_id);
  if (it == state_->uploads.end() || it->second.key != key)
    co_return failure(error::not_found, "no multipart upload " + printable(upload_id, 64) + " for " + printable(key));
  part_info info = part.info;
  it->second.parts[part_number] = std::move(part);  // a re-sent part replaces the earlier one, as in S3
  co_return info;
}

boost::asio::awaitable<result<object_info>> memory_store::complete_multipart(std::string key, std::string upload_id,
                                                                             std::vector<part_info> parts) {
  if (auto f = state_->fault("complete_multipart", key); !f) co_return f.error();
  std::lock_guard lock(state_->mutex);
  auto it = state_->uploads.find(upload_id);
  if (it == state_->uploads.end() || it->second.key != key)
    co_return failure(error::not_found, "no multipart upload " + printable(upload_id, 64) + " for " + printable(key));
  upload& up = it->second;
  if (parts.empty()) co_return failure(error::invalid_argument, "complete_multipart of " + printable(key) + " with no parts");
  auto data = std::make_shared<std::string>();
  std::string etags;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& want = parts[i];
    if (i > 0 && want.number <= parts[i - 1].number)
      co_return failure(error::invalid_argument, "parts must be listed in ascending order without repeats");
    auto p = up.parts.find(want.number);
    if (p == up.parts.end())
      co_return failure(error::invalid_argument, "part " + std::to_string(want.number) + " was never uploaded");
    if (p->second.info.etag != want.etag)
      co_return failure(error::invalid_argument, "part " + std::to_string(want.number) + " has ETag " +
                                                     p->second.info.etag + ", not " + want.etag);
    if (i + 1 < parts.size() && p->second.info.size < options_.limits.parts.min_part)
      co_return failure(error::invalid_argument, "part " + std::to_string(want.number) + " is smaller than the minimum part size");
    data->append(*p->second.data);
    etags += p->second.info.etag;
  }
  checksum_verifier verifier(up.options.checksums, "the completed object " + printable(key));
  verifier.update(as_bytes(*data));
  auto verified = verifier.verify();
  if (!verified) co_return verified.error();
  std::string etag = "\"" + compute_digest(checksum_kind::xxh3, etags).hex() + "-" + std::to_string(parts.size()) + "\"";
  auto stored = state_->store_locked(key, std::move(data), up.options, std::move(etag), std::move(*verified));
  if (stored) state_->uploads.erase(it);
  co_return stored;
}

boost::asio::awaitable<result<void>> memory_store::abort_multipart(std::string key, std::string upload_id) {
  if (auto f = state_->fault("abort_multipart", key); !f) co_return f.error();
  std::lock_guard lock(state_->mutex);
  auto it = state_->uploads.find(upload_id);
  if (it == state_->uploads.end() || it->second.key != key)
    co_return failure(error::not_found, "no multipart upload " + printable(upload_id, 64) + " for " + printable(key));
  state_->uploads.erase(it);
  co_return result<void>();
}

boost::asio::awaitable<result<std::vector<part_info>>> memory_store::list_parts(std::string key, std::string upload_id) {
  if (auto f = state_->fault("list_parts", key); !f) co_return f.error();
  std::lock_guard lock(state_->mutex);
  auto it = state_->uploads.find(upload_id);
  if (it == state_->uploads.end() || it->second.key != key)
    co_return failure(error::not_found, "no multipart upload " + printable(upload_id, 64) + " for " + printable(key));
  std::vector<part_info> out;
  for (auto& [n, p] : it->second.parts) out.push_back(p.info);
  co_return out;
}

result<std::string> memory_store::presign(const std::string&, const presign_options&) const {
  return failure(error::unsupported, "the memory store has no URLs to presign");
}

}  // namespace ferry::storage
