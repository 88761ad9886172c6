// ferry_testd checked from the outside with raw sockets (and Asio SSL for HTTPS): object semantics,
// generated content, every fault kind, the fault script, stats, and a clean exit on SIGTERM.
#include <boost/test/unit_test.hpp>

#include "tests/integration/testd_process.hpp"
#include "tests/support/generated_content.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

using ferry::test::http_reply;
using ferry::test::testd_process;
namespace fs = std::filesystem;

namespace {

std::string gen_bytes(std::uint64_t size, std::uint64_t seed, std::uint64_t offset, std::size_t n) {
  std::string s(n, '\0');
  ferry::testd::generated_fill(size, seed, offset, s.data(), n);
  return s;
}

struct temp_root {
  fs::path path;
  temp_root() {
    std::string t = (fs::temp_directory_path() / "ferry-testd-root-XXXXXX").string();
    BOOST_REQUIRE(::mkdtemp(t.data()));
    path = t;
  }
  ~temp_root() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const std::string& name, const std::string& content) {
    fs::create_directories((path / name).parent_path());
    std::ofstream(path / name, std::ios::binary) << content;
  }
};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Value of a counter in the stats JSON, by a literal fragment such as "\"/x\":{\"GET\":".
std::uint64_t counter_after(const std::string& json, const std::string& fragment) {
  auto p = json.find(fragment);
  if (p == std::string::npos) return 0;
  return std::stoull(json.substr(p + fragment.size()));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(testd_selftest)

BOOST_AUTO_TEST_CASE(directory_get_range_head) {
  temp_root root;
  const std::string content = "0123456789abcdefghij";
  root.write("dir/obj.bin", content);
  testd_process td({"--root", root.path.string()});

  auto full = td.request("GET", "/dir/obj.bin");
  BOOST_TEST(full.status == 200);
  BOOST_TEST(full.body == content);
  BOOST_TEST(full.header("ETag").has_value());
  BOOST_TEST(full.header("Last-Modified").has_value());

  auto ab = td.request("GET", "/dir/obj.bin", {{"Range", "bytes=2-5"}});
  BOOST_TEST(ab.status == 206);
  BOOST_TEST(ab.body == "2345");
  BOOST_TEST(*ab.header("Content-Range") == "bytes 2-5/20");

  auto open = td.request("GET", "/dir/obj.bin", {{"Range", "bytes=15-"}});
  BOOST_TEST(open.status == 206);
  BOOST_TEST(open.body == "fghij");

  auto suffix = td.request("GET", "/dir/obj.bin", {{"Range", "bytes=-3"}});
  BOOST_TEST(suffix.status == 206);
  BOOST_TEST(suffix.body == "hij");
  BOOST_TEST(*suffix.header("Content-Range") == "bytes 17-19/20");

  auto past_end = td.request("GET", "/dir/obj.bin", {{"Range", "bytes=10-99"}});
  BOOST_TEST(past_end.status == 206);
  BOOST_TEST(past_end.body == "abcdefghij");

  auto bad = td.request("GET", "/dir/obj.bin", {{"Range", "bytes=20-"}});
  BOOST_TEST(bad.status == 416);
  BOOST_TEST(*bad.header("Content-Range") == "bytes */20");

  auto multi = td.request("GET", "/dir/obj.bin", {{"Range", "bytes=0-1,4-5"}});
  BOOST_TEST(multi.status == 200);  // documented: multiple ranges get the whole object
  BOOST_TEST(multi.body == content);

  auto head = td.request("HEAD", "/dir/obj.bin");
  BOOST_TEST(head.status == 200);
  BOOST_TEST(*head.content_length() == 20u);
  BOOST_TEST(head.body.empty());
  BOOST_TEST(*head.header("ETag") == *full.header("ETag"));

  BOOST_TEST(td.request("GET", "/dir/missing").status == 404);
  BOOST_TEST(td.request("GET", "/../etc/passwd").status == 400);
  BOOST_TEST(td.request("GET", "/dir/%2e%2e/%2e%2e/etc/passwd").status == 400);
  BOOST_TEST(td.request("GET", "//etc/passwd").status == 400);
  BOOST_TEST(td.request("GET", "/dir/a%00b").status == 400);
}

BOOST_AUTO_TEST_CASE(put_get_delete_and_preconditions) {
  for (bool memory : {true, false}) {
    temp_root root;
    testd_process td(memory ? std::vector<std::string>{"--memory"}
                            : std::vector<std::string>{"--root", root.path.string()});
    std::string data(300000, 'x');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);

    auto created = td.request("PUT", "/a/b/c.bin", {}, data);
    BOOST_TEST(created.status == 201);
    auto etag = created.header("ETag");
    BOOST_REQUIRE(etag.has_value());
    auto got = td.request("GET", "/a/b/c.bin");
    BOOST_TEST(got.status == 200);
    BOOST_TEST((got.body == data));
    BOOST_TEST(*got.header("ETag") == *etag);

    BOOST_TEST(td.request("GET", "/a/b/c.bin", {{"If-None-Match", *etag}}).status == 304);
    BOOST_TEST(td.request("GET", "/a/b/c.bin", {{"If-Match", "\"other\""}}).status == 412);
    BOOST_TEST(td.request("GET", "/a/b/c.bin", {{"If-Match", *etag}}).status == 200);
    BOOST_TEST(td.request("PUT", "/a/b/c.bin", {{"If-None-Match", "*"}}, "new").status == 412);
    BOOST_TEST(td.request("PUT", "/a/b/c.bin", {{"If-Match", "\"other\""}}, "new").status == 412);

    // Expect: 100-continue is honoured: the body goes only after the interim response.
    auto replaced = td.request("PUT", "/a/b/c.bin", {{"If-Match", *etag}, {"Expect", "100-continue"}}, "new");
    BOOST_TEST(replaced.status == 200);
    BOOST_TEST(replaced.raw.starts_with("HTTP/1.1 100 Continue"));
    BOOST_TEST(*replaced.header("ETag") != *etag);
    BOOST_TEST(td.request("GET", "/a/b/c.bin").body == "new");

    BOOST_TEST(td.request("DELETE", "/a/b/c.bin").status == 204);
    BOOST_TEST(td.request("GET", "/a/b/c.bin").status == 404);
    BOOST_TEST(td.request("DELETE", "/a/b/c.bin").status == 404);
    BOOST_TEST(td.request("PUT", "/../escape", {}, "x").status == 400);
  }
}

BOOST_AUTO_TEST_CASE(keep_alive_serves_several_requests) {
  testd_process td;
  auto r = ferry::test::raw_http(td.http_port(),
                                 "GET /_gen/10 HTTP/1.1\r\nHost: x\r\n\r\n"
                                 "GET /_gen/20 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.raw.find("Content-Length: 10\r\n") != std::string::npos);
  BOOST_TEST(r.raw.find("Content-Length: 20\r\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(generated_content_is_deterministic) {
  testd_process td;
  auto full = td.request("GET", "/_gen/100003?seed=7");
  BOOST_TEST(full.status == 200);
  BOOST_TEST((full.body == gen_bytes(100003, 7, 0, 100003)));
  auto range = td.request("GET", "/_gen/100003?seed=7", {{"Range", "bytes=1001-2999"}});
  BOOST_TEST(range.status == 206);
  BOOST_TEST((range.body == full.body.substr(1001, 1999)));
  auto named = td.request("GET", "/_gen/1MiB/model.safetensors", {{"Range", "bytes=-5"}});
  BOOST_TEST((named.body == gen_bytes(1 << 20, 0, (1 << 20) - 5, 5)));
  auto other_seed = td.request("GET", "/_gen/100003?seed=8");
  BOOST_TEST((other_seed.body != full.body));
  BOOST_TEST(*other_seed.header("ETag") != *full.header("ETag"));
  BOOST_TEST(td.request("PUT", "/_gen/10", {}, "x").status == 405);
  BOOST_TEST(td.request("GET", "/_gen/lots").status == 400);
  auto big = td.request("HEAD", "/_gen/4GiB");
  BOOST_TEST(*big.content_length() == 4ull << 30);
}

BOOST_AUTO_TEST_CASE(header_faults_fire) {
  testd_process td;
  const std::uint64_t size = 1 << 20;
  using hdrs = std::vector<std::pair<std::string, std::string>>;

  auto reset = td.request("GET", "/_gen/1MiB", hdrs{{"x-ferry-fault", "reset_after=1000"}});
  BOOST_TEST(reset.status == 200);
  BOOST_TEST(*reset.content_length() == size);
  BOOST_TEST(reset.body.size() == 1000u);
  BOOST_TEST(!reset.error.empty());  // the client sees a reset, not a clean end

  auto trunc = td.request("GET", "/_gen/1MiB", hdrs{{"x-ferry-fault", "truncate=4096"}});
  BOOST_TEST(*trunc.content_length() == size);
  BOOST_TEST(trunc.body.size() == 4096u);
  BOOST_TEST(trunc.error.empty());  // a clean close, short of Content-Length

  auto slow = td.request("GET", "/_gen/1MiB", hdrs{{"x-ferry-fault", "status=503,retry_after=2,body=SlowDown"}});
  BOOST_TEST(slow.status == 503);
  BOOST_TEST(*slow.header("Retry-After") == "2");
  BOOST_TEST(slow.body == "SlowDown");

  auto extra = td.request("GET", "/_gen/1MiB", hdrs{{"x-ferry-fault", "status=500,header=x-ms-retry-after-ms:250"}});
  BOOST_TEST(extra.status == 500);
  BOOST_TEST(*extra.header("x-ms-retry-after-ms") == "250");

  auto t0 = std::chrono::steady_clock::now();
  auto stall = td.request("GET", "/_gen/1000", hdrs{{"x-ferry-fault", "stall=300,stall_after=10"}});
  BOOST_TEST(seconds_since(t0) >= 0.28);
  BOOST_TEST((stall.body == gen_bytes(1000, 0, 0, 1000)));  // then it continues

  auto stall_close = td.request("GET", "/_gen/1000", hdrs{{"x-ferry-fault", "stall=50,stall_after=10,stall_then=close"}});
  BOOST_TEST(stall_close.body.size() == 10u);

  auto flip = td.request("GET", "/_gen/1MiB", hdrs{{"x-ferry-fault", "flip_byte=5000"}, {"Range", "bytes=4096-8191"}});
  std::string expected = gen_bytes(size, 0, 4096, 4096);
  BOOST_TEST(flip.status == 206);
  BOOST_REQUIRE(flip.body.size() == 4096u);
  BOOST_TEST(flip.body[5000 - 4096] == static_cast<char>(expected[5000 - 4096] ^ 0xFF));
  flip.body[5000 - 4096] = expected[5000 - 4096];
  BOOST_TEST((flip.body == expected));
  auto no_flip = td.request("GET", "/_gen/1MiB", hdrs{{"x-ferry-fault", "flip_byte=5000"}, {"Range", "bytes=0-99"}});
  BOOST_TEST((no_flip.body == gen_bytes(size, 0, 0, 100)));

  t0 = std::chrono::steady_clock::now();
  auto trickle = td.request("GET", "/_gen/20000", hdrs{{"x-ferry-fault", "trickle=40000"}});
  BOOST_TEST(seconds_since(t0) >= 0.4);
  BOOST_TEST(trickle.body.size() == 20000u);

  auto garbage = td.request("GET", "/_gen/10", hdrs{{"x-ferry-fault", "garbage"}});
  BOOST_TEST(garbage.status == 0);
  BOOST_TEST(!garbage.raw.empty());

  auto drop = td.request("GET", "/_gen/10", hdrs{{"x-ferry-fault", "drop"}});
  BOOST_TEST(drop.raw.empty());

  auto delay_t0 = std::chrono::steady_clock::now();
  BOOST_TEST(td.request("GET", "/_gen/10", hdrs{{"x-ferry-fault", "delay=200"}}).status == 200);
  BOOST_TEST(seconds_since(delay_t0) >= 0.18);

  auto skewed = td.request("GET", "/_gen/10", hdrs{{"x-ferry-fault", "date_skew=-86400000"}});
  auto now = td.request("GET", "/_gen/10");
  BOOST_TEST(skewed.header("Date")->substr(12, 4) != now.header("Date")->substr(12, 4));  // ~3 years back

  BOOST_TEST(td.request("GET", "/_gen/10", hdrs{{"x-ferry-fault", "no_such_fault=1"}}).status == 400);

  // Upload faults: the PUT dies after N request bytes, nothing is stored.
  auto up = td.request("PUT", "/up.bin", hdrs{{"x-ferry-fault", "req_reset_after=1000"}}, std::string(100000, 'u'));
  BOOST_TEST(up.status == 0);
  BOOST_TEST(td.request("GET", "/up.bin").status == 404);
  // lose_response: the PUT is committed, but the client never learns it.
  auto lost = td.request("PUT", "/lost.bin", hdrs{{"x-ferry-fault", "lose_response"}}, "kept");
  BOOST_TEST(lost.status == 0);
  BOOST_TEST(td.request("GET", "/lost.bin").body == "kept");

  auto stats = td.stats();
  BOOST_TEST(counter_after(stats, "\"reset_after\":") >= 1u);
  BOOST_TEST(counter_after(stats, "\"flip_byte\":") == 1u);  // only the request whose range covered it
  BOOST_TEST(counter_after(stats, "\"garbage\":") == 1u);
}

BOOST_AUTO_TEST_CASE(fault_script_matches_nth_request) {
  testd_process td;
  // "The 2nd GET of /x gets a reset"; every 3rd GET under /_gen/ fails with 503.
  td.set_faults(R"({"rules":[
      {"path":"/x","method":"GET","nth":2,"fault":"reset_after=3"},
      {"prefix":"/_gen/","method":"GET","every":3,"status":503,"retry_after":1}]})");
  td.request("PUT", "/x", {}, "0123456789");
  auto first = td.request("GET", "/x");
  auto second = td.request("GET", "/x");
  auto third = td.request("GET", "/x");
  BOOST_TEST(first.body == "0123456789");
  BOOST_TEST(second.body == "012");
  BOOST_TEST(!second.error.empty());
  BOOST_TEST(third.body == "0123456789");

  std::vector<int> statuses;
  for (int i = 0; i < 6; ++i) statuses.push_back(td.request("GET", "/_gen/10").status);
  BOOST_TEST((statuses == std::vector<int>{200, 200, 503, 200, 200, 503}));

  auto stats = td.stats();
  BOOST_TEST(counter_after(stats, "\"/x\":{\"GET\":") == 3u);
  BOOST_TEST(counter_after(stats, "\"/x\":{\"reset_after\":") == 1u);
  BOOST_TEST(counter_after(stats, "\"status\":") == 2u);

  auto script = td.request("GET", "/_ferry/faults");
  BOOST_TEST(script.body.find("\"fired\":2") != std::string::npos);

  td.clear_faults();
  BOOST_TEST(td.request("GET", "/x").body == "0123456789");
  BOOST_TEST(td.request("POST", "/_ferry/faults", {}, "{\"rules\":[{\"method\":\"GET\"}]}").status == 400);
  td.reset_stats();
  BOOST_TEST(counter_after(td.stats(), "\"requests\":") == 0u);
}

BOOST_AUTO_TEST_CASE(replace_after_changes_object_between_requests) {
  temp_root root;
  root.write("m.bin", std::string(5000, 'a'));
  testd_process td({"--root", root.path.string()});
  td.set_faults(R"([{"path":"/m.bin","replace_after":2},{"path":"/_gen/4096","replace_after":1}])");
  auto r1 = td.request("GET", "/m.bin");
  auto r2 = td.request("GET", "/m.bin");
  auto r3 = td.request("GET", "/m.bin");
  BOOST_TEST(*r1.header("ETag") == *r2.header("ETag"));
  BOOST_TEST((r1.body == r2.body));
  BOOST_TEST(*r3.header("ETag") != *r2.header("ETag"));
  BOOST_TEST(r3.body.size() == 5000u);
  BOOST_TEST((r3.body != r2.body));
  BOOST_TEST(td.request("GET", "/m.bin", {{"If-Match", *r1.header("ETag")}}).status == 412);

  auto g1 = td.request("GET", "/_gen/4096");
  auto g2 = td.request("GET", "/_gen/4096");
  BOOST_TEST((g1.body == gen_bytes(4096, 0, 0, 4096)));
  BOOST_TEST((g2.body == gen_bytes(4096, 1, 0, 4096)));  // documented: seed + number of replaces
  BOOST_TEST(*g1.header("ETag") != *g2.header("ETag"));
}

BOOST_AUTO_TEST_CASE(faults_file_at_startup_and_clean_exit) {
  temp_root root;
  root.write("faults.json", R"({"rules":[{"path":"/_gen/100","status":500}]})");
  testd_process td({"--memory", "--faults", (root.path / "faults.json").string(), "--threads", "3"});
  BOOST_TEST(td.request("GET", "/_gen/100").status == 500);
  BOOST_TEST(td.request("GET", "/_gen/100").status == 200);
  int status = td.terminate();
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0);
}

BOOST_AUTO_TEST_CASE(concurrent_clients) {
  testd_process td({"--memory", "--threads", "2"});
  std::atomic<int> good{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 16; ++t)
    clients.emplace_back([&, t] {
      for (int i = 0; i < 4; ++i) {
        const std::uint64_t first = static_cast<std::uint64_t>(t) * 4096 + static_cast<std::uint64_t>(i);
        auto r = td.request("GET", "/_gen/8MiB?seed=" + std::to_string(t),
                            {{"Range", "bytes=" + std::to_string(first) + "-" + std::to_string(first + 300000)}});
        if (r.status == 206 && r.body == gen_bytes(8 << 20, static_cast<std::uint64_t>(t), first, 300001)) ++good;
      }
    });
  for (auto& c : clients) c.join();
  BOOST_TEST(good.load() == 64);
  auto big = td.request("GET", "/_gen/48MiB?seed=5");
  BOOST_TEST(big.body.size() == 48u << 20);
  BOOST_TEST((big.body.substr(big.body.size() - 1000) == gen_bytes(48 << 20, 5, (48 << 20) - 1000, 1000)));
}

BOOST_AUTO_TEST_CASE(bad_arguments_fail_to_start) {
  BOOST_CHECK_THROW(testd_process({"--no-such-option"}), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(https_with_generated_ca) {
  namespace asio = boost::asio;
  namespace ssl = asio::ssl;
  testd_process td({"--memory", "--tls"});
  BOOST_REQUIRE(td.https_port() != 0);
  BOOST_REQUIRE(fs::exists(td.cert_path()));

  auto fetch = [&](bool trust, const std::string& host) -> std::string {
    asio::io_context ioc;
    ssl::context ctx(ssl::context::tls_client);
    if (trust) ctx.load_verify_file(td.cert_path());
    ctx.set_verify_mode(ssl::verify_peer);
    ssl::stream<asio::ip::tcp::socket> s(ioc, ctx);
    s.set_verify_callback(ssl::host_name_verification(host));
    SSL_set_tlsext_host_name(s.native_handle(), host.c_str());
    s.next_layer().connect({asio::ip::make_address("127.0.0.1"), td.https_port()});
    s.handshake(ssl::stream_base::client);
    std::string req = "GET /_gen/70000?seed=3 HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    asio::write(s, asio::buffer(req));
    std::string out;
    boost::system::error_code ec;
    char buf[16384];
    for (;;) {
      std::size_t n = s.read_some(asio::buffer(buf), ec);
      out.append(buf, n);
      if (ec) break;
    }
    return out;
  };
  for (std::string host : {"127.0.0.1", "localhost"}) {
    std::string reply = fetch(true, host);
    BOOST_TEST(reply.starts_with("HTTP/1.1 200 OK"));
    auto body = reply.substr(reply.find("\r\n\r\n") + 4);
    BOOST_TEST((body == gen_bytes(70000, 3, 0, 70000)));
  }
  BOOST_CHECK_THROW(fetch(false, "127.0.0.1"), boost::system::system_error);  // verification really on
  // The plain port keeps working next to HTTPS.
  BOOST_TEST(td.request("GET", "/_gen/10").status == 200);
}

BOOST_AUTO_TEST_SUITE_END()
