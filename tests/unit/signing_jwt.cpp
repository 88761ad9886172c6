// Service-account JWT (RS256): exact header and claims, a signature that verifies with the public half of the key,
// and refusal of lifetimes Google would reject.
#include "signing/encoding.hpp"
#include "signing/jwt.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

using namespace ferry;
using namespace ferry::signing;

namespace {

std::string fresh_private_key_pem() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

std::string b64url_decode(std::string s) {
  for (auto& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (s.size() % 4) s += '=';
  return base64_decode(s).value_or("<bad base64>");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(signing_jwt)

BOOST_AUTO_TEST_CASE(service_account_jwt_round_trip) {
  auto key = rsa_private_key::from_pem(fresh_private_key_pem());
  BOOST_REQUIRE(key);
  google_jwt_claims claims;
  claims.issuer = "svc@project.iam.gserviceaccount.com";
  claims.scope = "https://www.googleapis.com/auth/devstorage.read_only";
  claims.key_id = "kid-123";
  claims.issued_at = std::chrono::sys_seconds(std::chrono::seconds(1'800'000'000));
  auto jwt = google_service_account_jwt(claims, *key);
  BOOST_REQUIRE(jwt);
  auto dot1 = jwt->find('.'), dot2 = jwt->rfind('.');
  BOOST_REQUIRE(dot1 != std::string::npos && dot2 != dot1);
  BOOST_TEST(jwt->find_first_of("+/=") == std::string::npos);  // base64url without padding

  auto header = boost::json::parse(b64url_decode(jwt->substr(0, dot1))).as_object();
  BOOST_TEST(header.at("alg").as_string() == "RS256");
  BOOST_TEST(header.at("typ").as_string() == "JWT");
  BOOST_TEST(header.at("kid").as_string() == "kid-123");
  auto body = boost::json::parse(b64url_decode(jwt->substr(dot1 + 1, dot2 - dot1 - 1))).as_object();
  BOOST_TEST(body.at("iss").as_string() == claims.issuer);
  BOOST_TEST(body.at("scope").as_string() == claims.scope);
  BOOST_TEST(body.at("aud").as_string() == "https://oauth2.googleapis.com/token");
  BOOST_TEST(body.at("iat").to_number<std::int64_t>() == 1'800'000'000);
  BOOST_TEST(body.at("exp").to_number<std::int64_t>() == 1'800'003'600);
  BOOST_TEST(!body.contains("sub"));

  std::string signing_input = jwt->substr(0, dot2);
  std::string signature = b64url_decode(jwt->substr(dot2 + 1));
  BOOST_TEST(signature.size() == 256u);
  BOOST_TEST(rsa_sha256_verify(key->public_key_pem(), signing_input, signature));
  BOOST_TEST(!rsa_sha256_verify(key->public_key_pem(), signing_input + "x", signature));
}

BOOST_AUTO_TEST_CASE(lifetime_and_hostile_keys) {
  auto key = rsa_private_key::from_pem(fresh_private_key_pem());
  BOOST_REQUIRE(key);
  google_jwt_claims claims;
  claims.issuer = "svc@x";
  claims.lifetime = std::chrono::seconds(3601);
  BOOST_TEST(!google_service_account_jwt(claims, *key));
  claims.lifetime = std::chrono::seconds(0);
  BOOST_TEST(!google_service_account_jwt(claims, *key));
  for (const char* pem : {"", "not a pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}) {
    auto k = rsa_private_key::from_pem(pem);
    BOOST_TEST(!k);
  }
  // Quoting keeps claims valid JSON whatever the issuer string holds.
  claims.lifetime = std::chrono::seconds(60);
  claims.issuer = "a\"b\\c\n\x01";
  auto jwt = google_service_account_jwt(claims, *key);
  BOOST_REQUIRE(jwt);
  auto dot1 = jwt->find('.'), dot2 = jwt->rfind('.');
  auto body = boost::json::parse(b64url_decode(jwt->substr(dot1 + 1, dot2 - dot1 - 1))).as_object();
  BOOST_TEST(body.at("iss").as_string() == claims.issuer);
}

BOOST_AUTO_TEST_SUITE_END()
