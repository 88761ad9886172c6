// Multipart uploads of the local store, staged in ROOT/.ferry-uploads/<id>/:
//   key      the object key, as given
//   options  "if_none_match V", "if_match V", "checksum KIND BASE64" lines, applied at complete
//   part-NNNNN  one file per part, each written atomically (a re-sent part replaces the old one)
// Part ETags come from the part file's (size, mtime, inode) like object ETags.
#include "ferry/printable.hpp"
#include "providers/storage/key_validation.hpp"
#include "providers/storage/local/local_store.hpp"
#include "providers/storage/local/local_store_detail.hpp"

#include <cstdio>
#include <filesystem>
#include <random>
#include <sstream>

namespace ferry::storage {
namespace fs = std::filesystem;
using namespace local_detail;

namespace {

constexpr std::string_view uploads_dir = ".ferry-uploads";

std::span<const std::byte> as_bytes(std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); }

std::string new_upload_id() {
  std::random_device rd;
  std::array<std::uint8_t, 16> raw;
  for (auto& b : raw) b = static_cast<std::uint8_t>(rd());
  return to_hex(raw);
}

// Upload ids name directories: only what new_upload_id() makes is accepted (no path tricks).
result<void> check_upload_id(std::string_view id) {
  bool ok = id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
              return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            });
  if (!ok) return failure(error::not_found, "no multipart upload " + printable(id, 64));
  return {};
}

std::string part_name(std::uint32_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "part-%05u", n);
  return buf;
}

result<std::string> read_small_file(const std::string& path) {
  auto fd = io::open_read(path);
  if (!fd) return fd.error();
  auto st = io::stat_fd(fd->get(), path);
  if (!st) return st.error();
  if (st->size > 64 * 1024) return failure(error::io_error, printable(path, 300) + " is too large");
  std::string out(static_cast<std::size_t>(st->size), '\0');
  if (auto r = io::pread_all(fd->get(), std::as_writable_bytes(std::span(out.data(), out.size())), 0, path); !r)
    return r.error();
  return out;
}

result<put_options> parse_options(const std::string& text) {
  put_options out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto sp = line.find(' ');
    std::string name = line.substr(0, sp), value = sp == std::string::npos ? "" : line.substr(sp + 1);
    if (name == "if_none_match") out.if_none_match = value;
    else if (name == "if_match") out.if_match = value;
    else if (name == "checksum") {
      auto sp2 = value.find(' ');
      auto kind = parse_checksum_kind(value.substr(0, sp2));
      if (!kind) return kind.error();
      auto d = digest::from_base64(*kind, sp2 == std::string::npos ? "" : value.substr(sp2 + 1));
      if (!d) return d.error();
      out.checksums.push_back(*d);
    }
  }
  return out;
}

}  // namespace

namespace {

struct staging {
  std::string dir;
  static result<staging> find(const std::string& root, std::string_view key, std::string_view id) {
    if (auto v = check_upload_id(id); !v) return v.error();
    staging s{root + "/" + std::string(uploads_dir) + "/" + std::string(id)};
    auto stored = read_small_file(s.dir + "/key");
    if (!stored || *stored != key)
      return failure(error::not_found, "no multipart upload " + printable(id, 64) + " for " + printable(key));
    return s;
  }
};

}  // namespace

boost::asio::awaitable<result<std::string>> local_store::create_multipart(std::string key, put_options options) {
  if (auto p = path_for(key); !p) co_return p.error();
  if (!options.if_none_match.empty() && options.if_none_match != "*")
    co_return failure(error::unsupported, "if_none_match supports only \"*\"");
  if (options.if_match.find_first_of("\r\n") != std::string::npos)
    co_return failure(error::invalid_argument, "line break in if_match");
  std::string id = new_upload_id();
  std::string dir = root_ + "/" + std::string(uploads_dir) + "/" + id;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) co_return io::errno_failure(ec.value(), "cannot create upload directory", dir);
  std::string opts;
  if (!options.if_none_match.empty()) opts += "if_none_match " + options.if_none_match + "\n";
  if (!options.if_match.empty()) opts += "if_match " + options.if_match + "\n";
  for (auto& d : options.checksums) opts += "checksum " + std::string(to_string(d.kind)) + " " + d.base64() + "\n";
  // The key file last: an upload without it does not exist (find() fails), so a crash here leaves only litter.
  if (auto r = io::write_file_atomic(dir + "/options", as_bytes(opts)); !r) co_return r.error();
  if (auto r = io::write_file_atomic(dir + "/key", as_bytes(key)); !r) co_return r.error();
  co_return id;
}

boost::asio::awaitable<result<part_info>> local_store::upload_part(std::string key, std::string upload_id,
                                                                   std::uint32_t part_number,
                                                                   std::shared_ptr<http::body_source> body,
                                                                   std::vector<digest> checksums) {
  if (part_number == 0 || part_number > options_.limits.parts.max_parts)
    co_return failure(error::invalid_argument, "part number " + std::to_string(part_number) + " is outside 1.." +
                                                   std::to_string(options_.limits.parts.max_parts));
  if (!body) co_return failure(error::invalid_argument, "upload_part without a body");
  auto st = staging::find(root_, key, upload_id);
  if (!st) co_return st.error();
  std::string path = st->dir + "/" + part_name(part_number);
  auto file = io::atomic_file::create(path);
  if (!file) co_return file.error();
  checksum_verifier verifier(checksums, "part " + std::to_string(part_number) + " of " + printable(key));
  if (auto r = write_body(*body, *file, verifier); !r) co_return r.error();
  auto verified = verifier.verify();
  if (!verified) co_return verified.error();
  if (file->appended() > options_.limits.parts.max_part)
    co_return failure(error::invalid_argument, "part " + std::to_string(part_number) + " is larger than the maximum part size");
  if (auto r = file->commit(); !r) co_return r.error();
  auto info = io::stat_path(path);
  if (!info) co_return info.error();
  part_info out;
  out.number = part_number;
  out.size = info->size;
  out.etag = etag_of(*info);
  for (auto& d : *verified) out.checksums[d.kind] = d;
  co_return out;
}

boost::asio::awaitable<result<std::vector<part_info>>> local_store::list_parts(std::string key, std::string upload_id) {
  auto st = staging::find(root_, key, upload_id);
  if (!st) co_return st.error();
  std::vector<part_info> parts;
  std::error_code ec;
  for (auto& entry : fs::directory_iterator(st->dir, ec)) {
    std::string name = entry.path().filename().string();
    unsigned n = 0;
    char extra = 0;
    if (name.size() != 10 || std::sscanf(name.c_str(), "part-%5u%c", &n, &extra) != 1 || n == 0) continue;
    auto info = io::stat_path(entry.path().string());
    if (!info) continue;  // replaced or aborted meanwhile
    part_info p;
    p.number = n;
    p.size = info->size;
    p.etag = etag_of(*info);
    parts.push_back(std::move(p));
  }
  if (ec) co_return io::errno_failure(ec.value(), "cannot list upload directory", st->dir);
  std::sort(parts.begin(), parts.end(), [](const part_info& a, const part_info& b) { return a.number < b.number; });
  co_return parts;
}

boost::asio::awaitable<result<object_info>> local_store::complete_multipart(std::string key, std::string upload_id,
                                                                            std::vector<part_info> parts) {
  auto path = path_for(key);
  if (!path) co_return path.error();
  auto st = staging::find(root_, key, upload_id);
  if (!st) co_return st.error();
  auto opts_text = read_small_file(st->dir + "/options");
  if (!opts_text) co_return opts_text.error();
  auto options = parse_options(*opts_text);
  if (!options) co_return options.error();
  if (parts.empty()) co_return failure(error::invalid_argument, "complete_multipart of " + printable(key) + " with no parts");

  if (auto r = make_parents(root_, *path, key); !r) co_return r.error();
  auto file = io::atomic_file::create(*path);
  if (!file) co_return file.error();
  checksum_verifier verifier(options->checksums, "the completed object " + printable(key));
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& want = parts[i];
    if (i > 0 && want.number <= parts[i - 1].number)
      co_return failure(error::invalid_argument, "parts must be listed in ascending order without repeats");
    std::string part_path = st->dir + "/" + part_name(want.number);
    auto fd = io::open_read(part_path);
    if (!fd)
      co_return failure(error::invalid_argument, "part " + std::to_string(want.number) + " was never uploaded");
    auto info = io::stat_fd(fd->get(), part_path);
    if (!info) co_return info.error();
    if (etag_of(*info) != want.etag)
      co_return failure(error::invalid_argument, "part " + std::to_string(want.number) + " has ETag " +
                                                     etag_of(*info) + ", not " + want.etag);
    if (i + 1 < parts.size() && info->size < options_.limits.parts.min_part)
      co_return failure(error::invalid_argument, "part " + std::to_string(want.number) + " is smaller than the minimum part size");
    if (auto r = copy_into(fd->get(), info->size, part_path, *file, verifier); !r) co_return r.error();
  }
  auto verified = verifier.verify();
  if (!verified) co_return verified.error();
  if (auto r = commit_conditional(commit_mutex_, *file, *path, key, *options); !r) co_return r.error();
  std::error_code ec;
  fs::remove_all(st->dir, ec);  // litter at worst: the object is already in place
  auto out = stat_sync(key, {});
  if (out)
    for (auto& d : *verified) out->checksums[d.kind] = d;
  co_return out;
}

boost::asio::awaitable<result<void>> local_store::abort_multipart(std::string key, std::string upload_id) {
  auto st = staging::find(root_, key, upload_id);
  if (!st) co_return st.error();
  std::error_code ec;
  fs::remove_all(st->dir, ec);
  if (ec) co_return io::errno_failure(ec.value(), "cannot remove upload directory", st->dir);
  co_return result<void>();
}

}  // namespace ferry::storage
