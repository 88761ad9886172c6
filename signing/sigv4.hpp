// AWS Signature Version 4: header signing (Authorization) and query signing (presigned URLs).
// Pure: no I/O and no clock. The request is described without Beast (see sigv4_http.hpp for an
// adapter to ferry::http::request); the caller applies the headers or parameters returned.
#pragma once

#include "ferry/error.hpp"
#include "signing/aws_credentials.hpp"
#include "signing/canonical_request.hpp"
#include "signing/sigv4_key_cache.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::signing {

inline constexpr std::string_view sigv4_algorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view unsigned_payload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view empty_payload_sha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr long max_presign_expires = 604800;  // 7 days

// What to sign. Every header listed is signed unless is_unsignable_header() says otherwise.
struct sigv4_request {
  std::string method = "GET";
  std::string path = "/";     // as sent on the wire, without the query string
  string_pairs query;         // DECODED names and values (parse_query() turns a raw query into these)
  string_pairs headers;       // must contain Host
  std::string payload_hash;   // hex SHA-256 of the body, UNSIGNED-PAYLOAD or a STREAMING-* marker;
                              // empty means the SHA-256 of an empty body
};

enum class session_token_mode {
  sign,               // X-Amz-Security-Token is part of what is signed (the norm)
  add_after_signing,  // some services (old STS/IoT) want it added after the signature
};

struct sigv4_params {
  std::string region;
  std::string service;
  std::chrono::sys_seconds time{};  // the signing instant; the caller reads the clock
  uri_rules rules = uri_rules::generic;
  bool normalize_path = true;             // generic rules only
  bool add_content_sha256_header = false; // header mode: add x-amz-content-sha256 (S3 requires it)
  session_token_mode token_mode = session_token_mode::sign;
  std::chrono::seconds expires{3600};     // query mode only: 1 .. 604800

  // S3's rules: single-encoded, unnormalised path, x-amz-content-sha256 header.
  static sigv4_params s3(std::string region, std::chrono::sys_seconds time);
};

// Everything the signer computed; the intermediate strings are kept for tests and for comparing with a
// SignatureDoesNotMatch response (they hold no secret).
struct sigv4_signature {
  std::string amz_date;           // YYYYMMDDTHHMMSSZ
  std::string scope;              // date/region/service/aws4_request
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;     // "host;x-amz-date"
  std::string signature;          // 64 hex digits
  // Header mode: headers to set on the request, Authorization last. Query mode: empty.
  string_pairs headers;
  // Query mode: the X-Amz-* parameters (decoded values) to append to the request's own, signature last.
  string_pairs query;
};

// Signs with an Authorization header.
result<sigv4_signature> sigv4_sign_headers(const sigv4_request& req, const aws_credentials& creds,
                                           const sigv4_params& params, sigv4_key_cache* cache = nullptr);

// Signs with query parameters (a presigned URL).
result<sigv4_signature> sigv4_presign(const sigv4_request& req, const aws_credentials& creds,
                                      const sigv4_params& params, sigv4_key_cache* cache = nullptr);

// The signing key for the params' date, region and service (from the cache when given).
sha256_digest sigv4_signing_key(const aws_credentials& creds, const sigv4_params& params,
                                sigv4_key_cache* cache = nullptr);

// hex(HMAC(key, text)): the last step, also used alone for S3 POST policies (text = base64 policy).
std::string sigv4_sign_string(const sha256_digest& signing_key, std::string_view text);

// "AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex sha256(canonical request)>".
std::string sigv4_string_to_sign(std::string_view amz_date, std::string_view scope,
                                 std::string_view canonical_request, std::string_view algorithm = sigv4_algorithm);

// YYYYMMDDTHHMMSSZ <-> time. parse accepts exactly that form and a valid calendar date.
std::string format_amz_date(std::chrono::sys_seconds t);
std::optional<std::chrono::sys_seconds> parse_amz_date(std::string_view text);

// "a=1&b=%20" in the order given (for building the URL that is sent, not the canonical form).
std::string encode_query(const string_pairs& decoded_params);

namespace detail {
// What SigV4a changes (sigv4a.hpp): the algorithm name, a scope without region, the signed
// X-Amz-Region-Set, and the last step (ECDSA instead of HMAC).
struct sigv4_flavor {
  std::string_view algorithm = sigv4_algorithm;
  bool region_in_scope = true;
  std::string_view region_set;  // non-empty: added as X-Amz-Region-Set (header or parameter)
  std::function<result<std::string>(std::string_view string_to_sign, std::string_view date8)> sign;
};
result<sigv4_signature> sign_headers_as(const sigv4_request& req, const aws_credentials& creds,
                                        const sigv4_params& params, const sigv4_flavor& flavor);
result<sigv4_signature> presign_as(const sigv4_request& req, const aws_credentials& creds,
                                   const sigv4_params& params, const sigv4_flavor& flavor);
}  // namespace detail

}  // namespace ferry::signing
