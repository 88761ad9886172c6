// The Azure token chain end to end against ferry_testd's Entra ID and managed-identity dialects (real
// validation of tenant, client, secret, assertion, headers; issued tokens checked through /_ferry/auth/check),
// with a fake environment and a fake clock for the cache.
#include "tests/integration/run_command.hpp"
#include "tests/integration/testd_process.hpp"

#include "signing/encoding.hpp"
#include "src/auth/azure_token_credential_chain.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>

using namespace ferry;
using namespace ferry::auth;
using namespace ferry::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

const std::string tenant = "5b2c4d6e-0000-4000-8000-00000000f3e7";
const std::string app_id = "ferry-app-id";
const std::string secret = "SECRET-entra-client-secret";
const std::string identity_header = "SECRET-app-service-identity-header";
const std::string msi_client_id = "ferry-user-assigned-id";
const std::string storage_scope = "https://storage.azure.com/.default";

// A JWT-shaped federated token (testd checks the shape and exp, not the signature).
std::string federated_jwt(const std::string& subject) {
  auto exp = std::chrono::duration_cast<std::chrono::seconds>(wall_clock::now().time_since_epoch()).count() + 3600;
  return signing::base64url_nopad(R"({"alg":"RS256","typ":"JWT"})") + "." +
         signing::base64url_nopad(R"({"iss":"https://oidc.example","aud":"api://AzureADTokenExchange","sub":")" +
                                  subject + R"(","exp":)" + std::to_string(exp) + "}") +
         ".c2lnbmF0dXJl";
}

struct azure_env {
  testd_process server;
  temp_dir dir;
  std::map<std::string, std::string, std::less<>> vars;
  wall_clock::time_point clock = wall_clock::now();  // the chain's clock; tests move it
  asio::io_context io;

  azure_env() {
    configure(json::object{{"azure", json::object{{"tenant_id", tenant},
                                                  {"client_id", app_id},
                                                  {"client_secret", secret},
                                                  {"identity_header", identity_header},
                                                  {"msi_client_id", msi_client_id}}}});
  }
  void configure(const json::object& patch) {
    auto r = server.request("POST", "/_ferry/auth/config", {{"Content-Type", "application/json"}}, json::serialize(patch));
    BOOST_REQUIRE_MESSAGE(r.status == 200, "auth config: " << r.status << " " << r.body);
  }
  // Nothing reaches a real IMDS: unless a test says otherwise, IMDS is a closed port.
  azure_token_options options(std::string imds = "http://127.0.0.1:1") {
    azure_token_options o;
    o.env = lookup_in(vars);
    o.imds_endpoint = std::move(imds);
    o.now = [this] { return clock; };
    return o;
  }
  void client_secret_env(const std::string& s = secret) {
    vars["AZURE_TENANT_ID"] = tenant;
    vars["AZURE_CLIENT_ID"] = app_id;
    vars["AZURE_CLIENT_SECRET"] = s;
    vars["AZURE_AUTHORITY_HOST"] = server.http_base();
  }
  result<bearer_token> get(azure_token_credential_chain& chain, std::optional<std::string> scope = std::nullopt) {
    auto f = scope ? asio::co_spawn(io, chain.get(*scope), asio::use_future)
                   : asio::co_spawn(io, chain.get(), asio::use_future);
    io.restart();
    io.run();
    return f.get();
  }
  json::object state() { return json::parse(server.request("GET", "/_ferry/auth/state").body).as_object(); }
  std::int64_t count(std::string_view group, std::string_view endpoint) {
    auto s = state();
    auto* g = s.at(group).as_object().if_contains(endpoint);
    return g ? g->to_number<std::int64_t>() : 0;
  }
  std::string last(std::string_view key) {
    auto s = state();
    auto* v = s.at("last").as_object().if_contains(key);
    return v ? std::string(v->as_string()) : "";
  }
  json::object check(const std::string& token) {
    return json::parse(server.request("POST", "/_ferry/auth/check", {}, token).body).as_object();
  }
};

std::string what_of(const result<bearer_token>& r) { return r ? std::string("ok") : r.error().what(); }

void no_secret(const failure& f, const std::vector<std::string>& secrets) {
  for (auto& s : secrets) BOOST_TEST(f.what().find(s) == std::string::npos, "secret in: " << f.what());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(azure_token_chain)

BOOST_AUTO_TEST_CASE(client_secret_token_is_issued_and_live) {
  azure_env env;
  env.client_secret_env();
  azure_token_credential_chain chain(env.io.get_executor(), env.options());
  auto t = env.get(chain);
  BOOST_REQUIRE_MESSAGE(t, what_of(t));
  BOOST_TEST(t->token_type == "Bearer");
  auto c = env.check(t->access_token);
  BOOST_TEST(c.at("issued").as_bool());
  BOOST_TEST(c.at("live").as_bool());
  BOOST_TEST(c.at("endpoint").as_string() == "azure_client_credentials");
  BOOST_TEST(chain.source() == "environment (client secret)");
  BOOST_TEST(env.last("azure_auth") == "client_secret");
  BOOST_TEST(env.last("azure_tenant") == tenant);
  BOOST_TEST(env.last("azure_client_id") == app_id);
  BOOST_TEST(env.last("azure_scope") == storage_scope);

  // Another scope has its own cache and its own token.
  auto vault = env.get(chain, "https://vault.azure.net/.default");
  BOOST_REQUIRE_MESSAGE(vault, what_of(vault));
  BOOST_TEST(vault->access_token != t->access_token);
  BOOST_TEST(env.last("azure_scope") == "https://vault.azure.net/.default");
  BOOST_TEST(env.count("issued", "azure_client_credentials") == 2);
}

BOOST_AUTO_TEST_CASE(refusals_carry_the_aadsts_code_and_no_secret) {
  azure_env env;
  const std::string wrong = "SECRET-wrong-value-123";
  env.client_secret_env(wrong);
  azure_token_credential_chain chain(env.io.get_executor(), env.options());
  auto r = env.get(chain);
  BOOST_REQUIRE(!r);
  const auto& f = r.error();
  BOOST_TEST_MESSAGE("wrong secret: " << f.what());
  BOOST_TEST(f.what().find("AADSTS7000215") != std::string::npos, f.what());
  BOOST_TEST(f.service_code == "invalid_client");
  BOOST_TEST(f.http_status == 401);
  BOOST_TEST((f.kind == error::access_denied));
  BOOST_TEST(f.attempts == 1);  // a refusal is not retried
  BOOST_TEST(f.what().find("environment (client secret)") != std::string::npos);
  no_secret(f, {wrong, secret});
  BOOST_TEST(env.count("rejected", "azure_client_credentials") == 1);
  BOOST_TEST(chain.source().empty());

  // An application the directory does not know.
  env.client_secret_env();
  env.vars["AZURE_CLIENT_ID"] = "someone-else";
  azure_token_credential_chain unknown(env.io.get_executor(), env.options());
  auto u = env.get(unknown);
  BOOST_REQUIRE(!u);
  BOOST_TEST(u.error().what().find("AADSTS700016") != std::string::npos, u.error().what());
  BOOST_TEST(u.error().service_code == "unauthorized_client");
  no_secret(u.error(), {secret});
}

BOOST_AUTO_TEST_CASE(unknown_tenant) {
  azure_env env;
  env.client_secret_env();
  env.vars["AZURE_TENANT_ID"] = "contoso.onmicrosoft.com";
  azure_token_credential_chain chain(env.io.get_executor(), env.options());
  auto r = env.get(chain);
  BOOST_REQUIRE(!r);
  BOOST_TEST_MESSAGE("unknown tenant: " << r.error().what());
  BOOST_TEST(r.error().what().find("AADSTS90002") != std::string::npos, r.error().what());
  BOOST_TEST(r.error().what().find("contoso.onmicrosoft.com") != std::string::npos);
  BOOST_TEST(r.error().http_status == 400);
  no_secret(r.error(), {secret});
}

BOOST_AUTO_TEST_CASE(workload_identity_rereads_the_token_file) {
  azure_env env;
  const std::string first = federated_jwt("pod-1"), second = federated_jwt("pod-2");
  env.configure(json::object{{"azure", json::object{{"client_assertion", first}}}});
  write_file(env.dir / "azure-identity-token", first + "\n");
  env.vars = {{"AZURE_TENANT_ID", tenant},
              {"AZURE_CLIENT_ID", app_id},
              {"AZURE_FEDERATED_TOKEN_FILE", env.dir / "azure-identity-token"},
              {"AZURE_AUTHORITY_HOST", env.server.http_base()}};
  azure_token_credential_chain chain(env.io.get_executor(), env.options());
  auto t = env.get(chain);
  BOOST_REQUIRE_MESSAGE(t, what_of(t));
  BOOST_TEST(env.check(t->access_token).at("live").as_bool());
  BOOST_TEST(env.last("azure_auth") == "client_assertion");
  BOOST_TEST(chain.source() == "workload identity (AZURE_FEDERATED_TOKEN_FILE)");

  // The kubelet rotates the file; the next fetch must send the new assertion (testd now accepts only that one).
  env.configure(json::object{{"azure", json::object{{"client_assertion", second}}}});
  write_file(env.dir / "azure-identity-token", second);
  chain.invalidate();
  auto rotated = env.get(chain);
  BOOST_REQUIRE_MESSAGE(rotated, what_of(rotated));
  BOOST_TEST(rotated->access_token != t->access_token);

  // An assertion Entra does not accept: AADSTS70021, and the assertion is not in the error.
  write_file(env.dir / "azure-identity-token", first);
  chain.invalidate();
  auto refused = env.get(chain);
  BOOST_REQUIRE(!refused);
  BOOST_TEST(refused.error().what().find("AADSTS70021") != std::string::npos, refused.error().what());
  no_secret(refused.error(), {first, second});

  // The file vanished: the error names it.
  env.vars["AZURE_FEDERATED_TOKEN_FILE"] = env.dir / "gone";
  chain.invalidate();
  auto gone = env.get(chain);
  BOOST_REQUIRE(!gone);
  BOOST_TEST(gone.error().what().find(env.dir / "gone") != std::string::npos, gone.error().what());
}

BOOST_AUTO_TEST_CASE(managed_identity_through_imds) {
  azure_env env;
  azure_token_credential_chain chain(env.io.get_executor(), env.options(env.server.http_base()));
  auto t = env.get(chain);
  BOOST_REQUIRE_MESSAGE(t, what_of(t));
  auto c = env.check(t->access_token);
  BOOST_TEST(c.at("live").as_bool());
  BOOST_TEST(c.at("endpoint").as_string() == "azure_msi_token");
  BOOST_TEST(env.last("azure_msi_resource") == "https://storage.azure.com");
  BOOST_TEST(chain.source().find("IMDS") != std::string::npos);
  // IMDS sends expires_in as a string: the token lives testd's default hour in the cache.
  env.clock += 40min;
  BOOST_TEST(env.get(chain)->access_token == t->access_token);
  env.clock += 16min;
  BOOST_TEST(env.get(chain)->access_token != t->access_token);
  BOOST_TEST(env.count("issued", "azure_msi_token") == 2);
  env.clock = wall_clock::now();

  // AZURE_POD_IDENTITY_AUTHORITY_HOST and a user-assigned identity from AZURE_CLIENT_ID.
  env.vars["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = env.server.http_base();
  env.vars["AZURE_CLIENT_ID"] = msi_client_id;
  auto o = env.options();
  o.imds_endpoint.reset();
  azure_token_credential_chain user_assigned(env.io.get_executor(), o);
  auto u = env.get(user_assigned, "https://vault.azure.net/.default");
  BOOST_REQUIRE_MESSAGE(u, what_of(u));
  BOOST_TEST(env.last("azure_msi_resource") == "https://vault.azure.net");
  BOOST_TEST(env.count("issued", "azure_msi_token") == 3);

  // An identity the VM does not have: IMDS answered, so this is an error of that source, not "nothing found".
  env.vars["AZURE_CLIENT_ID"] = "not-assigned";
  azure_token_credential_chain wrong(env.io.get_executor(), o);
  auto w = env.get(wrong);
  BOOST_REQUIRE(!w);
  BOOST_TEST_MESSAGE("identity not assigned: " << w.error().what());
  BOOST_TEST(w.error().what().find("Identity not found") != std::string::npos, w.error().what());
  BOOST_TEST(w.error().http_status == 400);
  BOOST_TEST(w.error().what().find("no Azure credentials found") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(managed_identity_through_identity_endpoint) {
  azure_env env;
  env.vars["IDENTITY_ENDPOINT"] = env.server.http_base() + "/msi/token";
  env.vars["IDENTITY_HEADER"] = identity_header;
  azure_token_credential_chain chain(env.io.get_executor(), env.options());
  auto t = env.get(chain);
  BOOST_REQUIRE_MESSAGE(t, what_of(t));
  auto c = env.check(t->access_token);
  BOOST_TEST(c.at("live").as_bool());
  BOOST_TEST(c.at("endpoint").as_string() == "azure_app_service_token");
  BOOST_TEST(chain.source() == "managed identity (IDENTITY_ENDPOINT)");

  // App Service sends only expires_on (epoch seconds, as a string): the cache must use it, not a guessed lifetime.
  BOOST_TEST(env.count("requests", "azure_app_service_token") == 1);
  env.clock += 40min;  // 20 min left of testd's default hour
  BOOST_TEST(env.get(chain)->access_token == t->access_token);
  BOOST_TEST(env.count("requests", "azure_app_service_token") == 1);
  env.clock += 16min;  // 4 min left: inside the margin
  BOOST_TEST(env.get(chain)->access_token != t->access_token);
  BOOST_TEST(env.count("requests", "azure_app_service_token") == 2);
  env.clock = wall_clock::now();

  env.vars["AZURE_CLIENT_ID"] = msi_client_id;  // user-assigned
  azure_token_credential_chain user_assigned(env.io.get_executor(), env.options());
  BOOST_TEST(env.get(user_assigned).has_value());
  env.vars["AZURE_CLIENT_ID"] = "not-assigned";
  azure_token_credential_chain unassigned(env.io.get_executor(), env.options());
  BOOST_TEST(!env.get(unassigned));

  const std::string wrong = "SECRET-wrong-identity-header";
  env.vars.erase("AZURE_CLIENT_ID");
  env.vars["IDENTITY_HEADER"] = wrong;
  azure_token_credential_chain refused(env.io.get_executor(), env.options());
  auto r = env.get(refused);
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().http_status == 401);
  no_secret(r.error(), {wrong, identity_header});
}

BOOST_AUTO_TEST_CASE(order_secret_then_workload_then_managed_identity) {
  azure_env env;
  const std::string assertion = federated_jwt("pod");
  write_file(env.dir / "token", assertion);
  env.client_secret_env();
  env.vars["AZURE_FEDERATED_TOKEN_FILE"] = env.dir / "token";
  env.vars["IDENTITY_ENDPOINT"] = env.server.http_base() + "/msi/token";
  env.vars["IDENTITY_HEADER"] = identity_header;
  auto next = [&](const std::string& expected_endpoint) {
    BOOST_TEST_CONTEXT("expecting " << expected_endpoint) {
      BOOST_TEST(env.server.request("DELETE", "/_ferry/auth/state").status == 204);
      azure_token_credential_chain chain(env.io.get_executor(), env.options(env.server.http_base()));
      auto t = env.get(chain);
      BOOST_REQUIRE_MESSAGE(t, what_of(t));
      BOOST_TEST(env.check(t->access_token).at("endpoint").as_string() == expected_endpoint);
      auto requests = env.state().at("requests").as_object();
      BOOST_TEST(requests.size() == 1u, json::serialize(requests));  // nothing else was asked
      return chain.source();
    }
    return std::string();
  };
  BOOST_TEST(next("azure_client_credentials") == "environment (client secret)");
  BOOST_TEST(env.last("azure_auth") == "client_secret");
  env.vars.erase("AZURE_CLIENT_SECRET");
  BOOST_TEST(next("azure_client_credentials") == "workload identity (AZURE_FEDERATED_TOKEN_FILE)");
  BOOST_TEST(env.last("azure_auth") == "client_assertion");
  env.vars.erase("AZURE_FEDERATED_TOKEN_FILE");
  env.vars.erase("AZURE_TENANT_ID");
  env.vars.erase("AZURE_CLIENT_ID");
  BOOST_TEST(next("azure_app_service_token") == "managed identity (IDENTITY_ENDPOINT)");
  env.vars.erase("IDENTITY_ENDPOINT");
  env.vars.erase("IDENTITY_HEADER");
  BOOST_TEST(next("azure_msi_token").find("IMDS") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(cached_then_refreshed_before_expiry) {
  azure_env env;
  env.configure(json::object{{"lifetimes", json::object{{"azure", 3600}}}});
  env.client_secret_env();
  azure_token_credential_chain chain(env.io.get_executor(), env.options());
  auto first = env.get(chain);
  BOOST_REQUIRE_MESSAGE(first, what_of(first));
  BOOST_TEST(env.count("requests", "azure_client_credentials") == 1);
  auto again = env.get(chain);
  BOOST_TEST(again->access_token == first->access_token);
  BOOST_TEST(env.count("requests", "azure_client_credentials") == 1);  // served from the cache

  // Concurrent callers after invalidate(): one request between them.
  chain.invalidate();
  auto a = asio::co_spawn(env.io, chain.get(), asio::use_future);
  auto b = asio::co_spawn(env.io, chain.get(), asio::use_future);
  env.io.restart();
  env.io.run();
  auto ta = a.get(), tb = b.get();
  BOOST_REQUIRE(ta && tb);
  BOOST_TEST(ta->access_token == tb->access_token);
  BOOST_TEST(ta->access_token != first->access_token);
  BOOST_TEST(env.count("requests", "azure_client_credentials") == 2);
  first = ta;

  env.clock += 3600s - 300s - 10s;  // 310 s left: outside the 5-minute margin
  BOOST_TEST(env.get(chain)->access_token == first->access_token);
  BOOST_TEST(env.count("requests", "azure_client_credentials") == 2);
  env.clock += 20s;  // 290 s left: refresh now, before it expires
  auto refreshed = env.get(chain);
  BOOST_REQUIRE_MESSAGE(refreshed, what_of(refreshed));
  BOOST_TEST(refreshed->access_token != first->access_token);
  BOOST_TEST(env.count("requests", "azure_client_credentials") == 3);
  BOOST_TEST(env.check(refreshed->access_token).at("live").as_bool());
}

BOOST_AUTO_TEST_CASE(an_expired_token_is_never_returned) {
  azure_env env;
  env.configure(json::object{{"lifetimes", json::object{{"azure", 3600}}}});
  env.client_secret_env();
  azure_token_credential_chain chain(env.io.get_executor(), env.options());
  auto first = env.get(chain);
  BOOST_REQUIRE_MESSAGE(first, what_of(first));

  // Past its expiry, with Entra failing: the error, not the stale token.
  env.clock += 3601s;
  env.configure(json::object{{"fail", json::array{json::object{{"endpoint", "azure"}, {"times", 1},
                                                               {"error", "temporarily_unavailable"}}}}});
  auto failed = env.get(chain);
  BOOST_REQUIRE(!failed);
  BOOST_TEST(failed.error().service_code == "temporarily_unavailable");
  // And once Entra answers again, a new token.
  auto fresh = env.get(chain);
  BOOST_REQUIRE_MESSAGE(fresh, what_of(fresh));
  BOOST_TEST(fresh->access_token != first->access_token);

  // A managed-identity token that is already expired when issued is refused, not cached.
  env.configure(json::object{{"lifetimes", json::object{{"azure_msi", 0}}}});
  env.clock = wall_clock::now();
  env.vars.clear();
  env.vars["IDENTITY_ENDPOINT"] = env.server.http_base() + "/msi/token";
  env.vars["IDENTITY_HEADER"] = identity_header;
  azure_token_credential_chain msi(env.io.get_executor(), env.options());
  auto expired = env.get(msi);
  BOOST_REQUIRE(!expired);
  BOOST_TEST(expired.error().what().find("expired") != std::string::npos, expired.error().what());
}

BOOST_AUTO_TEST_CASE(malformed_token_response) {
  azure_env env;
  env.client_secret_env();
  // The one canned answer in this suite: a 200 whose body is not JSON.
  env.server.set_faults(json::serialize(json::object{
      {"rules", json::array{json::object{{"path", "/" + tenant + "/oauth2/v2.0/token"},
                                         {"method", "POST"},
                                         {"times", 0},
                                         {"fault", json::object{{"status", 200}, {"body", "{\"access_token\": tru"}}}}}}}));
  azure_token_credential_chain chain(env.io.get_executor(), env.options());
  auto r = env.get(chain);
  BOOST_REQUIRE(!r);
  BOOST_TEST((r.error().kind == error::protocol_error));
  BOOST_TEST_MESSAGE("malformed: " << r.error().what());
  BOOST_TEST(r.error().what().find("not a JSON object") != std::string::npos, r.error().what());
  BOOST_TEST(r.error().what().find("environment (client secret)") != std::string::npos);
  no_secret(r.error(), {secret});
}

BOOST_AUTO_TEST_CASE(nothing_configured_lists_every_source) {
  azure_env env;
  azure_token_credential_chain chain(env.io.get_executor(), env.options("http://127.0.0.1:1"));
  auto r = env.get(chain);
  BOOST_REQUIRE(!r);
  const std::string m = r.error().what();
  BOOST_TEST_MESSAGE("nothing configured: " << m);
  BOOST_TEST(m.find("no Azure credentials found") != std::string::npos, m);
  for (const char* source : {"environment (AZURE_CLIENT_SECRET not set)", "workload identity (AZURE_FEDERATED_TOKEN_FILE not set)",
                             "IDENTITY_ENDPOINT (not set)", "managed identity (IMDS at http://127.0.0.1:1/)"})
    BOOST_TEST(m.find(source) != std::string::npos, "error names " << source << ": " << m);
  BOOST_TEST(r.error().attempts == 1);  // an IMDS that does not answer is not retried
  BOOST_TEST(env.count("requests", "azure_msi_token") == 0);
}

BOOST_AUTO_TEST_CASE(silent_imds_fails_on_the_connect_timeout) {
  // A listener whose accept queue is full: the kernel drops further SYNs, so a connect hangs like one to a
  // link-local address on a machine without IMDS.
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  BOOST_REQUIRE(listener >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  BOOST_REQUIRE(::listen(listener, 0) == 0);
  socklen_t len = sizeof addr;
  BOOST_REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  int filler = ::socket(AF_INET, SOCK_STREAM, 0);
  BOOST_REQUIRE(::connect(filler, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);

  azure_env env;
  auto o = env.options("http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)));
  o.metadata_http.connect_timeout = 200ms;
  azure_token_credential_chain chain(env.io.get_executor(), o);
  auto r = env.get(chain);
  ::close(filler);
  ::close(listener);
  BOOST_REQUIRE(!r);
  const std::string m = r.error().what();
  BOOST_TEST_MESSAGE("silent IMDS: " << m);
  BOOST_TEST(m.find("no Azure credentials found") != std::string::npos, m);
  BOOST_TEST(m.find("connecting to") != std::string::npos, m);  // gave up while connecting, not later
  BOOST_TEST(r.error().attempts == 1);
}

BOOST_AUTO_TEST_SUITE_END()
