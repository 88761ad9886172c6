// `ferry presign s3://...` compared byte for byte with botocore's generate_presigned_url (the library under the AWS
// CLI and boto3) at the same fixed time, over cases that exercise the corners: object keys with spaces, '+', '~',
// '=', '&', unicode, '//' and dot segments; dotted buckets (path style); the us-east-1 global host; custom endpoints;
// session tokens; signed headers and extra query parameters; bucket-level URLs; every method; the longest expiry.
// botocore is a second, independent implementation (tests/integration/botocore_presign.py drives it); the test is
// skipped, with the reason printed, when no python3 on this machine can import it.
#include "tests/integration/run_command.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace ferry::test;
namespace json = boost::json;

namespace {

struct presign_case {
  std::string name;
  json::object botocore;           // region, endpoint_url, style, bucket, key, operation, expires, params, session_token
  std::vector<std::string> args;   // ferry presign arguments after the URL
  std::vector<std::string> env;    // extra environment for ferry
  std::string url;                 // the s3:// URL given to ferry
};

const std::string access_key = "AKIAIOSFODNN7EXAMPLE";
const std::string secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

std::vector<presign_case> cases() {
  auto boto = [](std::string region, std::string endpoint, std::string style, std::string bucket, std::string key,
                 std::string operation, int expires, json::object params = {}) {
    json::object o{{"region", region}, {"style", style},         {"bucket", bucket}, {"key", key},
                   {"operation", operation}, {"expires", expires}, {"params", params}};
    if (!endpoint.empty()) o["endpoint_url"] = endpoint;
    return o;
  };
  std::vector<presign_case> c;
  c.push_back({"us-east-1 global host (AWS's example)",
               boto("us-east-1", "", "virtual", "examplebucket", "test.txt", "get_object", 86400),
               {"--expires", "86400"}, {"AWS_REGION=us-east-1"}, "s3://examplebucket/test.txt"});
  c.push_back({"awkward key, response override",
               boto("eu-west-1", "https://s3.eu-west-1.amazonaws.com", "virtual", "my-bucket", "dir/a b+c~d=e&f!'()*.txt",
                    "get_object", 3600, {{"ResponseContentDisposition", "attachment; filename=\"x y.bin\""}}),
               {"--query", "response-content-disposition=attachment; filename=\"x y.bin\""},
               {"AWS_REGION=eu-west-1"}, "s3://my-bucket/dir/a b+c~d=e&f!'()*.txt"});
  auto put = boto("us-west-2", "https://s3.us-west-2.amazonaws.com", "path", "my.bucket", "模型/w ü.bin", "put_object", 600,
                  {{"ContentType", "application/octet-stream"}});
  put["session_token"] = "FwoGZXIvYXdzEXAMPLE/TOKEN+==";
  c.push_back({"dotted bucket, unicode key, PUT with signed header and session token", put,
               {"--expires", "600", "--method", "PUT", "--header", "Content-Type: application/octet-stream"},
               {"AWS_REGION=us-west-2", "AWS_SESSION_TOKEN=FwoGZXIvYXdzEXAMPLE/TOKEN+=="},
               "s3://my.bucket/模型/w ü.bin"});
  c.push_back({"custom endpoint, path style, dot segments and double slash kept",
               boto("us-east-1", "http://127.0.0.1:9000", "path", "bkt", "a//b/./c/../d", "get_object", 120),
               {"--expires", "120", "--endpoint", "http://127.0.0.1:9000"}, {"AWS_REGION=us-east-1"},
               "s3://bkt/a//b/./c/../d"});
  c.push_back({"DELETE, regional", boto("ap-southeast-2", "https://s3.ap-southeast-2.amazonaws.com", "virtual", "data-bkt",
                                         "x/y.bin", "delete_object", 604800),
               {"--expires", "604800", "--method", "DELETE"}, {"AWS_REGION=ap-southeast-2"}, "s3://data-bkt/x/y.bin"});
  c.push_back({"HEAD", boto("eu-central-1", "https://s3.eu-central-1.amazonaws.com", "virtual", "data-bkt", "k", "head_object", 60),
               {"--expires", "60", "--method", "HEAD"}, {"AWS_REGION=eu-central-1"}, "s3://data-bkt/k"});
  auto list = boto("us-west-1", "https://s3.us-west-1.amazonaws.com", "virtual", "data-bkt", "", "list_objects_v2", 300,
                   {{"Prefix", "models/llama 3/"}, {"MaxKeys", 10}});
  list.erase("key");
  c.push_back({"bucket-level listing with query parameters", list,
               {"--expires", "300", "--query", "list-type=2", "--query", "prefix=models/llama 3/", "--query", "max-keys=10",
                "--query", "encoding-type=url"},  // botocore adds it to every ListObjects
               {"AWS_REGION=us-west-1"}, "s3://data-bkt/"});
  return c;
}

// The first python3 that can import botocore, or the reasons none could.
std::optional<std::vector<std::string>> botocore_urls(const std::string& cases_file, std::string& why_not) {
  for (std::string python : {"python3", "/usr/bin/python3"}) {
    auto r = run_command({"/usr/bin/env", python, std::string(FERRY_SOURCE_DIR) + "/tests/integration/botocore_presign.py",
                          cases_file});
    if (r.exit_code != 0) {
      why_not += python + ": " + (r.err.empty() ? "exit " + std::to_string(r.exit_code) : r.err.substr(0, 300)) + "; ";
      if (r.exit_code == 3 || r.exit_code == 127) continue;  // no botocore / no such python: try the next
      BOOST_FAIL("botocore_presign.py failed: " << r.err);
    }
    std::vector<std::string> urls;
    json::value parsed = json::parse(r.out);
    for (auto& u : parsed.as_array()) urls.emplace_back(u.as_string());
    return urls;
  }
  return std::nullopt;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(presign_s3_botocore)

BOOST_AUTO_TEST_CASE(matches_botocore_byte_for_byte) {
  auto all = cases();
  temp_dir dir;
  json::array spec;
  for (auto& c : all) spec.push_back(c.botocore);
  write_file(dir / "cases.json", json::serialize(spec));
  std::string why_not;
  auto expected = botocore_urls(dir / "cases.json", why_not);
  if (!expected) {
    BOOST_TEST_MESSAGE("SKIPPED presign_s3_botocore: no python3 with botocore (" << why_not
                                                                                   << "); apt-get install python3-botocore");
    return;
  }
  BOOST_REQUIRE_EQUAL(expected->size(), all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    auto& c = all[i];
    std::vector<std::string> argv{FERRY_CLI_PATH, "presign", c.url, "--date", "20240501T123045Z"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    // A clean AWS environment: only what the case sets.
    std::vector<std::string> env{"HOME=/nonexistent-ferry-home", "AWS_PROFILE=", "AWS_CONFIG_FILE=",
                                 "AWS_SHARED_CREDENTIALS_FILE=", "AWS_ENDPOINT_URL=", "AWS_ENDPOINT_URL_S3=",
                                 "AWS_DEFAULT_REGION=", "AWS_SESSION_TOKEN=", "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT=",
                                 "AWS_ACCESS_KEY_ID=" + access_key, "AWS_SECRET_ACCESS_KEY=" + secret_key};
    env.insert(env.end(), c.env.begin(), c.env.end());
    auto r = run_command(argv, env);
    BOOST_TEST_CONTEXT(c.name) {
      BOOST_TEST(r.exit_code == 0, r.err);
      BOOST_TEST(r.out == (*expected)[i] + "\n");
      BOOST_TEST(r.out.find(secret_key) == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
