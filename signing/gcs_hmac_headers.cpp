#include "signing/gcs_hmac_headers.hpp"

#include "signing/sigv4.hpp"

#include <algorithm>

namespace ferry::signing {
namespace {

failure invalid(std::string msg) { return failure(error::invalid_argument, "gcs hmac signing: " + std::move(msg)); }

bool iequals(std::string_view a, std::string_view b) {
  auto low = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return low(x) == low(y); });
}

bool is_hex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

result<gcs_header_signature> gcs_hmac_sign_headers(const gcs_header_request& req, const gcs_hmac_credentials& creds) {
  if (creds.access_id.empty() || creds.secret.empty()) return invalid("HMAC access id and secret are required");
  if (!gcs_header_value_is_safe(creds.access_id) || creds.access_id.find_first_of(" /,") != std::string::npos)
    return invalid("HMAC access id has invalid characters");
  if (!gcs_is_http_token(req.method)) return invalid("bad method");
  if (req.path.empty() || req.path[0] != '/') return invalid("path must start with '/'");
  if (!gcs_header_value_is_safe(req.path) || req.path.find_first_of(" ?#") != std::string::npos)
    return invalid("path must be percent-encoded and carry no query");
  if (!gcs_time_in_range(req.time)) return invalid("signing time out of range");
  if (!gcs_location_is_valid(req.location)) return invalid("bad location");
  if (!req.payload_hash.empty() && !is_hex64(req.payload_hash) && req.payload_hash != unsigned_payload)
    return invalid("payload hash must be 64 lower-case hex digits or UNSIGNED-PAYLOAD");

  bool has_host = false;
  string_pairs headers;
  headers.reserve(req.headers.size() + 2);
  for (auto& [n, v] : req.headers) {
    if (!gcs_is_http_token(n)) return invalid("header name is not a valid token");
    if (!gcs_header_value_is_safe(v)) return invalid("header value contains CR, LF or NUL");
    // The signer owns these; a stale copy would make the signature disagree with what is sent.
    if (iequals(n, "authorization") || iequals(n, "x-goog-date") || iequals(n, "x-goog-content-sha256")) continue;
    if (iequals(n, "host")) has_host = !v.empty();
    headers.emplace_back(n, v);
  }
  if (!has_host) return invalid("the Host header is required");

  gcs_header_signature out;
  out.goog_date = format_amz_date(req.time);
  std::string date8 = out.goog_date.substr(0, 8);
  out.scope = gcs_v4_scope(date8, req.location);
  std::string payload = req.payload_hash.empty() ? std::string(unsigned_payload) : req.payload_hash;
  headers.emplace_back("x-goog-date", out.goog_date);
  headers.emplace_back("x-goog-content-sha256", payload);
  auto canon = canonical_headers(headers);
  out.signed_headers = canon.signed_list;
  // The wire path is signed as S3 does it: encoded once, %XX kept, never normalised (object names may
  // contain "//" or "..").
  out.canonical_request =
      gcs_v4_canonical_request(req.method, encode_path_once(req.path), canonical_query(req.query), canon, payload);
  out.string_to_sign = gcs_v4_string_to_sign(goog4_hmac_algorithm, out.goog_date, out.scope, out.canonical_request);
  auto sig = gcs_v4_sign(creds, out.string_to_sign, date8, req.location);
  if (!sig) return sig.error();
  out.signature = std::move(*sig);
  out.headers.emplace_back("x-goog-date", out.goog_date);
  out.headers.emplace_back("x-goog-content-sha256", payload);
  out.headers.emplace_back("Authorization", std::string(goog4_hmac_algorithm) + " Credential=" + creds.access_id + "/" +
                                                out.scope + ", SignedHeaders=" + out.signed_headers +
                                                ", Signature=" + out.signature);
  return out;
}

}  // namespace ferry::signing
