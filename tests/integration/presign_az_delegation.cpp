// `ferry presign az://...` with no account key: a bearer token from ferry_testd's real Entra ID dialect (client
// secret), a Get User Delegation Key answer (canned: testd speaks no Blob service), and a user delegation SAS whose
// signature must equal the one the signer computes in-process from that key.
#include "tests/integration/run_command.hpp"
#include "tests/integration/testd_process.hpp"

#include "signing/azure_service_sas.hpp"
#include "src/auth/azure_user_delegation_key.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace ferry;
using namespace ferry::test;
namespace json = boost::json;

namespace {

const std::string delegation_key_xml =
    R"(<?xml version="1.0" encoding="utf-8"?><UserDelegationKey><SignedOid>6f1c0000-0000-4000-8000-000000000001</SignedOid>)"
    R"(<SignedTid>72f988bf-0000-4000-8000-000000000002</SignedTid><SignedStart>2026-11-23T00:00:00Z</SignedStart>)"
    R"(<SignedExpiry>2026-11-23T01:00:00Z</SignedExpiry><SignedService>b</SignedService><SignedVersion>2024-11-04</SignedVersion>)"
    R"(<Value>Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==</Value></UserDelegationKey>)";
const std::string client_secret = "SECRET-ferry-entra-client-secret";

std::uint64_t count(const json::value& stats, const std::string& path, const std::string& method) {
  auto* p = stats.at("by_path").as_object().if_contains(path);
  if (!p) return 0;
  auto* m = p->as_object().if_contains(method);
  return m ? m->to_number<std::uint64_t>() : 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(presign_az_delegation)

BOOST_AUTO_TEST_CASE(token_then_delegation_key_then_sas) {
  testd_process td;
  BOOST_REQUIRE_EQUAL(td.request("POST", "/_ferry/auth/config", {{"Content-Type", "application/json"}},
                                 R"({"azure": {"tenant_id": "tenant-1", "client_secret": ")" + client_secret + R"("}})")
                          .status,
                      200);
  td.set_faults(json::serialize(json::object{
      {"rules", json::array{json::object{{"path", "/devstoreaccount1/"}, {"method", "POST"}, {"times", 0},
                                         {"fault", json::object{{"status", 200}, {"body", delegation_key_xml}}}}}}}));
  std::vector<std::string> env{"AZURE_STORAGE_CONNECTION_STRING=", "AZURE_STORAGE_ACCOUNT=", "AZURE_STORAGE_KEY=",
                               "AZURE_STORAGE_SAS_TOKEN=", "AZURE_TENANT_ID=tenant-1", "AZURE_CLIENT_ID=ferry-client-id",
                               "AZURE_CLIENT_SECRET=" + client_secret, "AZURE_AUTHORITY_HOST=" + td.http_base(),
                               "AZURE_FEDERATED_TOKEN_FILE=", "IDENTITY_ENDPOINT=", "IDENTITY_HEADER="};
  auto r = run_command({FERRY_CLI_PATH, "presign", "az://devstoreaccount1/models/w 1.bin", "--endpoint",
                        td.http_base() + "/devstoreaccount1", "--date", "20261123T000000Z", "--expires", "3600"},
                       env);
  BOOST_TEST_INFO(r.err);
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);

  // One token from Entra, one key request to the blob service.
  json::value stats = json::parse(td.stats());
  BOOST_TEST(count(stats, "/tenant-1/oauth2/v2.0/token", "POST") == 1u);
  BOOST_TEST(count(stats, "/devstoreaccount1/", "POST") == 1u);

  // The SAS is the one the delegation key signs.
  auto key = auth::parse_azure_user_delegation_key(delegation_key_xml);
  BOOST_REQUIRE(key);
  signing::azure_blob_sas_request req;
  req.account = "devstoreaccount1";
  req.container = "models";
  req.blob = "w 1.bin";
  req.permissions = "r";
  req.expiry = std::chrono::sys_seconds(std::chrono::sys_days(std::chrono::year(2026) / 11 / 23)) + std::chrono::hours(1);
  req.protocol = "https,http";  // a plain-HTTP endpoint
  auto sas = signing::azure_blob_user_delegation_sas(req, *key);
  BOOST_REQUIRE(sas);
  BOOST_TEST(r.out == td.http_base() + "/devstoreaccount1/models/w%201.bin?" + sas->query + "\n");
  BOOST_TEST(r.out.find("skoid=6f1c0000") != std::string::npos);
  BOOST_TEST(r.out.find(client_secret) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(refusals_are_clear_and_name_the_sources) {
  testd_process td;
  td.set_faults(json::serialize(json::object{
      {"rules", json::array{json::object{{"path", "/devstoreaccount1/"}, {"method", "POST"}, {"times", 0},
                                         {"fault", json::object{{"status", 403}, {"body",
                                             "<?xml version=\"1.0\"?><Error><Code>AuthorizationPermissionMismatch</Code>"
                                             "<Message>This request is not authorized.</Message></Error>"}}}}}}}));
  std::vector<std::string> env{"AZURE_STORAGE_CONNECTION_STRING=", "AZURE_STORAGE_ACCOUNT=", "AZURE_STORAGE_KEY=",
                               "AZURE_STORAGE_SAS_TOKEN=", "AZURE_TENANT_ID=tenant-1", "AZURE_CLIENT_ID=ferry-client-id",
                               "AZURE_CLIENT_SECRET=ferry-client-secret", "AZURE_AUTHORITY_HOST=" + td.http_base(),
                               "AZURE_FEDERATED_TOKEN_FILE=", "IDENTITY_ENDPOINT=", "IDENTITY_HEADER="};
  std::vector<std::string> argv{FERRY_CLI_PATH, "presign", "az://devstoreaccount1/models/w.bin", "--endpoint",
                                td.http_base() + "/devstoreaccount1"};
  auto denied = run_command(argv, env);
  BOOST_TEST(denied.exit_code == 4, denied.err);  // access denied
  BOOST_TEST(denied.err.find("Get User Delegation Key") != std::string::npos, denied.err);
  BOOST_TEST(denied.err.find("AuthorizationPermissionMismatch") != std::string::npos, denied.err);

  // Nothing at all: the error names the storage variables and the token sources tried.
  std::vector<std::string> bare{"AZURE_STORAGE_CONNECTION_STRING=", "AZURE_STORAGE_ACCOUNT=", "AZURE_STORAGE_KEY=",
                                "AZURE_STORAGE_SAS_TOKEN=", "AZURE_TENANT_ID=", "AZURE_CLIENT_ID=", "AZURE_CLIENT_SECRET=",
                                "AZURE_FEDERATED_TOKEN_FILE=", "IDENTITY_ENDPOINT=", "IDENTITY_HEADER=",
                                "AZURE_POD_IDENTITY_AUTHORITY_HOST=http://127.0.0.1:1"};
  auto none = run_command(argv, bare);
  BOOST_TEST(none.exit_code != 0);
  BOOST_TEST(none.err.find("AZURE_STORAGE") != std::string::npos, none.err);
  BOOST_TEST(none.err.find("no Azure credentials found") != std::string::npos, none.err);
}

BOOST_AUTO_TEST_SUITE_END()
