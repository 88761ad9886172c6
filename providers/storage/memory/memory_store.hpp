// object_store in memory, for unit tests of the transfer engine: thread-safe, S3-like semantics (content ETags,
// multipart ETags "<hash>-N", generations as versions, CRC64NVME kept for every object), configurable limits,
// and a fault hook to make any operation fail on demand.
#pragma once

#include "ferry/object_store.hpp"

#include <functional>
#include <memory>
#include <mutex>
#include <string_view>

namespace ferry::storage {

struct memory_store_options {
  store_limits limits = default_limits();
  std::size_t read_chunk = 256 * 1024;  // get_range hands the sink pieces of this size
  std::string name = "memory";

  static store_limits default_limits() {
    store_limits l;
    l.parts = part_limits{1, std::uint64_t(5) << 30, 10000, 1};
    l.checksums = {checksum_kind::crc32c, checksum_kind::crc64nvme, checksum_kind::md5, checksum_kind::sha256,
                   checksum_kind::xxh3};
    return l;
  }
};

class memory_store final : public object_store {
 public:
  explicit memory_store(memory_store_options options = {});
  ~memory_store() override;

  // Called at the start of each operation ("stat", "get", "put", "list", "remove", "copy", "create_multipart",
  // "upload_part", "complete_multipart", "abort_multipart", "list_parts") with its key; a failure is returned as
  // the operation's result.
  using fault_hook = std::function<result<void>(std::string_view operation, std::string_view key)>;
  void set_fault_hook(fault_hook hook);
  std::size_t object_count() const;
  std::size_t upload_count() const;  // multipart uploads neither completed nor aborted

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

 private:
  struct state;
  std::unique_ptr<state> state_;
  memory_store_options options_;
};

}  // namespace ferry::storage
