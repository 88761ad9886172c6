// Presigned S3 URLs: the pure URL builder against the S3 docs example, addressing styles, and one
// end-to-end run of `ferry presign` with a controlled environment.
#include <boost/test/unit_test.hpp>

#include "signing/sigv4_presign_url.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/wait.h>
#include <unistd.h>

using namespace ferry::signing;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {

const aws_credentials docs_creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
const sys_seconds may24 = sys_days{year{2013} / 5 / 24};

// s3-docs-examples/presigned-get-object/query-signed-url.txt (AWS S3 API Reference).
const std::string docs_url =
    "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
    "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&"
    "X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

s3_presign_input docs_input() {
  s3_presign_input in;
  in.bucket = "examplebucket";
  in.key = "test.txt";
  in.region = "us-east-1";
  in.time = may24;
  in.expires = seconds(86400);
  in.endpoint = "https://s3.amazonaws.com";
  in.style = s3_url_style::virtual_hosted;
  return in;
}

struct run_result {
  int status = -1;
  std::string out, err;
};

std::string drain(int fd) {
  std::string s;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) s.append(buf, std::size_t(n));
  ::close(fd);
  return s;
}

// Runs the ferry CLI with exactly the environment given (nothing inherited).
run_result run_cli(std::vector<std::string> args, std::vector<std::string> env) {
  int out[2], err[2];
  BOOST_REQUIRE(::pipe(out) == 0 && ::pipe(err) == 0);
  pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::close(out[0]);
    ::close(err[0]);
    std::vector<char*> argv{const_cast<char*>(FERRY_CLI_PATH)};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    ::execve(FERRY_CLI_PATH, argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  run_result r;
  r.out = drain(out[0]);  // outputs are a few hundred bytes: no deadlock reading one after the other
  r.err = drain(err[0]);
  int st = 0;
  ::waitpid(pid, &st, 0);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(signing_sigv4_presign)

BOOST_AUTO_TEST_CASE(docs_example_url) {
  auto r = s3_presign_url(docs_input(), docs_creds);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->url == docs_url);
  BOOST_TEST(r->host == "examplebucket.s3.amazonaws.com");
  // The same through a bucket-bound host.
  auto in = docs_input();
  in.endpoint.clear();
  in.style = s3_url_style::bucket_bound_host;
  in.bucket_bound_host = "examplebucket.s3.amazonaws.com";
  auto b = s3_presign_url(in, docs_creds);
  BOOST_REQUIRE(b.has_value());
  BOOST_TEST(b->url == docs_url);
  // And with no endpoint at all: us-east-1 presigns on the global host, like AWS's example, botocore and the CLI.
  in = docs_input();
  in.endpoint.clear();
  in.style = s3_url_style::automatic;
  auto d = s3_presign_url(in, docs_creds);
  BOOST_REQUIRE(d.has_value());
  BOOST_TEST(d->url == docs_url);
  in.us_east_1_regional_endpoint = true;  // AWS_S3_US_EAST_1_REGIONAL_ENDPOINT=regional
  auto regional = s3_presign_url(in, docs_creds);
  BOOST_REQUIRE(regional.has_value());
  BOOST_TEST(regional->host == "examplebucket.s3.us-east-1.amazonaws.com");
  // And against the vector file itself when the shared folder is there.
  fs::path file = fs::path(FERRY_SOURCE_DIR) / ".." / "shared" / "vectors" / "aws-sigv4" / "s3-docs-examples" /
                  "presigned-get-object" / "query-signed-url.txt";
  if (const char* env = std::getenv("FERRY_VECTORS_DIR"))
    file = fs::path(env) / "aws-sigv4" / "s3-docs-examples" / "presigned-get-object" / "query-signed-url.txt";
  if (fs::exists(file)) {
    std::ifstream f(file, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    BOOST_TEST(r->url == ss.str());
  } else {
    BOOST_TEST_MESSAGE("vector file " << file << " not found; compared with the embedded copy only");
  }
}

BOOST_AUTO_TEST_CASE(addressing_styles) {
  s3_presign_input in;
  in.bucket = "my-bucket";
  in.key = "dir/a b+c.txt";
  in.region = "eu-west-1";
  in.time = may24;
  auto v = s3_presign_url(in, docs_creds);
  BOOST_REQUIRE(v.has_value());
  BOOST_TEST(v->url.starts_with("https://my-bucket.s3.eu-west-1.amazonaws.com/dir/a%20b%2Bc.txt?X-Amz-Algorithm="));
  BOOST_TEST(v->signature.canonical_request.find("\n/dir/a%20b%2Bc.txt\n") != std::string::npos);

  in.style = s3_url_style::path;
  auto p = s3_presign_url(in, docs_creds);
  BOOST_REQUIRE(p.has_value());
  BOOST_TEST(p->url.starts_with("https://s3.eu-west-1.amazonaws.com/my-bucket/dir/a%20b%2Bc.txt?"));

  // Dotted buckets and custom endpoints default to path style.
  in.style = s3_url_style::automatic;
  in.bucket = "my.bucket";
  BOOST_TEST(s3_presign_url(in, docs_creds)->url.starts_with("https://s3.eu-west-1.amazonaws.com/my.bucket/"));
  in.bucket = "my-bucket";
  in.endpoint = "http://LOCALHOST:9000/";
  in.scheme = "";
  auto e = s3_presign_url(in, docs_creds);
  BOOST_REQUIRE(e.has_value());
  BOOST_TEST(e->url.starts_with("http://localhost:9000/my-bucket/dir/a%20b%2Bc.txt?"));
  BOOST_TEST(e->host == "localhost:9000");
  in.endpoint = "https://minio.example:443/base";
  BOOST_TEST(s3_presign_url(in, docs_creds)->url.starts_with("https://minio.example/base/my-bucket/dir/"));
  in.endpoint.clear();
  in.scheme = "http";
  BOOST_TEST(s3_presign_url(in, docs_creds)->url.starts_with("http://my-bucket.s3.eu-west-1.amazonaws.com/"));
}

BOOST_AUTO_TEST_CASE(extra_headers_and_query_are_signed) {
  auto in = docs_input();
  in.headers = {{"Content-Type", "text/plain"}, {"host", "ignored.example"}};
  in.query = {{"response-content-disposition", "attachment; filename=\"x y.txt\""}};
  in.method = "PUT";
  auto r = s3_presign_url(in, docs_creds);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->signature.signed_headers == "content-type;host");
  BOOST_TEST(r->url.find("/test.txt?response-content-disposition=attachment%3B%20filename%3D%22x%20y.txt%22&X-Amz-") !=
             std::string::npos);
  BOOST_TEST(r->signature.canonical_request.starts_with("PUT\n/test.txt\nX-Amz-Algorithm="));
  BOOST_TEST(r->signature.canonical_request.find("&response-content-disposition=attachment%3B%20filename") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_inputs) {
  auto in = docs_input();
  in.bucket = "";
  BOOST_TEST(!s3_presign_url(in, docs_creds).has_value());
  in = docs_input();
  in.bucket = "Bad_Bucket";
  BOOST_TEST(!s3_presign_url(in, docs_creds).has_value());  // explicit virtual style needs a DNS name
  in.style = s3_url_style::path;
  BOOST_TEST(s3_presign_url(in, docs_creds).has_value());
  in = docs_input();
  in.endpoint = "ftp://x";
  BOOST_TEST(!s3_presign_url(in, docs_creds).has_value());
  in.endpoint = "https://";
  BOOST_TEST(!s3_presign_url(in, docs_creds).has_value());
  in.endpoint = "https://h?x=1";
  BOOST_TEST(!s3_presign_url(in, docs_creds).has_value());
  in = docs_input();
  in.region = "us-east-1\nx";
  BOOST_TEST(!s3_presign_url(in, docs_creds).has_value());
  in = docs_input();
  in.style = s3_url_style::bucket_bound_host;
  in.bucket_bound_host = "";
  BOOST_TEST(!s3_presign_url(in, docs_creds).has_value());
  in = docs_input();
  in.expires = seconds(604801);
  BOOST_TEST(!s3_presign_url(in, docs_creds).has_value());
}

BOOST_AUTO_TEST_CASE(cli_end_to_end) {
  if (!fs::exists(FERRY_CLI_PATH)) {
    BOOST_TEST_MESSAGE("SKIPPED: " << FERRY_CLI_PATH << " not built");
    return;
  }
  std::vector<std::string> env = {"HOME=/nonexistent-ferry-home", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
                                  "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};
  auto r = run_cli({"presign", "s3://examplebucket/test.txt", "--date", "20130524T000000Z", "--expires", "86400",
                    "--endpoint", "https://s3.amazonaws.com", "--url-style", "virtual"},
                   env);
  BOOST_TEST(r.status == 0);
  BOOST_TEST(r.out == docs_url + "\n");
  BOOST_TEST(r.err == "");
  // AWS's published example needs no flag at all: us-east-1 is the default region and presigns on the global host.
  auto plain = run_cli({"presign", "s3://examplebucket/test.txt", "--date", "20130524T000000Z", "--expires", "86400"}, env);
  BOOST_TEST(plain.status == 0);
  BOOST_TEST(plain.out == docs_url + "\n");

  // Region from the environment, virtual-hosted by default.
  auto env2 = env;
  env2.push_back("AWS_REGION=eu-west-1");
  auto v = run_cli({"presign", "s3://my-bucket/k", "--date", "20130524T000000Z"}, env2);
  BOOST_TEST(v.status == 0);
  BOOST_TEST(v.out.starts_with("https://my-bucket.s3.eu-west-1.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&"));
  BOOST_TEST(v.out.find("X-Amz-Expires=3600&") != std::string::npos);

  // Errors: one line on stderr, nothing on stdout, a non-zero status, no secret.
  auto bad_date = run_cli({"presign", "s3://b/k", "--date", "yesterday"}, env);
  BOOST_TEST(bad_date.status != 0);
  BOOST_TEST(bad_date.out == "");
  BOOST_TEST(std::count(bad_date.err.begin(), bad_date.err.end(), '\n') == 1);
  BOOST_TEST(bad_date.err.find("--date") != std::string::npos);
  auto no_creds = run_cli({"presign", "s3://b/k"}, {"HOME=/nonexistent-ferry-home"});
  BOOST_TEST(no_creds.status != 0);
  BOOST_TEST(no_creds.err.find("no AWS credentials found") != std::string::npos);
  auto too_long = run_cli({"presign", "s3://b/k", "--expires", "604801"}, env);
  BOOST_TEST(too_long.status != 0);
  BOOST_TEST(too_long.err.find("wJalr") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
