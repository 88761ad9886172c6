// Mutation robustness for the parsers of outside data in the HTTP core and transfer engine. A case passes when
// nothing crashes or trips a sanitizer, and every rejection is a clean error value.
#include "tests/fuzz/mutator.hpp"

#include "ferry/service_error.hpp"
#include "ferry/byte_range.hpp"
#include "transfer/file_digest.hpp"

#include <boost/test/unit_test.hpp>

using namespace ferry;

namespace {
constexpr int iterations = 20000;
}

BOOST_AUTO_TEST_SUITE(fuzz_http_parsers)

BOOST_AUTO_TEST_CASE(urls) {
  fuzz::mutator m({"https://bucket.s3.us-east-1.amazonaws.com/a%20b/c?x=1&y", "http://127.0.0.1:8080/",
                   "http://[::1]:9000/x", "https://acct.blob.core.windows.net/c/b?sv=2020&sig=abc%2F"});
  int accepted = 0;
  for (int i = 0; i < iterations; ++i) {
    auto u = http::url::parse(m.next());
    if (!u) {
      BOOST_REQUIRE(!u.error().message.empty());
      continue;
    }
    ++accepted;
    BOOST_REQUIRE(u->scheme == "http" || u->scheme == "https");
    BOOST_REQUIRE(!u->host.empty());
    BOOST_REQUIRE(u->port != 0);
    BOOST_REQUIRE(!u->target.empty() && u->target.front() == '/');
  }
  BOOST_TEST(accepted > 0);  // the mutator keeps some inputs valid, so both paths are exercised
}

BOOST_AUTO_TEST_CASE(content_ranges) {
  fuzz::mutator m({"bytes 0-1023/4096", "bytes */0", "bytes 4095-4095/4096", "bytes 0-9/*",
                   "bytes 18446744073709551614-18446744073709551614/18446744073709551615"});
  for (int i = 0; i < iterations; ++i) {
    auto r = parse_content_range_header(m.next());
    if (r && !r->unsatisfied) {
      BOOST_REQUIRE(r->range.length > 0);
      if (r->total_known) BOOST_REQUIRE(r->range.end() <= r->total);
    }
  }
}

BOOST_AUTO_TEST_CASE(service_error_bodies) {
  fuzz::mutator m({"<?xml version=\"1.0\"?><Error><Code>SlowDown</Code><Message>m</Message><RequestId>r</RequestId></Error>",
                   R"({"error":{"code":404,"message":"x","errors":[{"reason":"notFound"}]}})",
                   R"({"__type":"a#ResourceNotFoundException","Message":"m"})", R"({"errors":["a","b"]})",
                   "<Error><Code>BlobNotFound</Code><Message>a\nRequestId:x</Message></Error>"});
  http::request req;
  req.address = *http::url::parse("http://h/k");
  for (int i = 0; i < iterations; ++i) {
    http::response resp;
    resp.status = 500;
    resp.body = m.next();
    resp.headers.add("x-ms-error-code", resp.body.substr(0, 40));
    resp.headers.add("x-amzn-ErrorType", resp.body.substr(0, 40));
    failure f = http::status_failure(req, resp);
    refine_s3_error(f, resp.body);
    refine_azure_error(f, resp);
    refine_google_error(f, resp.body);
    refine_aws_json_error(f, resp);
    refine_vault_error(f, resp.body);
    auto line = f.what();
    BOOST_REQUIRE(line.find('\n') == std::string::npos);
    BOOST_REQUIRE(line.size() < 8192);
  }
}

BOOST_AUTO_TEST_CASE(declared_digest_headers) {
  fuzz::mutator m({"sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:", "crc32c=AAAAAA==, md5=1B2M2Y8AsgTpgAmY7PhCfg==",
                   "1B2M2Y8AsgTpgAmY7PhCfg=="});
  for (int i = 0; i < iterations; ++i) {
    http::response resp;
    resp.status = i % 2 ? 200 : 206;
    auto v = m.next();
    resp.headers.add("Repr-Digest", v);
    resp.headers.add("x-goog-hash", v);
    resp.headers.add("Content-MD5", v);
    auto d = transfer::find_declared_digest(resp);
    if (d) BOOST_REQUIRE(d->raw.size() == 16 || d->raw.size() == 32);
  }
}

BOOST_AUTO_TEST_SUITE_END()
