// Runs every SigV4 conformance vector under shared/vectors/aws-sigv4 (see its PROVENANCE.md):
// the aws-c-auth suite (header and query variants), the S3 docs examples (incl. aws-chunked and the
// POST policy) and smithy-rs's double-encode case. Each compares the canonical request, the string
// to sign and the signature, then the signed headers or query parameters as a set.
#include <boost/test/unit_test.hpp>

#include "signing/aws_chunked.hpp"
#include "signing/encoding.hpp"
#include "signing/sigv4.hpp"
#include "signing/sigv4a.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace ferry::signing;

namespace {

std::optional<fs::path> vectors_dir(std::string& why) {
  if (const char* env = std::getenv("FERRY_VECTORS_DIR"); env && *env) {
    fs::path p = fs::path(env) / "aws-sigv4";
    if (fs::is_directory(p)) return p;
    why = "FERRY_VECTORS_DIR=" + std::string(env) + " has no aws-sigv4 folder";
    return std::nullopt;
  }
  fs::path p = fs::path(FERRY_SOURCE_DIR) / ".." / "shared" / "vectors" / "aws-sigv4";
  if (fs::is_directory(p)) return p;
  why = "neither FERRY_VECTORS_DIR is set nor " + p.string() + " exists";
  return std::nullopt;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Expected files have no trailing newline, except smithy-rs's, which its harness trims.
std::string expected(const fs::path& p) {
  std::string s = slurp(p);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

struct raw_request {
  std::string method;
  std::string target;
  string_pairs headers;
  std::string body;
};

// request.txt per PROVENANCE.md: raw target (spaces, UTF-8), "Name:value" with the value kept verbatim,
// folded lines joined with a space, duplicates kept in order, '\r' stripped, body after a blank line.
raw_request parse_request_txt(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), '\r'), text.end());
  raw_request r;
  std::size_t eol = text.find('\n');
  std::string first = text.substr(0, eol);
  std::size_t sp1 = first.find(' '), sp2 = first.rfind(' ');
  BOOST_REQUIRE(sp1 != std::string::npos);
  // smithy-rs's signed-request files omit the " HTTP/1.1" version.
  if (sp2 == sp1 || first.compare(sp2 + 1, 5, "HTTP/") != 0) sp2 = first.size();
  r.method = first.substr(0, sp1);
  r.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
  std::size_t pos = eol == std::string::npos ? text.size() : eol + 1;
  while (pos < text.size()) {
    std::size_t e = text.find('\n', pos);
    std::string line = text.substr(pos, e == std::string::npos ? std::string::npos : e - pos);
    pos = e == std::string::npos ? text.size() : e + 1;
    if (line.empty()) {
      r.body = text.substr(pos);
      break;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      BOOST_REQUIRE(!r.headers.empty());
      r.headers.back().second += " " + line;
      continue;
    }
    std::size_t colon = line.find(':');
    BOOST_REQUIRE(colon != std::string::npos);
    r.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  return r;
}

sigv4_request to_sigv4(const raw_request& r) {
  sigv4_request req;
  req.method = r.method;
  std::size_t q = r.target.find('?');
  req.path = r.target.substr(0, q);
  if (q != std::string::npos) req.query = parse_query(std::string_view(r.target).substr(q + 1));
  req.headers = r.headers;
  return req;
}

std::chrono::sys_seconds parse_iso(std::string iso) {
  std::erase(iso, '-');
  std::erase(iso, ':');
  auto t = parse_amz_date(iso);
  BOOST_REQUIRE_MESSAGE(t, "bad timestamp " << iso);
  return *t;
}

struct vector_context {
  aws_credentials creds;
  sigv4_params params;
  bool sign_body = false;
  std::string payload_hash;  // S3 cases give it
  std::string signed_headers;
};

vector_context load_context(const fs::path& file) {
  auto jv = boost::json::parse(slurp(file)).as_object();
  vector_context c;
  auto& cr = jv.at("credentials").as_object();
  c.creds.access_key_id = cr.at("access_key_id").as_string().c_str();
  c.creds.secret_access_key = cr.at("secret_access_key").as_string().c_str();
  if (auto* t = cr.if_contains("token")) c.creds.session_token = t->as_string().c_str();
  c.params.region = jv.at("region").as_string().c_str();
  c.params.service = jv.at("service").as_string().c_str();
  c.params.time = parse_iso(jv.at("timestamp").as_string().c_str());
  if (auto* n = jv.if_contains("normalize")) c.params.normalize_path = n->as_bool();
  // aws-c-auth hard-codes double encoding for its suite; the S3 files say false.
  bool double_encode = true;
  if (auto* d = jv.if_contains("double_uri_encode")) double_encode = d->as_bool();
  c.params.rules = double_encode ? uri_rules::generic : uri_rules::s3;
  if (auto* e = jv.if_contains("expiration_in_seconds")) c.params.expires = std::chrono::seconds(e->as_int64());
  if (auto* s = jv.if_contains("sign_body")) c.sign_body = s->as_bool();
  if (auto* o = jv.if_contains("omit_session_token"); o && o->as_bool())
    c.params.token_mode = session_token_mode::add_after_signing;
  if (auto* p = jv.if_contains("payload_hash")) c.payload_hash = p->as_string().c_str();
  if (auto* s = jv.if_contains("signed_headers")) c.signed_headers = s->as_string().c_str();
  return c;
}

// Drops the signature itself (SigV4a's is randomised) from an Authorization value.
std::string without_signature(std::string v) {
  auto pos = v.find("Signature=");
  return pos == std::string::npos ? v : v.substr(0, pos);
}

using header_set = std::vector<std::string>;  // "name:value" lines, printable in failure messages

header_set normalized(const string_pairs& h, bool drop_signature = false) {
  header_set out;
  for (auto& [n, v] : h) {
    std::string ln = n;
    for (auto& c : ln) c = char(std::tolower(static_cast<unsigned char>(c)));
    std::string value = canonical_header_value(v);
    if (drop_signature && ln == "authorization") value = without_signature(value);
    out.push_back(ln + ":" + value);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// One signed vector: `variant` is "header" or "query". Returns false if the case lacks that variant.
// For SigV4a the signature is verified with public-key.json instead of compared.
bool run_variant(const fs::path& dir, const std::string& variant, bool v4a = false) {
  if (!fs::exists(dir / (variant + "-canonical-request.txt"))) return false;
  BOOST_TEST_CONTEXT("case " << dir.parent_path().filename().string() << "/" << dir.filename().string() << " ("
                             << variant << ")") {
    auto ctx = load_context(dir / "context.json");
    auto raw = parse_request_txt(slurp(dir / "request.txt"));
    auto req = to_sigv4(raw);
    if (!ctx.payload_hash.empty()) {
      req.payload_hash = ctx.payload_hash;
    } else if (ctx.sign_body) {
      req.payload_hash = sha256_hex(raw.body);
      ctx.params.add_content_sha256_header = variant == "header";
    }
    ferry::result<sigv4_signature> sig = ferry::failure(ferry::error::invalid_argument, "not signed");
    if (v4a) {
      auto key = sigv4a_key::derive(ctx.creds);
      BOOST_REQUIRE(key.has_value());
      auto pub = boost::json::parse(slurp(dir / "public-key.json")).as_object();
      std::string want_x = pub.at("X").as_string().c_str(), want_y = pub.at("Y").as_string().c_str();
      BOOST_TEST(key->public_x_hex() == want_x);  // the key derivation, exactly
      BOOST_TEST(key->public_y_hex() == want_y);
      sig = variant == "header" ? sigv4a_sign_headers(req, ctx.creds, ctx.params, &*key)
                                : sigv4a_presign(req, ctx.creds, ctx.params, &*key);
      BOOST_REQUIRE_MESSAGE(sig.has_value(), "signing failed: " << sig.error().message);
      auto ours = sigv4a_verify(sig->string_to_sign, sig->signature, want_x, want_y);
      BOOST_TEST((ours.has_value() && *ours), "our ECDSA signature does not verify");
      auto sample = sigv4a_verify(sig->string_to_sign, expected(dir / (variant + "-signature.txt")), want_x, want_y);
      BOOST_TEST((sample.has_value() && *sample), "the published sample signature does not verify");
      auto tampered = sigv4a_verify(sig->string_to_sign + "x", sig->signature, want_x, want_y);
      BOOST_TEST((tampered.has_value() && !*tampered));
      if (variant == "header" && fs::exists(dir / "canonical-request.txt")) {
        BOOST_TEST(sig->canonical_request == expected(dir / "canonical-request.txt"));
        BOOST_TEST(sig->string_to_sign == expected(dir / "string-to-sign.txt"));
      }
    } else {
      sig = variant == "header" ? sigv4_sign_headers(req, ctx.creds, ctx.params)
                                : sigv4_presign(req, ctx.creds, ctx.params);
      BOOST_REQUIRE_MESSAGE(sig.has_value(), "signing failed: " << sig.error().message);
      BOOST_TEST(sig->signature == expected(dir / (variant + "-signature.txt")));
    }
    BOOST_TEST(sig->canonical_request == expected(dir / (variant + "-canonical-request.txt")));
    BOOST_TEST(sig->string_to_sign == expected(dir / (variant + "-string-to-sign.txt")));
    if (!ctx.signed_headers.empty()) BOOST_TEST(sig->signed_headers == ctx.signed_headers);

    fs::path signed_file = dir / (variant + "-signed-request.txt");
    if (!fs::exists(signed_file)) return true;
    auto want = parse_request_txt(slurp(signed_file));
    if (variant == "header") {
      // Header order is not normative: compare as a multiset, including Authorization.
      string_pairs got = raw.headers;
      got.insert(got.end(), sig->headers.begin(), sig->headers.end());
      BOOST_TEST(normalized(got, v4a) == normalized(want.headers, v4a), boost::test_tools::per_element());
    } else {
      auto want_req = to_sigv4(want);
      string_pairs got = req.query;
      got.insert(got.end(), sig->query.begin(), sig->query.end());
      auto lines = [v4a](const string_pairs& q) {
        std::vector<std::string> out;
        for (auto& [n, v] : q) out.push_back(n + "=" + (v4a && n == "X-Amz-Signature" ? "" : v));
        std::sort(out.begin(), out.end());
        return out;
      };
      BOOST_TEST(lines(got) == lines(want_req.query), boost::test_tools::per_element());
      BOOST_TEST(normalized(raw.headers) == normalized(want.headers), boost::test_tools::per_element());
    }
  }
  return true;
}

std::string repeat_byte(const boost::json::object& data) {
  std::string b = data.at("byte").as_string().c_str();
  return std::string(static_cast<std::size_t>(data.at("count").as_int64()), b.at(0));
}

// The chunk signature chain, framing, trailer and encoded length of a chunked-* case.
void run_chunks(const fs::path& dir) {
  BOOST_TEST_CONTEXT("chunked case " << dir.filename().string()) {
    auto ctx = load_context(dir / "context.json");
    auto jv = boost::json::parse(slurp(dir / "chunks.json")).as_object();
    std::string seed = jv.at("seed_signature").as_string().c_str();
    BOOST_TEST(seed == expected(dir / "header-signature.txt"));
    std::string amz_date = format_amz_date(ctx.params.time);
    std::string scope = amz_date.substr(0, 8) + "/" + ctx.params.region + "/" + ctx.params.service + "/aws4_request";
    auto key = sigv4_signing_key(ctx.creds, ctx.params);
    aws_chunk_signer signer(key, amz_date, scope, seed);
    std::string decoded;
    std::uint64_t chunk_size = 0;
    for (auto& cv : jv.at("chunks").as_array()) {
      auto& c = cv.as_object();
      std::string data = repeat_byte(c.at("data").as_object());
      chunk_size = std::max<std::uint64_t>(chunk_size, data.size());
      decoded += data;
      BOOST_TEST(sha256_hex(data) == c.at("data_sha256").as_string().c_str());
      BOOST_TEST(signer.previous_signature() == c.at("previous_signature").as_string().c_str());
      BOOST_TEST(signer.chunk_string_to_sign(data) == c.at("string_to_sign").as_string().c_str());
      std::string sig = signer.sign_chunk(data);
      BOOST_TEST(sig == c.at("signature").as_string().c_str());
      BOOST_TEST(chunk_header(data.size(), sig) == c.at("wire_header").as_string().c_str());
    }
    string_pairs trailers;
    aws_chunked_mode mode = aws_chunked_mode::signed_chunks;
    if (auto* tv = jv.if_contains("trailer")) {
      mode = aws_chunked_mode::signed_chunks_trailer;
      auto& t = tv->as_object();
      for (auto& h : t.at("headers").as_array())
        trailers.emplace_back(h.at("name").as_string().c_str(), h.at("value").as_string().c_str());
      BOOST_TEST(canonical_trailer(trailers) == t.at("canonical_trailer").as_string().c_str());
      BOOST_TEST(sha256_hex(canonical_trailer(trailers)) == t.at("canonical_trailer_sha256").as_string().c_str());
      BOOST_TEST(signer.previous_signature() == t.at("previous_signature").as_string().c_str());
      BOOST_TEST(signer.trailer_string_to_sign(trailers) == t.at("string_to_sign").as_string().c_str());
      std::string tsig = signer.sign_trailer(trailers);
      BOOST_TEST(tsig == t.at("signature").as_string().c_str());
      BOOST_TEST(chunked_trailer_block(trailers, tsig) == t.at("wire").as_string().c_str());
    }
    BOOST_TEST(decoded.size() == std::size_t(jv.at("decoded_content_length").as_int64()));
    auto want_len = std::uint64_t(jv.at("encoded_body_length").as_int64());
    BOOST_TEST(aws_chunked_encoded_length(decoded.size(), chunk_size, mode, trailers) == want_len);
    // The whole body, re-signed from the seed, byte for byte.
    aws_chunk_signer again(key, amz_date, scope, seed);
    std::string body = aws_chunked_encode(decoded, chunk_size, mode, &again, trailers);
    BOOST_TEST(body.size() == want_len);
    BOOST_TEST(sha256_hex(body) == jv.at("encoded_body_sha256").as_string().c_str());
  }
}

void run_post_policy(const fs::path& dir) {
  auto ctx = load_context(dir / "context.json");
  std::string policy = slurp(dir / "policy.json");
  std::string b64 = base64(policy);
  BOOST_TEST(b64 == expected(dir / "string-to-sign.txt"));
  BOOST_TEST(sigv4_sign_string(sigv4_signing_key(ctx.creds, ctx.params), b64) == expected(dir / "signature.txt"));
}

std::vector<fs::path> subdirs(const fs::path& p) {
  std::vector<fs::path> out;
  if (fs::is_directory(p))
    for (auto& e : fs::directory_iterator(p))
      if (e.is_directory()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(signing_sigv4_vectors)

BOOST_AUTO_TEST_CASE(aws_signing_test_suite_v4) {
  std::string why;
  auto root = vectors_dir(why);
  if (!root) {
    BOOST_TEST_MESSAGE("SKIPPED aws-signing-test-suite/v4: " << why);
    return;
  }
  int cases = 0, header = 0, query = 0;
  for (auto& dir : subdirs(*root / "aws-signing-test-suite" / "v4")) {
    ++cases;
    header += run_variant(dir, "header");
    query += run_variant(dir, "query");
  }
  BOOST_TEST_MESSAGE("aws-signing-test-suite/v4: " << cases << " cases, " << header << " header + " << query
                                                   << " query vectors");
  // PROVENANCE.md: 38 cases, each with both variants. A short count means files went missing.
  BOOST_TEST(cases == 38);
  BOOST_TEST(header == 38);
  BOOST_TEST(query == 38);
}

BOOST_AUTO_TEST_CASE(s3_docs_examples) {
  std::string why;
  auto root = vectors_dir(why);
  if (!root) {
    BOOST_TEST_MESSAGE("SKIPPED s3-docs-examples: " << why);
    return;
  }
  int cases = 0, signed_vectors = 0, chunked = 0, policies = 0;
  for (auto& dir : subdirs(*root / "s3-docs-examples")) {
    ++cases;
    if (fs::exists(dir / "policy.json")) {
      run_post_policy(dir);
      ++policies;
      continue;
    }
    int n = run_variant(dir, "header") + run_variant(dir, "query");
    BOOST_TEST(n >= 1, "no signed variant in " << dir);
    signed_vectors += n;
    if (fs::exists(dir / "chunks.json")) {
      run_chunks(dir);
      ++chunked;
    }
  }
  BOOST_TEST_MESSAGE("s3-docs-examples: " << cases << " cases (" << signed_vectors << " signed, " << chunked
                                          << " chunked, " << policies << " POST policy)");
  BOOST_TEST(cases == 9);
  BOOST_TEST(signed_vectors == 8);
  BOOST_TEST(chunked == 3);
  BOOST_TEST(policies == 1);
}

BOOST_AUTO_TEST_CASE(smithy_rs_extras) {
  std::string why;
  auto root = vectors_dir(why);
  if (!root) {
    BOOST_TEST_MESSAGE("SKIPPED smithy-rs-extras: " << why);
    return;
  }
  int n = 0;
  for (auto& dir : subdirs(*root / "smithy-rs-extras" / "v4")) n += run_variant(dir, "header");
  BOOST_TEST_MESSAGE("smithy-rs-extras/v4: " << n << " vectors");
  BOOST_TEST(n == 1);
}

BOOST_AUTO_TEST_CASE(aws_signing_test_suite_v4a) {
  std::string why;
  auto root = vectors_dir(why);
  if (!root) {
    BOOST_TEST_MESSAGE("SKIPPED aws-signing-test-suite/v4a: " << why);
    return;
  }
  int folders = 0, header = 0, query = 0, incomplete = 0;
  for (auto& dir : subdirs(*root / "aws-signing-test-suite" / "v4a")) {
    ++folders;
    int h = run_variant(dir, "header", true), q = run_variant(dir, "query", true);
    header += h;
    query += q;
    // PROVENANCE.md: two folders hold only request.txt and context.json; aws-c-auth skips them too.
    if (!h && !q) ++incomplete;
  }
  BOOST_TEST_MESSAGE("aws-signing-test-suite/v4a: " << folders << " folders, " << header << " header + " << query
                                                    << " query vectors, " << incomplete << " incomplete (skipped)");
  BOOST_TEST(folders == 40);
  BOOST_TEST(header == 38);
  BOOST_TEST(query == 38);
  BOOST_TEST(incomplete == 2);
}

BOOST_AUTO_TEST_SUITE_END()
