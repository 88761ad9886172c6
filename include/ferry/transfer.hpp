// The transfer engine's public face: copy between local paths and http(s) URLs (cloud schemes come with their
// providers). Every copy is atomic at the destination: bytes land in DST.ferry-part and are renamed into place
// only after they are complete, flushed and verified.
#pragma once

#include "ferry/error.hpp"
#include "ferry/http.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace ferry {

struct transfer_progress {
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;  // 0 when unknown
};

struct transfer_options {
  std::uint64_t part_size = 8 * 1024 * 1024;
  unsigned concurrency = 8;
  bool verify = true;        // compare against a whole-object digest the server declares, when it declares one
  bool compute_xxh3 = true;  // report XXH3-128 of the content (one extra pass over the page cache)
  retry_options retry;
  // Called from I/O threads, at most a few times per second; must be cheap.
  std::function<void(const transfer_progress&)> on_progress;
};

struct transfer_report {
  std::string source;       // as given, but with any query string removed
  std::string destination;  // final path or URL
  std::uint64_t bytes = 0;
  double seconds = 0;
  unsigned parts = 0;
  unsigned retries = 0;            // extra requests sent because of failures
  std::string xxh3;                // XXH3-128 of the whole content, 32 hex digits
  std::string verified_against;    // which server digest matched ("x-goog-hash crc32c", ...), empty if none
};

// Downloads an http(s) URL into a local file with parallel ranged GETs, pinned to one object version by ETag.
boost::asio::awaitable<result<transfer_report>> download_http(http::client& client, const http::url& source,
                                                              const std::string& destination,
                                                              const transfer_options& options);

// Uploads a local file to an http(s) URL (e.g. a presigned PUT) in one streamed request.
boost::asio::awaitable<result<transfer_report>> upload_http(http::client& client, const std::string& source,
                                                            const http::url& destination,
                                                            const transfer_options& options);

// Copies a local file to a local path atomically.
result<transfer_report> copy_local(const std::string& source, const std::string& destination,
                                   const transfer_options& options);

}  // namespace ferry
