// ferry's error vocabulary: one enum of kinds, a rich `failure` value, and `result<T>`.
// Exceptions never cross the library API; every operation returns result<T>.
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace ferry {

// What went wrong, in terms a caller can act on. Stable values: the CLI's exit codes derive from them.
enum class error {
  ok = 0,
  invalid_argument,      // bad URL, size, option, key
  not_found,             // object, file, secret or bucket does not exist
  already_exists,        // create-only write found something there
  access_denied,         // 401/403, permission denied on a local file
  precondition_failed,   // 412, object changed (ETag / generation mismatch)
  range_not_satisfiable, // 416
  checksum_mismatch,     // bytes did not match the expected digest
  throttled,             // 429, 503 SlowDown, ServerBusy
  timeout,               // connect, first-byte or stall timeout
  connection_failed,     // DNS, refused, reset, closed early
  tls_error,             // handshake failed, certificate not trusted
  protocol_error,        // malformed response, unexpected status, truncated body
  server_error,          // 5xx other than throttling
  io_error,              // local disk: write failed, no space, ...
  cancelled,             // caller asked to stop
  quota_exceeded,        // memory budget, retry budget, too many parts
  unsupported,           // scheme or feature ferry does not handle
};

const boost::system::error_category& error_category() noexcept;
boost::system::error_code make_error_code(error e) noexcept;
std::string_view to_string(error e) noexcept;

// A failure carries the kind, the underlying system/TLS code when there is one, and what the
// service said. It never holds a secret: request URLs are logged without their query string.
struct failure {
  error kind = error::ok;
  std::string message;             // one human sentence naming what was wrong
  boost::system::error_code cause; // the OS / Asio / SSL error underneath, if any
  int http_status = 0;
  std::string service_code;        // "NoSuchKey", "BlobNotFound", "SlowDown", ...
  std::string request_id;          // x-amz-request-id, x-ms-request-id, x-guploader-uploadid, ferry's own
  int attempts = 0;                // how many times the request was sent
  long retry_after_ms = -1;        // from Retry-After / x-ms-retry-after-ms, when the server said
  bool request_sent = false;       // some request byte reached the wire: a non-idempotent request may have applied

  failure() = default;
  failure(error k, std::string msg) : kind(k), message(std::move(msg)) {}
  failure(error k, std::string msg, boost::system::error_code c)
      : kind(k), message(std::move(msg)), cause(c) {}

  // One line: "not_found: GET http://host/key: 404 NoSuchKey (request id abc, 1 attempt)".
  std::string what() const;
};

// Maps an OS/Asio/SSL error code to a kind (ECONNRESET -> connection_failed, ENOENT -> not_found, ...).
error classify(const boost::system::error_code& ec) noexcept;
failure make_failure(const boost::system::error_code& ec, std::string context);

template <class T>
using result = boost::system::result<T, failure>;

// boost::system::result<T, failure>::value() throws through this (found by ADL).
[[noreturn]] void throw_exception_from_error(const failure& f, const boost::source_location& loc);

// The CLI's exit status for a kind: documented in README.md.
int exit_code(error e) noexcept;

}  // namespace ferry

namespace boost::system {
template <>
struct is_error_code_enum<ferry::error> : std::true_type {};
}  // namespace boost::system
