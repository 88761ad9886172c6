// Service error bodies → failure fields, including bodies a proxy or a broken server might send instead.
#include "ferry/service_error.hpp"

#include <boost/test/unit_test.hpp>

using namespace ferry;

namespace {

failure base(int status) {
  http::request req;
  req.method = "GET";
  req.address = *http::url::parse("https://bucket.s3.amazonaws.com/key");
  http::response resp;
  resp.status = status;
  return http::status_failure(req, resp);
}

http::response with_body(int status, std::string body) {
  http::response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(service_error)

BOOST_AUTO_TEST_CASE(s3_xml) {
  auto f = base(503);
  refine_s3_error(f, R"(<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>4442587FB7D0A2F9</RequestId><HostId>h</HostId></Error>)");
  BOOST_TEST(f.service_code == "SlowDown");
  BOOST_TEST((f.kind == error::throttled));
  BOOST_TEST(f.request_id == "4442587FB7D0A2F9");
  BOOST_TEST(f.message.find("Please reduce your request rate.") != std::string::npos);

  auto g = base(404);
  refine_s3_error(g, "<Error><Code>NoSuchUpload</Code><Message>gone</Message></Error>");
  BOOST_TEST((g.kind == error::not_found));
  auto h = base(400);
  refine_s3_error(h, "<Error><Code>RequestTimeout</Code></Error>");
  BOOST_TEST(is_retryable(h));
  auto d = base(400);
  refine_s3_error(d, "<Error><Code>BadDigest</Code></Error>");
  BOOST_TEST((d.kind == error::checksum_mismatch));
}

BOOST_AUTO_TEST_CASE(azure) {
  auto f = base(404);
  auto resp = with_body(404, "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>BlobNotFound</Code>"
                             "<Message>The specified blob does not exist.\nRequestId:abc\nTime:2026</Message></Error>");
  refine_azure_error(f, resp);
  BOOST_TEST(f.service_code == "BlobNotFound");
  BOOST_TEST(f.message.find("The specified blob does not exist.") != std::string::npos);
  BOOST_TEST(f.message.find("RequestId") == std::string::npos);

  auto g = base(403);
  auto auth = with_body(403, "<Error><Code>AuthenticationFailed</Code><Message>Server failed</Message>"
                             "<AuthenticationErrorDetail>The MAC signature found in the HTTP request 'c2VjcmV0' is not "
                             "the same as any computed signature.</AuthenticationErrorDetail></Error>");
  auth.headers.add("x-ms-error-code", "AuthenticationFailed");
  refine_azure_error(g, auth);
  BOOST_TEST(g.service_code == "AuthenticationFailed");
  BOOST_TEST((g.kind == error::access_denied));
  BOOST_TEST(g.what().find("c2VjcmV0") == std::string::npos);  // signatures stay out of messages
}

BOOST_AUTO_TEST_CASE(google_and_key_vault_json) {
  auto f = base(404);
  refine_google_error(f, R"({"error":{"code":404,"message":"No such object: b/o","errors":[{"domain":"global","reason":"notFound","message":"No such object: b/o"}]}})");
  BOOST_TEST(f.service_code == "notFound");
  BOOST_TEST(f.message.find("No such object") != std::string::npos);

  auto s = base(404);
  refine_google_error(s, R"({"error":{"code":404,"message":"Secret [x] not found","status":"NOT_FOUND"}})");
  BOOST_TEST(s.service_code == "NOT_FOUND");
  BOOST_TEST((s.kind == error::not_found));

  auto kv = base(404);
  refine_google_error(kv, R"({"error":{"code":"SecretNotFound","message":"A secret with (name/id) x was not found"}})");
  BOOST_TEST(kv.service_code == "SecretNotFound");
  BOOST_TEST((kv.kind == error::not_found));

  auto t = base(429);
  refine_google_error(t, R"({"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"quota"}})");
  BOOST_TEST((t.kind == error::throttled));
}

BOOST_AUTO_TEST_CASE(aws_json_and_vault) {
  auto f = base(400);
  refine_aws_json_error(f, with_body(400, R"({"__type":"com.amazonaws.secretsmanager#ResourceNotFoundException","Message":"Secrets Manager can't find the specified secret."})"));
  BOOST_TEST(f.service_code == "ResourceNotFoundException");
  BOOST_TEST((f.kind == error::not_found));

  auto h = base(400);
  auto hdr = with_body(400, "{}");
  hdr.headers.add("x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/");
  refine_aws_json_error(h, hdr);
  BOOST_TEST(h.service_code == "ThrottlingException");
  BOOST_TEST((h.kind == error::throttled));

  auto x = base(403);  // moto (and STS) answer in query-protocol XML even for JSON services
  refine_aws_json_error(x, with_body(403, "<ErrorResponse><Error><Code>InvalidClientTokenId</Code></Error>"
                                          "<RequestId>r-1</RequestId></ErrorResponse>"));
  BOOST_TEST(x.service_code == "InvalidClientTokenId");
  BOOST_TEST(x.request_id == "r-1");
  BOOST_TEST((x.kind == error::access_denied));

  auto v = base(400);
  refine_vault_error(v, R"({"errors":["check-and-set parameter did not match the current version"]})");
  BOOST_TEST(v.message.find("check-and-set") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(hostile_bodies_leave_the_failure_intact) {
  const std::string bodies[] = {
      "",
      "<html><body>502 Bad Gateway</body></html>",
      "<Error><Code>Unclosed",
      "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]><Error><Code>&b;</Code></Error>",
      std::string("\0\0\0\xff\xfe", 5),
      std::string(2 << 20, '<'),
      "{\"error\":",
      "{\"error\":[1,2,3]}",
      "{\"error\":{\"code\":{\"nested\":true},\"message\":42}}",
      "{\"errors\":\"not an array\"}",
      "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
      "null",
  };
  for (const auto& body : bodies) {
    auto f = base(500);
    std::string before = f.what();
    refine_s3_error(f, body);
    refine_google_error(f, body);
    refine_vault_error(f, body);
    refine_azure_error(f, with_body(500, body));
    refine_aws_json_error(f, with_body(500, body));
    BOOST_TEST((f.kind == error::server_error || f.kind == error::ok) == true);
    BOOST_TEST(f.what().size() < before.size() + 2 * 512 + 64);
  }
  // Control characters from a body never reach the one-line error.
  auto f = base(500);
  refine_s3_error(f, "<Error><Code>X\x1b[31m</Code><Message>line1\nline2\x1b]0;pwned\x07</Message></Error>");
  BOOST_TEST(f.what().find('\x1b') == std::string::npos);
  BOOST_TEST(f.what().find('\n') == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
