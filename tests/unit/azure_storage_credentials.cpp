// Azure Storage credentials from (fake) environment variables, and presigned blob URLs from them.
#include <boost/test/unit_test.hpp>

#include "src/auth/azure_connection_string.hpp"
#include "src/auth/azure_storage_credentials.hpp"

#include <map>

using namespace ferry::auth;
using namespace std::chrono;

namespace {

constexpr std::string_view key64 =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

env_lookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

ferry::signing::azure_blob_sas_request request(std::string account) {
  ferry::signing::azure_blob_sas_request r;
  r.account = std::move(account);
  r.container = "models";
  r.blob = "m/weights.bin";
  r.permissions = "r";
  r.expiry = sys_days{year{2026} / 12 / 1};
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(azure_storage_credentials_resolve)

BOOST_AUTO_TEST_CASE(connection_string_first) {
  auto env = fake_env({{"AZURE_STORAGE_CONNECTION_STRING", "UseDevelopmentStorage=true"},
                       {"AZURE_STORAGE_ACCOUNT", "other"},
                       {"AZURE_STORAGE_KEY", std::string(key64)}});
  auto c = resolve_azure_storage_credentials("devstoreaccount1", env);
  BOOST_REQUIRE(c.has_value());
  BOOST_TEST(c->account == "devstoreaccount1");
  BOOST_TEST(c->blob_endpoint == "http://127.0.0.1:10000/devstoreaccount1");
  BOOST_TEST(c->source == "AZURE_STORAGE_CONNECTION_STRING");
  auto url = azure_presign_blob(*c, request("devstoreaccount1"));
  BOOST_REQUIRE(url.has_value());
  BOOST_TEST(!url->reused_sas);
  BOOST_TEST(url->url.starts_with("http://127.0.0.1:10000/devstoreaccount1/models/m/weights.bin?sv="));
  BOOST_TEST(url->url.find("&sig=") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(account_and_key_variables) {
  auto env = fake_env({{"AZURE_STORAGE_ACCOUNT", "myaccount"}, {"AZURE_STORAGE_KEY", std::string(key64)}});
  auto c = resolve_azure_storage_credentials("", env);
  BOOST_REQUIRE(c.has_value());
  BOOST_TEST(c->account == "myaccount");
  BOOST_TEST(c->blob_endpoint == "https://myaccount.blob.core.windows.net");
  BOOST_TEST(resolve_azure_storage_credentials("myaccount", env).has_value());
  // The key belongs to AZURE_STORAGE_ACCOUNT: never used for another account.
  auto other = resolve_azure_storage_credentials("someoneelse", env);
  BOOST_REQUIRE(!other.has_value());
  BOOST_TEST((other.error().kind == ferry::error::not_found));
  // Presigning for another account than the credentials' is refused.
  BOOST_TEST(!azure_presign_blob(*c, request("someoneelse")).has_value());
}

BOOST_AUTO_TEST_CASE(sas_token_is_reused_as_is) {
  auto env = fake_env({{"AZURE_STORAGE_ACCOUNT", "myaccount"}, {"AZURE_STORAGE_SAS_TOKEN", "?sv=2024-11-04&sig=x%2By"}});
  auto c = resolve_azure_storage_credentials("myaccount", env);
  BOOST_REQUIRE(c.has_value());
  BOOST_TEST(c->sas_token == "sv=2024-11-04&sig=x%2By");
  auto url = azure_presign_blob(*c, request("myaccount"));
  BOOST_REQUIRE(url.has_value());
  BOOST_TEST(url->reused_sas);
  BOOST_TEST(url->url == "https://myaccount.blob.core.windows.net/models/m/weights.bin?sv=2024-11-04&sig=x%2By");
}

BOOST_AUTO_TEST_CASE(nothing_or_bad_values) {
  auto none = resolve_azure_storage_credentials("acct", fake_env({}));
  BOOST_REQUIRE(!none.has_value());
  BOOST_TEST((none.error().kind == ferry::error::not_found));

  auto bad_key = resolve_azure_storage_credentials(
      "", fake_env({{"AZURE_STORAGE_ACCOUNT", "acct"}, {"AZURE_STORAGE_KEY", "s3cret-not-base64"}}));
  BOOST_REQUIRE(!bad_key.has_value());
  BOOST_TEST(bad_key.error().message.find("s3cret") == std::string::npos);

  auto bad_cs = resolve_azure_storage_credentials("", fake_env({{"AZURE_STORAGE_CONNECTION_STRING", "garbage"}}));
  BOOST_REQUIRE(!bad_cs.has_value());
  BOOST_TEST(bad_cs.error().message.find("AZURE_STORAGE_CONNECTION_STRING") != std::string::npos);

  BOOST_TEST(!resolve_azure_storage_credentials(
                  "", fake_env({{"AZURE_STORAGE_ACCOUNT", "Bad_Name"}, {"AZURE_STORAGE_KEY", std::string(key64)}}))
                  .has_value());
  BOOST_TEST(!resolve_azure_storage_credentials(
                  "acct", fake_env({{"AZURE_STORAGE_SAS_TOKEN", "sv=1 &sig=2"}}))
                  .has_value());
}

BOOST_AUTO_TEST_SUITE_END()
