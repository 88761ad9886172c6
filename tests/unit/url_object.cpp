// ferry's location syntax: cloud URLs, Azure https URLs, file URLs, plain paths, and hostile spellings.
#include "ferry/object_url.hpp"

#include <boost/test/unit_test.hpp>

using namespace ferry;

namespace {
object_url ok(std::string_view text) {
  auto r = object_url::parse(text);
  BOOST_TEST_INFO("parsing " << text);
  BOOST_REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().what()));
  return *r;
}
failure err(std::string_view text) {
  auto r = object_url::parse(text);
  BOOST_TEST_INFO("parsing " << text);
  BOOST_REQUIRE(!r.has_value());
  return r.error();
}
}  // namespace


BOOST_AUTO_TEST_SUITE(object_url)

BOOST_AUTO_TEST_CASE(s3_and_gs) {
  auto u = ok("s3://my-bucket/path/to/key.bin");
  BOOST_TEST((u.kind == url_kind::s3));
  BOOST_TEST(u.bucket == "my-bucket");
  BOOST_TEST(u.key == "path/to/key.bin");
  BOOST_TEST(!u.is_prefix());
  BOOST_TEST(u.to_string() == "s3://my-bucket/path/to/key.bin");

  auto p = ok("s3://my-bucket/dir/");
  BOOST_TEST(p.is_prefix());
  auto root = ok("s3://my-bucket");
  BOOST_TEST(root.key == "");
  BOOST_TEST(root.is_prefix());
  // Keys are literal: no percent-decoding, spaces and '%' kept.
  BOOST_TEST(ok("s3://bkt/a%20b c").key == "a%20b c");

  auto g = ok("GS://bucket_with_underscore.example.com/obj");
  BOOST_TEST((g.kind == url_kind::gs));
  BOOST_TEST(g.bucket == "bucket_with_underscore.example.com");
}

BOOST_AUTO_TEST_CASE(azure_forms) {
  auto a = ok("az://myaccount/models/llama/weights.safetensors");
  BOOST_TEST((a.kind == url_kind::az));
  BOOST_TEST(a.account == "myaccount");
  BOOST_TEST(a.bucket == "models");
  BOOST_TEST(a.key == "llama/weights.safetensors");

  auto h = ok("https://myaccount.blob.core.windows.net/models/dir/a%20b.bin?sv=2020&sig=abc");
  BOOST_TEST((h.kind == url_kind::az));
  BOOST_TEST(h.account == "myaccount");
  BOOST_TEST(h.bucket == "models");
  BOOST_TEST(h.key == "dir/a b.bin");
  BOOST_TEST(h.url.find("sig=abc") != std::string::npos);  // kept for its SAS

  BOOST_TEST(ok("az://acct/$root/x").bucket == "$root");
  BOOST_TEST(err("az://acct").message.find("missing container") != std::string::npos);
  BOOST_TEST((err("az://Acct/c0ntainer/x").kind == error::invalid_argument));
  BOOST_TEST((err("az://ab/container/x").kind == error::invalid_argument));
  BOOST_TEST((err("az://acct/bad--name/x").kind == error::invalid_argument));
  BOOST_TEST((err("https://myaccount.blob.core.windows.net/Bad_Container/x").kind == error::invalid_argument));
}

BOOST_AUTO_TEST_CASE(http_urls_kept_whole) {
  auto h = ok("https://example.com:8443/a/b?x=1");
  BOOST_TEST((h.kind == url_kind::https));
  BOOST_TEST(h.url == "https://example.com:8443/a/b?x=1");
  BOOST_TEST((ok("http://127.0.0.1/x").kind == url_kind::http));
  BOOST_TEST((err("http:///nohost").kind == error::invalid_argument));
  BOOST_TEST((err("https://user:pw@example.com/x").kind == error::invalid_argument));
  BOOST_TEST((err("https://exa mple.com/x").kind == error::invalid_argument));
}

BOOST_AUTO_TEST_CASE(file_urls_and_paths) {
  auto f = ok("file:///tmp/a%20b/c.bin");
  BOOST_TEST((f.kind == url_kind::file));
  BOOST_TEST(f.key == "/tmp/a b/c.bin");
  BOOST_TEST(ok("file://localhost/etc/x").key == "/etc/x");
  BOOST_TEST(ok("file:/abs/p").key == "/abs/p");
  BOOST_TEST((err("file://otherhost/x").kind == error::unsupported));
  BOOST_TEST((err("file:///a%2").kind == error::invalid_argument));
  BOOST_TEST((err("file:///a%zz").kind == error::invalid_argument));
  BOOST_TEST((err("file:///a%00b").kind == error::invalid_argument));
  BOOST_TEST((err("file:///a?b").kind == error::invalid_argument));

  auto rel = ok("models/x.bin");
  BOOST_TEST((rel.kind == url_kind::local));
  BOOST_TEST(rel.key == "models/x.bin");
  BOOST_TEST(ok("/abs/dir/").is_prefix());
  BOOST_TEST((ok("a:b").kind == url_kind::local));  // a colon alone does not make a scheme
  BOOST_TEST((ok("./s3://x").kind == url_kind::local));
}

BOOST_AUTO_TEST_CASE(unknown_scheme_message) {
  auto e = err("ftp://x");
  BOOST_TEST((e.kind == error::unsupported));
  BOOST_TEST(e.message == "unknown scheme 'ftp' in 'ftp://x' (expected s3, gs, az, file, http, https or a path)");
}

BOOST_AUTO_TEST_CASE(s3_bucket_rules) {
  for (const char* good : {"abc", "my.bucket-1", "a1b", "123"}) BOOST_TEST(validate_s3_bucket(good).has_value());
  for (const char* bad : {"ab", "Abc", "a_b", "-abc", "abc-", "a..b", "a.-b", "192.168.1.1", "xn--abc",
                          "sthree-x", "abc-s3alias", "abc--ol-s3", "a b"})
    BOOST_TEST(!validate_s3_bucket(bad).has_value(), bad);
  BOOST_TEST(!validate_s3_bucket(std::string(64, 'a')).has_value());
  BOOST_TEST(validate_s3_bucket(std::string(63, 'a')).has_value());
  BOOST_TEST(err("s3:///key").message.find("missing bucket") != std::string::npos);
  BOOST_TEST(err("s3://Bad_Bucket/k").message.find("S3 bucket") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(gcs_bucket_rules) {
  BOOST_TEST(validate_gcs_bucket("a_b-c").has_value());
  std::string dotted = std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                       std::string(30, 'd');
  BOOST_TEST(dotted.size() == 222u);
  BOOST_TEST(validate_gcs_bucket(dotted).has_value());
  BOOST_TEST(!validate_gcs_bucket(dotted + "d").has_value());
  BOOST_TEST(!validate_gcs_bucket(std::string(64, 'a')).has_value());
  BOOST_TEST(!validate_gcs_bucket(std::string(64, 'a') + ".b").has_value());  // component over 63
  BOOST_TEST(!validate_gcs_bucket("googbucket").has_value());
  BOOST_TEST(!validate_gcs_bucket("my-google-bucket").has_value());
  BOOST_TEST(!validate_gcs_bucket("a..b").has_value());
  BOOST_TEST(!validate_gcs_bucket("10.0.0.1").has_value());
}

BOOST_AUTO_TEST_CASE(hostile_input) {
  BOOST_TEST((err("").kind == error::invalid_argument));
  BOOST_TEST((err(std::string_view("s3://bkt/a\0b", 12)).kind == error::invalid_argument));
  BOOST_TEST((err("s3://bkt/" + std::string(1025, 'k')).kind == error::invalid_argument));
  BOOST_TEST(ok("s3://bkt/" + std::string(1024, 'k')).key.size() == 1024u);
  // Terminal escapes in the scheme are quoted, not echoed raw.
  auto e = err("s3://\x1b[31mbucket/x");
  BOOST_TEST(e.message.find('\x1b') == std::string::npos);
  BOOST_TEST(e.message.find("\\x1b") != std::string::npos);
  BOOST_TEST((ok("\x1b[31m://x").kind == url_kind::local));  // not a scheme: a (strange) relative path
  BOOST_TEST((err("ftp+x.y-z://a").kind == error::unsupported));
  BOOST_TEST((err("s3://").kind == error::invalid_argument));
  BOOST_TEST((err("az:///c/x").kind == error::invalid_argument));
  BOOST_TEST((err("https://myaccount.blob.core.windows.net/c0nt/%zz").kind == error::invalid_argument));
}

BOOST_AUTO_TEST_SUITE_END()
