// The seam between the connection loop (core) and protocol dialects. A dialect sees one request as
// an `exchange` (headers, streamed body) and answers with a `response` (status, fields and either a
// small string body or a slice of an object_reader). The core writes the response and applies faults.
#pragma once

#include "tests/support/object_backend.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ferry::testd {

namespace http = boost::beast::http;
class server_context;

struct response {
  unsigned status = 200;
  http::fields headers;  // Content-Length is set by the core
  std::string body;      // used when `object` is null
  // Streams bytes [offset, offset + length) of this snapshot as the body.
  std::shared_ptr<object_reader> object;
  std::uint64_t offset = 0, length = 0;
  // HEAD and 304: Content-Length is content_length but no body bytes follow.
  bool omit_body = false;
  std::optional<std::uint64_t> content_length;
  // Replaces the object this response read; called by the replace fault after the snapshot was taken.
  std::function<void()> replace;
  bool close = false;  // send Connection: close and end the connection afterwards

  std::uint64_t body_size() const { return object ? length : body.size(); }
};

// A small response with a text or JSON body.
response make_response(unsigned status, std::string body = {}, std::string_view content_type = "text/plain");

class exchange {
 public:
  virtual ~exchange() = default;
  virtual const http::request_header<>& header() const = 0;
  virtual server_context& context() const = 0;
  std::string_view method() const { return header().method_string(); }
  std::string_view target() const { return header().target(); }
  std::string_view path() const;   // target without the query, still percent-encoded
  std::string_view query() const;  // after '?', or empty
  // Value of a query parameter, percent-decoded; nullopt when absent.
  std::optional<std::string> query_param(std::string_view name) const;
  std::optional<std::string_view> field(std::string_view name) const;

  virtual bool has_body() const = 0;
  // Reads the next body bytes (sending 100 Continue first when the client asked for it); 0 at the end.
  virtual boost::asio::awaitable<std::size_t> read_body(std::span<char> out) = 0;
  // Whole body as a string; throws std::length_error past limit.
  boost::asio::awaitable<std::string> read_body_string(std::size_t limit = 16 << 20);
};

class dialect {
 public:
  virtual ~dialect() = default;
  virtual std::string_view name() const = 0;
  virtual bool accepts(const exchange& ex) const = 0;
  virtual boost::asio::awaitable<response> handle(exchange& ex) = 0;
};

std::string percent_decode(std::string_view s, bool plus_is_space = false);

}  // namespace ferry::testd
