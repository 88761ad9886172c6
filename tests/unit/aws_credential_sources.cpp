// Pure parts of the AWS credential chain: credential JSON, ISO-8601 times, STS requests and responses,
// credential_process. Hostile inputs included; no sockets.
#include "src/auth/aws_credentials_json.hpp"
#include "src/auth/aws_remote_sources.hpp"
#include "src/auth/aws_sts.hpp"

#include <boost/test/unit_test.hpp>

#include <array>
#include <map>

using namespace ferry;
using namespace ferry::auth;

BOOST_AUTO_TEST_SUITE(aws_credential_sources)

BOOST_AUTO_TEST_CASE(iso8601) {
  auto t = parse_iso8601_utc("2026-11-23T07:00:00Z");
  BOOST_REQUIRE(t);
  BOOST_TEST(std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count() == 1795417200);
  BOOST_TEST((parse_iso8601_utc("2026-11-23T07:00:00.123Z") == t));
  BOOST_TEST((parse_iso8601_utc("2026-11-23T07:00:00+00:00") == t));
  BOOST_TEST((parse_iso8601_utc("2026-11-23T09:00:00+02:00") == t));
  for (const char* bad : {"", "2026-11-23", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-23T25:00:00Z",
                          "2026-11-23T07:00:00", "2026-11-23T07:00:00+0000", "2026-11-23T07:00:00Zjunk",
                          "20261123T070000Z", "2026-1l-23T07:00:00Z"})
    BOOST_TEST(!parse_iso8601_utc(bad), bad);
}

BOOST_AUTO_TEST_CASE(credentials_json) {
  auto c = parse_aws_credentials_json(R"({"Code":"Success","LastUpdated":"2026-11-23T06:00:00Z","Type":"AWS-HMAC",
    "AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"SECRETVALUE","Token":"TOKENVALUE","Expiration":"2026-11-23T12:00:00Z"})",
                                      "IMDS");
  BOOST_REQUIRE(c);
  BOOST_TEST(c->value.access_key_id == "ASIAEXAMPLE");
  BOOST_TEST(c->value.session_token == "TOKENVALUE");
  BOOST_TEST(c->expires.has_value());
  auto process = parse_aws_credentials_json(R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":"T"})",
                                            "credential_process");
  BOOST_REQUIRE(process);
  BOOST_TEST(process->value.session_token == "T");
  BOOST_TEST(!process->expires.has_value());  // no Expiration: long-lived keys

  const std::string hostile[] = {"", "null", "[]", "{", R"({"AccessKeyId":1,"SecretAccessKey":"S"})",
                                 R"({"AccessKeyId":"A"})", R"({"Code":"Failure","AccessKeyId":"A","SecretAccessKey":"S"})",
                                 R"({"AccessKeyId":"A","SecretAccessKey":"SECRETVALUE","Expiration":"tomorrow"})",
                                 std::string(100000, '{')};
  for (const auto& body : hostile) {
    auto r = parse_aws_credentials_json(body, "IMDS");
    BOOST_TEST(!r);
    if (!r) {
      BOOST_TEST(r.error().message.find("SECRETVALUE") == std::string::npos);
      BOOST_TEST(r.error().message.find("IMDS") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(sts_requests_and_responses) {
  auto endpoint = *http::url::parse("https://sts.eu-west-1.amazonaws.com/");
  auto web = build_assume_role_with_web_identity(endpoint, {"arn:aws:iam::123:role/r", "s"}, "eyJ.token/+=");
  BOOST_TEST(web.method == "POST");
  BOOST_TEST(!web.headers.find("authorization"));  // the web identity token is the credential
  std::array<std::byte, 1024> buf;
  auto n = web.body->read(buf);
  std::string body(reinterpret_cast<const char*>(buf.data()), *n);
  BOOST_TEST(body.find("Action=AssumeRoleWithWebIdentity") != std::string::npos);
  BOOST_TEST(body.find("RoleArn=arn%3Aaws%3Aiam%3A%3A123%3Arole%2Fr") != std::string::npos);
  BOOST_TEST(body.find("WebIdentityToken=eyJ.token%2F%2B%3D") != std::string::npos);

  signing::aws_credentials source{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  auto signed_req = build_assume_role(endpoint, {"arn:aws:iam::123:role/r"}, source, "eu-west-1",
                                      std::chrono::sys_seconds(std::chrono::seconds(1795417200)));
  BOOST_REQUIRE(signed_req);
  auto auth = signed_req->headers.find("authorization");
  BOOST_REQUIRE(auth);
  BOOST_TEST(auth->starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/eu-west-1/sts/aws4_request"));
  BOOST_TEST(auth->find("wJalr") == std::string_view::npos);

  auto ok = parse_sts_credentials(R"(<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>S1</SecretAccessKey>
  <SessionToken>T1</SessionToken><Expiration>2026-11-23T08:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult>
  </AssumeRoleWithWebIdentityResponse>)");
  BOOST_REQUIRE(ok);
  BOOST_TEST(ok->value.access_key_id == "ASIA1");
  BOOST_TEST(ok->value.session_token == "T1");
  for (const char* bad : {"", "<x/>", "<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>",
                          "<R><AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId></Credentials></AssumeRoleResult></R>",
                          "<R><AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey>"
                          "<SessionToken>T</SessionToken><Expiration>soon</Expiration></Credentials></AssumeRoleResult></R>"})
    BOOST_TEST(!parse_sts_credentials(bad), bad);
}

BOOST_AUTO_TEST_CASE(endpoints_from_environment) {
  std::map<std::string, std::string, std::less<>> vars;
  env_lookup env = lookup_in(vars);
  vars["AWS_REGION"] = "";  // an empty variable counts as unset, as in the process environment
  BOOST_TEST(!env("AWS_REGION").has_value());
  vars["AWS_REGION"] = "eu-north-1";  // later changes are seen
  BOOST_TEST(env("AWS_REGION").value_or("") == "eu-north-1");
  vars.erase("AWS_REGION");
  BOOST_TEST(sts_endpoint(env, "ap-south-1")->host == "sts.ap-south-1.amazonaws.com");
  vars["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9000";
  BOOST_TEST(sts_endpoint(env, "x")->port == 9000);
  vars["AWS_ENDPOINT_URL_STS"] = "not a url";
  BOOST_TEST(!sts_endpoint(env, "x"));
  BOOST_TEST(imds_endpoint(env)->host == "169.254.169.254");
  BOOST_TEST(!imds_disabled(env));
  vars["AWS_EC2_METADATA_DISABLED"] = "true";
  BOOST_TEST(imds_disabled(env));
  BOOST_TEST(!container_endpoint(env)->has_value());
  vars["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/abc";
  BOOST_TEST((*container_endpoint(env))->address.host == "169.254.170.2");
  vars["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "no-slash";
  BOOST_TEST(!container_endpoint(env));
  vars.erase("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.1:1/creds";
  vars["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "tok\r\nInjected: 1";
  BOOST_TEST(!container_endpoint(env));  // header injection refused
  vars["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = "/nonexistent/token";
  auto missing = container_endpoint(env);
  BOOST_TEST((!missing && missing.error().kind == error::not_found));
}

BOOST_AUTO_TEST_CASE(credential_process) {
  auto ok = run_credential_process(
      R"(printf '{"Version": 1, "AccessKeyId": "AKP", "SecretAccessKey": "SKP", "Expiration": "2099-01-01T00:00:00Z"}')");
  BOOST_REQUIRE(ok);
  BOOST_TEST(ok->value.access_key_id == "AKP");
  auto fails = run_credential_process("exit 3");
  BOOST_REQUIRE(!fails);
  BOOST_TEST(fails.error().message.find("status 3") != std::string::npos);
  BOOST_TEST(!run_credential_process("echo not json"));
  BOOST_TEST(!run_credential_process(R"(printf '{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "S"}')"));
}

BOOST_AUTO_TEST_SUITE_END()
