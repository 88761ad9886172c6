// ferry_testd's fake credential services checked from the outside with raw HTTP: IMDSv2, ECS, STS,
// Google OAuth2 and metadata server, Entra ID and managed identity; their header requirements, error
// bodies, configurable lifetimes, forced failures, the /_ferry/auth/* control routes, and that the
// ordinary fault script reaches credential routes too.
#include <boost/test/unit_test.hpp>

#include "signing/encoding.hpp"
#include "tests/integration/testd_process.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <ctime>
#include <memory>

using ferry::test::http_reply;
using ferry::test::testd_process;
namespace json = boost::json;

namespace {

using headers = std::vector<std::pair<std::string, std::string>>;
const headers form_type{{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};

void configure(testd_process& td, std::string_view config) {
  auto r = td.request("POST", "/_ferry/auth/config", {{"Content-Type", "application/json"}}, config);
  BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
}

json::object parse_object(const http_reply& r) {
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  BOOST_REQUIRE_MESSAGE(!ec && v.is_object(), "not a JSON object: " << r.body);
  return v.as_object();
}

json::object auth_state(testd_process& td) { return parse_object(td.request("GET", "/_ferry/auth/state")); }

json::object check(testd_process& td, const std::string& token) {
  return parse_object(td.request("POST", "/_ferry/auth/check", {}, token));
}

std::uint64_t count(const json::object& state, std::string_view group, std::string_view endpoint) {
  auto v = state.at(group).as_object().if_contains(endpoint);
  return v ? v->to_number<std::uint64_t>() : 0;
}

// Text of the first <tag>...</tag>, or "".
std::string xml_text(const std::string& body, const std::string& tag) {
  auto a = body.find("<" + tag + ">");
  auto b = body.find("</" + tag + ">");
  if (a == std::string::npos || b == std::string::npos) return {};
  a += tag.size() + 2;
  return body.substr(a, b - a);
}

std::time_t parse_iso(const std::string& s) {
  std::tm tm{};
  BOOST_REQUIRE_MESSAGE(strptime(s.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) != nullptr, "not ISO-8601: " << s);
  return timegm(&tm);
}

std::string str(const json::object& o, std::string_view key) { return std::string(o.at(key).as_string()); }

std::string imds_token(testd_process& td, const std::string& ttl = "300") {
  auto r = td.request("PUT", "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", ttl}});
  BOOST_REQUIRE_EQUAL(r.status, 200);
  return r.body;
}

http_reply sts(testd_process& td, const std::string& body, headers h = form_type) {
  return td.request("POST", "/", h, body);
}

const std::string web_identity_form =
    "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fferry"
    "&RoleSessionName=ferry-session&WebIdentityToken=";
const std::string assume_role_form =
    "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fferry"
    "&RoleSessionName=ferry-session&DurationSeconds=900";

std::string sigv4_header(const std::string& key_id, const std::string& service = "sts") {
  return "AWS4-HMAC-SHA256 Credential=" + key_id + "/20240101/us-east-1/" + service +
         "/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=" + std::string(64, 'a');
}

// An RSA key for signing service-account assertions the way a Google client would.
struct rsa_key {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{EVP_RSA_gen(2048), EVP_PKEY_free};

  std::string public_pem() const {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    BOOST_REQUIRE(PEM_write_bio_PUBKEY(bio.get(), key.get()) == 1);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
  }
  std::string jwt(const json::object& header, const json::object& claims) const {
    std::string input = ferry::signing::base64url_nopad(json::serialize(header)) + "." +
                        ferry::signing::base64url_nopad(json::serialize(claims));
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    BOOST_REQUIRE(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1);
    std::size_t len = 0;
    BOOST_REQUIRE(EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                                 input.size()) == 1);
    std::string sig(len, '\0');
    BOOST_REQUIRE(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                                 reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1);
    sig.resize(len);
    return input + "." + ferry::signing::base64url_nopad(sig);
  }
};

json::object sa_claims(std::int64_t iat, std::int64_t lifetime = 3600) {
  return json::object{{"iss", "ferry@ferry-project.iam.gserviceaccount.com"},
                      {"scope", "https://www.googleapis.com/auth/devstorage.read_write"},
                      {"aud", "https://oauth2.googleapis.com/token"},
                      {"iat", iat},
                      {"exp", iat + lifetime}};
}
const json::object rs256_header{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "k1"}};

http_reply google_jwt(testd_process& td, const std::string& assertion) {
  return td.request("POST", "/token", form_type,
                    "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + assertion);
}

const std::string azure_form =
    "grant_type=client_credentials&client_id=ferry-client-id&scope=https%3A%2F%2Fstorage.azure.com%2F.default";

}  // namespace

BOOST_AUTO_TEST_SUITE(testd_auth_selftest)

BOOST_AUTO_TEST_CASE(imds_v2_happy_path) {
  testd_process td;
  auto put = td.request("PUT", "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}});
  BOOST_TEST(put.status == 200);
  BOOST_TEST(put.header("X-aws-ec2-metadata-token-ttl-seconds").value_or("") == "21600");
  const std::string token = put.body;
  BOOST_TEST(token.size() >= 40);
  BOOST_TEST(imds_token(td) != token);  // distinct per issue

  auto role = td.request("GET", "/latest/meta-data/iam/security-credentials/", {{"X-aws-ec2-metadata-token", token}});
  BOOST_TEST(role.status == 200);
  BOOST_TEST(role.body == "ferry-instance-role");
  auto creds = td.request("GET", "/latest/meta-data/iam/security-credentials/" + role.body,
                          {{"X-aws-ec2-metadata-token", token}});
  BOOST_REQUIRE_EQUAL(creds.status, 200);
  auto c = parse_object(creds);
  BOOST_TEST(str(c, "Code") == "Success");
  BOOST_TEST(str(c, "Type") == "AWS-HMAC");
  BOOST_TEST(str(c, "AccessKeyId").starts_with("ASIA"));
  BOOST_TEST(str(c, "SecretAccessKey").size() == 40u);
  BOOST_TEST(!str(c, "Token").empty());
  BOOST_TEST(parse_iso(str(c, "Expiration")) - parse_iso(str(c, "LastUpdated")) == 3600);

  auto known = check(td, str(c, "Token"));
  BOOST_TEST(known.at("issued").as_bool());
  BOOST_TEST(known.at("live").as_bool());
  BOOST_TEST(str(known, "endpoint") == "imds_credentials");
  BOOST_TEST(str(known, "access_key_id") == str(c, "AccessKeyId"));
  BOOST_TEST(!check(td, "ASIANOTISSUEDBYTESTD").at("issued").as_bool());

  auto region = td.request("GET", "/latest/meta-data/placement/region", {{"X-aws-ec2-metadata-token", token}});
  BOOST_TEST(region.body == "us-east-1");
  auto doc = td.request("GET", "/latest/dynamic/instance-identity/document", {{"X-aws-ec2-metadata-token", token}});
  BOOST_TEST(str(parse_object(doc), "region") == "us-east-1");

  auto st = auth_state(td);
  BOOST_TEST(count(st, "requests", "imds_token") == 2u);
  BOOST_TEST(count(st, "issued", "imds_credentials") == 1u);
}

BOOST_AUTO_TEST_CASE(imds_token_requirements) {
  testd_process td;
  BOOST_TEST(td.request("PUT", "/latest/api/token").status == 400);
  BOOST_TEST(td.request("PUT", "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "0"}}).status == 400);
  BOOST_TEST(td.request("PUT", "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "21601"}}).status == 400);
  BOOST_TEST(td.request("PUT", "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "x"}}).status == 400);
  BOOST_TEST(td.request("GET", "/latest/api/token").status == 405);

  const std::string path = "/latest/meta-data/iam/security-credentials/";
  auto v1 = td.request("GET", path);  // IMDSv1 refused by default
  BOOST_TEST(v1.status == 401);
  BOOST_TEST(v1.body.find("401 - Unauthorized") != std::string::npos);
  BOOST_TEST(td.request("GET", path, {{"X-aws-ec2-metadata-token", "AQAEAforged"}}).status == 401);

  const std::string token = imds_token(td);
  BOOST_TEST(td.request("GET", path + "other-role", {{"X-aws-ec2-metadata-token", token}}).status == 404);
  // An expired session token is refused like an unknown one.
  auto expired = td.request("POST", "/_ferry/auth/expire?token=" + token);
  BOOST_TEST(parse_object(expired).at("expired").to_number<std::uint64_t>() == 1u);
  BOOST_TEST(td.request("GET", path, {{"X-aws-ec2-metadata-token", token}}).status == 401);
  BOOST_TEST(count(auth_state(td), "rejected", "imds_role") == 3u);

  configure(td, R"({"imds": {"allow_v1": true, "role": "v1-role"}})");
  auto allowed = td.request("GET", path);
  BOOST_TEST(allowed.status == 200);
  BOOST_TEST(allowed.body == "v1-role");
}

BOOST_AUTO_TEST_CASE(ecs_container_credentials) {
  testd_process td;
  auto r = td.request("GET", "/v2/credentials/4f1c-task");
  BOOST_REQUIRE_EQUAL(r.status, 200);
  auto c = parse_object(r);
  for (auto key : {"AccessKeyId", "SecretAccessKey", "Token", "Expiration", "RoleArn"}) BOOST_TEST(c.contains(key));
  BOOST_TEST(str(c, "RoleArn") == "arn:aws:iam::123456789012:role/ferry-task-role");
  BOOST_TEST(check(td, str(c, "AccessKeyId")).at("live").as_bool());

  configure(td, R"({"ecs": {"authorization": "Bearer ecs-secret", "prefixes": ["/v2/credentials/", "/creds"]}})");
  auto missing = td.request("GET", "/creds");
  BOOST_TEST(missing.status == 401);
  BOOST_TEST(str(parse_object(missing), "code") == "NoAuthorizationHeader");
  BOOST_TEST(td.request("GET", "/creds", {{"Authorization", "Bearer wrong"}}).status == 403);
  auto ok = td.request("GET", "/creds", {{"Authorization", "Bearer ecs-secret"}});
  BOOST_TEST(ok.status == 200);
  BOOST_TEST(str(parse_object(ok), "AccessKeyId") != str(c, "AccessKeyId"));
  BOOST_TEST(count(auth_state(td), "rejected", "ecs_credentials") == 2u);
}

BOOST_AUTO_TEST_CASE(sts_assume_role_with_web_identity) {
  testd_process td;
  auto ok = sts(td, web_identity_form + "any-token-text&DurationSeconds=900");
  BOOST_REQUIRE_EQUAL(ok.status, 200);
  BOOST_TEST(ok.header("Content-Type").value_or("") == "text/xml");
  BOOST_TEST(ok.body.starts_with("<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"));
  const std::string key = xml_text(ok.body, "AccessKeyId");
  BOOST_TEST(key.starts_with("ASIA"));
  BOOST_TEST(!xml_text(ok.body, "SecretAccessKey").empty());
  BOOST_TEST(!xml_text(ok.body, "SessionToken").empty());
  auto known = check(td, xml_text(ok.body, "SessionToken"));
  BOOST_TEST(str(known, "endpoint") == "sts_assume_role_with_web_identity");
  BOOST_TEST(known.at("expires_in").as_int64() <= 900);
  BOOST_TEST(known.at("expires_in").as_int64() > 800);
  BOOST_TEST(xml_text(ok.body, "Arn") == "arn:aws:sts::123456789012:assumed-role/ferry/ferry-session");

  configure(td, R"({"sts": {"web_identity_token": "the-projected-token"}})");
  auto wrong = sts(td, web_identity_form + "another-token");
  BOOST_TEST(wrong.status == 400);
  BOOST_TEST(xml_text(wrong.body, "Type") == "Sender");
  BOOST_TEST(xml_text(wrong.body, "Code") == "InvalidIdentityToken");
  BOOST_TEST(!xml_text(wrong.body, "RequestId").empty());
  BOOST_TEST(sts(td, web_identity_form + "the-projected-token").status == 200);

  // A JWT past its exp: ExpiredTokenException.
  configure(td, R"({"sts": {"web_identity_token": ""}})");
  std::string expired_jwt = ferry::signing::base64url_nopad(R"({"alg":"RS256"})") + "." +
                            ferry::signing::base64url_nopad(R"({"sub":"x","exp":1000000000})") + ".c2ln";
  auto exp = sts(td, web_identity_form + expired_jwt);
  BOOST_TEST(exp.status == 400);
  BOOST_TEST(xml_text(exp.body, "Code") == "ExpiredTokenException");

  auto no_arn = sts(td, "Action=AssumeRoleWithWebIdentity&RoleSessionName=s1&WebIdentityToken=abcd");
  BOOST_TEST(xml_text(no_arn.body, "Code") == "ValidationError");
  auto short_duration = sts(td, web_identity_form + "abcd&DurationSeconds=100");
  BOOST_TEST(short_duration.status == 400);
  BOOST_TEST(xml_text(short_duration.body, "Code") == "ValidationError");
  BOOST_TEST(xml_text(sts(td, "Action=GetCallerIdentity&Version=2011-06-15").body, "Code") == "InvalidAction");
  // Query-protocol GET works too.
  BOOST_TEST(td.request("GET", "/?" + web_identity_form + "abcd").status == 200);
}

BOOST_AUTO_TEST_CASE(sts_assume_role_signed) {
  testd_process td;
  auto unsigned_call = sts(td, assume_role_form);
  BOOST_TEST(unsigned_call.status == 403);
  BOOST_TEST(xml_text(unsigned_call.body, "Code") == "MissingAuthenticationToken");
  headers h = form_type;
  h.emplace_back("Authorization", "AWS4-HMAC-SHA256 garbage");
  BOOST_TEST(xml_text(sts(td, assume_role_form, h).body, "Code") == "IncompleteSignature");

  h = form_type;
  h.emplace_back("Authorization", sigv4_header("AKIASOURCEKEY"));
  auto ok = sts(td, assume_role_form, h);
  BOOST_REQUIRE_EQUAL(ok.status, 200);
  BOOST_TEST(ok.body.starts_with("<AssumeRoleResponse"));
  BOOST_TEST(!xml_text(ok.body, "AccessKeyId").empty());
  auto st = auth_state(td);
  BOOST_TEST(str(st.at("last").as_object(), "sts_assume_role_access_key_id") == "AKIASOURCEKEY");
  BOOST_TEST(st.at("assume_role_access_key_ids").as_array().size() == 1u);

  // Only callers holding live credentials we issued (here: from IMDS), with their session token.
  configure(td, R"({"sts": {"require_issued_access_key": true}})");
  BOOST_TEST(xml_text(sts(td, assume_role_form, h).body, "Code") == "InvalidClientTokenId");
  auto token = imds_token(td);
  auto c = parse_object(td.request("GET", "/latest/meta-data/iam/security-credentials/ferry-instance-role",
                                   {{"X-aws-ec2-metadata-token", token}}));
  h = form_type;
  h.emplace_back("Authorization", sigv4_header(str(c, "AccessKeyId")));
  BOOST_TEST(xml_text(sts(td, assume_role_form, h).body, "Code") == "InvalidClientTokenId");  // no session token
  h.emplace_back("X-Amz-Security-Token", str(c, "Token"));
  BOOST_TEST(sts(td, assume_role_form, h).status == 200);
  td.request("POST", "/_ferry/auth/expire", {}, str(c, "AccessKeyId"));
  auto expired = sts(td, assume_role_form, h);
  BOOST_TEST(expired.status == 403);
  BOOST_TEST(xml_text(expired.body, "Code") == "ExpiredToken");

  h = form_type;
  h.emplace_back("Authorization", sigv4_header("AKIASOURCEKEY", "s3"));
  BOOST_TEST(xml_text(sts(td, assume_role_form, h).body, "Code") == "SignatureDoesNotMatch");
}

BOOST_AUTO_TEST_CASE(google_service_account_jwt) {
  testd_process td;
  rsa_key key;
  const std::int64_t now = std::time(nullptr);
  // Without a configured key only the structure is checked.
  auto unverified = google_jwt(td, key.jwt(rs256_header, sa_claims(now)));
  BOOST_REQUIRE_EQUAL(unverified.status, 200);
  auto t = parse_object(unverified);
  BOOST_TEST(str(t, "token_type") == "Bearer");
  BOOST_TEST(t.at("expires_in").as_int64() == 3600);
  BOOST_TEST(check(td, str(t, "access_token")).at("live").as_bool());

  json::object cfg{{"google", json::object{{"public_key_pem", key.public_pem()},
                                           {"audience", "https://oauth2.googleapis.com/token"}}}};
  configure(td, json::serialize(cfg));
  auto ok = td.request("POST", "/oauth2/v4/token", form_type,
                       "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" +
                           key.jwt(rs256_header, sa_claims(now)));
  BOOST_TEST(ok.status == 200);
  BOOST_TEST(str(auth_state(td).at("last").as_object(), "google_signature_verified") == "true");

  auto error_of = [](const http_reply& r) { return std::string(parse_object(r).at("error").as_string()); };
  rsa_key other;
  auto forged = google_jwt(td, other.jwt(rs256_header, sa_claims(now)));
  BOOST_TEST(forged.status == 400);
  BOOST_TEST(error_of(forged) == "invalid_grant");
  BOOST_TEST(str(parse_object(forged), "error_description") == "Invalid JWT Signature.");
  BOOST_TEST(error_of(google_jwt(td, key.jwt(rs256_header, sa_claims(now, 7200)))) == "invalid_grant");
  BOOST_TEST(error_of(google_jwt(td, key.jwt(rs256_header, sa_claims(now - 7200)))) == "invalid_grant");
  BOOST_TEST(error_of(google_jwt(td, key.jwt({{"alg", "HS256"}}, sa_claims(now)))) == "invalid_grant");
  auto no_scope = sa_claims(now);
  no_scope.erase("scope");
  BOOST_TEST(error_of(google_jwt(td, key.jwt(rs256_header, no_scope))) == "invalid_scope");
  auto wrong_aud = sa_claims(now);
  wrong_aud["aud"] = "https://elsewhere/token";
  BOOST_TEST(error_of(google_jwt(td, key.jwt(rs256_header, wrong_aud))) == "invalid_grant");
  BOOST_TEST(error_of(google_jwt(td, "not-a-jwt")) == "invalid_grant");
  BOOST_TEST(error_of(google_jwt(td, "")) == "invalid_request");
  BOOST_TEST(td.request("POST", "/_ferry/auth/config", {}, R"({"google":{"public_key_pem":"nope"}})").status == 400);
}

BOOST_AUTO_TEST_CASE(google_refresh_token) {
  testd_process td;
  const std::string good = "grant_type=refresh_token&client_id=ferry-client-id.apps.googleusercontent.com"
                           "&client_secret=ferry-client-secret&refresh_token=ferry-refresh-token";
  auto ok = td.request("POST", "/token", form_type, good);
  BOOST_REQUIRE_EQUAL(ok.status, 200);
  BOOST_TEST(str(parse_object(ok), "access_token").starts_with("ya29."));

  configure(td, R"({"google": {"client_secret": "s2", "refresh_token": "r2"}})");
  auto bad_secret = td.request("POST", "/token", form_type, good);
  BOOST_TEST(bad_secret.status == 401);
  BOOST_TEST(str(parse_object(bad_secret), "error") == "invalid_client");
  auto bad_refresh = td.request("POST", "/token", form_type,
                                "grant_type=refresh_token&client_id=ferry-client-id.apps.googleusercontent.com"
                                "&client_secret=s2&refresh_token=old");
  BOOST_TEST(bad_refresh.status == 400);
  BOOST_TEST(str(parse_object(bad_refresh), "error") == "invalid_grant");
  // client_secret_basic
  auto basic = td.request("POST", "/token",
                          {{"Content-Type", "application/x-www-form-urlencoded"},
                           {"Authorization",
                            "Basic " + ferry::signing::base64("ferry-client-id.apps.googleusercontent.com:s2")}},
                          "grant_type=refresh_token&refresh_token=r2");
  BOOST_TEST(basic.status == 200);
  auto unsupported = td.request("POST", "/token", form_type, "grant_type=password");
  BOOST_TEST(str(parse_object(unsupported), "error") == "unsupported_grant_type");
}

BOOST_AUTO_TEST_CASE(google_metadata_server) {
  testd_process td;
  const std::string path = "/computeMetadata/v1/instance/service-accounts/default/token";
  auto missing = td.request("GET", path);
  BOOST_TEST(missing.status == 403);
  BOOST_TEST(missing.header("Metadata-Flavor").value_or("") == "Google");
  auto ok = td.request("GET", path, {{"Metadata-Flavor", "Google"}});
  BOOST_REQUIRE_EQUAL(ok.status, 200);
  BOOST_TEST(ok.header("Metadata-Flavor").value_or("") == "Google");
  auto t = parse_object(ok);
  BOOST_TEST(str(t, "token_type") == "Bearer");
  BOOST_TEST(str(check(td, str(t, "access_token")), "endpoint") == "google_metadata_token");
  BOOST_TEST(td.request("GET", "/computeMetadata/v1/project/project-id", {{"Metadata-Flavor", "Google"}}).body ==
             "ferry-project");
  auto probe = td.request("GET", "/", {{"Metadata-Flavor", "Google"}});
  BOOST_TEST(probe.status == 200);
  BOOST_TEST(probe.header("Metadata-Flavor").value_or("") == "Google");
  BOOST_TEST(count(auth_state(td), "rejected", "google_metadata_token") == 1u);
}

BOOST_AUTO_TEST_CASE(azure_entra_client_credentials) {
  testd_process td;
  configure(td, R"({"lifetimes": {"azure": 3599}, "azure": {"tenant_id": "tenant-1"}})");
  auto ok = td.request("POST", "/tenant-1/oauth2/v2.0/token", form_type, azure_form + "&client_secret=ferry-client-secret");
  BOOST_REQUIRE_EQUAL(ok.status, 200);
  auto t = parse_object(ok);
  BOOST_TEST(str(t, "token_type") == "Bearer");
  BOOST_TEST(t.at("expires_in").as_int64() == 3599);
  BOOST_TEST(std::count(t.at("access_token").as_string().begin(), t.at("access_token").as_string().end(), '.') == 2);
  BOOST_TEST(check(td, str(t, "access_token")).at("live").as_bool());

  auto bad = td.request("POST", "/tenant-1/oauth2/v2.0/token", form_type, azure_form + "&client_secret=wrong");
  BOOST_TEST(bad.status == 401);
  auto e = parse_object(bad);
  BOOST_TEST(str(e, "error") == "invalid_client");
  BOOST_TEST(str(e, "error_description").starts_with("AADSTS7000215:"));
  BOOST_TEST(e.at("error_codes").as_array().at(0).as_int64() == 7000215);
  auto tenant = td.request("POST", "/other/oauth2/v2.0/token", form_type, azure_form + "&client_secret=ferry-client-secret");
  BOOST_TEST(tenant.status == 400);
  auto scope = td.request("POST", "/tenant-1/oauth2/v2.0/token", form_type,
                          "grant_type=client_credentials&client_id=ferry-client-id&client_secret=ferry-client-secret"
                          "&scope=https%3A%2F%2Fstorage.azure.com%2Fuser_impersonation");
  BOOST_TEST(str(parse_object(scope), "error") == "invalid_scope");
  // Forced failures report the AADSTS number their error (or message) implies.
  configure(td, R"({"fail": [{"endpoint": "azure", "times": 1, "error": "invalid_request"},
                             {"endpoint": "azure", "times": 1, "error": "invalid_grant", "message": "AADSTS50076: MFA required."}]})");
  auto forced = parse_object(td.request("POST", "/tenant-1/oauth2/v2.0/token", form_type,
                                        azure_form + "&client_secret=ferry-client-secret"));
  BOOST_TEST(forced.at("error_codes").as_array().at(0).as_int64() == 900144);
  auto mfa = parse_object(td.request("POST", "/tenant-1/oauth2/v2.0/token", form_type,
                                     azure_form + "&client_secret=ferry-client-secret"));
  BOOST_TEST(mfa.at("error_codes").as_array().at(0).as_int64() == 50076);

  // Workload identity: the federated token file's content as client_assertion.
  const std::string fed = ferry::signing::base64url_nopad(R"({"alg":"RS256"})") + "." +
                          ferry::signing::base64url_nopad(R"({"sub":"system:serviceaccount:ns:sa","exp":9999999999})") +
                          ".c2ln";
  configure(td, json::serialize(json::object{{"azure", json::object{{"client_assertion", fed}}}}));
  const std::string assertion_form =
      azure_form + "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=";
  BOOST_TEST(td.request("POST", "/tenant-1/oauth2/v2.0/token", form_type, assertion_form + fed).status == 200);
  auto mismatch = td.request("POST", "/tenant-1/oauth2/v2.0/token", form_type, assertion_form + fed + "x");
  BOOST_TEST(mismatch.status == 400);
  BOOST_TEST(str(auth_state(td).at("last").as_object(), "azure_auth") == "client_assertion");
}

BOOST_AUTO_TEST_CASE(azure_managed_identity) {
  testd_process td;
  const std::string target = "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fstorage.azure.com%2F";
  auto missing = td.request("GET", target);
  BOOST_TEST(missing.status == 400);
  BOOST_TEST(str(parse_object(missing), "error") == "invalid_request");
  auto ok = td.request("GET", target, {{"Metadata", "true"}});
  BOOST_REQUIRE_EQUAL(ok.status, 200);
  auto t = parse_object(ok);
  BOOST_TEST(str(t, "resource") == "https://storage.azure.com/");
  BOOST_TEST(t.at("expires_on").is_string());  // IMDS sends numbers as strings
  BOOST_TEST(std::stoll(str(t, "expires_on")) - std::time(nullptr) > 3000);
  BOOST_TEST(str(t, "expires_in") == "3600");
  BOOST_TEST(td.request("GET", "/metadata/identity/oauth2/token?api-version=2018-02-01", {{"Metadata", "true"}}).status ==
             400);

  const std::string app = "/msi/token?api-version=2019-08-01&resource=https%3A%2F%2Fvault.azure.net";
  BOOST_TEST(td.request("GET", app).status == 401);
  auto as = td.request("GET", app, {{"X-IDENTITY-HEADER", "ferry-identity-header"}});
  BOOST_TEST(as.status == 200);
  BOOST_TEST(str(parse_object(as), "resource") == "https://vault.azure.net");
}

BOOST_AUTO_TEST_CASE(configurable_lifetimes) {
  testd_process td;
  configure(td, R"({"lifetime_seconds": 2, "lifetimes": {"ecs": -60, "sts": 2}})");
  auto token = imds_token(td);
  auto c = parse_object(td.request("GET", "/latest/meta-data/iam/security-credentials/ferry-instance-role",
                                   {{"X-aws-ec2-metadata-token", token}}));
  BOOST_TEST(parse_iso(str(c, "Expiration")) - parse_iso(str(c, "LastUpdated")) == 2);
  auto g = parse_object(td.request("GET", "/computeMetadata/v1/instance/service-accounts/default/token",
                                   {{"Metadata-Flavor", "Google"}}));
  BOOST_TEST(g.at("expires_in").as_int64() == 2);
  // Already expired on issue.
  auto e = parse_object(td.request("GET", "/v2/credentials/x"));
  BOOST_TEST(parse_iso(str(e, "Expiration")) < std::time(nullptr));
  BOOST_TEST(check(td, str(e, "AccessKeyId")).at("expired").as_bool());
  // STS: lifetimes.sts wins over DurationSeconds.
  auto s = sts(td, web_identity_form + "abcd&DurationSeconds=3600");
  BOOST_TEST(check(td, xml_text(s.body, "AccessKeyId")).at("expires_in").as_int64() <= 2);
}

BOOST_AUTO_TEST_CASE(forced_failures) {
  testd_process td;
  configure(td, R"({"fail": [
      {"endpoint": "sts", "times": 2, "error": "ExpiredTokenException", "message": "Token expired"},
      {"endpoint": "google_metadata_token", "status": 503},
      {"endpoint": "imds_credentials", "after": 1, "status": 500}]})");
  for (int i = 0; i < 2; ++i) {
    auto r = sts(td, web_identity_form + "abcd");
    BOOST_TEST(r.status == 400);
    BOOST_TEST(xml_text(r.body, "Code") == "ExpiredTokenException");
  }
  BOOST_TEST(sts(td, web_identity_form + "abcd").status == 200);
  auto md = td.request("GET", "/computeMetadata/v1/instance/service-accounts/default/token", {{"Metadata-Flavor", "Google"}});
  BOOST_TEST(md.status == 503);
  BOOST_TEST(md.header("Metadata-Flavor").value_or("") == "Google");
  const std::string token = imds_token(td), path = "/latest/meta-data/iam/security-credentials/ferry-instance-role";
  BOOST_TEST(td.request("GET", path, {{"X-aws-ec2-metadata-token", token}}).status == 200);
  BOOST_TEST(td.request("GET", path, {{"X-aws-ec2-metadata-token", token}}).status == 500);
  BOOST_TEST(td.request("GET", path, {{"X-aws-ec2-metadata-token", token}}).status == 200);
  auto st = auth_state(td);
  BOOST_TEST(st.at("forced_failures").to_number<std::uint64_t>() == 4u);
  auto rules = parse_object(td.request("GET", "/_ferry/auth/config")).at("fail").as_array();
  BOOST_TEST(rules.at(0).at("fired").to_number<std::uint64_t>() == 2u);
  BOOST_TEST(rules.at(0).at("seen").to_number<std::uint64_t>() == 3u);
}

BOOST_AUTO_TEST_CASE(fault_script_applies_to_credential_routes) {
  testd_process td;
  td.set_faults(R"({"rules":[{"path":"/latest/api/token","method":"PUT","status":500},
                              {"path":"/token","nth":1,"reset_after":0}]})");
  BOOST_TEST(td.request("PUT", "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "60"}}).status == 500);
  BOOST_TEST(td.request("PUT", "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "60"}}).status == 200);
  auto reset = td.request("POST", "/token", form_type, "grant_type=refresh_token");
  BOOST_TEST(reset.body.empty());
  BOOST_TEST((reset.status == 0 || !reset.error.empty()));
  auto header = td.request("GET", "/computeMetadata/v1/project/project-id",
                           {{"Metadata-Flavor", "Google"}, {"x-ferry-fault", "status=429,retry_after=1"}});
  BOOST_TEST(header.status == 429);
  BOOST_TEST(td.stats().find("\"faults_fired\":3") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(control_routes) {
  testd_process td;
  BOOST_TEST(td.request("POST", "/_ferry/auth/config", {}, R"({"imds": {"alow_v1": true}})").status == 400);
  BOOST_TEST(td.request("POST", "/_ferry/auth/config", {}, R"({"lifetime_seconds": "long"})").status == 400);
  BOOST_TEST(td.request("POST", "/_ferry/auth/config", {}, R"({"fail": [{"status": 500}]})").status == 400);
  configure(td, R"({"imds": {"region": "eu-west-1"}})");
  auto cfg = parse_object(td.request("GET", "/_ferry/auth/config"));
  BOOST_TEST(str(cfg.at("imds").as_object(), "region") == "eu-west-1");
  BOOST_TEST(str(cfg.at("imds").as_object(), "role") == "ferry-instance-role");  // merged, not replaced
  BOOST_TEST(td.request("DELETE", "/_ferry/auth/config").status == 204);
  cfg = parse_object(td.request("GET", "/_ferry/auth/config"));
  BOOST_TEST(str(cfg.at("imds").as_object(), "region") == "us-east-1");

  imds_token(td);
  BOOST_TEST(auth_state(td).at("credentials").to_number<std::uint64_t>() == 1u);
  BOOST_TEST(td.request("DELETE", "/_ferry/auth/state").status == 204);
  BOOST_TEST(auth_state(td).at("credentials").to_number<std::uint64_t>() == 0u);
  BOOST_TEST(td.request("GET", "/_ferry/auth/nope").status == 404);
  // Credential routes never shadow plain objects at other paths or methods.
  BOOST_TEST(td.request("PUT", "/token", {}, "x").status == 201);
  BOOST_TEST(td.request("GET", "/token").body == "x");
}

BOOST_AUTO_TEST_SUITE_END()
