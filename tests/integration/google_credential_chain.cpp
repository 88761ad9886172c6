// The Google credential chain end to end against ferry_testd's real Google dialects: the OAuth2 token endpoint
// (which checks the JWT's claims and, with google.public_key_pem set, its RS256 signature, and the refresh-token
// client and token) and the metadata server (which insists on Metadata-Flavor: Google). A fresh RSA key is made per
// run; a fake clock (the real one plus an offset the test moves) drives the cache.
#include "tests/integration/run_command.hpp"
#include "tests/integration/testd_process.hpp"

#include "src/auth/google_credential_chain.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <map>
#include <set>
#include <memory>

using namespace ferry;
using namespace ferry::auth;
using namespace ferry::test;
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

const std::string client_id = "ferry-client-id.apps.googleusercontent.com";  // testd's defaults
const std::string client_secret = "ferry-client-secret";
const std::string refresh_token = "ferry-refresh-token";
const std::string sa_email = "chain-test@ferry-project.iam.gserviceaccount.com";

std::string pem(EVP_PKEY* key, bool private_part) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  int ok = private_part ? PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
                        : PEM_write_bio_PUBKEY(bio.get(), key);
  BOOST_REQUIRE(ok == 1);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

// A service-account key made for this run (PKCS#8, like Google's files) and its public half for testd.
struct test_key {
  std::string private_pem, public_pem;
};
const test_key& run_key() {
  static const test_key k = [] {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), EVP_PKEY_free);
    BOOST_REQUIRE(key);
    return test_key{pem(key.get(), true), pem(key.get(), false)};
  }();
  return k;
}
const test_key& other_key() {
  static const test_key k = [] {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), EVP_PKEY_free);
    return test_key{pem(key.get(), true), pem(key.get(), false)};
  }();
  return k;
}

struct chain_env {
  testd_process server;
  temp_dir dir;
  std::map<std::string, std::string, std::less<>> vars;
  std::shared_ptr<std::chrono::seconds> clock_offset = std::make_shared<std::chrono::seconds>(0);
  asio::io_context io;

  chain_env() {
    // No real gcloud files and no metadata server unless a test sets them up.
    std::filesystem::create_directories(dir / "home");
    vars["HOME"] = dir / "home";
    vars["GCE_METADATA_HOST"] = "127.0.0.1:1";
  }
  std::string token_uri() const { return server.http_base() + "/token"; }
  std::string metadata_host() const { return "127.0.0.1:" + std::to_string(server.http_port()); }

  google_chain_options options() {
    google_chain_options o;
    o.env = lookup_in(vars);
    auto offset = clock_offset;
    o.now = [offset] { return wall_clock::now() + *offset; };
    return o;
  }
  result<std::optional<bearer_token>> get(google_credential_chain& chain) {
    auto f = asio::co_spawn(io, chain.get(), asio::use_future);
    io.restart();
    io.run();
    return f.get();
  }
  std::string token(google_credential_chain& chain) {
    auto t = get(chain);
    BOOST_REQUIRE_MESSAGE(t, (t ? "" : t.error().what()));
    BOOST_REQUIRE(t->has_value());
    return (*t)->access_token;
  }

  void configure(const json::object& patch) {
    auto r = server.request("POST", "/_ferry/auth/config", {{"Content-Type", "application/json"}}, json::serialize(patch));
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
  }
  // testd verifies the assertion's signature with our public key, and its iss and aud.
  void expect_service_account() {
    configure({{"google", {{"public_key_pem", run_key().public_pem}, {"client_email", sa_email}, {"audience", token_uri()}}}});
  }
  json::object state() { return json::parse(server.request("GET", "/_ferry/auth/state").body).as_object(); }
  std::uint64_t count(std::string_view group, std::string_view endpoint) {
    auto s = state();
    auto v = s.at(group).as_object().if_contains(endpoint);
    return v ? v->to_number<std::uint64_t>() : 0;
  }
  std::uint64_t total_requests() {
    std::uint64_t n = 0;
    auto s = state();  // held: iterating a temporary's member would dangle
    for (auto& [k, v] : s.at("requests").as_object()) n += v.to_number<std::uint64_t>();
    return n;
  }
  std::string last(std::string_view key) {
    auto s = state();
    auto v = s.at("last").as_object().if_contains(key);
    return v ? std::string(v->as_string()) : std::string();
  }
  json::object check(const std::string& token) {
    return json::parse(server.request("POST", "/_ferry/auth/check", {}, token).body).as_object();
  }

  std::string write_service_account(const std::string& name, const std::string& private_pem = run_key().private_pem) {
    json::object o{{"type", "service_account"},      {"project_id", "ferry-project"},
                   {"private_key_id", "kid-123"},   {"private_key", private_pem},
                   {"client_email", sa_email},      {"client_id", "1"},
                   {"token_uri", token_uri()}};
    return write_secret(name, json::serialize(o));
  }
  std::string write_authorized_user(const std::string& name, const std::string& token = refresh_token) {
    json::object o{{"type", "authorized_user"}, {"client_id", client_id}, {"client_secret", client_secret},
                   {"refresh_token", token},    {"token_uri", token_uri()}};
    return write_secret(name, json::serialize(o));
  }
  std::string write_secret(const std::string& name, const std::string& text) {
    std::string path = dir / name;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    write_file(path, text);
    ::chmod(path.c_str(), 0600);
    return path;
  }
};

// Nothing from a key file or a token may appear in an error.
void require_no_secret(const failure& f, const std::vector<std::string>& secrets) {
  const std::string text = f.what();
  for (auto& s : secrets) BOOST_TEST(text.find(s) == std::string::npos, "secret in error: " << text);
  BOOST_TEST(text.find("eyJ") == std::string::npos, "JWT in error: " << text);  // base64url of '{"'
  BOOST_TEST(text.find("PRIVATE KEY") == std::string::npos, text);
}
std::string key_fragment() { return run_key().private_pem.substr(100, 40); }

}  // namespace

BOOST_AUTO_TEST_SUITE(google_credential_chain_suite)

BOOST_AUTO_TEST_CASE(service_account_jwt_is_verified_and_the_token_is_live) {
  chain_env env;
  env.expect_service_account();
  env.vars["GOOGLE_APPLICATION_CREDENTIALS"] = env.write_service_account("sa.json");
  google_credential_chain chain(env.io.get_executor(), env.options());
  auto token = env.token(chain);
  auto check = env.check(token);
  BOOST_TEST(check.at("issued").as_bool());
  BOOST_TEST(check.at("live").as_bool());
  BOOST_TEST(check.at("endpoint").as_string() == "google_jwt_bearer");
  BOOST_TEST(env.last("google_signature_verified") == "true");
  BOOST_TEST(env.last("google_scope") == google_default_scope);
  BOOST_TEST(env.last("google_kid") == "kid-123");
  BOOST_TEST(env.last("google_aud") == env.token_uri());
  BOOST_TEST(chain.source() == "GOOGLE_APPLICATION_CREDENTIALS service account " + sa_email);

  // Scopes are configurable; a key testd does not know is refused by its signature check.
  auto options = env.options();
  options.scopes = {"https://www.googleapis.com/auth/cloud-platform", "https://www.googleapis.com/auth/devstorage.read_only"};
  google_credential_chain scoped(env.io.get_executor(), options);
  BOOST_TEST(env.check(env.token(scoped)).at("live").as_bool());
  BOOST_TEST(env.last("google_scope") ==
             "https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/devstorage.read_only");

  env.vars["GOOGLE_APPLICATION_CREDENTIALS"] = env.write_service_account("forged.json", other_key().private_pem);
  google_credential_chain forged(env.io.get_executor(), env.options());
  auto refused = env.get(forged);
  BOOST_REQUIRE(!refused);
  BOOST_TEST(refused.error().service_code == "invalid_grant");
  BOOST_TEST((refused.error().kind == error::access_denied));
  require_no_secret(refused.error(), {other_key().private_pem.substr(100, 40)});
}

BOOST_AUTO_TEST_CASE(authorized_user_refresh_token) {
  chain_env env;
  env.vars["GOOGLE_APPLICATION_CREDENTIALS"] = env.write_authorized_user("user.json");
  google_credential_chain chain(env.io.get_executor(), env.options());
  auto token = env.token(chain);
  BOOST_TEST(env.check(token).at("endpoint").as_string() == "google_refresh_token");
  BOOST_TEST(env.check(token).at("live").as_bool());
  BOOST_TEST(env.last("google_client_id") == client_id);
  BOOST_TEST(chain.source().find("authorized user") != std::string::npos);

  env.vars["GOOGLE_APPLICATION_CREDENTIALS"] = env.write_authorized_user("revoked.json", "1//revoked-token-zz9");
  google_credential_chain revoked(env.io.get_executor(), env.options());
  auto r = env.get(revoked);
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().service_code == "invalid_grant");
  BOOST_TEST(r.error().what().find("invalid_grant") != std::string::npos);
  require_no_secret(r.error(), {"1//revoked-token-zz9", client_secret});

  env.configure({{"google", {{"client_secret", "a-different-secret"}}}});
  google_credential_chain wrong_client(env.io.get_executor(), env.options());
  env.vars["GOOGLE_APPLICATION_CREDENTIALS"] = env.write_authorized_user("user2.json");
  auto w = env.get(wrong_client);
  BOOST_REQUIRE(!w);
  BOOST_TEST(w.error().service_code == "invalid_client");
  require_no_secret(w.error(), {refresh_token, client_secret});
}

BOOST_AUTO_TEST_CASE(metadata_server_via_gce_metadata_host) {
  chain_env env;
  env.vars["GCE_METADATA_HOST"] = env.metadata_host();
  google_credential_chain chain(env.io.get_executor(), env.options());
  auto token = env.token(chain);  // testd answers 403 to a request without Metadata-Flavor: Google
  BOOST_TEST(env.check(token).at("endpoint").as_string() == "google_metadata_token");
  BOOST_TEST(env.count("rejected", "google_metadata_token") == 0u);
  BOOST_TEST(chain.source() == "metadata server " + env.metadata_host());

  // Something on that address that is not a metadata server (no Metadata-Flavor in the answer) is not trusted.
  env.server.set_faults(R"({"rules": [{"prefix": "/computeMetadata/", "fault": {"status": 200,
      "body": "{\"access_token\":\"impostor\",\"expires_in\":3600}"}}]})");
  google_credential_chain impostor(env.io.get_executor(), env.options());
  auto r = env.get(impostor);
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().message.find("Metadata-Flavor") != std::string::npos, r.error().message);
  env.server.clear_faults();

  env.vars["GCE_METADATA_HOST"] = "127.0.0.1:1/evil?x";
  google_credential_chain bad_host(env.io.get_executor(), env.options());
  auto b = env.get(bad_host);
  BOOST_REQUIRE(!b);
  BOOST_TEST(b.error().message.find("GCE_METADATA_HOST") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(order_of_sources) {
  chain_env env;
  env.expect_service_account();
  env.vars["GCE_METADATA_HOST"] = env.metadata_host();
  env.vars["GOOGLE_APPLICATION_CREDENTIALS"] = env.write_authorized_user("gac/user.json");
  env.write_service_account("home/.config/gcloud/application_default_credentials.json");

  // 1. GOOGLE_APPLICATION_CREDENTIALS beats the well-known file and the metadata server.
  google_credential_chain first(env.io.get_executor(), env.options());
  BOOST_TEST(env.check(env.token(first)).at("endpoint").as_string() == "google_refresh_token");
  BOOST_TEST(env.count("requests", "google_jwt_bearer") == 0u);
  BOOST_TEST(env.count("requests", "google_metadata_token") == 0u);

  // 2. Without it, the well-known file under $HOME beats the metadata server ...
  env.vars.erase("GOOGLE_APPLICATION_CREDENTIALS");
  google_credential_chain second(env.io.get_executor(), env.options());
  BOOST_TEST(env.check(env.token(second)).at("endpoint").as_string() == "google_jwt_bearer");
  BOOST_TEST(second.source().find("application_default_credentials.json") != std::string::npos);
  BOOST_TEST(env.count("requests", "google_metadata_token") == 0u);

  // ... and $CLOUDSDK_CONFIG moves it (here to a directory holding none, so the metadata server answers).
  std::filesystem::create_directories(env.dir / "gcloud-config");
  env.vars["CLOUDSDK_CONFIG"] = env.dir / "gcloud-config";
  google_credential_chain third(env.io.get_executor(), env.options());
  BOOST_TEST(env.check(env.token(third)).at("endpoint").as_string() == "google_metadata_token");
  env.write_authorized_user("gcloud-config/application_default_credentials.json");
  google_credential_chain fourth(env.io.get_executor(), env.options());
  env.token(fourth);
  BOOST_TEST(fourth.source().find(env.dir / "gcloud-config") != std::string::npos, fourth.source());

  // 0. An emulator host means anonymous, whatever else is configured, and nothing is asked of anyone.
  env.vars["GOOGLE_APPLICATION_CREDENTIALS"] = env.dir / "gac/user.json";
  env.vars["STORAGE_EMULATOR_HOST"] = "localhost:9023";
  auto before = env.total_requests();
  google_credential_chain emulator(env.io.get_executor(), env.options());
  auto anonymous = env.get(emulator);
  BOOST_REQUIRE(anonymous);
  BOOST_TEST(!anonymous->has_value());
  BOOST_TEST(emulator.source() == "anonymous (STORAGE_EMULATOR_HOST)");
  BOOST_TEST(env.total_requests() == before);
}

BOOST_AUTO_TEST_CASE(a_named_file_that_fails_does_not_fall_through) {
  chain_env env;
  env.vars["GCE_METADATA_HOST"] = env.metadata_host();
  env.write_authorized_user("home/.config/gcloud/application_default_credentials.json");

  // Malformed JSON.
  env.vars["GOOGLE_APPLICATION_CREDENTIALS"] =
      env.write_secret("broken.json", R"({"type":"authorized_user","client_secret":")" + client_secret);
  google_credential_chain broken(env.io.get_executor(), env.options());
  auto b = env.get(broken);
  BOOST_REQUIRE(!b);
  BOOST_TEST((b.error().kind == error::invalid_argument));
  BOOST_TEST(b.error().message.find("GOOGLE_APPLICATION_CREDENTIALS") != std::string::npos);
  BOOST_TEST(b.error().message.find(env.dir / "broken.json") != std::string::npos, b.error().message);
  require_no_secret(b.error(), {client_secret});

  // Missing.
  env.vars["GOOGLE_APPLICATION_CREDENTIALS"] = env.dir / "missing.json";
  google_credential_chain missing(env.io.get_executor(), env.options());
  auto m = env.get(missing);
  BOOST_REQUIRE(!m);
  BOOST_TEST((m.error().kind == error::not_found));
  BOOST_TEST(m.error().message.find(env.dir / "missing.json") != std::string::npos, m.error().message);

  // Unsupported type.
  env.vars["GOOGLE_APPLICATION_CREDENTIALS"] = env.write_secret("external.json", R"({"type":"external_account"})");
  google_credential_chain external(env.io.get_executor(), env.options());
  auto x = env.get(external);
  BOOST_REQUIRE(!x);
  BOOST_TEST((x.error().kind == error::unsupported));
  BOOST_TEST(x.error().message.find("external_account") != std::string::npos);

  // A directory where the file should be.
  env.vars["GOOGLE_APPLICATION_CREDENTIALS"] = env.dir.path();
  google_credential_chain directory(env.io.get_executor(), env.options());
  auto d = env.get(directory);
  BOOST_REQUIRE(!d);
  BOOST_TEST((d.error().kind == error::io_error));
  BOOST_TEST(d.error().message.find(env.dir.path()) != std::string::npos);

  // Permission denied (root reads anything, so this part needs an ordinary user).
  std::string locked = env.write_authorized_user("locked.json");
  ::chmod(locked.c_str(), 0);
  if (::geteuid() == 0) {
    BOOST_TEST_MESSAGE("google_credential_chain: running as root, where mode 000 does not deny reading; "
                       "the permission-denied key file case is skipped");
  } else {
    env.vars["GOOGLE_APPLICATION_CREDENTIALS"] = locked;
    google_credential_chain denied(env.io.get_executor(), env.options());
    auto p = env.get(denied);
    BOOST_REQUIRE(!p);
    BOOST_TEST((p.error().kind == error::access_denied));
    BOOST_TEST(p.error().message.find(locked) != std::string::npos);
  }

  // None of these fell through to the well-known file or the metadata server.
  BOOST_TEST(env.total_requests() == 0u);

  // A broken well-known file is an error too (it exists, so it was meant).
  env.vars.erase("GOOGLE_APPLICATION_CREDENTIALS");
  env.write_secret("home/.config/gcloud/application_default_credentials.json", "[]");
  google_credential_chain well_known(env.io.get_executor(), env.options());
  auto w = env.get(well_known);
  BOOST_REQUIRE(!w);
  BOOST_TEST(w.error().message.find("application_default_credentials.json") != std::string::npos);
  BOOST_TEST(env.total_requests() == 0u);
}

BOOST_AUTO_TEST_CASE(cached_token_is_reused_and_fetched_once_for_concurrent_callers) {
  chain_env env;
  env.expect_service_account();
  env.vars["GOOGLE_APPLICATION_CREDENTIALS"] = env.write_service_account("sa.json");
  google_credential_chain chain(env.io.get_executor(), env.options());
  std::vector<std::future<result<std::optional<bearer_token>>>> callers;
  for (int i = 0; i < 5; ++i) callers.push_back(asio::co_spawn(env.io, chain.get(), asio::use_future));
  env.io.run();
  std::set<std::string> tokens;
  for (auto& c : callers) {
    auto t = c.get();
    BOOST_REQUIRE(t && t->has_value());
    tokens.insert((*t)->access_token);
  }
  BOOST_TEST(tokens.size() == 1u);
  BOOST_TEST(env.count("requests", "google_jwt_bearer") == 1u);
  BOOST_TEST(env.token(chain) == *tokens.begin());
  BOOST_TEST(env.count("requests", "google_jwt_bearer") == 1u);
}

BOOST_AUTO_TEST_CASE(refreshed_a_margin_before_expiry) {
  chain_env env;
  env.expect_service_account();
  env.configure({{"lifetimes", {{"google", 400}}}});
  env.vars["GOOGLE_APPLICATION_CREDENTIALS"] = env.write_service_account("sa.json");
  auto options = env.options();
  options.refresh_margin = std::chrono::seconds(300);  // fresh for the first 100 s of its 400
  google_credential_chain chain(env.io.get_executor(), options);
  auto first = env.token(chain);
  *env.clock_offset = std::chrono::seconds(60);
  BOOST_TEST(env.token(chain) == first);
  BOOST_TEST(env.count("requests", "google_jwt_bearer") == 1u);
  *env.clock_offset = std::chrono::seconds(150);  // inside the margin, not expired: refresh now
  auto second = env.token(chain);
  BOOST_TEST(second != first);
  BOOST_TEST(env.count("requests", "google_jwt_bearer") == 2u);
  BOOST_TEST(env.check(second).at("live").as_bool());
  BOOST_TEST(env.check(first).at("live").as_bool());  // refreshed before the old one died
}

BOOST_AUTO_TEST_CASE(expired_tokens_are_replaced) {
  chain_env env;
  env.configure({{"lifetimes", {{"google_metadata", 60}}}});
  env.vars["GCE_METADATA_HOST"] = env.metadata_host();
  auto options = env.options();
  options.refresh_margin = std::chrono::seconds(0);
  google_credential_chain chain(env.io.get_executor(), options);
  auto first = env.token(chain);

  // The server revokes it early: the cache cannot know until told ...
  env.server.request("POST", "/_ferry/auth/expire?token=" + first);
  BOOST_TEST(!env.check(first).at("live").as_bool());
  BOOST_TEST(env.token(chain) == first);
  // ... invalidate() is how a caller tells it.
  chain.invalidate();
  auto second = env.token(chain);
  BOOST_TEST(second != first);
  BOOST_TEST(env.check(second).at("live").as_bool());

  // Past its expires_in on our clock, the token is fetched again without being asked.
  *env.clock_offset = std::chrono::seconds(61);
  auto third = env.token(chain);
  BOOST_TEST(third != second);
  BOOST_TEST(env.count("requests", "google_metadata_token") == 3u);
}

BOOST_AUTO_TEST_CASE(token_endpoint_errors_name_the_oauth_code) {
  chain_env env;
  env.expect_service_account();
  env.configure({{"fail", {{{"endpoint", "google_jwt_bearer"}, {"times", 1}, {"error", "invalid_grant"},
                            {"message", "Invalid JWT Signature."}}}}});
  env.vars["GOOGLE_APPLICATION_CREDENTIALS"] = env.write_service_account("sa.json");
  google_credential_chain chain(env.io.get_executor(), env.options());
  auto r = env.get(chain);
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().service_code == "invalid_grant");
  BOOST_TEST(r.error().http_status == 400);
  BOOST_TEST(r.error().what().find("invalid_grant") != std::string::npos, r.error().what());
  BOOST_TEST(r.error().message.find(sa_email) != std::string::npos);  // which identity failed
  BOOST_TEST(r.error().attempts == 1);                                   // a refusal is not retried
  require_no_secret(r.error(), {key_fragment()});
  // The rule fired once; the next get() succeeds.
  BOOST_TEST(env.check(env.token(chain)).at("live").as_bool());
}

BOOST_AUTO_TEST_CASE(nothing_configured_lists_every_source_tried) {
  chain_env env;  // GCE_METADATA_HOST=127.0.0.1:1: a closed port, refused at once
  google_credential_chain chain(env.io.get_executor(), env.options());
  auto r = env.get(chain);
  BOOST_REQUIRE(!r);
  const std::string& m = r.error().message;
  BOOST_TEST(m.find("no Google credentials found; tried: ") == 0u, m);
  BOOST_TEST(m.find("GOOGLE_APPLICATION_CREDENTIALS (not set)") != std::string::npos, m);
  BOOST_TEST(m.find("well-known file " + (env.dir / "home/.config/gcloud/application_default_credentials.json") +
                    " (absent)") != std::string::npos, m);
  BOOST_TEST(m.find("metadata server 127.0.0.1:1 (") != std::string::npos, m);
  BOOST_TEST(m.find("connection_failed") != std::string::npos, m);

  env.vars.erase("HOME");
  google_credential_chain homeless(env.io.get_executor(), env.options());
  auto h = env.get(homeless);
  BOOST_REQUIRE(!h);
  BOOST_TEST(h.error().message.find("neither CLOUDSDK_CONFIG nor HOME is set") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
