// The HTTP client against ferry_testd: keep-alive reuse, the per-host connection cap, 100-continue, bounded
// buffering, chunked request bodies, and stale pooled connections.
#include "tests/integration/testd_process.hpp"

#include "ferry/http.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <boost/asio/detached.hpp>

#include <atomic>
#include <cstring>
#include <thread>

using namespace ferry;
using namespace ferry::test;
namespace asio = boost::asio;

namespace {

template <class F>
auto run(asio::io_context& io, F f) {
  auto fut = asio::co_spawn(io, f(), asio::use_future);
  io.restart();
  io.run();
  return fut.get();
}

http::request get(const std::string& url) {
  http::request r;
  r.address = *http::url::parse(url);
  return r;
}

// A body of unknown length: sent with chunked transfer encoding.
class unsized_body final : public http::body_source {
 public:
  explicit unsized_body(std::string s) : data_(std::move(s)) {}
  std::optional<std::uint64_t> size() const override { return std::nullopt; }
  result<void> rewind() override {
    pos_ = 0;
    return {};
  }
  result<std::size_t> read(std::span<std::byte> out) override {
    std::size_t n = std::min<std::size_t>({out.size(), data_.size() - pos_, 1000});
    std::memcpy(out.data(), data_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  std::size_t pos_ = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(http_client)

BOOST_AUTO_TEST_CASE(keep_alive_reuses_one_connection) {
  testd_process server;
  BOOST_REQUIRE_EQUAL(server.request("PUT", "/k", {}, "hello").status / 100, 2);
  asio::io_context io;
  http::client client(io.get_executor());
  auto statuses = run(io, [&]() -> asio::awaitable<std::vector<int>> {
    std::vector<int> out;
    for (int i = 0; i < 20; ++i) {
      auto r = co_await client.send(get(server.http_base() + "/k"));
      out.push_back(r ? r->status : -1);
      if (r) BOOST_TEST(r->body == "hello");
    }
    co_return out;
  });
  BOOST_TEST(std::count(statuses.begin(), statuses.end(), 200) == 20);
  BOOST_TEST(client.open_connections() == 1u);
}

BOOST_AUTO_TEST_CASE(per_host_cap_is_respected_under_parallel_load) {
  testd_process server;
  asio::io_context io;
  http::client_options opts;
  opts.max_connections_per_host = 3;
  http::client client(io.get_executor(), opts);
  std::atomic<int> ok{0};
  std::size_t peak = 0;
  auto one = [&]() -> asio::awaitable<void> {
    auto r = co_await client.send(get(server.http_base() + "/_gen/65536?seed=3"));
    if (r && r->status == 200 && r->body.size() == 65536) ++ok;
    peak = std::max(peak, client.open_connections());
  };
  for (int i = 0; i < 24; ++i) asio::co_spawn(io, one(), asio::detached);
  std::thread t([&] { io.run(); });
  io.run();
  t.join();
  BOOST_TEST(ok == 24);
  BOOST_TEST(peak <= 3u);
  BOOST_TEST(client.open_connections() <= 3u);
}

BOOST_AUTO_TEST_CASE(large_upload_uses_expect_continue_and_early_rejection_skips_the_body) {
  testd_process server;
  asio::io_context io;
  http::client_options opts;
  opts.expect_continue_threshold = 1024;
  http::client client(io.get_executor(), opts);
  std::string body(200 * 1024, 'x');
  auto status = run(io, [&]() -> asio::awaitable<int> {
    http::request put;
    put.method = "PUT";
    put.address = *http::url::parse(server.http_base() + "/big");
    put.body = http::body_from_string(body);
    auto r = co_await client.send(put);
    co_return r ? r->status : -1;
  });
  BOOST_TEST(status / 100 == 2);
  auto back = server.request("GET", "/big");
  BOOST_TEST((back.body == body));

  // A server that refuses before the body (here: a scripted 403) is answered without uploading the body.
  server.set_faults(R"({"path":"/denied","method":"PUT","fault":"status=403"})");
  auto denied = run(io, [&]() -> asio::awaitable<int> {
    http::request put;
    put.method = "PUT";
    put.address = *http::url::parse(server.http_base() + "/denied");
    put.body = http::body_from_string(body);
    auto r = co_await client.send(put);
    co_return r ? r->status : -1;
  });
  BOOST_TEST(denied == 403);
}

BOOST_AUTO_TEST_CASE(chunked_request_body) {
  testd_process server;
  asio::io_context io;
  http::client client(io.get_executor());
  std::string body;
  for (int i = 0; i < 5000; ++i) body += std::to_string(i) + ",";
  auto status = run(io, [&]() -> asio::awaitable<int> {
    http::request put;
    put.method = "PUT";
    put.address = *http::url::parse(server.http_base() + "/chunked");
    put.body = std::make_shared<unsized_body>(body);
    auto r = co_await client.send(put);
    co_return r ? r->status : -1;
  });
  BOOST_TEST(status / 100 == 2);
  BOOST_TEST((server.request("GET", "/chunked").body == body));
}

BOOST_AUTO_TEST_CASE(buffered_body_limit) {
  testd_process server;
  asio::io_context io;
  http::client_options opts;
  opts.max_buffered_body = 1000;
  http::client client(io.get_executor(), opts);
  auto r = run(io, [&]() -> asio::awaitable<result<http::response>> {
    co_return co_await client.send(get(server.http_base() + "/_gen/5000"));
  });
  BOOST_REQUIRE(!r);
  BOOST_TEST((r.error().kind == error::quota_exceeded));
  BOOST_TEST(r.error().attempts == 1);
  BOOST_TEST(!r.error().request_id.empty());
}

BOOST_AUTO_TEST_CASE(send_with_retry_counts_attempts_and_stops_on_permanent_errors) {
  testd_process server;
  BOOST_REQUIRE_EQUAL(server.request("PUT", "/r", {}, "v").status / 100, 2);
  asio::io_context io;
  http::client client(io.get_executor());
  retry_options ro;
  ro.base_delay = std::chrono::milliseconds(1);
  server.set_faults(R"({"path":"/r","times":2,"fault":"status=503"})");
  auto ok = run(io, [&]() -> asio::awaitable<result<http::response>> {
    retry_policy p(ro);
    co_return co_await http::send_with_retry(client, get(server.http_base() + "/r"), p);
  });
  BOOST_REQUIRE(ok);
  BOOST_TEST(ok->body == "v");
  auto missing = run(io, [&]() -> asio::awaitable<result<http::response>> {
    retry_policy p(ro);
    co_return co_await http::send_with_retry(client, get(server.http_base() + "/nope"), p);
  });
  BOOST_REQUIRE(!missing);
  BOOST_TEST((missing.error().kind == error::not_found));
  BOOST_TEST(missing.error().attempts == 1);
  // A POST whose connection is reset after the request went out is not replayed.
  server.set_faults(R"({"path":"/post","method":"POST","times":0,"fault":"drop=1"})");
  auto post = run(io, [&]() -> asio::awaitable<result<http::response>> {
    retry_policy p(ro);
    http::request req = get(server.http_base() + "/post");
    req.method = "POST";
    req.body = http::body_from_string("payload");
    co_return co_await http::send_with_retry(client, req, p);
  });
  BOOST_REQUIRE(!post);
  BOOST_TEST(post.error().attempts == 1);
  BOOST_TEST(post.error().request_sent);
}

BOOST_AUTO_TEST_CASE(stale_pooled_connection_is_replaced_transparently) {
  testd_process server;
  BOOST_REQUIRE_EQUAL(server.request("PUT", "/s", {}, "v").status / 100, 2);
  asio::io_context io;
  http::client client(io.get_executor());
  auto first = run(io, [&]() -> asio::awaitable<int> {
    auto r = co_await client.send(get(server.http_base() + "/s"));
    co_return r ? r->status : -1;
  });
  BOOST_TEST(first == 200);
  // The server drops the next request on the pooled connection before answering anything.
  server.set_faults(R"({"path":"/s","method":"GET","fault":"drop=1"})");
  auto second = run(io, [&]() -> asio::awaitable<result<http::response>> {
    co_return co_await client.send(get(server.http_base() + "/s"));
  });
  BOOST_REQUIRE(second);
  BOOST_TEST(second->status == 200);
}

BOOST_AUTO_TEST_SUITE_END()
