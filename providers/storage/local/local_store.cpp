#include "providers/storage/local/local_store.hpp"

#include "ferry/printable.hpp"
#include "providers/storage/key_validation.hpp"
#include "providers/storage/listing.hpp"
#include "providers/storage/local/local_store_detail.hpp"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace ferry::storage {
namespace fs = std::filesystem;

namespace local_detail {

std::string etag_of(const io::file_info& info) {
  std::array<std::uint64_t, 3> id{info.size, static_cast<std::uint64_t>(info.mtime_ns), info.inode};
  auto d = compute_digest(checksum_kind::xxh3, std::as_bytes(std::span(id)));
  std::string etag(1, '"');  // (built by appends: GCC 12 warns falsely on "\"" + std::string)
  etag.append(to_hex(d.view().first(8)));
  etag.push_back('"');
  return etag;
}

object_info info_of(std::string key, const io::file_info& info) {
  object_info out;
  out.key = std::move(key);
  out.size = info.size;
  out.etag = etag_of(info);
  out.last_modified = info.mtime;
  return out;
}

result<void> make_parents(const std::string& root, const std::string& path, std::string_view key) {
  std::string dir = io::parent_directory(path);
  if (dir.size() <= root.size()) return {};
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    if (ec == std::errc::not_a_directory || ec == std::errc::file_exists)
      return failure(error::invalid_argument, "cannot store " + printable(key) +
                                                  ": a part of its path is an object (the local store cannot hold "
                                                  "both 'a' and 'a/b')");
    return make_failure(boost::system::error_code(ec.value(), boost::system::system_category()),
                        "cannot create directory " + printable(dir, 400));
  }
  return {};
}

result<void> commit_conditional(std::mutex& mutex, io::atomic_file& file, const std::string& path,
                                std::string_view key, const put_options& options) {
  if (!options.if_none_match.empty() && options.if_none_match != "*") {
    file.abort();
    return failure(error::unsupported, "if_none_match supports only \"*\"");
  }
  std::lock_guard lock(mutex);
  if (!options.if_match.empty()) {
    auto now = io::stat_path(path);
    if (!now || !now->regular) {
      file.abort();
      return failure(error::precondition_failed, "object " + printable(key) + " does not exist (if_match " +
                                                     options.if_match + ")");
    }
    if (etag_of(*now) != options.if_match) {
      file.abort();
      return failure(error::precondition_failed, "object " + printable(key) + " has ETag " + etag_of(*now) +
                                                     ", expected " + options.if_match);
    }
  }
  auto mode = options.if_none_match == "*" ? io::atomic_file::replace_mode::no_replace
                                            : io::atomic_file::replace_mode::replace;
  auto r = file.commit(mode);
  if (!r && r.error().kind == error::already_exists)
    return failure(error::already_exists, "object " + printable(key) + " already exists");
  if (!r) {
    // A directory where the file should go ("a" while "a/b" exists).
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
      return failure(error::invalid_argument, "cannot store " + printable(key) +
                                                  ": it is a prefix of other objects in the local store");
  }
  return r;
}

result<void> copy_into(int src_fd, std::uint64_t size, std::string_view src_path, io::atomic_file& file,
                       checksum_verifier& verifier) {
  std::vector<std::byte> buf(std::min<std::uint64_t>(size, 1u << 20));
  for (std::uint64_t pos = 0; pos < size;) {
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), size - pos));
    auto chunk = std::span(buf.data(), n);
    if (auto r = io::pread_all(src_fd, chunk, pos, src_path); !r) return r.error();
    verifier.update(chunk);
    if (auto r = file.append(chunk); !r) return r.error();
    pos += n;
  }
  return {};
}

result<void> write_body(http::body_source& body, io::atomic_file& file, checksum_verifier& verifier) {
  if (auto r = body.rewind(); !r) return r.error();
  if (auto n = body.size(); n && *n > 0)
    if (auto r = file.preallocate(*n); !r) return r.error();
  std::vector<std::byte> buf(1 << 20);
  for (;;) {
    auto n = body.read(buf);
    if (!n) return n.error();
    if (*n == 0) break;
    auto chunk = std::span(buf.data(), *n);
    verifier.update(chunk);
    if (auto r = file.append(chunk); !r) return r.error();
  }
  if (auto declared = body.size(); declared && *declared != file.appended())
    return failure(error::io_error, "request body declared " + std::to_string(*declared) + " bytes but gave " +
                                        std::to_string(file.appended()));
  return {};
}

}  // namespace local_detail

using namespace local_detail;

namespace {

result<void> check_read(std::string_view key, const object_info& info, const read_conditions& cond) {
  if (!cond.if_match.empty() && cond.if_match != info.etag)
    return failure(error::precondition_failed,
                   "object " + printable(key) + " changed: ETag is " + info.etag + ", expected " + cond.if_match);
  if (!cond.version.empty())
    return failure(error::not_found, "version " + printable(cond.version, 40) + " of " + printable(key) +
                                         " does not exist (the local store keeps no versions)");
  return {};
}

failure missing(std::string_view key, const std::string& root) {
  return failure(error::not_found, "no object " + printable(key) + " in " + printable(root, 300));
}

}  // namespace

result<std::shared_ptr<local_store>> local_store::open(const std::string& root, local_store_options options) {
  if (root.empty()) return failure(error::invalid_argument, "empty local store root");
  std::error_code ec;
  fs::path abs = fs::absolute(root, ec);
  if (ec) return failure(error::invalid_argument, "cannot resolve " + printable(root, 300));
  if (options.create_root) fs::create_directories(abs, ec);
  auto info = io::stat_path(abs.string());
  if (!info) return info.error();
  if (!info->directory) return failure(error::invalid_argument, printable(root, 300) + " is not a directory");
  std::string r = abs.lexically_normal().string();
  while (r.size() > 1 && r.back() == '/') r.pop_back();
  return std::make_shared<local_store>(std::move(r), std::move(options));
}

result<std::string> local_store::path_for(std::string_view key) const {
  if (auto v = validate_key(key, key_profile::filesystem); !v) return v.error();
  return root_ + "/" + std::string(key);
}

std::string local_store::describe() const { return root_; }
store_limits local_store::limits() const { return options_.limits; }

result<object_info> local_store::stat_sync(const std::string& key, const read_conditions& cond) {
  auto path = path_for(key);
  if (!path) return path.error();
  auto info = io::stat_path(*path);
  if (!info) return info.error().kind == error::not_found ? missing(key, root_) : info.error();
  if (!info->regular) return missing(key, root_);
  auto out = info_of(key, *info);
  if (auto c = check_read(key, out, cond); !c) return c.error();
  return out;
}

result<object_info> local_store::get_range_sync(const std::string& key, std::uint64_t offset, std::uint64_t length,
                                                const http::body_sink& sink, const read_conditions& cond) {
  auto path = path_for(key);
  if (!path) return path.error();
  auto fd = io::open_read(*path);
  if (!fd) return fd.error().kind == error::not_found ? missing(key, root_) : fd.error();
  // Conditions and size come from the open descriptor: the bytes read below belong to this very file.
  auto st = io::stat_fd(fd->get(), *path);
  if (!st) return st.error();
  auto info = info_of(key, *st);
  if (auto c = check_read(key, info, cond); !c) return c.error();
  if (offset > info.size)
    return failure(error::range_not_satisfiable, "offset " + std::to_string(offset) + " is past the end of " +
                                                     printable(key) + " (" + std::to_string(info.size) + " bytes)");
  std::uint64_t end = info.size - offset < length ? info.size : offset + length;
  std::vector<std::byte> buf(static_cast<std::size_t>(std::min<std::uint64_t>(options_.read_chunk, end - offset)));
  for (std::uint64_t pos = offset; pos < end;) {
    auto chunk = std::span(buf.data(), static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), end - pos)));
    if (auto r = io::pread_all(fd->get(), chunk, pos, *path); !r) return r.error();
    if (auto r = sink(chunk); !r) return r.error();
    pos += chunk.size();
  }
  return info;
}

result<object_info> local_store::put_sync(const std::string& key, http::body_source* body, const put_options& options) {
  auto path = path_for(key);
  if (!path) return path.error();
  if (!body) return failure(error::invalid_argument, "put of " + printable(key) + " without a body");
  if (!options.if_none_match.empty() && options.if_none_match != "*")
    return failure(error::unsupported, "if_none_match supports only \"*\"");
  // Fail fast before reading the body when the condition already fails; checked again at commit.
  if (options.if_none_match == "*" && ::access(path->c_str(), F_OK) == 0)
    return failure(error::already_exists, "object " + printable(key) + " already exists");
  if (auto r = make_parents(root_, *path, key); !r) return r.error();
  auto file = io::atomic_file::create(*path);
  if (!file) return file.error();
  checksum_verifier verifier(options.checksums, "the body of " + printable(key));
  if (auto r = write_body(*body, *file, verifier); !r) return r.error();
  auto verified = verifier.verify();
  if (!verified) return verified.error();
  if (auto r = commit_conditional(commit_mutex_, *file, *path, key, options); !r) return r.error();
  auto out = stat_sync(key, {});
  if (out)
    for (auto& d : *verified) out->checksums[d.kind] = d;
  return out;
}

result<list_page> local_store::list_sync(const list_request& request) {
  const std::string& prefix = request.prefix;
  if (prefix.find('\0') != std::string::npos) return failure(error::invalid_argument, "NUL byte in listing prefix");
  // Walk only the directory the prefix points into.
  auto slash = prefix.rfind('/');
  std::string dir_part = slash == std::string::npos ? std::string() : prefix.substr(0, slash);
  if (!dir_part.empty())
    if (auto v = validate_key(dir_part, key_profile::filesystem); !v)
      return failure(error::invalid_argument, "invalid listing prefix " + printable(prefix) + ": " + v.error().message);
  std::string base = dir_part.empty() ? root_ : root_ + "/" + dir_part;

  std::vector<object_info> objects;
  std::error_code ec;
  fs::recursive_directory_iterator it(base, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) return list_page{};
    return make_failure(boost::system::error_code(ec.value(), boost::system::system_category()),
                        "cannot list " + printable(base, 300));
  }
  for (; it != end; it.increment(ec)) {
    if (ec) return make_failure(boost::system::error_code(ec.value(), boost::system::system_category()),
                                "cannot list " + printable(base, 300));
    std::string name = it->path().filename().string();
    bool reserved = name.ends_with(".ferry-part") || name.ends_with(".ferry-journal") || io::is_atomic_temp_name(name) ||
                    (it.depth() == 0 && dir_part.empty() && name == ".ferry-uploads");
    std::error_code type_ec;
    if (it->is_directory(type_ec)) {
      if (reserved) it.disable_recursion_pending();
      continue;
    }
    if (reserved || !it->is_regular_file(type_ec)) continue;
    std::string key = it->path().lexically_relative(root_).generic_string();
    if (!key.starts_with(prefix)) continue;
    struct stat st {};
    if (::stat(it->path().c_str(), &st) != 0) continue;  // removed while we walked
    io::file_info fi;
    fi.size = static_cast<std::uint64_t>(st.st_size);
    fi.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    fi.mtime = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(fi.mtime_ns)));
    fi.inode = static_cast<std::uint64_t>(st.st_ino);
    objects.push_back(info_of(std::move(key), fi));
  }
  std::sort(objects.begin(), objects.end(), [](const object_info& a, const object_info& b) { return a.key < b.key; });
  return paginate_listing(objects, request);
}

result<void> local_store::remove_sync(const std::string& key, const read_conditions& cond) {
  auto path = path_for(key);
  if (!path) return path.error();
  std::lock_guard lock(commit_mutex_);
  if (!cond.if_match.empty() || !cond.version.empty()) {
    auto info = stat_sync(key, cond);
    if (!info) return info.error().kind == error::not_found && cond.version.empty() ? result<void>() : info.error();
  }
  struct stat st {};
  if (::lstat(path->c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return {};  // a prefix, not an object
  if (::unlink(path->c_str()) != 0 && errno != ENOENT) return io::errno_failure(errno, "cannot remove", *path);
  // Drop directories the removal left empty, so the tree mirrors the keys (rmdir fails on non-empty ones).
  for (std::string dir = io::parent_directory(*path); dir.size() > root_.size(); dir = io::parent_directory(dir))
    if (::rmdir(dir.c_str()) != 0) break;
  return {};
}

result<object_info> local_store::copy_sync(const std::string& source_key, const std::string& destination_key,
                                           const copy_options& options) {
  auto src_path = path_for(source_key);
  if (!src_path) return src_path.error();
  auto dst_path = path_for(destination_key);
  if (!dst_path) return dst_path.error();
  auto fd = io::open_read(*src_path);
  if (!fd) return fd.error().kind == error::not_found ? missing(source_key, root_) : fd.error();
  auto st = io::stat_fd(fd->get(), *src_path);
  if (!st) return st.error();
  if (auto c = check_read(source_key, info_of(source_key, *st), options.source); !c) return c.error();
  if (auto r = make_parents(root_, *dst_path, destination_key); !r) return r.error();
  auto file = io::atomic_file::create(*dst_path);
  if (!file) return file.error();
  checksum_verifier verifier(options.destination.checksums, "the copy of " + printable(source_key));
  if (auto r = copy_into(fd->get(), st->size, *src_path, *file, verifier); !r) return r.error();
  auto verified = verifier.verify();
  if (!verified) return verified.error();
  if (auto r = commit_conditional(commit_mutex_, *file, *dst_path, destination_key, options.destination); !r)
    return r.error();
  return stat_sync(destination_key, {});
}

boost::asio::awaitable<result<object_info>> local_store::stat(std::string key, read_conditions cond) {
  co_return stat_sync(key, cond);
}

boost::asio::awaitable<result<object_info>> local_store::get_range(std::string key, std::uint64_t offset,
                                                                   std::uint64_t length, http::body_sink sink,
                                                                   read_conditions cond) {
  co_return get_range_sync(key, offset, length, sink, cond);
}

boost::asio::awaitable<result<object_info>> local_store::put(std::string key, std::shared_ptr<http::body_source> body,
                                                             put_options options) {
  co_return put_sync(key, body.get(), options);
}

boost::asio::awaitable<result<list_page>> local_store::list(list_request request) { co_return list_sync(request); }

boost::asio::awaitable<result<void>> local_store::remove(std::string key, read_conditions cond) {
  co_return remove_sync(key, cond);
}

boost::asio::awaitable<result<object_info>> local_store::copy(std::string source_key, std::string destination_key,
                                                              copy_options options) {
  co_return copy_sync(source_key, destination_key, options);
}

result<std::string> local_store::presign(const std::string&, const presign_options&) const {
  return failure(error::unsupported, "the local store has no URLs to presign");
}

}  // namespace ferry::storage
