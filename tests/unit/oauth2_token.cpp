// OAuth2 token requests and responses for the Google and Azure chains; hostile bodies included.
#include "src/auth/oauth2_token.hpp"

#include <boost/test/unit_test.hpp>

#include <array>

using namespace ferry;
using namespace ferry::auth;

namespace {
std::string body_of(const http::request& r) {
  std::array<std::byte, 4096> buf;
  auto n = r.body->read(buf);
  return std::string(reinterpret_cast<const char*>(buf.data()), *n);
}
const wall_clock::time_point now = wall_clock::time_point(std::chrono::seconds(1'800'000'000));
}  // namespace

BOOST_AUTO_TEST_SUITE(oauth2_token)

BOOST_AUTO_TEST_CASE(grants) {
  auto uri = *http::url::parse("https://oauth2.googleapis.com/token");
  auto jwt = jwt_bearer_grant(uri, "aaa.bbb.ccc");
  BOOST_TEST(jwt.method == "POST");
  BOOST_TEST(body_of(jwt) == "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=aaa.bbb.ccc");
  auto refresh = refresh_token_grant(uri, "id", "sec ret", "1//tok");
  BOOST_TEST(body_of(refresh) == "grant_type=refresh_token&client_id=id&client_secret=sec%20ret&refresh_token=1%2F%2Ftok");
  auto cc = client_credentials_grant(*http::url::parse("https://login.microsoftonline.com/t/oauth2/v2.0/token"), "app",
                                     "s", "https://storage.azure.com/.default");
  BOOST_TEST(body_of(cc).find("scope=https%3A%2F%2Fstorage.azure.com%2F.default") != std::string::npos);
  auto gce = gce_metadata_token_request(*http::url::parse("http://metadata.google.internal"));
  BOOST_TEST(gce.address.target == "/computeMetadata/v1/instance/service-accounts/default/token");
  BOOST_TEST(*gce.headers.find("Metadata-Flavor") == "Google");
  auto mi = azure_managed_identity_request(*http::url::parse("http://169.254.169.254"), "https://storage.azure.com/", "cid");
  BOOST_TEST(mi.address.target ==
             "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fstorage.azure.com%2F&client_id=cid");
  BOOST_TEST(*mi.headers.find("Metadata") == "true");
}

BOOST_AUTO_TEST_CASE(token_responses) {
  auto g = parse_token_response(R"({"access_token":"ya29.x","expires_in":3599,"token_type":"Bearer"})", now, "google");
  BOOST_REQUIRE(g);
  BOOST_TEST(g->value.access_token == "ya29.x");
  BOOST_TEST((g->expires == now + std::chrono::seconds(3599)));
  auto az = parse_token_response(R"({"access_token":"eyJ0","expires_on":"1800003600","expires_in":"3600","token_type":"Bearer"})",
                                 now, "azure");
  BOOST_REQUIRE(az);
  BOOST_TEST((az->expires == now + std::chrono::seconds(3600)));
  auto on_only = parse_token_response(R"({"access_token":"t","expires_on":1800000600})", now, "azure");
  BOOST_TEST((on_only->expires == now + std::chrono::seconds(600)));

  auto refused = parse_token_response(R"({"error":"invalid_grant","error_description":"Invalid JWT Signature."})", now, "google");
  BOOST_REQUIRE(!refused);
  BOOST_TEST(refused.error().service_code == "invalid_grant");
  for (const char* bad : {"", "[]", "{", R"({"access_token":""})", R"({"access_token":5})",
                          R"({"access_token":"SECRETTOK","expires_in":-1})", R"({"access_token":"SECRETTOK","expires_in":"soon"})",
                          R"({"error":{"nested":"\u001b[31m"}})"}) {
    auto r = parse_token_response(bad, now, "google");
    BOOST_TEST(!r, bad);  // an unreadable expires_in is refused, not guessed at
    if (!r) BOOST_TEST(r.error().what().find("SECRETTOK") == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(error_mapping) {
  http::request req;
  req.method = "POST";
  req.address = *http::url::parse("https://oauth2.googleapis.com/token");
  http::response resp;
  resp.status = 400;
  resp.body = R"({"error":"invalid_grant","error_description":"account not found"})";
  auto f = map_oauth2_error(req, resp);
  BOOST_TEST(f.service_code == "invalid_grant");
  BOOST_TEST((f.kind == error::access_denied));
  BOOST_TEST(!is_retryable(f));
  BOOST_TEST(f.message.ends_with(": account not found"), f.message);  // the service's explanation, first line only
  resp.body = "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\\r\\nTrace: \\u0007x\"}";
  BOOST_TEST(map_oauth2_error(req, resp).message.ends_with(": Invalid JWT Signature."), map_oauth2_error(req, resp).message);
  resp.status = 503;
  resp.body = "<html>busy</html>";
  BOOST_TEST(is_retryable(map_oauth2_error(req, resp)));
}

BOOST_AUTO_TEST_SUITE_END()
