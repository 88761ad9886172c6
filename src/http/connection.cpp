// The wire side of the HTTP client: connect, TLS handshake, write a request (streaming its body, optionally after
// 100-continue), read the response head, and stream the body straight from the socket into the caller's sink.
//
// For bodies with a Content-Length we bypass Beast's body parser after the header and read from the socket into
// our own buffer: it saves one copy of every byte, which matters at GB/s. Chunked and close-delimited bodies go
// through the parser with a buffer_body.
#include "src/http/connection.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <array>
#include <cstdio>
#include <optional>
#include <variant>
#include <vector>

namespace ferry::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

namespace {

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

failure wire_failure(const boost::system::error_code& ec, const request& req, const char* phase) {
  failure f = make_failure(ec, std::string(phase) + " " + req.method + " " + req.address.redacted());
  // beast::tcp_stream's deadline ends a pending operation with timeout, or, on some paths, operation_aborted.
  // ferry never cancels a request any other way yet, so both mean "the deadline passed".
  if (ec == beast::error::timeout || ec == asio::error::operation_aborted) {
    f.kind = error::timeout;
    f.message = std::string(phase) + " " + req.method + " " + req.address.redacted() + " timed out";
  }
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) f.kind = error::connection_failed;
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() && f.kind == error::io_error) f.kind = error::protocol_error;
  return f;
}

// Where body bytes go: the caller's sink (2xx with a sink), or a bounded string in the response.
class body_target {
 public:
  body_target(const body_sink* sink, std::string* buffer, std::size_t cap) : sink_(sink), buffer_(buffer), cap_(cap) {}
  result<void> deliver(const void* data, std::size_t n) {
    if (n == 0) return {};
    if (sink_) return (*sink_)(std::span(static_cast<const std::byte*>(data), n));
    if (buffer_->size() + n > cap_) {
      overflowed_ = true;
      return failure(error::quota_exceeded, "response body larger than the " + std::to_string(cap_) + " byte limit");
    }
    buffer_->append(static_cast<const char*>(data), n);
    return {};
  }
  bool overflowed() const { return overflowed_; }

 private:
  const body_sink* sink_;
  std::string* buffer_;
  std::size_t cap_;
  bool overflowed_ = false;
};

}  // namespace

struct connection::impl {
  std::shared_ptr<asio::ssl::context> tls;
  std::string host;
  std::variant<std::monostate, tcp_stream, tls_stream> stream;
  beast::flat_buffer read_buffer;
  std::vector<std::byte> io_buffer;

  tcp_stream& lowest() {
    if (auto* s = std::get_if<tls_stream>(&stream)) return beast::get_lowest_layer(*s);
    return std::get<tcp_stream>(stream);
  }

  template <class Stream>
  asio::awaitable<result<response>> run(Stream& s, const request& req, const body_sink* sink,
                                        const head_check* check, const client_options& opt, exchange_state& st);
};

connection::connection(asio::any_io_executor ex, std::shared_ptr<asio::ssl::context> tls, std::string host)
    : impl_(std::make_unique<impl>()) {
  impl_->tls = std::move(tls);
  impl_->host = std::move(host);
  if (impl_->tls)
    impl_->stream.emplace<tls_stream>(ex, *impl_->tls);
  else
    impl_->stream.emplace<tcp_stream>(ex);
}

connection::~connection() { close(); }

void connection::close() noexcept {
  if (std::holds_alternative<std::monostate>(impl_->stream)) return;
  boost::system::error_code ignored;
  impl_->lowest().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  impl_->lowest().close();
}

asio::awaitable<result<void>> connection::connect(const asio::ip::tcp::resolver::results_type& endpoints,
                                                  const client_options& options) {
  boost::system::error_code ec;
  auto& tcp = impl_->lowest();
  tcp.expires_after(options.connect_timeout);
  co_await tcp.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    failure f = make_failure(ec, "connecting to " + impl_->host);
    if (ec == beast::error::timeout) f.kind = error::timeout;
    if (f.kind == error::io_error || f.kind == error::not_found) f.kind = error::connection_failed;
    co_return f;
  }
  tcp.socket().set_option(asio::ip::tcp::no_delay(true), ec);
  if (auto* s = std::get_if<tls_stream>(&impl_->stream)) {
    // SNI only for names (RFC 6066 forbids IP literals); verification checks the name or the IP SAN.
    if (!is_ip_literal(impl_->host)) SSL_set_tlsext_host_name(s->native_handle(), impl_->host.c_str());
    s->set_verify_callback(asio::ssl::host_name_verification(impl_->host));
    tcp.expires_after(options.connect_timeout);
    co_await s->async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      failure f(error::tls_error, "TLS handshake with " + impl_->host + " failed", ec);
      if (ec == beast::error::timeout) f.kind = error::timeout;
      co_return f;
    }
  }
  tcp.expires_never();
  co_return result<void>{};
}

asio::awaitable<result<response>> connection::exchange(const request& req, const body_sink* sink,
                                                       const head_check* check, const client_options& options,
                                                       exchange_state& state) {
  if (impl_->io_buffer.size() != options.read_buffer_size) impl_->io_buffer.resize(options.read_buffer_size);
  if (auto* s = std::get_if<tls_stream>(&impl_->stream))
    co_return co_await impl_->run(*s, req, sink, check, options, state);
  co_return co_await impl_->run(std::get<tcp_stream>(impl_->stream), req, sink, check, options, state);
}

template <class Stream>
asio::awaitable<result<response>> connection::impl::run(Stream& s, const request& req, const body_sink* sink,
                                                        const head_check* check, const client_options& opt,
                                                        exchange_state& st) {
  boost::system::error_code ec;
  auto& tcp = lowest();
  auto aw = [&] { return asio::redirect_error(asio::use_awaitable, ec); };

  // --- request head ---
  bhttp::request<bhttp::empty_body> head;
  head.method_string(req.method);
  head.target(req.address.target);
  head.version(11);
  for (auto& [name, value] : req.headers) head.insert(name, value);
  if (!req.headers.find("host")) head.set(bhttp::field::host, req.address.host_header());
  if (!req.headers.find("user-agent")) head.set(bhttp::field::user_agent, opt.user_agent);
  std::optional<std::uint64_t> body_size;
  bool chunked = false;
  if (req.body) {
    body_size = req.body->size();
    chunked = !body_size;
    if (auto r = req.body->rewind(); !r) co_return r.error();
  }
  if (body_size)
    head.set(bhttp::field::content_length, std::to_string(*body_size));
  else if (chunked)
    head.set(bhttp::field::transfer_encoding, "chunked");
  else if (req.method == "PUT" || req.method == "POST" || req.method == "PATCH")
    head.set(bhttp::field::content_length, "0");
  bool expect_continue = body_size && *body_size >= opt.expect_continue_threshold && !req.headers.find("expect");
  if (expect_continue) head.set(bhttp::field::expect, "100-continue");

  bhttp::request_serializer<bhttp::empty_body> serializer(head);
  tcp.expires_after(opt.stall_timeout);
  std::size_t written = co_await bhttp::async_write_header(s, serializer, aw());
  st.request_sent = written > 0;
  if (ec) co_return wire_failure(ec, req, "sending");
  st.request_sent = true;

  std::optional<bhttp::response_parser<bhttp::buffer_body>> parser;
  auto fresh_parser = [&] {
    parser.emplace();
    parser->body_limit(boost::none);
    parser->header_limit(64 * 1024);
    if (req.method == "HEAD") parser->skip(true);
  };
  fresh_parser();

  bool have_final_head = false;
  bool send_body = req.body != nullptr;
  if (expect_continue) {
    // Servers answer Expect promptly with 100 or a final status (an auth error spares us the upload).
    tcp.expires_after(opt.first_byte_timeout);
    co_await bhttp::async_read_header(s, read_buffer, *parser, aw());
    if (ec) co_return wire_failure(ec, req, "waiting for 100-continue on");
    st.response_started = true;
    if (parser->get().result_int() == 100) {
      fresh_parser();
    } else {
      have_final_head = true;
      send_body = false;
    }
  }

  // --- request body ---
  if (send_body) {
    auto& buf = io_buffer;
    for (;;) {
      auto n = req.body->read(std::span(buf.data(), chunked ? buf.size() - 32 : buf.size()));
      if (!n) co_return n.error();
      if (chunked) {
        char frame[24];
        int len = std::snprintf(frame, sizeof frame, "%zx\r\n", *n);
        std::array<asio::const_buffer, 3> parts{asio::buffer(frame, len), asio::buffer(buf.data(), *n),
                                                asio::buffer("\r\n", 2)};
        if (*n == 0) parts[2] = asio::buffer("\r\n", 2);  // "0\r\n" + "\r\n": last chunk, no trailers
        tcp.expires_after(opt.stall_timeout);
        co_await asio::async_write(s, parts, aw());
      } else if (*n > 0) {
        tcp.expires_after(opt.stall_timeout);
        co_await asio::async_write(s, asio::buffer(buf.data(), *n), aw());
      }
      if (ec) co_return wire_failure(ec, req, "sending the body of");
      if (*n == 0) break;
    }
    if (body_size) {
      // A body source that ends early would leave the server waiting for bytes that never come.
      auto extra = req.body->read(std::span(io_buffer.data(), 1));
      if (extra && *extra != 0) co_return failure(error::io_error, "request body longer than its declared size");
    }
  }

  // --- response head (skipping interim 1xx responses) ---
  while (!have_final_head) {
    tcp.expires_after(opt.first_byte_timeout);
    co_await bhttp::async_read_header(s, read_buffer, *parser, aw());
    if (ec) co_return wire_failure(ec, req, "reading the response to");
    st.response_started = true;
    if (parser->get().result_int() / 100 == 1) {
      fresh_parser();
      continue;
    }
    have_final_head = true;
  }

  response resp;
  auto& msg = parser->get();
  resp.status = msg.result_int();
  for (auto& field : msg) resp.headers.add(std::string(field.name_string()), std::string(field.value()));

  bool success = resp.status / 100 == 2;
  std::size_t cap = success ? opt.max_buffered_body : opt.max_error_body;
  // A sink only sees 2xx bodies; an error body is buffered (bounded) so the provider can parse it.
  body_target target(success ? sink : nullptr, &resp.body, cap);

  auto stop_early = [&](failure f) -> result<response> {
    st.reusable = false;
    if (target.overflowed() && !success) return resp;  // error body too long: keep what we have
    return f;
  };
  if (success && sink && check && *check) {
    if (auto r = (*check)(resp); !r) co_return stop_early(r.error());
  }

  if (parser->is_done()) {
    // HEAD, 204, 304: no body.
  } else if (!parser->chunked() && parser->content_length()) {
    std::uint64_t remaining = *parser->content_length();
    std::uint64_t total = remaining;
    auto leftover = read_buffer.data();
    std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(leftover.size(), remaining));
    if (auto r = target.deliver(leftover.data(), take); !r) co_return stop_early(r.error());
    read_buffer.consume(take);
    remaining -= take;
    while (remaining > 0) {
      std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(io_buffer.size(), remaining));
      tcp.expires_after(opt.stall_timeout);
      std::size_t n = co_await s.async_read_some(asio::buffer(io_buffer.data(), want), aw());
      if (ec) {
        failure f = wire_failure(ec, req, "reading the body of");
        f.message += " (connection ended after " + std::to_string(total - remaining) + " of " +
                     std::to_string(total) + " bytes)";
        f.http_status = 0;
        co_return stop_early(f);
      }
      if (auto r = target.deliver(io_buffer.data(), n); !r) co_return stop_early(r.error());
      remaining -= n;
    }
  } else {
    while (!parser->is_done()) {
      msg.body().data = io_buffer.data();
      msg.body().size = io_buffer.size();
      tcp.expires_after(opt.stall_timeout);
      co_await bhttp::async_read(s, read_buffer, *parser, aw());
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) co_return stop_early(wire_failure(ec, req, "reading the body of"));
      std::size_t n = io_buffer.size() - msg.body().size;
      if (auto r = target.deliver(io_buffer.data(), n); !r) co_return stop_early(r.error());
    }
  }
  tcp.expires_never();
  st.reusable = msg.keep_alive() && send_body == (req.body != nullptr);
  co_return resp;
}

}  // namespace ferry::http
