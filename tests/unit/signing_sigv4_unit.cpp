// SigV4 building blocks beyond the published vectors: path rules, query parsing, dates, hostile
// inputs, the signing-key cache under threads, unsigned aws-chunked with a trailer, the http adapter.
#include <boost/test/unit_test.hpp>

#include "signing/aws_chunked.hpp"
#include "signing/sigv4.hpp"
#include "signing/sigv4_http.hpp"

#include <random>
#include <thread>

using namespace ferry::signing;
using namespace std::chrono;

namespace {

const aws_credentials s3_creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
const sys_seconds may24 = sys_days{year{2013} / 5 / 24};

sigv4_request s3_get_range() {
  sigv4_request r;
  r.method = "GET";
  r.path = "/test.txt";
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}};
  r.payload_hash = std::string(empty_payload_sha256);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(signing_sigv4_unit)

BOOST_AUTO_TEST_CASE(path_normalisation) {
  BOOST_TEST(normalize_path("") == "/");
  BOOST_TEST(normalize_path("/") == "/");
  BOOST_TEST(normalize_path("//") == "/");
  BOOST_TEST(normalize_path("/a/./b/../c") == "/a/c");
  BOOST_TEST(normalize_path("/a/b/") == "/a/b/");
  BOOST_TEST(normalize_path("/a/b/.") == "/a/b/");
  BOOST_TEST(normalize_path("/a/b/..") == "/a/");
  BOOST_TEST(normalize_path("/../../x") == "/x");
  BOOST_TEST(normalize_path("//example//") == "/example/");
  BOOST_TEST(normalize_path("a/b") == "/a/b");
}

BOOST_AUTO_TEST_CASE(s3_and_generic_uri_rules) {
  // S3: encode once, keep already-encoded triplets (uppercased), never normalise.
  BOOST_TEST(canonical_uri("/test$file.text", uri_rules::s3, false) == "/test%24file.text");
  BOOST_TEST(canonical_uri("/a%2fb/./c//d", uri_rules::s3, true) == "/a%2Fb/./c//d");
  BOOST_TEST(canonical_uri("/100%", uri_rules::s3, false) == "/100%25");
  BOOST_TEST(canonical_uri("/x%zz", uri_rules::s3, false) == "/x%25zz");
  BOOST_TEST(canonical_uri("", uri_rules::s3, false) == "/");
  // Generic: the wire path is encoded again.
  BOOST_TEST(canonical_uri("/a%3Ab", uri_rules::generic, true) == "/a%253Ab");
  BOOST_TEST(canonical_uri("/a b/../c", uri_rules::generic, true) == "/c");
  BOOST_TEST(canonical_uri("/a b/../c", uri_rules::generic, false) == "/a%20b/../c");
}

BOOST_AUTO_TEST_CASE(query_parsing_and_canonical_order) {
  auto q = parse_query("b=2&a=1&&a=0&flag&x=%20y&bad=%zz&plus=a+b");
  BOOST_REQUIRE_EQUAL(q.size(), 7u);
  BOOST_TEST(q[3].first == "flag");
  BOOST_TEST(q[3].second == "");
  BOOST_TEST(q[4].second == " y");
  BOOST_TEST(q[5].second == "%zz");  // invalid escape kept literally
  BOOST_TEST(canonical_query(q) == "a=0&a=1&b=2&bad=%25zz&flag=&plus=a%2Bb&x=%20y");
  BOOST_TEST(canonical_query({}) == "");
}

BOOST_AUTO_TEST_CASE(random_paths_and_queries) {
  std::mt19937 rng(7);
  const std::string alphabet = "/./..%2Fa=&?+ \x01\xff~";
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    for (std::size_t j = rng() % 40; j > 0; --j) text += (rng() % 5 == 0) ? char(rng() % 256) : alphabet[rng() % alphabet.size()];
    auto n = normalize_path(text);
    BOOST_TEST_CONTEXT("path #" << i) {
      BOOST_TEST(n.front() == '/');
      BOOST_TEST(n.find("//") == std::string::npos);
      BOOST_TEST(normalize_path(n) == n);  // idempotent
    }
    // Every canonical form is printable ASCII, whatever the input bytes.
    for (auto& out : {canonical_uri(text, uri_rules::s3, false), canonical_uri(text, uri_rules::generic, true),
                      canonical_query(parse_query(text))})
      BOOST_TEST(std::all_of(out.begin(), out.end(), [](char c) { return c > 0x20 && c < 0x7f; }), "input #" << i);
  }
}

BOOST_AUTO_TEST_CASE(header_canonicalisation) {
  BOOST_TEST(canonical_header_value("  a \t  b  ") == "a b");
  BOOST_TEST(canonical_header_value("") == "");
  auto h = canonical_headers({{"X-B", "2"}, {"x-a", " 1 "}, {"X-b", "3"}});
  BOOST_TEST(h.block == "x-a:1\nx-b:2,3\n");
  BOOST_TEST(h.signed_list == "x-a;x-b");
}

BOOST_AUTO_TEST_CASE(amz_dates) {
  BOOST_TEST(format_amz_date(may24) == "20130524T000000Z");
  BOOST_TEST(format_amz_date(sys_days{year{2024} / 2 / 29} + 23h + 59min + 59s) == "20240229T235959Z");
  BOOST_TEST((parse_amz_date("20240229T235959Z").value() == sys_days{year{2024} / 2 / 29} + 23h + 59min + 59s));
  for (const char* bad : {"", "20130524", "20130524T000000", "20130524T000000z", "20130230T000000Z",
                          "20131324T000000Z", "20130524T240000Z", "20130524T006000Z", "2013052aT000000Z",
                          "19690101T000000Z", "20130524X000000Z", "+0130524T000000Z"})
    BOOST_TEST(!parse_amz_date(bad).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(s3_get_matches_docs_with_cache) {
  sigv4_key_cache cache;
  auto p = sigv4_params::s3("us-east-1", may24);
  for (int i = 0; i < 3; ++i) {
    auto sig = sigv4_sign_headers(s3_get_range(), s3_creds, p, &cache);
    BOOST_REQUIRE(sig.has_value());
    BOOST_TEST(sig->signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    BOOST_TEST(sig->signed_headers == "host;range;x-amz-content-sha256;x-amz-date");
    BOOST_TEST(sig->headers.back().first == "Authorization");
  }
  BOOST_TEST(cache.misses() == 1u);
  BOOST_TEST(cache.hits() == 2u);
  BOOST_TEST(cache.size() == 1u);
}

BOOST_AUTO_TEST_CASE(key_cache_is_thread_safe_and_keyed_by_all_parts) {
  sigv4_key_cache cache(4);
  auto want = derive_sigv4_key("secret", "20130524", "us-east-1", "s3");
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        if (cache.get("secret", "20130524", "us-east-1", "s3") != want) ++wrong;
        std::string date = "2013052", region = "r";
        date += char('0' + t);  // distinct dates per thread, so entries come and go
        region += char('0' + i % 3);
        cache.get("secret", date, region, "s3");
      }
    });
  for (auto& th : threads) th.join();
  BOOST_TEST(wrong.load() == 0);
  BOOST_TEST(cache.size() <= 4u);
  BOOST_TEST((cache.get("other", "20130524", "us-east-1", "s3") != want));
  BOOST_TEST((cache.get("secret", "20130524", "us-east-1", "sqs") != want));
}

BOOST_AUTO_TEST_CASE(session_token_modes) {
  aws_credentials c = s3_creds;
  c.session_token = "TOKEN/+=";
  auto p = sigv4_params::s3("us-east-1", may24);
  auto signed_tok = sigv4_sign_headers(s3_get_range(), c, p);
  BOOST_REQUIRE(signed_tok.has_value());
  BOOST_TEST(signed_tok->signed_headers == "host;range;x-amz-content-sha256;x-amz-date;x-amz-security-token");
  p.token_mode = session_token_mode::add_after_signing;
  auto after = sigv4_sign_headers(s3_get_range(), c, p);
  BOOST_REQUIRE(after.has_value());
  BOOST_TEST(after->signed_headers == "host;range;x-amz-content-sha256;x-amz-date");
  BOOST_TEST(after->signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  bool token_added = false;
  for (auto& [n, v] : after->headers) token_added |= (n == "X-Amz-Security-Token" && v == "TOKEN/+=");
  BOOST_TEST(token_added);

  auto pre = sigv4_presign(s3_get_range(), c, p);
  BOOST_REQUIRE(pre.has_value());
  BOOST_TEST(pre->canonical_request.find("Security-Token") == std::string::npos);
  BOOST_TEST(encode_query(pre->query).find("X-Amz-Security-Token=TOKEN%2F%2B%3D&X-Amz-Signature=") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(invalid_inputs_are_errors_without_secrets) {
  auto p = sigv4_params::s3("us-east-1", may24);
  auto no_host = s3_get_range();
  no_host.headers.erase(no_host.headers.begin());
  BOOST_TEST(!sigv4_sign_headers(no_host, s3_creds, p).has_value());
  BOOST_TEST(!sigv4_sign_headers(s3_get_range(), aws_credentials{"", "x", ""}, p).has_value());
  auto bad_region = p;
  bad_region.region = "us-east-1/evil";
  auto r = sigv4_sign_headers(s3_get_range(), s3_creds, bad_region);
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().message.find("wJalr") == std::string::npos);
  auto bad_header = s3_get_range();
  bad_header.headers.emplace_back("x-evil\r\nx-other", "1");
  BOOST_TEST(!sigv4_sign_headers(bad_header, s3_creds, p).has_value());
  auto mismatched_date = s3_get_range();
  mismatched_date.headers.emplace_back("X-Amz-Date", "20200101T000000Z");
  BOOST_TEST(!sigv4_sign_headers(mismatched_date, s3_creds, p).has_value());
  for (long e : {0L, -5L, 604801L}) {
    auto pe = p;
    pe.expires = seconds(e);
    BOOST_TEST(!sigv4_presign(s3_get_range(), s3_creds, pe).has_value(), e);
  }
  auto pe = p;
  pe.expires = seconds(604800);
  BOOST_TEST(sigv4_presign(s3_get_range(), s3_creds, pe).has_value());
  auto dup = s3_get_range();
  dup.query.emplace_back("X-Amz-Signature", "forged");
  BOOST_TEST(!sigv4_presign(dup, s3_creds, p).has_value());
}

BOOST_AUTO_TEST_CASE(unsigned_trailer_body) {
  std::string data(66560, 'a');
  string_pairs trailer = {{"x-amz-checksum-crc32c", "sOO8/Q=="}};
  std::string body = aws_chunked_encode(data, 65536, aws_chunked_mode::unsigned_trailer, nullptr, trailer);
  std::string want = "10000\r\n" + data.substr(0, 65536) + "\r\n400\r\n" + data.substr(0, 1024) +
                     "\r\n0\r\nx-amz-checksum-crc32c:sOO8/Q==\r\n\r\n";
  BOOST_TEST((body == want));
  BOOST_TEST(body.size() == 66613u);
  BOOST_TEST(aws_chunked_encoded_length(data.size(), 65536, aws_chunked_mode::unsigned_trailer, trailer) == 66613u);
  BOOST_TEST(payload_marker(aws_chunked_mode::unsigned_trailer) == "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
  // Only the value lengths matter for the length computation.
  string_pairs placeholder = {{"x-amz-checksum-crc32c", std::string(*checksum_trailer_value_length("crc32c"), '?')}};
  BOOST_TEST(aws_chunked_encoded_length(data.size(), 65536, aws_chunked_mode::unsigned_trailer, placeholder) == 66613u);
  BOOST_TEST(*checksum_trailer_value_length("crc64nvme") == 12u);
  BOOST_TEST(*checksum_trailer_value_length("sha256") == 44u);
  BOOST_TEST(!checksum_trailer_value_length("md5").has_value());
  // Empty body: just the final chunk and trailer.
  BOOST_TEST(aws_chunked_encode("", 65536, aws_chunked_mode::unsigned_trailer, nullptr, trailer) ==
             "0\r\nx-amz-checksum-crc32c:sOO8/Q==\r\n\r\n");
  BOOST_TEST(aws_chunked_encoded_length(0, 65536, aws_chunked_mode::unsigned_trailer, trailer) == 37u);
}

BOOST_AUTO_TEST_CASE(encoded_length_matches_encoding_for_many_sizes) {
  auto key = derive_sigv4_key("k", "20130524", "us-east-1", "s3");
  string_pairs trailer = {{"x-amz-checksum-crc64nvme", "AAAAAAAAAAA="}};
  for (std::size_t n : {0u, 1u, 15u, 16u, 17u, 255u, 256u, 4095u, 4096u, 4097u, 10000u})
    for (auto mode : {aws_chunked_mode::signed_chunks, aws_chunked_mode::signed_chunks_trailer,
                      aws_chunked_mode::unsigned_trailer}) {
      aws_chunk_signer s(key, "20130524T000000Z", "20130524/us-east-1/s3/aws4_request", std::string(64, '0'));
      auto tr = mode == aws_chunked_mode::signed_chunks ? string_pairs{} : trailer;
      auto body = aws_chunked_encode(std::string(n, 'z'), 4096, mode, &s, tr);
      BOOST_TEST(body.size() == aws_chunked_encoded_length(n, 4096, mode, tr), "n=" << n << " mode=" << int(mode));
    }
}

BOOST_AUTO_TEST_CASE(http_request_adapter) {
  ferry::http::request req;
  req.method = "GET";
  req.address.scheme = "https";
  req.address.host = "examplebucket.s3.amazonaws.com";
  req.address.port = 443;
  req.address.target = "/test.txt";
  req.headers.add("Range", "bytes=0-9");
  auto sig = sigv4_sign_http(req, s3_creds, sigv4_params::s3("us-east-1", may24), std::string(empty_payload_sha256));
  BOOST_REQUIRE(sig.has_value());
  BOOST_TEST(sig->signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  BOOST_TEST(req.headers.find("x-amz-date").value() == "20130524T000000Z");
  BOOST_TEST(req.headers.find("host").value() == "examplebucket.s3.amazonaws.com");
  BOOST_TEST(req.headers.find("authorization")->find("Signature=f0e8bdb8") != std::string_view::npos);

  ferry::http::request list;
  list.address = req.address;
  list.address.target = "/?max-keys=2&prefix=J";
  auto ls = sigv4_sign_http(list, s3_creds, sigv4_params::s3("us-east-1", may24), std::string(empty_payload_sha256));
  BOOST_REQUIRE(ls.has_value());
  BOOST_TEST(ls->signature == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");

  ferry::http::request get;
  get.address = req.address;
  auto p = sigv4_params::s3("us-east-1", may24);
  p.expires = seconds(86400);
  auto pre = sigv4_presign_http(get, s3_creds, p);
  BOOST_REQUIRE(pre.has_value());
  BOOST_TEST(pre->signature == "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  BOOST_TEST(get.address.target.ends_with("&X-Amz-Signature=" + pre->signature));
}

BOOST_AUTO_TEST_SUITE_END()
