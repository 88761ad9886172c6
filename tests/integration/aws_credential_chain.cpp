// The AWS credential chain end to end over HTTP, with ferry_testd answering as IMDS, the container endpoint and STS
// (canned responses from its fault script), and a fake environment and fake shared files.
#include "tests/integration/run_command.hpp"
#include "tests/integration/testd_process.hpp"

#include "src/auth/aws_credential_chain.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <boost/json/serialize.hpp>

#include <ctime>
#include <map>

using namespace ferry;
using namespace ferry::auth;
using namespace ferry::test;
namespace asio = boost::asio;

namespace {

struct chain_env {
  testd_process server;
  temp_dir dir;
  std::map<std::string, std::string, std::less<>> vars;

  chain_env() {
    // No real ~/.aws, and no IMDS unless a test points at testd.
    vars["AWS_SHARED_CREDENTIALS_FILE"] = dir / "credentials";
    vars["AWS_CONFIG_FILE"] = dir / "config";
    vars["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:1";
  }
  aws_chain_options options() {
    aws_chain_options o;
    o.env = lookup_in(vars);
    return o;
  }
  result<signing::aws_credentials> get(aws_credential_chain& chain, asio::io_context& io) {
    auto f = asio::co_spawn(io, chain.get(), asio::use_future);
    io.restart();
    io.run();
    return f.get();
  }
  // Canned answers: [{path, method, status, body}]
  void canned(const std::vector<std::array<std::string, 4>>& answers) {
    boost::json::array rules;
    for (auto& [path, method, status, body] : answers)
      rules.push_back(boost::json::object{{"path", path}, {"method", method}, {"times", 0},
                                          {"fault", boost::json::object{{"status", status}, {"body", body}}}});
    server.set_faults(boost::json::serialize(boost::json::object{{"rules", rules}}));
  }
  // Requests testd counted for paths containing `path` (its stats: by_path → {path: {method: count}}).
  int requests_to(const std::string& path) {
    auto stats = boost::json::parse(server.stats()).as_object();
    int n = 0;
    for (auto& [p, methods] : stats.at("by_path").as_object())
      if (std::string_view(p).find(path) != std::string_view::npos)
        for (auto& [m, count] : methods.as_object()) n += static_cast<int>(count.to_number<std::int64_t>());
    return n;
  }
};

std::string future_time(int seconds) {
  auto t = std::chrono::system_clock::now() + std::chrono::seconds(seconds);
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
  return out;
}

std::string imds_json(const std::string& id, int lifetime) {
  return R"({"Code":"Success","Type":"AWS-HMAC","AccessKeyId":")" + id +
         R"(","SecretAccessKey":"IMDSSECRET","Token":"IMDSTOKEN","Expiration":")" + future_time(lifetime) + R"("})";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(aws_credential_chain_suite)

BOOST_AUTO_TEST_CASE(environment_wins_without_network) {
  chain_env env;
  env.vars["AWS_ACCESS_KEY_ID"] = "AKENV";
  env.vars["AWS_SECRET_ACCESS_KEY"] = "SKENV";
  asio::io_context io;
  aws_credential_chain chain(io.get_executor(), env.options());
  auto c = env.get(chain, io);
  BOOST_REQUIRE(c);
  BOOST_TEST(c->access_key_id == "AKENV");
  BOOST_TEST(chain.source() == "environment");
  env.vars.erase("AWS_SECRET_ACCESS_KEY");
  aws_credential_chain half(io.get_executor(), env.options());
  auto bad = env.get(half, io);
  BOOST_REQUIRE(!bad);
  BOOST_TEST(bad.error().message.find("AWS_SECRET_ACCESS_KEY") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(imds_v2_with_caching_and_refresh_before_expiry) {
  chain_env env;
  env.vars["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = env.server.http_base();
  env.canned({{"/latest/api/token", "PUT", "200", "SESSIONTOKEN"},
              {"/latest/meta-data/iam/security-credentials/", "GET", "200", "my-role\n"},
              {"/latest/meta-data/iam/security-credentials/my-role", "GET", "200", imds_json("ASIAIMDS", 3600)}});
  asio::io_context io;
  aws_credential_chain chain(io.get_executor(), env.options());
  auto c = env.get(chain, io);
  BOOST_REQUIRE_MESSAGE(c, (c ? "" : c.error().what()));
  BOOST_TEST(c->access_key_id == "ASIAIMDS");
  BOOST_TEST(c->session_token == "IMDSTOKEN");
  BOOST_TEST(chain.source() == "IMDS");
  int fetched = env.requests_to("my-role");
  BOOST_TEST(fetched >= 1);
  BOOST_TEST(env.get(chain, io).has_value());
  BOOST_TEST(env.requests_to("my-role") == fetched);  // cached: no second trip

  // Credentials that expire inside the 5-minute margin are refreshed on the next use.
  env.canned({{"/latest/api/token", "PUT", "200", "SESSIONTOKEN"},
              {"/latest/meta-data/iam/security-credentials/", "GET", "200", "my-role"},
              {"/latest/meta-data/iam/security-credentials/my-role", "GET", "200", imds_json("ASIASHORT", 60)}});
  aws_credential_chain short_lived(io.get_executor(), env.options());
  BOOST_TEST(env.get(short_lived, io)->access_key_id == "ASIASHORT");
  int before = env.requests_to("my-role");
  BOOST_TEST(env.get(short_lived, io).has_value());
  BOOST_TEST(env.requests_to("my-role") > before);
}

BOOST_AUTO_TEST_CASE(imds_garbage_and_refusal_are_clear_errors) {
  chain_env env;
  env.vars["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = env.server.http_base();
  env.canned({{"/latest/api/token", "PUT", "200", "T"},
              {"/latest/meta-data/iam/security-credentials/", "GET", "200", "r"},
              {"/latest/meta-data/iam/security-credentials/r", "GET", "200", "{not json"}});
  asio::io_context io;
  aws_credential_chain chain(io.get_executor(), env.options());
  auto c = env.get(chain, io);
  BOOST_REQUIRE(!c);
  BOOST_TEST(c.error().message.find("IMDS") != std::string::npos);
  BOOST_TEST(c.error().message.find("not a JSON object") != std::string::npos);

  chain_env nothing;  // IMDS on a closed port
  aws_credential_chain none(io.get_executor(), nothing.options());
  auto e = nothing.get(none, io);
  BOOST_REQUIRE(!e);
  const auto& m = e.error().message;
  for (const char* source : {"environment", "web identity", "profile 'default'", "container endpoint", "IMDS"})
    BOOST_TEST(m.find(source) != std::string::npos, "error names " << source << ": " << m);
}

BOOST_AUTO_TEST_CASE(container_endpoint_with_authorization) {
  chain_env env;
  env.vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = env.server.http_base() + "/v2/creds";
  write_file(env.dir / "ecs-token", "ECSAUTH\n");
  env.vars["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = env.dir / "ecs-token";
  env.canned({{"/v2/creds", "GET", "200",
               R"({"AccessKeyId":"ASIAECS","SecretAccessKey":"S","Token":"T","Expiration":")" + future_time(3600) + "\"}"}});
  asio::io_context io;
  aws_credential_chain chain(io.get_executor(), env.options());
  auto c = env.get(chain, io);
  BOOST_REQUIRE_MESSAGE(c, (c ? "" : c.error().what()));
  BOOST_TEST(c->access_key_id == "ASIAECS");
  BOOST_TEST(chain.source() == "container endpoint");
}

BOOST_AUTO_TEST_CASE(web_identity_and_assume_role_through_sts) {
  chain_env env;
  env.vars["AWS_ENDPOINT_URL_STS"] = env.server.http_base();
  write_file(env.dir / "web-token", "eyJhbGciOi.payload.sig");
  env.vars["AWS_WEB_IDENTITY_TOKEN_FILE"] = env.dir / "web-token";
  env.vars["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/web";
  std::string sts_ok = "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
                       "<AccessKeyId>ASIAWEB</AccessKeyId><SecretAccessKey>S</SecretAccessKey><SessionToken>T</SessionToken>"
                       "<Expiration>" + future_time(3600) + "</Expiration></Credentials></AssumeRoleWithWebIdentityResult>"
                       "</AssumeRoleWithWebIdentityResponse>";
  env.canned({{"/", "POST", "200", sts_ok}});
  asio::io_context io;
  aws_credential_chain chain(io.get_executor(), env.options());
  auto c = env.get(chain, io);
  BOOST_REQUIRE_MESSAGE(c, (c ? "" : c.error().what()));
  BOOST_TEST(c->access_key_id == "ASIAWEB");

  // STS refuses the token: the error carries STS's code, not a fall-through to another identity.
  env.canned({{"/", "POST", "400",
               "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>bad token</Message>"
               "</Error><RequestId>req-9</RequestId></ErrorResponse>"}});
  aws_credential_chain refused(io.get_executor(), env.options());
  auto r = env.get(refused, io);
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().service_code == "InvalidIdentityToken");
  BOOST_TEST(r.error().request_id == "req-9");
  BOOST_TEST(r.error().what().find("eyJhbGciOi") == std::string::npos);

  // A profile with role_arn + source_profile calls AssumeRole signed with the source keys.
  env.vars.erase("AWS_WEB_IDENTITY_TOKEN_FILE");
  write_file(env.dir / "credentials", "[base]\naws_access_key_id = AKBASE\naws_secret_access_key = SKBASE\n");
  write_file(env.dir / "config", "[profile deploy]\nrole_arn = arn:aws:iam::1:role/deploy\nsource_profile = base\n");
  env.vars["AWS_PROFILE"] = "deploy";
  std::string assume_ok = "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId>"
                          "<SecretAccessKey>S</SecretAccessKey><SessionToken>T</SessionToken><Expiration>" +
                          future_time(3600) + "</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>";
  env.canned({{"/", "POST", "200", assume_ok}});
  aws_credential_chain role(io.get_executor(), env.options());
  auto rc = env.get(role, io);
  BOOST_REQUIRE_MESSAGE(rc, (rc ? "" : rc.error().what()));
  BOOST_TEST(rc->access_key_id == "ASIAROLE");
  BOOST_TEST(role.source() == "profile 'deploy' (AssumeRole)");
}

BOOST_AUTO_TEST_CASE(profile_credential_process_and_static_keys) {
  chain_env env;
  write_file(env.dir / "config",
             "[profile proc]\ncredential_process = printf '{\"Version\":1,\"AccessKeyId\":\"AKPROC\",\"SecretAccessKey\":\"S\"}'\n"
             "[profile keys]\naws_access_key_id = AKFILE\naws_secret_access_key = SKFILE\n");
  asio::io_context io;
  env.vars["AWS_PROFILE"] = "proc";
  aws_credential_chain proc(io.get_executor(), env.options());
  BOOST_TEST(env.get(proc, io)->access_key_id == "AKPROC");
  env.vars["AWS_PROFILE"] = "keys";
  aws_credential_chain keys(io.get_executor(), env.options());
  BOOST_TEST(env.get(keys, io)->access_key_id == "AKFILE");
  env.vars["AWS_PROFILE"] = "missing";
  aws_credential_chain missing(io.get_executor(), env.options());
  auto m = env.get(missing, io);
  BOOST_REQUIRE(!m);
  BOOST_TEST((m.error().kind == error::not_found));
}

BOOST_AUTO_TEST_SUITE_END()
