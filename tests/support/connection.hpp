// One accepted connection: read requests (keep-alive), route each to a dialect, write the response
// while applying its faults. Plain TCP and TLS share one implementation (a template in connection.cpp).
#pragma once

#include "tests/support/server_context.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

namespace ferry::testd {

boost::asio::awaitable<void> serve_plain(server_context& ctx, boost::asio::ip::tcp::socket socket);
boost::asio::awaitable<void> serve_tls(server_context& ctx, boost::asio::ssl::context& tls,
                                       boost::asio::ip::tcp::socket socket);

}  // namespace ferry::testd
