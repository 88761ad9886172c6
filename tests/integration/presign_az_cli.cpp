// `ferry presign az://...` end to end through the CLI: reproducible with --date, permissions from the method,
// clear errors, and never the account key in any output.
#include "tests/integration/run_command.hpp"

#include <boost/test/unit_test.hpp>

using namespace ferry::test;

namespace {
const std::string key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
command_result presign(std::vector<std::string> args, std::vector<std::string> env) {
  std::vector<std::string> argv{FERRY_CLI_PATH, "presign"};
  for (auto& a : args) argv.push_back(a);
  // No token identity either, and an IMDS that is certainly absent (not whatever answers 169.254.169.254 here).
  for (const char* v : {"AZURE_STORAGE_CONNECTION_STRING=", "AZURE_TENANT_ID=", "AZURE_CLIENT_ID=", "AZURE_CLIENT_SECRET=",
                        "AZURE_FEDERATED_TOKEN_FILE=", "IDENTITY_ENDPOINT=", "IDENTITY_HEADER=",
                        "AZURE_POD_IDENTITY_AUTHORITY_HOST=http://127.0.0.1:1"})
    env.insert(env.begin(), v);  // first, so a test's own setting wins
  return run_command(argv, env);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(presign_az_cli)

BOOST_AUTO_TEST_CASE(service_sas_urls) {
  std::vector<std::string> env{"AZURE_STORAGE_ACCOUNT=myaccount", "AZURE_STORAGE_KEY=" + key};
  auto get = presign({"az://myaccount/models/w.bin", "--date", "20261123T000000Z", "--expires", "3600"}, env);
  BOOST_TEST_INFO(get.err);
  BOOST_REQUIRE_EQUAL(get.exit_code, 0);
  BOOST_TEST(get.out.starts_with("https://myaccount.blob.core.windows.net/models/w.bin?"));
  for (const char* part : {"sr=b", "sp=r", "se=2026-11-23T01%3A00%3A00Z", "spr=https", "sig="})
    BOOST_TEST(get.out.find(part) != std::string::npos, part);
  auto again = presign({"az://myaccount/models/w.bin", "--date", "20261123T000000Z", "--expires", "3600"}, env);
  BOOST_TEST(again.out == get.out);  // reproducible
  auto put = presign({"az://myaccount/models/w.bin", "--method", "put", "--date", "20261123T000000Z"}, env);
  BOOST_TEST(put.out.find("sp=cw") != std::string::npos);
  BOOST_TEST(put.out != get.out);
  for (auto* r : {&get, &put}) {
    BOOST_TEST(r->out.find(key.substr(0, 20)) == std::string::npos);
    BOOST_TEST(r->err.find(key.substr(0, 20)) == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(endpoint_and_query_fields) {
  std::vector<std::string> env{"AZURE_STORAGE_ACCOUNT=devstoreaccount1", "AZURE_STORAGE_KEY=" + key};
  auto r = presign({"az://devstoreaccount1/models/w.bin", "--date", "20261123T000000Z", "--endpoint",
                    "http://127.0.0.1:10000/devstoreaccount1/", "--query", "rscd=attachment; filename=\"w.bin\"",
                    "--query", "sip=10.0.0.1-10.0.0.9", "--query", "sv=2021-08-06"},
                   env);
  BOOST_TEST_INFO(r.err);
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  BOOST_TEST(r.out.starts_with("http://127.0.0.1:10000/devstoreaccount1/models/w.bin?"));
  for (const char* part : {"sv=2021-08-06", "sip=10.0.0.1-10.0.0.9", "rscd=attachment%3B%20filename%3D%22w.bin%22",
                           "spr=https%2Chttp"})  // a plain-HTTP endpoint also allows http
    BOOST_TEST(r.out.find(part) != std::string::npos, part);
  auto plain = presign({"az://devstoreaccount1/models/w.bin", "--date", "20261123T000000Z"}, env);
  auto sig = [](const std::string& url) { return url.substr(url.find("sig=")); };
  BOOST_TEST(sig(plain.out) != sig(r.out));  // the fields are signed, not just appended

  auto unknown = presign({"az://devstoreaccount1/models/w.bin", "--query", "sp=rwd"}, env);
  BOOST_TEST(unknown.exit_code == 2);
  BOOST_TEST(unknown.err.find("rscc, rscd") != std::string::npos, unknown.err);
  auto bad_endpoint = presign({"az://devstoreaccount1/models/w.bin", "--endpoint", "ftp://x"}, env);
  BOOST_TEST(bad_endpoint.exit_code == 2);
  auto header = presign({"az://devstoreaccount1/models/w.bin", "--header", "x-ms-meta-a:1"}, env);
  BOOST_TEST(header.exit_code == 2);
  // With only a SAS token there is no key to sign new fields with.
  auto sas_only = presign({"az://devstoreaccount1/models/w.bin", "--query", "rsct=text/plain"},
                          {"AZURE_STORAGE_ACCOUNT=devstoreaccount1", "AZURE_STORAGE_KEY=",
                           "AZURE_STORAGE_SAS_TOKEN=sv=2021-08-06&sp=r&sig=abc"});
  BOOST_TEST(sas_only.exit_code == 2);
  BOOST_TEST(sas_only.err.find("sig=abc") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(errors) {
  std::vector<std::string> env{"AZURE_STORAGE_ACCOUNT=myaccount", "AZURE_STORAGE_KEY=" + key};
  auto no_creds = presign({"az://otheraccount/models/w.bin"}, {"AZURE_STORAGE_ACCOUNT=", "AZURE_STORAGE_KEY="});
  BOOST_TEST(no_creds.exit_code == 4);  // access denied: no identity at all, as for s3:// and gs://
  BOOST_TEST(no_creds.err.find("AZURE_STORAGE_CONNECTION_STRING") != std::string::npos);
  BOOST_TEST(no_creds.err.find("no Azure credentials found") != std::string::npos, no_creds.err);
  auto bad_method = presign({"az://myaccount/models/w.bin", "--method", "PATCH"}, env);
  BOOST_TEST(bad_method.exit_code == 2);
  auto prefix = presign({"az://myaccount/models/"}, env);
  BOOST_TEST(prefix.exit_code == 2);
  auto bad_key = presign({"az://myaccount/models/w.bin"}, {"AZURE_STORAGE_ACCOUNT=myaccount", "AZURE_STORAGE_KEY=not*base64"});
  BOOST_TEST(bad_key.exit_code != 0);
  BOOST_TEST(bad_key.err.find("not*base64") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
