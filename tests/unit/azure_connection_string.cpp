// Azure Storage connection strings: the documented shapes, UseDevelopmentStorage=true, and hostile
// input (empty, no '=', duplicate keys, bad base64, values containing '=', huge).
#include <boost/test/unit_test.hpp>

#include "src/auth/azure_connection_string.hpp"

using namespace ferry::auth;

namespace {

constexpr std::string_view key64 =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

std::string error_of(std::string_view text) {
  auto r = parse_azure_connection_string(text);
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST((r.error().kind == ferry::error::invalid_argument));
  return r.error().message;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(azure_connection_string_parse)

BOOST_AUTO_TEST_CASE(account_key_form) {
  auto r = parse_azure_connection_string("DefaultEndpointsProtocol=https;AccountName=myaccount;AccountKey=" +
                                         std::string(key64) + ";EndpointSuffix=core.windows.net");
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->account_name == "myaccount");
  BOOST_TEST(r->account_key == key64);  // both '=' of the padding kept
  BOOST_TEST(r->blob_endpoint == "https://myaccount.blob.core.windows.net");
  BOOST_TEST(!r->development_storage);
}

BOOST_AUTO_TEST_CASE(keys_are_case_insensitive_and_segments_trimmed) {
  auto r = parse_azure_connection_string(" accountname = acct2 ; ACCOUNTKEY=" + std::string(key64) +
                                         ";defaultendpointsprotocol=HTTP;EndpointSuffix=core.chinacloudapi.cn;;");
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->account_name == "acct2");
  BOOST_TEST(r->protocol == "http");
  BOOST_TEST(r->blob_endpoint == "http://acct2.blob.core.chinacloudapi.cn");
}

BOOST_AUTO_TEST_CASE(sas_and_blob_endpoint_form) {
  auto r = parse_azure_connection_string(
      "BlobEndpoint=https://myaccount.blob.core.windows.net/;QueueEndpoint=https://myaccount.queue.core.windows.net;"
      "SharedAccessSignature=?sv=2020-12-06&ss=b&srt=sco&sp=rl&se=2026-12-01T00:00:00Z&sig=abc%2Bdef%3D");
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->blob_endpoint == "https://myaccount.blob.core.windows.net");
  BOOST_TEST(r->sas_token == "sv=2020-12-06&ss=b&srt=sco&sp=rl&se=2026-12-01T00:00:00Z&sig=abc%2Bdef%3D");
  BOOST_TEST(r->account_key.empty());
  BOOST_TEST(r->account_name.empty());
}

BOOST_AUTO_TEST_CASE(development_storage) {
  for (std::string_view s : {"UseDevelopmentStorage=true", "UseDevelopmentStorage=True;"}) {
    auto r = parse_azure_connection_string(s);
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->development_storage);
    BOOST_TEST(r->account_name == "devstoreaccount1");
    BOOST_TEST(r->account_key == azure_dev_account_key);
    BOOST_TEST(r->blob_endpoint == "http://127.0.0.1:10000/devstoreaccount1");
    BOOST_TEST(r->protocol == "http");
  }
  auto p = parse_azure_connection_string("UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://ipv4.fiddler");
  BOOST_REQUIRE(p.has_value());
  BOOST_TEST(p->blob_endpoint == "http://ipv4.fiddler:10000/devstoreaccount1");
  error_of("UseDevelopmentStorage=false");
  error_of("UseDevelopmentStorage=true;AccountName=other");
  error_of("DevelopmentStorageProxyUri=http://x");
}

BOOST_AUTO_TEST_CASE(hostile_inputs) {
  error_of("");
  error_of("   ;  ; ");
  error_of("AccountName");                          // no '='
  error_of("AccountName=a1b2c;garbage");            // one segment without '='
  error_of("=value;AccountName=abc");               // empty key
  error_of("AccountName=abc;accountname=abd");      // duplicate, any case
  error_of("Foo=bar;Baz=qux");                      // nothing recognised
  error_of("AccountName=abc;AccountKey=");          // empty key
  error_of("DefaultEndpointsProtocol=ftp;AccountName=abc");
  error_of("AccountName=abc;EndpointSuffix=evil.com/path");
  error_of("AccountName=ABC_def");
  error_of("AccountKey=" + std::string(key64));     // key without account
  error_of("BlobEndpoint=myaccount.blob.core.windows.net");  // no scheme
  error_of("BlobEndpoint=https://host/x?y=1");
  error_of("BlobEndpoint=https://a b/");
  error_of("AccountName=abc;SharedAccessSignature=?");
  error_of("AccountName=abc\n;AccountKey=" + std::string(key64));
  error_of(std::string(70 * 1024, 'a'));

  // A bad key is named, never echoed.
  std::string bad = "AccountName=abc;AccountKey=s3cr3t!!notbase64";
  auto msg = error_of(bad);
  BOOST_TEST(msg.find("AccountKey") != std::string::npos);
  BOOST_TEST(msg.find("s3cr3t") == std::string::npos);
  std::string dup = "AccountName=abc;AccountKey=" + std::string(key64) + ";AccountKey=" + std::string(key64);
  msg = error_of(dup);
  BOOST_TEST(msg.find(key64.substr(0, 10)) == std::string::npos);
}

// Deterministic mutations of valid strings: every byte deleted, and each of a few hostile bytes
// inserted at every position. Each must give a value or an error, never a crash (run under ASan in CI).
BOOST_AUTO_TEST_CASE(mutations_never_crash) {
  const std::string seeds[] = {
      "DefaultEndpointsProtocol=https;AccountName=abc;AccountKey=" + std::string(key64) + ";EndpointSuffix=core.windows.net",
      "BlobEndpoint=http://h:1/x;SharedAccessSignature=sv=1&sig=a%2B",
      "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://p"};
  int parsed = 0, refused = 0;
  for (const auto& seed : seeds) {
    for (std::size_t i = 0; i <= seed.size(); ++i) {
      if (i < seed.size()) {
        std::string m = seed;
        m.erase(i, 1);
        (parse_azure_connection_string(m).has_value() ? parsed : refused)++;
      }
      for (char c : {';', '=', '\0', '\n', ' ', '?', '/', '\xff'}) {
        std::string m = seed;
        m.insert(i, 1, c);
        (parse_azure_connection_string(m).has_value() ? parsed : refused)++;
      }
    }
  }
  BOOST_TEST(parsed > 0);
  BOOST_TEST(refused > 0);
}

BOOST_AUTO_TEST_SUITE_END()
