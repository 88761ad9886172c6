// object_store on a local directory. Keys map to paths below the root ('/' separates directories) and are
// checked with key_profile::filesystem, so no key can name a path outside the root.
// - Writes are atomic: a unique temp file in the destination directory, fsync, rename, fsync of the directory.
//   A failed or cancelled write leaves no destination and no temp file.
// - ETags come from (size, mtime in ns, inode): any replacement changes them. Reads are pinned to the inode they
//   opened, so a concurrent replace never mixes two versions in one read.
// - Multipart uploads are staged in ROOT/.ferry-uploads/<id>/ (part files; complete concatenates them in order
//   into a temp file and renames it into place). Staging and temp files never appear in listings.
// - Conditional puts: if_none_match "*" is atomic (rename without replace); if_match is checked and committed
//   under a per-store lock, so it is atomic against this process only.
// - The awaitables do blocking file I/O on the calling thread (fine for a CLI and tests; an engine that must not
//   block its event loop should call them from a thread pool).
#pragma once

#include "ferry/object_store.hpp"

#include <memory>
#include <mutex>

namespace ferry::storage {

struct local_store_options {
  store_limits limits = default_limits();
  std::size_t read_chunk = 1024 * 1024;  // get_range reads and hands the sink pieces of this size
  bool create_root = false;              // create the root directory (and parents) when missing

  static store_limits default_limits() {
    store_limits l;
    l.parts = part_limits{1, std::uint64_t(5) << 30, 10000, 1};
    l.max_single_put = ~std::uint64_t(0);
    l.max_object_size = ~std::uint64_t(0);
    l.checksums = {checksum_kind::crc32c, checksum_kind::crc64nvme, checksum_kind::md5, checksum_kind::sha256,
                   checksum_kind::xxh3};
    return l;
  }
};

class local_store final : public object_store {
 public:
  static result<std::shared_ptr<local_store>> open(const std::string& root, local_store_options options = {});

  const std::string& root() const noexcept { return root_; }
  // The file a key is stored in (after validation).
  result<std::string> path_for(std::string_view key) const;

  std::string describe() const override;
  store_limits limits() const override;
  boost::asio::awaitable<result<object_info>> stat(std::string key, read_conditions cond) override;
  boost::asio::awaitable<result<object_info>> get_range(std::string key, std::uint64_t offset, std::uint64_t length,
                                                        http::body_sink sink, read_conditions cond) override;
  boost::asio::awaitable<result<object_info>> put(std::string key, std::shared_ptr<http::body_source> body,
                                                  put_options options) override;
  boost::asio::awaitable<result<list_page>> list(list_request request) override;
  boost::asio::awaitable<result<void>> remove(std::string key, read_conditions cond) override;
  boost::asio::awaitable<result<object_info>> copy(std::string source_key, std::string destination_key,
                                                   copy_options options) override;
  boost::asio::awaitable<result<std::string>> create_multipart(std::string key, put_options options) override;
  boost::asio::awaitable<result<part_info>> upload_part(std::string key, std::string upload_id,
                                                        std::uint32_t part_number,
                                                        std::shared_ptr<http::body_source> body,
                                                        std::vector<digest> checksums) override;
  boost::asio::awaitable<result<object_info>> complete_multipart(std::string key, std::string upload_id,
                                                                 std::vector<part_info> parts) override;
  boost::asio::awaitable<result<void>> abort_multipart(std::string key, std::string upload_id) override;
  boost::asio::awaitable<result<std::vector<part_info>>> list_parts(std::string key, std::string upload_id) override;
  result<std::string> presign(const std::string& key, const presign_options& options) const override;

  // The synchronous bodies of the operations above (the awaitables just call these).
  result<object_info> stat_sync(const std::string& key, const read_conditions& cond);
  result<object_info> get_range_sync(const std::string& key, std::uint64_t offset, std::uint64_t length,
                                     const http::body_sink& sink, const read_conditions& cond);
  result<object_info> put_sync(const std::string& key, http::body_source* body, const put_options& options);
  result<list_page> list_sync(const list_request& request);
  result<void> remove_sync(const std::string& key, const read_conditions& cond);
  result<object_info> copy_sync(const std::string& source_key, const std::string& destination_key,
                                const copy_options& options);

  local_store(std::string root, local_store_options options) : root_(std::move(root)), options_(std::move(options)) {}

 private:
  std::string root_;
  local_store_options options_;
  std::mutex commit_mutex_;  // serialises condition checks with their rename
};

}  // namespace ferry::storage
