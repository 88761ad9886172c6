#include "ferry/error.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include <cerrno>
#include <stdexcept>

namespace ferry {
namespace {

class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "ferry"; }
  std::string message(int ev) const override { return std::string(to_string(static_cast<error>(ev))); }
};

}  // namespace

const boost::system::error_category& error_category() noexcept {
  static const category_impl instance;
  return instance;
}

boost::system::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), error_category()};
}

std::string_view to_string(error e) noexcept {
  switch (e) {
    case error::ok: return "ok";
    case error::invalid_argument: return "invalid_argument";
    case error::not_found: return "not_found";
    case error::already_exists: return "already_exists";
    case error::access_denied: return "access_denied";
    case error::precondition_failed: return "precondition_failed";
    case error::range_not_satisfiable: return "range_not_satisfiable";
    case error::checksum_mismatch: return "checksum_mismatch";
    case error::throttled: return "throttled";
    case error::timeout: return "timeout";
    case error::connection_failed: return "connection_failed";
    case error::tls_error: return "tls_error";
    case error::protocol_error: return "protocol_error";
    case error::server_error: return "server_error";
    case error::io_error: return "io_error";
    case error::cancelled: return "cancelled";
    case error::quota_exceeded: return "quota_exceeded";
    case error::unsupported: return "unsupported";
  }
  return "unknown";
}

std::string failure::what() const {
  std::string out(to_string(kind));
  out += ": ";
  out += message;
  if (http_status != 0) {
    out += " (HTTP " + std::to_string(http_status);
    if (!service_code.empty()) out += " " + service_code;
    out += ")";
  }
  if (cause && cause.category() != error_category()) out += " [" + cause.message() + "]";
  if (!request_id.empty() || attempts > 0) {
    out += " (";
    if (!request_id.empty()) out += "request id " + request_id;
    if (!request_id.empty() && attempts > 0) out += ", ";
    if (attempts > 0) out += std::to_string(attempts) + (attempts == 1 ? " attempt" : " attempts");
    out += ")";
  }
  return out;
}

error classify(const boost::system::error_code& ec) noexcept {
  if (!ec) return error::ok;
  if (ec.category() == error_category()) return static_cast<error>(ec.value());
  if (ec == boost::asio::error::operation_aborted) return error::cancelled;
  if (ec == boost::asio::error::timed_out) return error::timeout;
  if (ec == boost::asio::error::host_not_found || ec == boost::asio::error::host_not_found_try_again ||
      ec == boost::asio::error::connection_refused || ec == boost::asio::error::connection_reset ||
      ec == boost::asio::error::connection_aborted || ec == boost::asio::error::broken_pipe ||
      ec == boost::asio::error::eof || ec == boost::asio::error::network_unreachable ||
      ec == boost::asio::error::host_unreachable || ec == boost::asio::ssl::error::stream_truncated)
    return error::connection_failed;
  if (ec.category() == boost::asio::error::get_ssl_category()) return error::tls_error;
  if (ec.category() == boost::system::system_category() || ec.category() == boost::system::generic_category()) {
    switch (ec.value()) {
      case ENOENT: case ENOTDIR: return error::not_found;
      case EACCES: case EPERM: case EROFS: return error::access_denied;
      case EEXIST: return error::already_exists;
      case EINVAL: case ENAMETOOLONG: return error::invalid_argument;
      case ECONNRESET: case ECONNREFUSED: case EPIPE: return error::connection_failed;
      case ETIMEDOUT: return error::timeout;
      case ECANCELED: return error::cancelled;
      default: return error::io_error;
    }
  }
  return error::io_error;
}

failure make_failure(const boost::system::error_code& ec, std::string context) {
  return failure(classify(ec), std::move(context), ec);
}

void throw_exception_from_error(const failure& f, const boost::source_location&) {
  throw std::runtime_error(f.what());
}

int exit_code(error e) noexcept {
  switch (e) {
    case error::ok: return 0;
    case error::invalid_argument: case error::unsupported: return 2;
    case error::not_found: return 3;
    case error::access_denied: return 4;
    case error::checksum_mismatch: return 5;
    case error::precondition_failed: case error::already_exists: case error::range_not_satisfiable: return 6;
    case error::timeout: case error::connection_failed: case error::tls_error: return 7;
    case error::throttled: case error::server_error: case error::protocol_error: return 8;
    case error::io_error: case error::quota_exceeded: return 9;
    case error::cancelled: return 130;
  }
  return 1;
}

}  // namespace ferry
