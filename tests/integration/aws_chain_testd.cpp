// The AWS credential chain against ferry_testd's real credential dialects (not canned answers): IMDSv2 with its
// session-token flow, the ECS/EKS container endpoint with its Authorization token, STS AssumeRoleWithWebIdentity
// and SigV4-signed AssumeRole. testd issues random credentials and records them, so every test checks through
// /_ferry/auth/check that the chain hands out exactly what testd issued, live, and through /_ferry/auth/state how
// many requests each endpoint saw (order, caching, single flight). A fake clock drives refresh and expiry.
#include "tests/integration/run_command.hpp"
#include "tests/integration/testd_process.hpp"

#include "src/auth/aws_credential_chain.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>


#include <atomic>
#include <future>
#include <map>

using namespace ferry;
using namespace ferry::auth;
using namespace ferry::test;
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

const std::string web_role = "arn:aws:iam::123456789012:role/ferry-web";
const std::string deploy_role = "arn:aws:iam::123456789012:role/ferry-deploy";

struct testd_chain {
  testd_process server;
  temp_dir dir;
  std::map<std::string, std::string, std::less<>> vars;
  std::shared_ptr<std::atomic<long>> skew = std::make_shared<std::atomic<long>>(0);  // fake clock: seconds ahead
  asio::io_context io;

  testd_chain() {
    // No real ~/.aws, and IMDS on a closed port unless a test points it at testd.
    vars["AWS_SHARED_CREDENTIALS_FILE"] = dir / "credentials";
    vars["AWS_CONFIG_FILE"] = dir / "config";
    vars["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:1";
  }
  void use_imds() { vars["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = server.http_base(); }
  void use_sts() { vars["AWS_ENDPOINT_URL_STS"] = server.http_base(); }

  aws_chain_options options() {
    aws_chain_options o;
    o.env = lookup_in(vars);
    o.now = [skew = skew] {
      return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) +
             std::chrono::seconds(skew->load());
    };
    return o;
  }
  void advance(long seconds) { *skew += seconds; }

  result<signing::aws_credentials> get(aws_credential_chain& chain) {
    auto f = asio::co_spawn(io, chain.get(), asio::use_future);
    io.restart();
    io.run();
    return f.get();
  }

  void configure(const std::string& patch) {
    auto r = server.request("POST", "/_ferry/auth/config", {{"Content-Type", "application/json"}}, patch);
    BOOST_REQUIRE_MESSAGE(r.status == 200, "auth config " << patch << ": " << r.status << " " << r.body);
  }
  json::object state() {
    auto r = server.request("GET", "/_ferry/auth/state");
    BOOST_REQUIRE_EQUAL(r.status, 200);
    return json::parse(r.body).as_object();
  }
  // state()[group][endpoint], 0 when absent.
  std::int64_t count(std::string_view group, std::string_view endpoint) {
    auto s = state();
    auto v = s.at(group).as_object().if_contains(endpoint);
    return v ? v->to_number<std::int64_t>() : 0;
  }
  std::string last(std::string_view key) {
    auto s = state();
    auto v = s.at("last").as_object().if_contains(key);
    return v ? std::string(v->as_string()) : std::string();
  }
  json::object check(const std::string& token) {
    auto r = server.request("POST", "/_ferry/auth/check", {}, token);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    return json::parse(r.body).as_object();
  }
  int expire_all() {
    auto r = server.request("POST", "/_ferry/auth/expire");
    BOOST_REQUIRE_EQUAL(r.status, 200);
    return static_cast<int>(json::parse(r.body).at("expired").to_number<std::int64_t>());
  }
  // testd's plain request counters (GET /_ferry/stats by_path) for one path, all methods.
  std::int64_t path_requests(const std::string& path) {
    auto stats = json::parse(server.stats()).as_object();
    auto p = stats.at("by_path").as_object().if_contains(path);
    std::int64_t n = 0;
    if (p)
      for (auto& [m, c] : p->as_object()) n += c.to_number<std::int64_t>();
    return n;
  }

  // The credentials are the ones testd issued at `endpoint`, still live: key id and session token both map to the
  // same issued credential.
  void expect_issued_live(const signing::aws_credentials& c, std::string_view endpoint) {
    auto by_key = check(c.access_key_id);
    BOOST_TEST_REQUIRE(by_key.at("issued").as_bool(), "testd did not issue " << c.access_key_id);
    BOOST_TEST(by_key.at("live").as_bool());
    BOOST_TEST(by_key.at("kind").as_string() == "aws");
    BOOST_TEST(by_key.at("endpoint").as_string() == endpoint);
    BOOST_TEST(!c.secret_access_key.empty());
    auto by_token = check(c.session_token);
    BOOST_TEST_REQUIRE(by_token.at("issued").as_bool());
    BOOST_TEST(by_token.at("access_key_id").as_string() == c.access_key_id);
  }
};

// Neither the one-line error nor its message may hold a secret.
void expect_no_secret(const failure& f, const std::vector<std::string>& secrets) {
  for (auto& s : secrets) {
    if (s.empty()) continue;
    BOOST_TEST(f.what().find(s) == std::string::npos, "error leaks a secret: " << f.what());
    BOOST_TEST(f.message.find(s) == std::string::npos);
  }
}

std::string failure_text(const result<signing::aws_credentials>& r) { return r ? std::string() : r.error().what(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(aws_chain_testd)

BOOST_AUTO_TEST_CASE(imds_v2_token_flow_yields_the_issued_live_credentials) {
  testd_chain t;
  t.use_imds();
  aws_credential_chain chain(t.io.get_executor(), t.options());
  auto c = t.get(chain);
  BOOST_REQUIRE_MESSAGE(c, failure_text(c));
  BOOST_TEST(chain.source() == "IMDS");
  t.expect_issued_live(*c, "imds_credentials");
  BOOST_TEST(t.last("imds_access_key_id") == c->access_key_id);
  // One session token, then the role, then the credentials; a GET without a valid token (401), or with
  // X-Forwarded-For (403), would be in "rejected".
  BOOST_TEST(t.count("issued", "imds_token") == 1);
  BOOST_TEST(t.count("requests", "imds_role") == 1);
  BOOST_TEST(t.count("requests", "imds_credentials") == 1);
  BOOST_TEST(t.state().at("rejected").as_object().empty(), json::serialize(t.state()));
}

BOOST_AUTO_TEST_CASE(imds_v1_is_never_used) {
  // testd refuses token-less GETs unless allow_v1; when the token PUT fails the chain must fail, not fall back to
  // unauthenticated GETs.
  testd_chain t;
  t.use_imds();
  t.configure(R"({"imds":{"allow_v1":true},"fail":[{"endpoint":"imds_token","times":0,"status":403}]})");
  aws_credential_chain chain(t.io.get_executor(), t.options());
  auto c = t.get(chain);
  BOOST_REQUIRE(!c);
  BOOST_TEST(c.error().message.find("IMDS") != std::string::npos, c.error().what());
  BOOST_TEST(t.count("requests", "imds_role") == 0);
  BOOST_TEST(t.count("requests", "imds_credentials") == 0);
}

BOOST_AUTO_TEST_CASE(cached_get_makes_no_request_and_concurrent_gets_make_one) {
  testd_chain t;
  t.use_imds();
  aws_credential_chain chain(t.io.get_executor(), t.options());
  auto first = t.get(chain);
  BOOST_REQUIRE_MESSAGE(first, failure_text(first));
  auto second = t.get(chain);
  BOOST_REQUIRE(second);
  BOOST_TEST(second->access_key_id == first->access_key_id);
  BOOST_TEST(t.count("requests", "imds_token") == 1);
  BOOST_TEST(t.count("requests", "imds_credentials") == 1);

  // Eight callers at once on a cold chain: one token, one role, one credentials request.
  aws_credential_chain cold(t.io.get_executor(), t.options());
  std::vector<std::future<result<signing::aws_credentials>>> results;
  for (int i = 0; i < 8; ++i) results.push_back(asio::co_spawn(t.io, cold.get(), asio::use_future));
  t.io.restart();
  t.io.run();
  std::string key;
  for (auto& f : results) {
    auto r = f.get();
    BOOST_REQUIRE_MESSAGE(r, failure_text(r));
    if (key.empty()) key = r->access_key_id;
    BOOST_TEST(r->access_key_id == key);
  }
  BOOST_TEST(key != first->access_key_id);
  BOOST_TEST(t.count("requests", "imds_token") == 2);
  BOOST_TEST(t.count("requests", "imds_credentials") == 2);
}

BOOST_AUTO_TEST_CASE(refreshes_inside_the_margin_on_the_chain_clock) {
  testd_chain t;
  t.use_imds();
  t.configure(R"({"lifetimes":{"imds":600}})");
  auto o = t.options();
  o.refresh_margin = std::chrono::seconds(300);
  aws_credential_chain chain(t.io.get_executor(), o);
  auto a = t.get(chain);
  BOOST_REQUIRE_MESSAGE(a, failure_text(a));
  BOOST_TEST(t.check(a->access_key_id).at("expires_in").to_number<std::int64_t>() <= 600);

  t.advance(200);  // 400 s left: outside the margin, still cached
  auto b = t.get(chain);
  BOOST_REQUIRE(b);
  BOOST_TEST(b->access_key_id == a->access_key_id);
  BOOST_TEST(t.count("requests", "imds_credentials") == 1);

  t.advance(150);  // 250 s left: inside the 300 s margin, so the next get() refreshes
  auto c = t.get(chain);
  BOOST_REQUIRE_MESSAGE(c, failure_text(c));
  BOOST_TEST(c->access_key_id != a->access_key_id);
  BOOST_TEST(t.count("requests", "imds_credentials") == 2);
  t.expect_issued_live(*c, "imds_credentials");
}

BOOST_AUTO_TEST_CASE(expired_credentials_are_never_handed_out) {
  testd_chain t;
  t.use_imds();
  t.configure(R"({"lifetimes":{"imds":600}})");
  aws_credential_chain chain(t.io.get_executor(), t.options());
  auto a = t.get(chain);
  BOOST_REQUIRE_MESSAGE(a, failure_text(a));
  BOOST_TEST(t.expire_all() >= 1);
  BOOST_TEST(t.check(a->access_key_id).at("expired").as_bool());

  // Past the expiry on the chain's clock, with IMDS failing: an error, not the expired credentials.
  t.advance(601);
  t.configure(R"({"fail":[{"endpoint":"imds_credentials","times":0}]})");
  auto dead = t.get(chain);
  BOOST_REQUIRE_MESSAGE(!dead, "handed out expired credentials");
  BOOST_TEST(dead.error().message.find("IMDS") != std::string::npos, dead.error().what());
  expect_no_secret(dead.error(), {a->secret_access_key, a->session_token});

  // IMDS back, issuing for longer than the fake clock's lead: fresh credentials, live at testd.
  t.configure(R"({"fail":[],"lifetimes":{"imds":3600}})");
  auto b = t.get(chain);
  BOOST_REQUIRE_MESSAGE(b, failure_text(b));
  BOOST_TEST(b->access_key_id != a->access_key_id);
  t.expect_issued_live(*b, "imds_credentials");
}

BOOST_AUTO_TEST_CASE(credentials_issued_already_expired_are_refused) {
  testd_chain t;
  t.use_imds();
  t.configure(R"({"lifetimes":{"imds":-60}})");
  aws_credential_chain chain(t.io.get_executor(), t.options());
  auto c = t.get(chain);
  BOOST_REQUIRE_MESSAGE(!c, "accepted credentials that expired before they arrived");
  BOOST_TEST(c.error().message.find("IMDS") != std::string::npos, c.error().what());
  BOOST_TEST(c.error().message.find("expired") != std::string::npos, c.error().what());
}

BOOST_AUTO_TEST_CASE(imds_server_error_is_retried_then_reported) {
  testd_chain t;
  t.use_imds();
  t.configure(R"({"fail":[{"endpoint":"imds_credentials","times":1}]})");  // one 500, then success
  aws_credential_chain chain(t.io.get_executor(), t.options());
  auto c = t.get(chain);
  BOOST_REQUIRE_MESSAGE(c, failure_text(c));
  BOOST_TEST(t.count("requests", "imds_credentials") == 2);
  BOOST_TEST(t.state().at("forced_failures").to_number<std::int64_t>() == 1);
  t.expect_issued_live(*c, "imds_credentials");

  t.configure(R"({"fail":[{"endpoint":"imds_token","times":0}]})");  // IMDS down for good
  aws_credential_chain broken(t.io.get_executor(), t.options());
  auto e = t.get(broken);
  BOOST_REQUIRE(!e);
  BOOST_TEST(e.error().message.find("IMDS") != std::string::npos, e.error().what());
  BOOST_TEST(e.error().message.find("500") != std::string::npos, e.error().what());
  BOOST_TEST(t.count("requests", "imds_token") >= 2);  // retried
  BOOST_TEST(t.count("requests", "imds_token") <= 4);  // but not forever
}

BOOST_AUTO_TEST_CASE(unreachable_or_silent_imds_fails_fast) {
  // The defaults are short: a host without IMDS must not stall every program for long.
  aws_chain_options defaults;
  BOOST_TEST(defaults.metadata_http.connect_timeout <= std::chrono::milliseconds(1000));
  BOOST_TEST(defaults.metadata_http.first_byte_timeout <= std::chrono::milliseconds(2000));

  testd_chain t;  // closed port
  aws_credential_chain closed(t.io.get_executor(), t.options());
  auto c = t.get(closed);
  BOOST_REQUIRE(!c);
  BOOST_TEST(c.error().message.find("IMDS") != std::string::npos, c.error().what());

  // A metadata service that accepts and never answers: bounded attempts, each cut by the first-byte timeout.
  t.use_imds();
  t.server.set_faults(R"({"rules":[{"path":"/latest/api/token","times":0,"delay":3000}]})");
  auto o = t.options();
  o.metadata_http.first_byte_timeout = std::chrono::milliseconds(200);
  aws_credential_chain silent(t.io.get_executor(), o);
  auto s = t.get(silent);
  BOOST_REQUIRE(!s);
  BOOST_TEST(s.error().message.find("IMDS") != std::string::npos, s.error().what());
  BOOST_TEST(t.path_requests("/latest/api/token") >= 1);
  BOOST_TEST(t.path_requests("/latest/api/token") <= 3);
  BOOST_TEST(t.count("requests", "imds_credentials") == 0);
}

BOOST_AUTO_TEST_CASE(container_endpoint_with_authorization_token_and_token_file) {
  testd_chain t;
  const std::string secret_auth = "ferry-ecs-auth-7f3a9c";
  t.configure(R"({"ecs":{"authorization":")" + secret_auth + R"("}})");
  t.vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = t.server.http_base() + "/v2/credentials/task-1";

  // Without the token testd says 401; the error names the endpoint and never the expected token.
  {
    aws_credential_chain chain(t.io.get_executor(), t.options());
    auto c = t.get(chain);
    BOOST_REQUIRE(!c);
    BOOST_TEST(c.error().message.find("container") != std::string::npos, c.error().what());
    BOOST_TEST(c.error().http_status == 401, c.error().what());
  }
  // A wrong token: 403, and the token we sent is not in the error either.
  t.vars["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "wrong-token-b41d";
  {
    aws_credential_chain chain(t.io.get_executor(), t.options());
    auto c = t.get(chain);
    BOOST_REQUIRE(!c);
    BOOST_TEST(c.error().http_status == 403, c.error().what());
    expect_no_secret(c.error(), {"wrong-token-b41d", secret_auth});
  }
  // The token from the environment.
  t.vars["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = secret_auth;
  {
    aws_credential_chain chain(t.io.get_executor(), t.options());
    auto c = t.get(chain);
    BOOST_REQUIRE_MESSAGE(c, failure_text(c));
    BOOST_TEST(chain.source() == "container endpoint");
    t.expect_issued_live(*c, "ecs_credentials");
    BOOST_TEST(t.last("ecs_path") == "/v2/credentials/task-1");
    BOOST_TEST(t.last("ecs_access_key_id") == c->access_key_id);
  }
  // The token file (with a trailing newline, as mounted tokens have) wins over the variable.
  write_file(t.dir / "ecs-token", secret_auth + "\n");
  t.vars["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = t.dir / "ecs-token";
  t.vars["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "wrong-token-b41d";
  {
    aws_credential_chain chain(t.io.get_executor(), t.options());
    auto c = t.get(chain);
    BOOST_REQUIRE_MESSAGE(c, failure_text(c));
    t.expect_issued_live(*c, "ecs_credentials");
  }
  BOOST_TEST(t.count("issued", "ecs_credentials") == 2);
  BOOST_TEST(t.count("rejected", "ecs_credentials") == 2);
  BOOST_TEST(t.count("requests", "imds_token") == 0);  // a configured container endpoint decides: no IMDS
}

BOOST_AUTO_TEST_CASE(container_endpoint_forced_failure_is_retried_then_reported) {
  testd_chain t;
  t.vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = t.server.http_base() + "/v2/credentials/x";
  t.configure(R"({"fail":[{"endpoint":"ecs_credentials","times":1}]})");
  aws_credential_chain chain(t.io.get_executor(), t.options());
  auto c = t.get(chain);
  BOOST_REQUIRE_MESSAGE(c, failure_text(c));
  BOOST_TEST(t.count("requests", "ecs_credentials") == 2);
  t.expect_issued_live(*c, "ecs_credentials");

  t.configure(R"({"fail":[{"endpoint":"ecs_credentials","times":0,"error":"TaskNotFound"}]})");
  aws_credential_chain broken(t.io.get_executor(), t.options());
  auto e = t.get(broken);
  BOOST_REQUIRE(!e);
  BOOST_TEST(e.error().message.find("container") != std::string::npos, e.error().what());
  BOOST_TEST(e.error().http_status == 500, e.error().what());
}

BOOST_AUTO_TEST_CASE(web_identity_from_the_environment) {
  testd_chain t;
  t.use_sts();
  const std::string token = "ferry-web-identity-token-2b9e";
  t.configure(R"({"sts":{"web_identity_token":")" + token + R"("}})");
  write_file(t.dir / "web-token", token + "\n");
  t.vars["AWS_WEB_IDENTITY_TOKEN_FILE"] = t.dir / "web-token";
  t.vars["AWS_ROLE_ARN"] = web_role;
  t.vars["AWS_ROLE_SESSION_NAME"] = "ferry-test-session";
  t.use_imds();  // must not be asked

  aws_credential_chain chain(t.io.get_executor(), t.options());
  auto c = t.get(chain);
  BOOST_REQUIRE_MESSAGE(c, failure_text(c));
  BOOST_TEST(chain.source() == "web identity");
  t.expect_issued_live(*c, "sts_assume_role_with_web_identity");
  BOOST_TEST(t.last("sts_role_arn") == web_role);
  BOOST_TEST(t.last("sts_role_session_name") == "ferry-test-session");
  BOOST_TEST(t.count("requests", "imds_token") == 0);

  // The token file rotates to one STS does not accept: the refresh re-reads it and reports STS's code.
  write_file(t.dir / "web-token", "ferry-rotated-token-9d1c");
  aws_credential_chain rotated(t.io.get_executor(), t.options());
  auto r = t.get(rotated);
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().service_code == "InvalidIdentityToken", r.error().what());
  BOOST_TEST(r.error().message.find("web identity") != std::string::npos, r.error().what());
  expect_no_secret(r.error(), {"ferry-rotated-token-9d1c", token});

  // A JWT whose exp passed: STS says ExpiredTokenException.
  t.configure(R"({"sts":{"web_identity_token":""}})");
  // {"alg":"none"} . {"exp":1000} . sig
  write_file(t.dir / "web-token", "eyJhbGciOiJub25lIn0.eyJleHAiOjEwMDB9.c2ln");
  aws_credential_chain expired(t.io.get_executor(), t.options());
  auto x = t.get(expired);
  BOOST_REQUIRE(!x);
  BOOST_TEST(x.error().service_code == "ExpiredTokenException", x.error().what());
  expect_no_secret(x.error(), {"eyJhbGciOiJub25lIn0.eyJleHAiOjEwMDB9.c2ln"});
}

BOOST_AUTO_TEST_CASE(sts_forced_failures_name_the_source_and_the_code) {
  testd_chain t;
  t.use_sts();
  write_file(t.dir / "web-token", "ferry-web-identity-token");
  t.vars["AWS_WEB_IDENTITY_TOKEN_FILE"] = t.dir / "web-token";
  t.vars["AWS_ROLE_ARN"] = web_role;
  for (std::string code : {"AccessDenied", "ExpiredToken", "InvalidIdentityToken"}) {
    t.configure(R"({"fail":[{"endpoint":"sts","times":0,"error":")" + code + R"(","message":"forced"}]})");
    aws_credential_chain chain(t.io.get_executor(), t.options());
    auto r = t.get(chain);
    BOOST_REQUIRE(!r);
    BOOST_TEST(r.error().service_code == code, r.error().what());
    BOOST_TEST(r.error().what().find(code) != std::string::npos, r.error().what());
    BOOST_TEST(r.error().message.find("web identity") != std::string::npos, r.error().what());
    BOOST_TEST(!r.error().request_id.empty(), r.error().what());
    expect_no_secret(r.error(), {"ferry-web-identity-token"});
  }
}

BOOST_AUTO_TEST_CASE(assume_role_with_static_source_profile_is_signed_with_the_source_keys) {
  testd_chain t;
  t.use_sts();
  write_file(t.dir / "credentials",
             "[base]\naws_access_key_id = AKIAFERRYBASE0000001\naws_secret_access_key = ferry-base-secret-93ab\n");
  write_file(t.dir / "config", "[profile deploy]\nrole_arn = " + deploy_role +
                                   "\nsource_profile = base\nrole_session_name = ferry-deploy\nduration_seconds = 900\n");
  t.vars["AWS_PROFILE"] = "deploy";
  t.vars["AWS_REGION"] = "eu-west-1";
  aws_credential_chain chain(t.io.get_executor(), t.options());
  auto c = t.get(chain);
  BOOST_REQUIRE_MESSAGE(c, failure_text(c));
  BOOST_TEST(chain.source() == "profile 'deploy' (AssumeRole)");
  t.expect_issued_live(*c, "sts_assume_role");
  auto s = t.state();
  BOOST_TEST(json::serialize(s.at("assume_role_access_key_ids")) == R"(["AKIAFERRYBASE0000001"])");
  BOOST_TEST(t.last("sts_role_arn") == deploy_role);
  BOOST_TEST(t.last("sts_role_session_name") == "ferry-deploy");
  BOOST_TEST(t.last("sts_duration_seconds") == "900");
  BOOST_TEST(t.check(c->access_key_id).at("expires_in").to_number<std::int64_t>() <= 900);

  // With require_issued_access_key testd refuses keys it did not issue: the error names the profile, the
  // operation and STS's code, never the source secret.
  t.configure(R"({"sts":{"require_issued_access_key":true}})");
  aws_credential_chain refused(t.io.get_executor(), t.options());
  auto r = t.get(refused);
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().service_code == "InvalidClientTokenId", r.error().what());
  BOOST_TEST(r.error().message.find("profile 'deploy'") != std::string::npos, r.error().what());
  BOOST_TEST(r.error().message.find("AssumeRole") != std::string::npos, r.error().what());
  expect_no_secret(r.error(), {"ferry-base-secret-93ab"});
}

BOOST_AUTO_TEST_CASE(assume_role_signs_with_issued_session_credentials) {
  // Source keys issued by testd (with their session token) pass require_issued_access_key: the chain signs the
  // AssumeRole call with X-Amz-Security-Token. Expired source keys give STS's ExpiredToken.
  testd_chain t;
  t.use_sts();
  t.use_imds();
  aws_credential_chain imds(t.io.get_executor(), t.options());
  auto src = t.get(imds);
  BOOST_REQUIRE_MESSAGE(src, failure_text(src));
  write_file(t.dir / "credentials", "[base]\naws_access_key_id = " + src->access_key_id +
                                        "\naws_secret_access_key = " + src->secret_access_key +
                                        "\naws_session_token = " + src->session_token + "\n");
  write_file(t.dir / "config", "[profile deploy]\nrole_arn = " + deploy_role + "\nsource_profile = base\n");
  t.vars["AWS_PROFILE"] = "deploy";
  t.configure(R"({"sts":{"require_issued_access_key":true}})");
  aws_credential_chain chain(t.io.get_executor(), t.options());
  auto c = t.get(chain);
  BOOST_REQUIRE_MESSAGE(c, failure_text(c));
  t.expect_issued_live(*c, "sts_assume_role");
  BOOST_TEST(json::serialize(t.state().at("assume_role_access_key_ids")) == "[\"" + src->access_key_id + "\"]");

  t.expire_all();
  aws_credential_chain stale(t.io.get_executor(), t.options());
  auto e = t.get(stale);
  BOOST_REQUIRE(!e);
  BOOST_TEST(e.error().service_code == "ExpiredToken", e.error().what());
  expect_no_secret(e.error(), {src->secret_access_key, src->session_token});
}

BOOST_AUTO_TEST_CASE(assume_role_from_instance_metadata_via_credential_source) {
  // credential_source = Ec2InstanceMetadata: IMDS credentials sign AssumeRole, and testd (require_issued_access_key)
  // accepts them only because it issued them, session token included.
  testd_chain t;
  t.use_sts();
  t.use_imds();
  t.configure(R"({"sts":{"require_issued_access_key":true}})");
  write_file(t.dir / "config", "[profile deploy]\nrole_arn = " + deploy_role + "\ncredential_source = Ec2InstanceMetadata\n");
  t.vars["AWS_PROFILE"] = "deploy";
  aws_credential_chain chain(t.io.get_executor(), t.options());
  auto c = t.get(chain);
  BOOST_REQUIRE_MESSAGE(c, failure_text(c));
  BOOST_TEST(chain.source() == "profile 'deploy' (AssumeRole)");
  t.expect_issued_live(*c, "sts_assume_role");
  const std::string imds_key = t.last("imds_access_key_id");
  BOOST_TEST(!imds_key.empty());
  BOOST_TEST(json::serialize(t.state().at("assume_role_access_key_ids")) == "[\"" + imds_key + "\"]");
  BOOST_TEST(t.check(imds_key).at("endpoint").as_string() == "imds_credentials");
  BOOST_TEST(t.count("requests", "imds_credentials") == 1);
  BOOST_TEST(t.count("requests", "sts_assume_role") == 1);

  // Unknown credential_source values and a profile naming both kinds of source are clear errors.
  write_file(t.dir / "config", "[profile deploy]\nrole_arn = " + deploy_role + "\ncredential_source = Ec2\n");
  aws_credential_chain unknown(t.io.get_executor(), t.options());
  auto u = t.get(unknown);
  BOOST_REQUIRE(!u);
  BOOST_TEST(u.error().message.find("credential_source") != std::string::npos, u.error().what());
  write_file(t.dir / "config", "[profile deploy]\nrole_arn = " + deploy_role +
                                   "\ncredential_source = Environment\nsource_profile = deploy\n");
  aws_credential_chain both(t.io.get_executor(), t.options());
  auto b = t.get(both);
  BOOST_REQUIRE(!b);
  BOOST_TEST(b.error().message.find("both source_profile and credential_source") != std::string::npos, b.error().what());
}

BOOST_AUTO_TEST_CASE(assume_role_from_container_and_environment_credential_sources) {
  testd_chain t;
  t.use_sts();
  t.configure(R"({"sts":{"require_issued_access_key":true},"ecs":{"authorization":"ferry-ecs-auth"}})");
  t.vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = t.server.http_base() + "/v2/credentials/t";
  t.vars["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "ferry-ecs-auth";
  write_file(t.dir / "config", "[profile deploy]\nrole_arn = " + deploy_role + "\ncredential_source = EcsContainer\n");
  t.vars["AWS_PROFILE"] = "deploy";
  aws_credential_chain chain(t.io.get_executor(), t.options());
  auto c = t.get(chain);
  BOOST_REQUIRE_MESSAGE(c, failure_text(c));
  t.expect_issued_live(*c, "sts_assume_role");
  const std::string ecs_key = t.last("ecs_access_key_id");
  BOOST_TEST(json::serialize(t.state().at("assume_role_access_key_ids")) == "[\"" + ecs_key + "\"]");

  // credential_source = Environment without the variables (with them, the environment step wins before any
  // profile is read): an error naming the profile and the source.
  write_file(t.dir / "config", "[profile deploy]\nrole_arn = " + deploy_role + "\ncredential_source = Environment\n");
  aws_credential_chain missing(t.io.get_executor(), t.options());
  auto m = t.get(missing);
  BOOST_REQUIRE(!m);
  BOOST_TEST(m.error().message.find("profile 'deploy' credential_source Environment") != std::string::npos,
             m.error().what());
}

BOOST_AUTO_TEST_CASE(role_chaining_through_source_profiles) {
  // deploy -> (source_profile) web, which assumes its role with a web identity token: the web identity credentials
  // sign deploy's AssumeRole. Then deploy -> mid -> base (static keys): two AssumeRole calls, in order.
  testd_chain t;
  t.use_sts();
  const std::string token = "ferry-web-identity-token-chain";
  t.configure(R"({"sts":{"require_issued_access_key":true,"web_identity_token":")" + token + R"("}})");
  write_file(t.dir / "web-token", token);
  write_file(t.dir / "config", "[profile web]\nrole_arn = " + web_role + "\nweb_identity_token_file = " +
                                   (t.dir / "web-token") + "\n[profile deploy]\nrole_arn = " + deploy_role +
                                   "\nsource_profile = web\n");
  t.vars["AWS_PROFILE"] = "deploy";
  aws_credential_chain chain(t.io.get_executor(), t.options());
  auto c = t.get(chain);
  BOOST_REQUIRE_MESSAGE(c, failure_text(c));
  t.expect_issued_live(*c, "sts_assume_role");
  auto callers = t.state().at("assume_role_access_key_ids").as_array();
  BOOST_REQUIRE_EQUAL(callers.size(), 1u);
  BOOST_TEST(t.check(std::string(callers[0].as_string())).at("endpoint").as_string() ==
             "sts_assume_role_with_web_identity");
  BOOST_TEST(t.count("issued", "sts_assume_role_with_web_identity") == 1);

  t.server.request("DELETE", "/_ferry/auth/state");
  t.configure(R"({"sts":{"require_issued_access_key":false}})");
  write_file(t.dir / "credentials",
             "[base]\naws_access_key_id = AKIAFERRYBASE0000002\naws_secret_access_key = ferry-base-secret-77\n");
  write_file(t.dir / "config", "[profile mid]\nrole_arn = arn:aws:iam::123456789012:role/ferry-mid\nsource_profile = base\n"
                               "[profile deploy]\nrole_arn = " + deploy_role + "\nsource_profile = mid\n");
  aws_credential_chain chained(t.io.get_executor(), t.options());
  auto d = t.get(chained);
  BOOST_REQUIRE_MESSAGE(d, failure_text(d));
  t.expect_issued_live(*d, "sts_assume_role");
  callers = t.state().at("assume_role_access_key_ids").as_array();
  BOOST_REQUIRE_EQUAL(callers.size(), 2u);
  BOOST_TEST(callers[0].as_string() == "AKIAFERRYBASE0000002");
  BOOST_TEST(t.check(std::string(callers[1].as_string())).at("endpoint").as_string() == "sts_assume_role");
  BOOST_TEST(t.last("sts_role_arn") == deploy_role);

  // A loop without static keys is an error naming the loop, not a stack overflow.
  write_file(t.dir / "config", "[profile a]\nrole_arn = " + deploy_role + "\nsource_profile = b\n[profile b]\n"
                               "role_arn = " + deploy_role + "\nsource_profile = a\n");
  t.vars["AWS_PROFILE"] = "a";
  aws_credential_chain loop(t.io.get_executor(), t.options());
  auto l = t.get(loop);
  BOOST_REQUIRE(!l);
  BOOST_TEST(l.error().message.find("loop") != std::string::npos, l.error().what());
  BOOST_TEST(l.error().message.find("a -> b -> a") != std::string::npos, l.error().what());

  // A missing source profile names itself.
  write_file(t.dir / "config", "[profile a]\nrole_arn = " + deploy_role + "\nsource_profile = nowhere\n");
  aws_credential_chain dangling(t.io.get_executor(), t.options());
  auto g = t.get(dangling);
  BOOST_REQUIRE(!g);
  BOOST_TEST(g.error().message.find("source_profile 'nowhere'") != std::string::npos, g.error().what());
}

BOOST_AUTO_TEST_SUITE_END()
