#include "tests/support/connection.hpp"

#include "tests/support/object_response.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>

#include <linux/sockios.h>
#include <sys/ioctl.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

namespace ferry::testd {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using asio::use_awaitable;
using lowest_socket = asio::basic_socket<tcp, asio::any_io_executor>;
using parser_type = http::request_parser<http::buffer_body>;

constexpr std::uint64_t drain_limit = 64ull << 20;  // unread request bodies up to this are drained

// Thrown after a fault already reset the connection: unwinds the handler, ends the connection.
struct connection_reset {};

asio::awaitable<void> sleep_ms(std::uint64_t ms) {
  asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
  co_await t.async_wait(use_awaitable);
}

// RST: SO_LINGER 0 then close. Waits (bounded) until the peer has received what was written, so
// "N bytes then reset" means the client really sees N bytes before the error.
asio::awaitable<void> reset_connection(lowest_socket& s) {
  for (int i = 0; i < 200 && s.is_open(); ++i) {
    int queued = 0;
    if (::ioctl(s.native_handle(), SIOCOUTQ, &queued) != 0 || queued == 0) break;
    co_await sleep_ms(10);
  }
  boost::system::error_code ec;
  s.set_option(asio::socket_base::linger(true, 0), ec);
  s.close(ec);
}

void close_gracefully(lowest_socket& s) {
  boost::system::error_code ec;
  s.shutdown(tcp::socket::shutdown_send, ec);
  s.close(ec);
}

template <class Stream>
class exchange_impl final : public exchange {
 public:
  exchange_impl(server_context& ctx, Stream& stream, beast::flat_buffer& buf, parser_type& parser)
      : ctx_(ctx), stream_(stream), buf_(buf), parser_(parser) {
    auto it = header().find(http::field::expect);
    expect_continue_ = it != header().end() && beast::iequals(it->value(), "100-continue");
  }

  const http::request_header<>& header() const override { return parser_.get().base(); }
  server_context& context() const override { return ctx_; }
  bool has_body() const override { return !parser_.is_done(); }
  bool continue_pending() const { return expect_continue_ && !continue_sent_ && !parser_.is_done(); }
  void set_request_reset(std::optional<std::uint64_t> n) { reset_after_ = n; }

  asio::awaitable<std::size_t> read_body(std::span<char> out) override {
    while (!parser_.is_done() && !out.empty()) {
      if (expect_continue_ && !continue_sent_) {
        static constexpr std::string_view cont = "HTTP/1.1 100 Continue\r\n\r\n";
        continue_sent_ = true;
        co_await asio::async_write(stream_, asio::buffer(cont.data(), cont.size()), use_awaitable);
      }
      std::size_t want = out.size();
      if (reset_after_) {
        if (received_ >= *reset_after_) {
          co_await reset_connection(stream_.lowest_layer());
          throw connection_reset{};
        }
        want = std::min<std::uint64_t>(want, *reset_after_ - received_);
      }
      auto& body = parser_.get().body();
      body.data = out.data();
      body.size = want;
      auto [ec, unused] = co_await http::async_read(stream_, buf_, parser_, asio::as_tuple(use_awaitable));
      (void)unused;
      if (ec && ec != http::error::need_buffer) throw boost::system::system_error(ec);
      std::size_t got = want - body.size;
      received_ += got;
      ctx_.stats.received(got);
      if (got > 0) co_return got;
    }
    co_return 0;
  }

 private:
  server_context& ctx_;
  Stream& stream_;
  beast::flat_buffer& buf_;
  parser_type& parser_;
  bool expect_continue_ = false, continue_sent_ = false;
  std::optional<std::uint64_t> reset_after_;
  std::uint64_t received_ = 0;
};

std::string status_line_and_fields(const response& r, std::uint64_t content_length, bool keep_alive,
                                   std::int64_t date_skew) {
  std::string reason(http::obsolete_reason(http::int_to_status(r.status)));
  if (reason.empty() || reason == "<unknown-status>") reason = "Status";
  std::string h = "HTTP/1.1 " + std::to_string(r.status) + " " + reason + "\r\n";
  for (auto& f : r.headers) {
    h.append(f.name_string());
    h.append(": ");
    h.append(f.value());
    h.append("\r\n");
  }
  if (r.status >= 200 && r.status != 204 && (r.status != 304 || r.content_length))
    h += "Content-Length: " + std::to_string(content_length) + "\r\n";
  if (!keep_alive) h += "Connection: close\r\n";
  if (r.headers.find(http::field::date) == r.headers.end())
    h += "Date: " + http_date(std::chrono::system_clock::now() + std::chrono::seconds(date_skew)) + "\r\n";
  h += "Server: ferry_testd\r\n\r\n";
  return h;
}

// Writes head and body, applying the body faults. Returns whether the connection may be reused.
template <class Stream>
asio::awaitable<bool> write_response(server_context& ctx, Stream& stream, const response& r, const fault_spec& f,
                                     bool keep_alive, std::vector<char>& chunk, const std::string& path,
                                     bool request_faulted) {
  const std::uint64_t total = r.omit_body ? 0 : r.body_size();
  std::string head = status_line_and_fields(r, r.content_length.value_or(total), keep_alive, f.date_skew.value_or(0));
  enum class ending { normal, close, reset } end = ending::normal;
  std::uint64_t limit = total;
  if (f.truncate && *f.truncate < limit) {
    limit = *f.truncate;
    end = ending::close;
  }
  if (f.reset_after) {
    limit = std::min(limit, *f.reset_after);
    end = ending::reset;
  }
  std::optional<std::uint64_t> stall_at;
  if (f.stall_ms && f.stall_after <= limit) stall_at = f.stall_after;
  const std::uint64_t trickle = f.trickle_bps.value_or(0);
  const auto start = std::chrono::steady_clock::now();
  if (chunk.size() < ctx.opts.chunk && limit > 0) chunk.resize(ctx.opts.chunk);

  bool head_sent = false;
  std::uint64_t pos = 0;
  for (;;) {
    if (stall_at && *stall_at == pos) {
      if (!head_sent) {
        co_await asio::async_write(stream, asio::buffer(head), use_awaitable);
        head_sent = true;
      }
      stall_at.reset();
      co_await sleep_ms(*f.stall_ms);
      if (f.stall_close) {
        close_gracefully(stream.lowest_layer());
        co_return false;
      }
    }
    if (pos >= limit) break;
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), limit - pos));
    if (stall_at) n = static_cast<std::size_t>(std::min<std::uint64_t>(n, *stall_at - pos));
    if (trickle) n = static_cast<std::size_t>(std::min<std::uint64_t>(n, std::max<std::uint64_t>(1, trickle / 20)));
    const std::uint64_t object_pos = (r.object ? r.offset : 0) + pos;
    if (r.object) {
      if (r.object->read(object_pos, {chunk.data(), n}) != n) throw std::runtime_error("object shrank while reading");
    } else {
      std::memcpy(chunk.data(), r.body.data() + pos, n);
    }
    if (f.flip_byte && *f.flip_byte >= object_pos && *f.flip_byte < object_pos + n) {
      chunk[*f.flip_byte - object_pos] ^= static_cast<char>(0xFF);
      ctx.stats.faults(path, {"flip_byte"}, !request_faulted);  // counted only when the range covered it
    }
    if (!head_sent) {
      std::array<asio::const_buffer, 2> bufs{asio::buffer(head), asio::buffer(chunk.data(), n)};
      co_await asio::async_write(stream, bufs, use_awaitable);
      head_sent = true;
    } else {
      co_await asio::async_write(stream, asio::buffer(chunk.data(), n), use_awaitable);
    }
    pos += n;
    ctx.stats.sent(n);
    if (trickle) {
      auto due = start + std::chrono::microseconds(pos * 1000000 / trickle);
      asio::steady_timer t(co_await asio::this_coro::executor, due);
      co_await t.async_wait(use_awaitable);
    }
  }
  if (!head_sent) co_await asio::async_write(stream, asio::buffer(head), use_awaitable);
  switch (end) {
    case ending::reset:
      co_await reset_connection(stream.lowest_layer());
      co_return false;
    case ending::close:
      close_gracefully(stream.lowest_layer());
      co_return false;
    case ending::normal:
      break;
  }
  co_return keep_alive;
}

template <class Stream>
asio::awaitable<void> write_garbage(Stream& stream, std::uint64_t n) {
  std::string g = "\x16\xfe\x00ferry_testd garbage, not HTTP\r\n";
  while (g.size() < n) g += static_cast<char>((g.size() * 131 + 7) & 0xFF);
  g.resize(n);
  co_await asio::async_write(stream, asio::buffer(g), use_awaitable);
  close_gracefully(stream.lowest_layer());
}

// One request/response. Returns whether to read another request on this connection.
template <class Stream>
asio::awaitable<bool> handle_one(server_context& ctx, Stream& stream, beast::flat_buffer& buf, parser_type& parser,
                                 std::vector<char>& chunk) {
  exchange_impl<Stream> ex(ctx, stream, buf, parser);
  const std::string path(ex.path());
  const bool control = path.starts_with("/_ferry/");
  fault_spec f;
  response r;
  bool have_response = false, faulted = false;
  if (!control) {
    ctx.stats.request(ex.method(), path);
    f = ctx.faults.match(ex.method(), path);
    if (auto h = ex.field("x-ferry-fault")) {
      try {
        f.merge(parse_fault_spec(*h));
      } catch (const std::exception& e) {
        r = make_response(400, std::string("bad x-ferry-fault: ") + e.what() + "\n");
        have_response = true;
      }
    }
    auto names = f.names();
    std::erase(names, "flip_byte");
    faulted = !names.empty();
    ctx.stats.faults(path, names);
    if (ctx.opts.verbose && !f.empty())
      std::fprintf(stderr, "ferry_testd: fault on %s %s\n", std::string(ex.method()).c_str(), path.c_str());
  }
  if (f.drop) {
    co_await reset_connection(stream.lowest_layer());
    co_return false;
  }
  if (f.delay_ms) co_await sleep_ms(*f.delay_ms);
  if (f.garbage) {
    co_await write_garbage(stream, *f.garbage);
    co_return false;
  }
  ex.set_request_reset(f.req_reset_after);
  if (have_response) {
  } else if (f.status) {
    r = make_response(*f.status, f.body.value_or(std::string(http::obsolete_reason(http::int_to_status(*f.status))) +
                                                 "\n"));
    if (f.retry_after) r.headers.set(http::field::retry_after, std::to_string(*f.retry_after));
  } else {
    try {
      dialect* d = ctx.route(ex);
      // No co_await inside ?: -- GCC 12 destroys such temporaries twice in coroutines.
      if (d) r = co_await d->handle(ex);
      else r = make_response(404, "no dialect\n");
    } catch (const connection_reset&) {
      co_return false;
    } catch (const invalid_key& e) {
      r = make_response(400, std::string("invalid key: ") + e.what() + "\n");
    } catch (const boost::system::system_error&) {
      throw;  // the connection itself failed: nothing to answer
    } catch (const std::exception& e) {
      r = make_response(500, std::string("ferry_testd: ") + e.what() + "\n");
    }
  }
  for (auto& [k, v] : f.headers) r.headers.set(k, v);
  if (f.replace && r.replace) r.replace();
  if (f.lose_response) {
    co_await reset_connection(stream.lowest_layer());
    co_return false;
  }
  bool keep = parser.keep_alive() && !r.close;
  if (ex.has_body()) {
    // The handler did not read the whole body. A client waiting for 100 Continue will not send it;
    // otherwise drain a reasonable amount so the connection stays usable.
    if (ex.continue_pending()) keep = false;
    else {
      std::uint64_t drained = 0;
      if (chunk.size() < (64u << 10)) chunk.resize(64u << 10);
      try {
        while (drained <= drain_limit) {
          std::size_t n = co_await ex.read_body(chunk);
          if (n == 0) break;
          drained += n;
        }
      } catch (const connection_reset&) {
        co_return false;
      }
      if (ex.has_body()) keep = false;
    }
  }
  if (ctx.opts.verbose)
    std::fprintf(stderr, "ferry_testd: %s %s -> %u%s\n", std::string(ex.method()).c_str(), path.c_str(), r.status,
                 f.empty() ? "" : " (faulted)");
  co_return co_await write_response(ctx, stream, r, f, keep, chunk, path, faulted);
}

template <class Stream>
asio::awaitable<void> serve(server_context& ctx, Stream& stream) {
  beast::flat_buffer buf;
  std::vector<char> chunk;
  for (;;) {
    parser_type parser;
    parser.body_limit(boost::none);
    parser.header_limit(64 * 1024);
    auto [ec, n] = co_await http::async_read_header(stream, buf, parser, asio::as_tuple(use_awaitable));
    (void)n;
    if (ec) {
      if (ec != http::error::end_of_stream && ctx.opts.verbose)
        std::fprintf(stderr, "ferry_testd: read: %s\n", ec.message().c_str());
      co_return;
    }
    if (!co_await handle_one(ctx, stream, buf, parser, chunk)) co_return;
  }
}

void tune(tcp::socket& s) {
  boost::system::error_code ec;
  s.set_option(tcp::no_delay(true), ec);
  // Socket buffer sizes stay on kernel auto-tuning: setting them caps them at wmem_max.
}

}  // namespace

asio::awaitable<void> serve_plain(server_context& ctx, tcp::socket socket) {
  ctx.stats.connection();
  tune(socket);
  try {
    co_await serve(ctx, socket);
  } catch (const std::exception& e) {
    if (ctx.opts.verbose) std::fprintf(stderr, "ferry_testd: connection: %s\n", e.what());
  }
}

asio::awaitable<void> serve_tls(server_context& ctx, asio::ssl::context& tls, tcp::socket socket) {
  ctx.stats.connection();
  tune(socket);
  try {
    asio::ssl::stream<tcp::socket> stream(std::move(socket), tls);
    co_await stream.async_handshake(asio::ssl::stream_base::server, use_awaitable);
    co_await serve(ctx, stream);
  } catch (const std::exception& e) {
    if (ctx.opts.verbose) std::fprintf(stderr, "ferry_testd: tls connection: %s\n", e.what());
  }
}

}  // namespace ferry::testd
