// ferry_testd: the fake object/secret server for integration tests and benchmarks.
// Binds its listeners, prints one "listening" line on stdout, serves until SIGTERM/SIGINT.
#include "tests/support/connection.hpp"
#include "tests/support/options.hpp"
#include "tests/support/server_context.hpp"
#include "tests/support/tls_identity.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <csignal>

#include <sys/prctl.h>
#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace ferry::testd;

namespace {

asio::awaitable<void> accept_loop(server_context& ctx, tcp::acceptor& acceptor, asio::ssl::context* tls) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) {  // e.g. EMFILE: back off instead of spinning
      asio::steady_timer t(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    auto ex = socket.get_executor();
    if (tls) asio::co_spawn(ex, serve_tls(ctx, *tls, std::move(socket)), asio::detached);
    else asio::co_spawn(ex, serve_plain(ctx, std::move(socket)), asio::detached);
  }
}

tcp::acceptor listen_on(asio::io_context& ioc, const std::string& host, std::uint16_t port) {
  tcp::endpoint ep(asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host), port);
  tcp::acceptor a(ioc, ep.protocol());
  a.set_option(asio::socket_base::reuse_address(true));
  a.bind(ep);
  a.listen(asio::socket_base::max_listen_connections);
  return a;
}

// Written to a temp name then renamed, so a reader never sees half a file.
void write_file_atomically(const std::string& path, const std::string& content, bool private_file = false) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + tmp);
    out << content;
  }
  if (private_file) std::filesystem::permissions(tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::rename(tmp, path);
}

std::string endpoint_text(const tcp::acceptor& a) {
  auto ep = a.local_endpoint();
  std::string addr = ep.address().to_string();
  if (ep.address().is_v6()) addr = "[" + addr + "]";
  return addr + ":" + std::to_string(ep.port());
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  try {
    server_context ctx(parse_options(argc, argv));
    const options& o = ctx.opts;
    if (o.parent_pid > 0) {
      // SIGTERM when the parent dies (the handler below stops cleanly); if it died before this line, go now.
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (::getppid() != o.parent_pid) return 0;
    }
    if (!o.faults_file.empty()) {
      std::ifstream in(o.faults_file);
      if (!in) throw std::runtime_error("cannot read " + o.faults_file);
      std::stringstream ss;
      ss << in.rdbuf();
      ctx.faults.load(boost::json::parse(ss.str()));
    }

    asio::io_context ioc(static_cast<int>(o.threads));
    std::optional<tcp::acceptor> http_acceptor, https_acceptor;
    std::optional<asio::ssl::context> tls;
    std::string line = "ferry_testd listening";
    if (o.http) {
      http_acceptor.emplace(listen_on(ioc, o.host, o.port));
      line += " http=" + endpoint_text(*http_acceptor);
    }
    if (o.tls) {
      tls_identity id = make_self_signed_identity(o.host);
      tls.emplace(asio::ssl::context::tls_server);
      tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1);
      tls->use_certificate_chain(asio::buffer(id.cert_pem));
      tls->use_private_key(asio::buffer(id.key_pem), asio::ssl::context::pem);
      if (!o.cert_out.empty()) write_file_atomically(o.cert_out, id.cert_pem);
      if (!o.key_out.empty()) write_file_atomically(o.key_out, id.key_pem, true);
      https_acceptor.emplace(listen_on(ioc, o.host, o.tls_port));
      line += " https=" + endpoint_text(*https_acceptor);
    }
    if (http_acceptor) asio::co_spawn(ioc, accept_loop(ctx, *http_acceptor, nullptr), asio::detached);
    if (https_acceptor) asio::co_spawn(ioc, accept_loop(ctx, *https_acceptor, &*tls), asio::detached);

    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) { ioc.stop(); });

    if (!o.port_file.empty()) write_file_atomically(o.port_file, line + "\n");
    std::fprintf(stdout, "%s\n", line.c_str());
    std::fflush(stdout);

    std::vector<std::thread> threads;
    for (unsigned i = 1; i < o.threads; ++i) threads.emplace_back([&] { ioc.run(); });
    ioc.run();
    for (auto& t : threads) t.join();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ferry_testd: %s\n", e.what());
    return 2;
  }
}
