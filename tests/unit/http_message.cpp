// URL splitting, header fields, status → failure mapping and failure text: the Beast-free half of the HTTP core.
#include "ferry/http.hpp"

#include <boost/test/unit_test.hpp>

using namespace ferry;
using namespace ferry::http;

BOOST_AUTO_TEST_SUITE(http_message)

BOOST_AUTO_TEST_CASE(url_parts) {
  auto u = url::parse("https://bucket.s3.us-east-1.amazonaws.com/a%20b/c?X-Amz-Signature=abc&x=1");
  BOOST_REQUIRE(u);
  BOOST_TEST(u->scheme == "https");
  BOOST_TEST(u->host == "bucket.s3.us-east-1.amazonaws.com");
  BOOST_TEST(u->port == 443);
  BOOST_TEST(u->target == "/a%20b/c?X-Amz-Signature=abc&x=1");
  BOOST_TEST(u->host_header() == "bucket.s3.us-east-1.amazonaws.com");
  BOOST_TEST(u->redacted().find("abc") == std::string::npos);  // signatures never reach logs

  auto p = url::parse("HTTP://127.0.0.1:8080");
  BOOST_REQUIRE(p);
  BOOST_TEST(p->scheme == "http");
  BOOST_TEST(p->port == 8080);
  BOOST_TEST(p->target == "/");
  BOOST_TEST(p->host_header() == "127.0.0.1:8080");

  auto v6 = url::parse("http://[::1]:9000/x");
  BOOST_REQUIRE(v6);
  BOOST_TEST(v6->host == "::1");
  BOOST_TEST(v6->host_header() == "[::1]:9000");
}

BOOST_AUTO_TEST_CASE(hostile_urls) {
  for (const char* bad : {"", "not a url", "http://", "http://host:99999/", "http://host:0/", "http://host:12ab/",
                          "http://user:pass@host/", "ftp://host/x", "s3://bucket/key", "http//host/x",
                          "http://ho st/", "http://host/\x01", "https://[::1/"}) {
    auto u = url::parse(bad);
    BOOST_TEST(!u, "accepted: " << bad);
    if (!u) BOOST_TEST(!u.error().message.empty());
  }
  auto scheme = url::parse("ftp://host/x");
  BOOST_TEST((scheme.error().kind == error::unsupported));
  auto creds = url::parse("http://user:secretpw@host/");
  BOOST_TEST(creds.error().message.find("secretpw") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(fields_ignore_case_and_keep_order) {
  fields f;
  f.add("X-Amz-Meta-A", "1");
  f.add("x-amz-meta-a", "2");
  f.add("Content-Type", "text/plain");
  BOOST_TEST(*f.find("X-AMZ-META-A") == "1");
  f.set("CONTENT-TYPE", "application/json");
  BOOST_TEST(*f.find("content-type") == "application/json");
  f.erase("x-AMZ-meta-a");
  BOOST_TEST(!f.find("x-amz-meta-a"));
  BOOST_TEST(!f.empty());
}

BOOST_AUTO_TEST_CASE(idempotency_defaults) {
  request r;
  for (const char* m : {"GET", "HEAD", "PUT", "DELETE"}) {
    r.method = m;
    BOOST_TEST(r.is_idempotent());
  }
  r.method = "POST";
  BOOST_TEST(!r.is_idempotent());
  r.idempotent = true;  // e.g. a POST with ifGenerationMatch
  BOOST_TEST(r.is_idempotent());
}

BOOST_AUTO_TEST_CASE(status_failures) {
  request req;
  req.method = "GET";
  req.address = *url::parse("https://example.com/key?sig=SECRET");
  response resp;
  struct expect {
    int status;
    error kind;
  } cases[] = {{400, error::invalid_argument}, {401, error::access_denied}, {403, error::access_denied},
               {404, error::not_found},        {408, error::timeout},       {409, error::already_exists},
               {412, error::precondition_failed}, {416, error::range_not_satisfiable}, {429, error::throttled},
               {500, error::server_error},     {502, error::server_error},  {503, error::throttled},
               {302, error::protocol_error}};
  for (auto& c : cases) {
    resp.status = c.status;
    auto f = status_failure(req, resp);
    BOOST_TEST((f.kind == c.kind), "status " << c.status);
    BOOST_TEST(f.http_status == c.status);
    BOOST_TEST(f.what().find("SECRET") == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(retry_after_and_request_ids) {
  request req;
  req.address = *url::parse("http://h/k");
  response resp;
  resp.status = 503;
  resp.headers.add("Retry-After", "7");
  resp.headers.add("x-amz-request-id", "REQ123");
  auto f = status_failure(req, resp);
  BOOST_TEST(f.retry_after_ms == 7000);
  BOOST_TEST(f.request_id == "REQ123");
  BOOST_TEST(f.what().find("REQ123") != std::string::npos);

  response azure;
  azure.status = 503;
  azure.headers.add("x-ms-retry-after-ms", "250");
  azure.headers.add("Retry-After", "9");
  BOOST_TEST(status_failure(req, azure).retry_after_ms == 250);

  response garbage;
  garbage.status = 503;
  garbage.headers.add("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");
  BOOST_TEST(status_failure(req, garbage).retry_after_ms == -1);
  garbage.headers.set("Retry-After", "-5");
  BOOST_TEST(status_failure(req, garbage).retry_after_ms == -1);
  garbage.headers.set("Retry-After", "99999999999999999999999");
  BOOST_TEST(status_failure(req, garbage).retry_after_ms == -1);
}

BOOST_AUTO_TEST_CASE(content_length_parsing) {
  response r;
  BOOST_TEST(!r.content_length());
  r.headers.set("Content-Length", "12345");
  BOOST_TEST(*r.content_length() == 12345u);
  for (const char* bad : {"", "-1", "12a", " 5", "18446744073709551616"}) {
    r.headers.set("Content-Length", bad);
    BOOST_TEST(!r.content_length(), "accepted: " << bad);
  }
}

BOOST_AUTO_TEST_CASE(failure_text_and_exit_codes) {
  failure f(error::not_found, "GET http://h/k failed");
  f.http_status = 404;
  f.service_code = "NoSuchKey";
  f.request_id = "abc";
  f.attempts = 2;
  BOOST_TEST(f.what() == "not_found: GET http://h/k failed (HTTP 404 NoSuchKey) (request id abc, 2 attempts)");
  BOOST_TEST(exit_code(error::ok) == 0);
  BOOST_TEST(exit_code(error::invalid_argument) == 2);
  BOOST_TEST(exit_code(error::not_found) == 3);
  BOOST_TEST(exit_code(error::checksum_mismatch) == 5);
  BOOST_TEST(exit_code(error::connection_failed) == 7);
  // every kind maps to a documented non-zero code
  for (int k = 1; k <= static_cast<int>(error::unsupported); ++k) BOOST_TEST(exit_code(static_cast<error>(k)) != 0);
  BOOST_TEST(make_error_code(error::timeout).message() == "timeout");
}

BOOST_AUTO_TEST_SUITE_END()
