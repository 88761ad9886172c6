// Replays googleapis/conformance-tests storage/v1/v4_signatures.json (signingV4Tests, all 29 cases, copied
// to tests/unit/vectors/gcs_v4_signatures.json; see vectors/PROVENANCE.md) with the conformance
// service-account key. RSA PKCS#1 v1.5 is deterministic, so each expected URL (signature included)
// must come out byte for byte.
//
// The file's expectedCanonicalRequest / expectedStringToSign are checked only for cases that do not set
// hostname, clientEndpoint, emulatorHostname or universeDomain: for those the file repeats the
// storage.googleapis.com canonical request of "Simple GET", which cannot be what was signed (their
// signatures differ from Simple GET's and verify against the endpoint's host; see the test below).
#include <boost/test/unit_test.hpp>

#include "signing/gcs_signed_url.hpp"
#include "signing/rsa_sha256.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace ferry::signing;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path vectors() { return fs::path(FERRY_SOURCE_DIR) / "tests" / "unit" / "vectors"; }

// The published key file lacks a comma after its "comment" member (it is not valid JSON as published);
// the one-character repair is the only change.
boost::json::object conformance_key() {
  std::string text = slurp(vectors() / "gcs_conformance_service_account.json");
  auto pos = text.find("public.\"\n");
  BOOST_REQUIRE(pos != std::string::npos);
  text.insert(text.begin() + static_cast<std::ptrdiff_t>(pos + 8), ',');
  return boost::json::parse(text).as_object();
}

std::string str(const boost::json::object& o, const char* k) {
  auto it = o.find(k);
  return it == o.end() ? std::string() : std::string(it->value().as_string());
}

std::chrono::sys_seconds parse_rfc3339(std::string_view s) {
  // "2019-02-01T09:00:00Z"
  int y = std::stoi(std::string(s.substr(0, 4))), mo = std::stoi(std::string(s.substr(5, 2))),
      d = std::stoi(std::string(s.substr(8, 2))), h = std::stoi(std::string(s.substr(11, 2))),
      mi = std::stoi(std::string(s.substr(14, 2))), se = std::stoi(std::string(s.substr(17, 2)));
  using namespace std::chrono;
  return sys_days{year{y} / mo / d} + hours{h} + minutes{mi} + seconds{se};
}

gcs_signed_url_request request_for(const boost::json::object& c, const gcs_rsa_credentials& creds) {
  gcs_signed_url_request r;
  r.bucket = str(c, "bucket");
  r.object = str(c, "object");
  r.method = str(c, "method");
  r.time = parse_rfc3339(str(c, "timestamp"));
  r.expires = std::chrono::seconds(c.at("expiration").to_number<long>());
  r.scheme = str(c, "scheme");
  std::string style = str(c, "urlStyle");
  if (style == "VIRTUAL_HOSTED_STYLE") r.style = gcs_url_style::virtual_hosted;
  if (style == "BUCKET_BOUND_HOSTNAME") r.style = gcs_url_style::bucket_bound_host;
  r.bucket_bound_host = str(c, "bucketBoundHostname");
  // The client libraries' precedence: an explicit hostname, then the client's endpoint, then the emulator.
  for (const char* k : {"hostname", "clientEndpoint", "emulatorHostname"}) {
    if (auto v = str(c, k); !v.empty()) {
      r.endpoint = v;
      break;
    }
  }
  if (auto u = str(c, "universeDomain"); !u.empty()) r.universe_domain = u;
  if (auto it = c.find("headers"); it != c.end())
    for (auto& [k, v] : it->value().as_object()) r.headers.emplace_back(std::string(k), std::string(v.as_string()));
  if (auto it = c.find("queryParameters"); it != c.end())
    for (auto& [k, v] : it->value().as_object()) r.query.emplace_back(std::string(k), std::string(v.as_string()));
  r.credentials = creds;
  return r;
}

bool endpoint_case(const boost::json::object& c) {
  for (const char* k : {"hostname", "clientEndpoint", "emulatorHostname", "universeDomain"})
    if (c.contains(k)) return true;
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(signing_gcs_vectors)

BOOST_AUTO_TEST_CASE(conformance_signing_v4_tests) {
  auto key = conformance_key();
  gcs_rsa_credentials creds{str(key, "client_email"), str(key, "private_key")};
  auto doc = boost::json::parse(slurp(vectors() / "gcs_v4_signatures.json")).as_object();
  auto& cases = doc.at("signingV4Tests").as_array();
  BOOST_TEST(cases.size() == 29u);
  int passed = 0;
  for (auto& v : cases) {
    auto& c = v.as_object();
    std::string name = str(c, "description");
    BOOST_TEST_CONTEXT(name) {
      auto r = gcs_sign_url(request_for(c, creds));
      BOOST_REQUIRE_MESSAGE(r.has_value(), name << ": " << (r.has_value() ? "" : r.error().message));
      bool url_ok = r->url == str(c, "expectedUrl");
      BOOST_TEST(url_ok);
      if (!url_ok) BOOST_TEST_MESSAGE("got " << r->url);
      bool inner_ok = true;
      if (!endpoint_case(c)) {
        inner_ok = r->canonical_request == str(c, "expectedCanonicalRequest") &&
                   r->string_to_sign == str(c, "expectedStringToSign");
        BOOST_TEST(inner_ok);
        if (!inner_ok) BOOST_TEST_MESSAGE("canonical request:\n" << r->canonical_request);
      }
      if (url_ok && inner_ok) ++passed;
    }
  }
  BOOST_TEST_MESSAGE("GCS V4 conformance: " << passed << "/" << cases.size() << " passed");
  BOOST_TEST(passed == 29);
}

// For the endpoint cases, the published signature verifies over a canonical request whose Host is the
// endpoint's (minus a default port), which is what gcs_sign_url signs.
BOOST_AUTO_TEST_CASE(endpoint_cases_sign_the_endpoint_host) {
  auto key = conformance_key();
  auto pk = rsa_private_key::from_pem(str(key, "private_key"));
  BOOST_REQUIRE(pk.has_value());
  std::string pub = pk->public_key_pem();
  gcs_rsa_credentials creds{str(key, "client_email"), str(key, "private_key")};
  auto doc = boost::json::parse(slurp(vectors() / "gcs_v4_signatures.json")).as_object();
  int checked = 0;
  for (auto& v : doc.at("signingV4Tests").as_array()) {
    auto& c = v.as_object();
    if (!endpoint_case(c)) continue;
    auto r = gcs_sign_url(request_for(c, creds));
    BOOST_REQUIRE(r.has_value());
    std::string url = str(c, "expectedUrl");
    std::string hex = url.substr(url.find("X-Goog-Signature=") + 17);
    std::string raw;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) raw += char(std::stoi(hex.substr(i, 2), nullptr, 16));
    BOOST_TEST(rsa_sha256_verify(pub, r->string_to_sign, raw), str(c, "description"));
    BOOST_TEST(r->canonical_request.find("\nhost:" + r->host + "\n") != std::string::npos);
    ++checked;
  }
  BOOST_TEST(checked == 9);
}

BOOST_AUTO_TEST_SUITE_END()
