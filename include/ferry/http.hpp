// ferry's HTTP/1.1 client API. Beast-free on purpose: everything outside src/http co_awaits these
// types, so the heavy templates are compiled in src/http only.
#pragma once

#include "ferry/error.hpp"
#include "ferry/retry.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::http {

// An absolute http:// or https:// URL split the way a connection needs it.
struct url {
  std::string scheme;  // "http" or "https"
  std::string host;    // name or IP literal, without IPv6 brackets
  std::uint16_t port = 0;
  std::string target;  // origin-form: path plus "?query", exactly as sent

  static result<url> parse(std::string_view text);
  bool tls() const noexcept { return scheme == "https"; }
  std::string host_header() const;  // host[:port], port omitted when it is the scheme's default
  // For logs and errors: no query string, since it may hold a signature or SAS token.
  std::string redacted() const;
};

// Header fields in arrival order; lookups ignore case.
class fields {
 public:
  using value_type = std::pair<std::string, std::string>;
  std::optional<std::string_view> find(std::string_view name) const;
  void set(std::string_view name, std::string_view value);  // replaces every field of that name
  void add(std::string_view name, std::string_view value);
  void erase(std::string_view name);
  auto begin() const { return list_.begin(); }
  auto end() const { return list_.end(); }
  bool empty() const noexcept { return list_.empty(); }

 private:
  std::vector<value_type> list_;
};

// A replayable request body. A retry calls rewind() and reads it again.
class body_source {
 public:
  virtual ~body_source() = default;
  // Length in bytes, or nullopt to send it with chunked transfer encoding.
  virtual std::optional<std::uint64_t> size() const = 0;
  virtual result<void> rewind() = 0;
  // Fills up to out.size() bytes; 0 means the end.
  virtual result<std::size_t> read(std::span<std::byte> out) = 0;
};

std::shared_ptr<body_source> body_from_string(std::string bytes);
// A slice of an open file (the caller keeps fd open for the life of the request); read with pread.
std::shared_ptr<body_source> body_from_file(int fd, std::uint64_t offset, std::uint64_t length);

struct request {
  std::string method = "GET";
  url address;
  fields headers;  // Host, Content-Length and User-Agent are added by the client when absent
  std::shared_ptr<body_source> body;
  // Whether sending it twice is harmless. Defaults from the method (GET, HEAD, PUT, DELETE, OPTIONS);
  // a POST becomes idempotent only when the caller says so (e.g. it carries a precondition).
  std::optional<bool> idempotent;
  bool is_idempotent() const;
};

struct response {
  int status = 0;
  fields headers;
  std::string body;  // the whole body (buffered send) or, for a streamed send, the body of an error status
  std::optional<std::uint64_t> content_length() const;
  std::string request_id() const;  // x-amz-request-id, x-ms-request-id, x-goog/x-guploader ids, x-request-id
};

// Receives a 2xx response body as it arrives. Returning a failure aborts the request.
using body_sink = std::function<result<void>(std::span<const std::byte>)>;
// Sees a 2xx response head before any body byte reaches the sink; returning a failure aborts the request
// (e.g. a ranged GET answered with 200 or with the wrong Content-Range must not be written anywhere).
using head_check = std::function<result<void>(const struct response&)>;

struct client_options {
  std::size_t max_connections = 256;          // global cap across hosts
  std::size_t max_connections_per_host = 64;  // per (scheme, host, port)
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds first_byte_timeout{60'000};  // from request sent to response head
  std::chrono::milliseconds stall_timeout{30'000};       // no byte moved for this long
  std::chrono::seconds idle_timeout{50};                  // pooled connections unused this long are closed
  std::chrono::seconds dns_ttl{60};
  bool verify_peer = true;
  std::string ca_file;  // empty: --ca-bundle, else AWS_CA_BUNDLE, else SSL_CERT_FILE, else the system store
  std::size_t max_buffered_body = 64 * 1024 * 1024;  // cap for send() without a sink
  std::size_t max_error_body = 1024 * 1024;          // error bodies kept for parsing
  std::uint64_t expect_continue_threshold = 8 * 1024 * 1024;  // send Expect: 100-continue above this
  std::size_t read_buffer_size = 1024 * 1024;
  std::string user_agent = "ferry/0.1";
};

// HTTP/1.1 client with a keep-alive connection pool. One attempt per send(); retries are decided by
// ferry::retry_policy (see retry.hpp) so that the caller, who knows what is safe to replay, stays in charge.
class client {
 public:
  explicit client(boost::asio::any_io_executor ex, client_options options = {});
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  // Buffers the whole response body (up to max_buffered_body).
  boost::asio::awaitable<result<response>> send(request req);
  // Streams a 2xx body into sink; any other status is returned with its body buffered for parsing.
  // A non-2xx status is not a failure here: the caller maps it (see status_failure).
  boost::asio::awaitable<result<response>> send(request req, body_sink sink, head_check check = nullptr);

  const client_options& options() const noexcept;
  boost::asio::any_io_executor get_executor() const noexcept;
  // Connections currently open (idle + busy), for tests and stats.
  std::size_t open_connections() const noexcept;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

// Turns a non-success HTTP status into a failure: kind from the status, Retry-After honoured,
// request id copied. Providers refine service_code/message from the body afterwards.
failure status_failure(const request& req, const response& resp);

// "ferry-<16 hex>": names a request in errors when the server sent no request id of its own.
std::string client_request_id();

// Maps a non-2xx response to a failure; providers pass one that parses their error body (S3 XML, Azure XML, JSON).
using failure_mapper = std::function<failure(const request&, const response&)>;

// Sends a buffered request, retrying per policy (with sleeps on the client's executor). Returns the 2xx response,
// or the last failure with its attempt count. The request body must be replayable (body_source::rewind).
boost::asio::awaitable<result<response>> send_with_retry(client& c, request req, retry_policy& policy,
                                                         failure_mapper map = status_failure);

}  // namespace ferry::http
