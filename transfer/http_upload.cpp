// Single streamed PUT of a local file to an http(s) URL (a presigned PUT, a WebDAV server, ferry_testd).
#include "ferry/transfer.hpp"

#include "transfer/file_digest.hpp"
#include "transfer/source_file.hpp"


namespace ferry {

boost::asio::awaitable<result<transfer_report>> upload_http(http::client& client, const std::string& source,
                                                            const http::url& destination,
                                                            const transfer_options& options) {
  auto started = std::chrono::steady_clock::now();
  auto file = transfer::open_source_file(source);
  if (!file) co_return file.error();
  int fd = file->fd.get();
  std::uint64_t size = file->info.size;
  auto digests = transfer::digest_file(fd, size, std::nullopt);
  if (!digests) co_return digests.error();

  http::request req;
  req.method = "PUT";
  req.address = destination;
  req.headers.set("Content-Type", "application/octet-stream");
  req.body = http::body_from_file(fd, 0, size);
  retry_policy policy(options.retry, std::make_shared<retry_budget>());
  auto resp = co_await http::send_with_retry(client, req, policy);
  if (!resp) co_return resp.error();
  if (options.on_progress) options.on_progress({size, size});

  transfer_report report;
  report.source = source;
  report.destination = destination.redacted();
  report.bytes = size;
  report.parts = 1;
  report.xxh3 = digests->xxh3_hex;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  co_return report;
}

}  // namespace ferry
