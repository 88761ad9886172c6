// GOOG4-HMAC-SHA256 header signing (GCS XML API with an HMAC key). Google publishes no worked example with
// a signature for header signing, so the expected values come from an independent reference,
// tests/unit/vectors/goog4_hmac_reference.py (standard-library Python written from Google's signing pages,
// sharing no code with ferry). Canonical request, string to sign, signature and Authorization are each compared.
#include <boost/test/unit_test.hpp>

#include "signing/gcs_hmac_headers.hpp"
#include "signing/sigv4.hpp"

#include <string>

using namespace ferry::signing;

namespace {

const gcs_hmac_credentials example_key{"GOOG1EXAMPLEACCESSID0123456789", "bGoa+V7g/yqDXvKRqq+JTFn4uQZbPiQJo4pf9RzJ"};

std::chrono::sys_seconds at(std::string_view amz_date) {
  auto t = parse_amz_date(amz_date);
  BOOST_REQUIRE(t);
  return *t;
}

std::string header(const gcs_header_signature& s, std::string_view name) {
  for (auto& [n, v] : s.headers)
    if (n == name) return v;
  return "<missing>";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(signing_gcs_hmac_headers)

BOOST_AUTO_TEST_CASE(get_object_matches_reference) {
  gcs_header_request req;
  req.method = "GET";
  req.path = "/example-bucket/cat.jpeg";
  req.headers = {{"Host", "storage.googleapis.com"}};
  req.time = at("20190201T090000Z");
  auto s = gcs_hmac_sign_headers(req, example_key);
  BOOST_REQUIRE(s);
  BOOST_TEST(s->canonical_request ==
             "GET\n/example-bucket/cat.jpeg\n\nhost:storage.googleapis.com\nx-goog-content-sha256:UNSIGNED-PAYLOAD\n"
             "x-goog-date:20190201T090000Z\n\nhost;x-goog-content-sha256;x-goog-date\nUNSIGNED-PAYLOAD");
  BOOST_TEST(s->string_to_sign ==
             "GOOG4-HMAC-SHA256\n20190201T090000Z\n20190201/auto/storage/goog4_request\n"
             "162b5fdb862ad645c5fcb00ec8683fe0b75f3743d7846bf351507a92dd46a540");
  BOOST_TEST(s->signature == "1074cb045d3c1b2a4163eb8641e792922790c9325ead5cda0eb258aa2c098435");
  BOOST_TEST(header(*s, "Authorization") ==
             "GOOG4-HMAC-SHA256 Credential=GOOG1EXAMPLEACCESSID0123456789/20190201/auto/storage/goog4_request, "
             "SignedHeaders=host;x-goog-content-sha256;x-goog-date, "
             "Signature=1074cb045d3c1b2a4163eb8641e792922790c9325ead5cda0eb258aa2c098435");
  BOOST_TEST(header(*s, "x-goog-date") == "20190201T090000Z");
  BOOST_TEST(header(*s, "x-goog-content-sha256") == "UNSIGNED-PAYLOAD");
}

BOOST_AUTO_TEST_CASE(put_with_payload_and_awkward_names_matches_reference) {
  gcs_header_request req;
  req.method = "PUT";
  req.path = "/my-bucket/dir//a%20b~c.txt";  // wire form: kept, never normalised
  req.query = {{"uploadId", "ABC def/+="}, {"partNumber", "2"}};
  req.headers = {{"Host", "storage.googleapis.com"},
                 {"Content-Type", "  text/plain  "},
                 {"x-goog-meta-note", "a   b \t c"},
                 {"X-Goog-Meta-Tag", "one"},
                 {"x-goog-meta-tag", "two"}};
  req.payload_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  req.time = at("20240607T123456Z");
  req.location = "europe-west1";
  auto s = gcs_hmac_sign_headers(req, example_key);
  BOOST_REQUIRE(s);
  BOOST_TEST(s->canonical_request ==
             "PUT\n/my-bucket/dir//a%20b~c.txt\npartNumber=2&uploadId=ABC%20def%2F%2B%3D\n"
             "content-type:text/plain\nhost:storage.googleapis.com\n"
             "x-goog-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
             "x-goog-date:20240607T123456Z\nx-goog-meta-note:a b c\nx-goog-meta-tag:one,two\n\n"
             "content-type;host;x-goog-content-sha256;x-goog-date;x-goog-meta-note;x-goog-meta-tag\n"
             "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_TEST(s->string_to_sign ==
             "GOOG4-HMAC-SHA256\n20240607T123456Z\n20240607/europe-west1/storage/goog4_request\n"
             "49705da7a74ef479bfcb3933d08bbf72ce7791efef8361d217ddc9465912f54d");
  BOOST_TEST(s->signature == "8401cdf310ca747307ca7259b0e977c791edfaf26dc94c982b1d0d923f66bb4a");
  BOOST_TEST(header(*s, "Authorization").ends_with("Signature=8401cdf310ca747307ca7259b0e977c791edfaf26dc94c982b1d0d923f66bb4a"));
}

// The signer owns x-goog-date, x-goog-content-sha256 and Authorization: stale copies from the caller are
// dropped, so what is signed is what is sent.
BOOST_AUTO_TEST_CASE(stale_signer_headers_are_replaced) {
  gcs_header_request req;
  req.path = "/example-bucket/cat.jpeg";
  req.headers = {{"Host", "storage.googleapis.com"},
                 {"X-Goog-Date", "20000101T000000Z"},
                 {"authorization", "old"},
                 {"x-goog-content-sha256", "stale"}};
  req.time = at("20190201T090000Z");
  auto s = gcs_hmac_sign_headers(req, example_key);
  BOOST_REQUIRE(s);
  BOOST_TEST(s->signature == "1074cb045d3c1b2a4163eb8641e792922790c9325ead5cda0eb258aa2c098435");
}

BOOST_AUTO_TEST_CASE(bad_input_is_refused_without_echoing_the_secret) {
  auto refused = [](gcs_header_request req, gcs_hmac_credentials key, std::string_view why) {
    auto s = gcs_hmac_sign_headers(req, key);
    BOOST_TEST_CONTEXT(why) {
      BOOST_REQUIRE(!s);
      BOOST_TEST(s.error().message.find(example_key.secret) == std::string::npos);
      BOOST_TEST(!s.error().message.empty());
    }
  };
  gcs_header_request ok;
  ok.path = "/b/o";
  ok.headers = {{"Host", "storage.googleapis.com"}};
  ok.time = at("20190201T090000Z");
  BOOST_REQUIRE(gcs_hmac_sign_headers(ok, example_key));

  auto r = ok;
  r.headers = {};
  refused(r, example_key, "no Host header");
  r = ok;
  r.headers.emplace_back("x-goog-meta-a", "v\r\nInjected: yes");
  refused(r, example_key, "CRLF in a header value");
  r = ok;
  r.path = "/b/o?x=1";
  refused(r, example_key, "query inside the path");
  r = ok;
  r.path = "b/o";
  refused(r, example_key, "relative path");
  r = ok;
  r.payload_hash = "ABC";
  refused(r, example_key, "payload hash not hex");
  r = ok;
  r.location = "bad/loc";
  refused(r, example_key, "location with '/'");
  r = ok;
  r.method = "GE T";
  refused(r, example_key, "method not a token");
  refused(ok, {"", example_key.secret}, "no access id");
  refused(ok, {"GOOG1 X/Y", example_key.secret}, "access id with blank and slash");
  refused(ok, {example_key.access_id, ""}, "no secret");
}

BOOST_AUTO_TEST_SUITE_END()
