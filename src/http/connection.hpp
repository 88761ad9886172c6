// One HTTP/1.1 connection (plain or TLS) and one request/response exchange on it. Beast lives here and in
// connection.cpp only; the pool and client see this Beast-free interface.
#pragma once

#include "ferry/http.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <memory>

namespace ferry::http {

// What happened on the wire during an exchange, so the caller can decide about retries and reuse.
struct exchange_state {
  bool request_sent = false;      // some request byte was written
  bool response_started = false;  // a response status line arrived
  bool reusable = false;          // the connection may carry another request
};

class connection {
 public:
  connection(boost::asio::any_io_executor ex, std::shared_ptr<boost::asio::ssl::context> tls, std::string host);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  boost::asio::awaitable<result<void>> connect(const boost::asio::ip::tcp::resolver::results_type& endpoints,
                                               const client_options& options);
  // sink == nullptr: buffer the body into the response (up to options.max_buffered_body).
  boost::asio::awaitable<result<response>> exchange(const request& req, const body_sink* sink,
                                                    const head_check* check, const client_options& options,
                                                    exchange_state& state);
  void close() noexcept;

  std::chrono::steady_clock::time_point last_used;
  int requests_served = 0;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace ferry::http
