#include "signing/gcs_signed_url.hpp"

#include "signing/encoding.hpp"
#include "signing/sigv4.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace ferry::signing {
namespace {

failure invalid(std::string msg) { return failure(error::invalid_argument, "gcs signed url: " + std::move(msg)); }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

// "[scheme://]host[:port][/]" split into its scheme (may stay empty) and authority.
struct endpoint_parts {
  std::string scheme;
  std::string authority;  // host[:port] as given
};

result<endpoint_parts> parse_endpoint(std::string_view text, std::string_view what) {
  endpoint_parts out;
  if (auto p = text.find("://"); p != std::string_view::npos) {
    out.scheme = to_lower(text.substr(0, p));
    if (out.scheme != "http" && out.scheme != "https") return invalid(std::string(what) + ": scheme must be http or https");
    text.remove_prefix(p + 3);
  }
  if (!text.empty() && text.back() == '/') text.remove_suffix(1);
  if (text.empty() || text.size() > 255) return invalid(std::string(what) + ": missing or overlong host");
  for (unsigned char c : text) {
    // No path, query, userinfo, spaces or controls: the authority goes verbatim into the signed Host.
    if (c <= 0x20 || c >= 0x7f || c == '/' || c == '?' || c == '#' || c == '@' || c == '\\')
      return invalid(std::string(what) + ": must be [scheme://]host[:port]");
  }
  // A port, when present, is 1..65535 (brackets keep IPv6 colons out of the way).
  auto colon = text.rfind(':');
  auto bracket = text.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    auto port = text.substr(colon + 1);
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(std::string(port)) == 0 || std::stoi(std::string(port)) > 65535)
      return invalid(std::string(what) + ": bad port");
    if (colon == 0) return invalid(std::string(what) + ": missing host");
  }
  out.authority = std::string(text);
  return out;
}

// The Host value that is signed: the host name without any port. That is what the conformance suite
// requires ("Simple GET with non-default hostname" signs host:localhost for localhost:8080, and
// storage.googleapis.com:443 signs as storage.googleapis.com), matching the client libraries, which sign
// the URL's hostname. Real GCS endpoints use default ports, so nothing is lost there.
std::string signed_host(std::string_view authority) {
  auto colon = authority.rfind(':');
  auto bracket = authority.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket))
    authority = authority.substr(0, colon);
  return std::string(authority);
}

bool valid_bucket(std::string_view b) {
  if (b.size() < 3 || b.size() > 222) return false;
  return std::all_of(b.begin(), b.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

// Well-formed UTF-8: shortest form, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp, min;
    if ((c & 0xe0) == 0xc0) len = 2, cp = c & 0x1f, min = 0x80;
    else if ((c & 0xf0) == 0xe0) len = 3, cp = c & 0x0f, min = 0x800;
    else if ((c & 0xf8) == 0xf0) len = 4, cp = c & 0x07, min = 0x10000;
    else return false;
    if (s.size() - i < len) return false;
    for (std::size_t k = 1; k < len; ++k) {
      unsigned char d = s[i + k];
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

bool valid_object(std::string_view o) {
  // GCS object names: at most 1024 bytes of UTF-8, no CR or LF.
  return o.size() <= 1024 && o.find_first_of("\r\n") == std::string_view::npos && valid_utf8(o);
}

bool is_method(std::string_view m) {
  return !m.empty() && m.size() <= 16 && std::all_of(m.begin(), m.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

constexpr std::array<std::string_view, 6> reserved_params = {
    "x-goog-algorithm", "x-goog-credential", "x-goog-date", "x-goog-expires", "x-goog-signedheaders", "x-goog-signature"};

result<void> check_credentials(const gcs_credentials& c) {
  if (auto* h = std::get_if<gcs_hmac_credentials>(&c)) {
    if (h->access_id.empty() || h->secret.empty()) return invalid("HMAC access id and secret are required");
    if (!gcs_header_value_is_safe(h->access_id) || h->access_id.find_first_of(" /") != std::string::npos)
      return invalid("HMAC access id has invalid characters");
    return {};
  }
  auto& r = std::get<gcs_rsa_credentials>(c);
  if (r.client_email.empty() || r.private_key_pem.empty()) return invalid("service account e-mail and private key are required");
  if (!gcs_header_value_is_safe(r.client_email) || r.client_email.find_first_of(" /") != std::string::npos)
    return invalid("service account e-mail has invalid characters");
  return {};
}

}  // namespace

result<gcs_signed_url_result> gcs_sign_url(const gcs_signed_url_request& req) {
  if (!is_method(req.method)) return invalid("method must be an upper-case HTTP method");
  if (req.expires.count() < 1 || req.expires.count() > gcs_max_expires) return invalid("expiry must be 1..604800 seconds");
  if (!gcs_time_in_range(req.time)) return invalid("signing time out of range");
  if (!gcs_location_is_valid(req.location)) return invalid("bad location");
  if (!valid_object(req.object)) return invalid("object name must be UTF-8, at most 1024 bytes, without CR/LF");
  if (req.style != gcs_url_style::bucket_bound_host && !valid_bucket(req.bucket))
    return invalid("bucket name must be 3-222 characters of a-z 0-9 - _ .");
  if (auto ok = check_credentials(req.credentials); !ok) return ok.error();
  if (!req.scheme.empty() && req.scheme != "http" && req.scheme != "https") return invalid("scheme must be http or https");

  // Where the URL points: scheme, authority as written in the URL, Host as signed, and the path.
  endpoint_parts ep;
  if (req.style == gcs_url_style::bucket_bound_host) {
    if (req.bucket_bound_host.empty()) return invalid("bucket_bound_host style needs a host");
    auto p = parse_endpoint(req.bucket_bound_host, "bucket-bound host");
    if (!p) return p.error();
    ep = std::move(*p);
  } else if (!req.endpoint.empty()) {
    auto p = parse_endpoint(req.endpoint, "endpoint");
    if (!p) return p.error();
    ep = std::move(*p);
  } else {
    if (req.universe_domain.empty()) return invalid("universe domain is empty");
    auto p = parse_endpoint("storage." + req.universe_domain, "universe domain");
    if (!p) return p.error();
    ep = std::move(*p);
  }
  std::string scheme = !ep.scheme.empty() ? ep.scheme : !req.scheme.empty() ? req.scheme : "https";
  std::string authority = ep.authority;
  if (req.style == gcs_url_style::virtual_hosted) authority = req.bucket + "." + authority;
  std::string host = signed_host(authority);

  std::string path = "/";
  if (req.style == gcs_url_style::path) {
    path += req.bucket;
    if (!req.object.empty()) path += "/" + uri_encode(req.object, true);
  } else {
    path += uri_encode(req.object, true);
  }

  // Headers: the user's, validated, plus Host. The content-sha256 header's value is the payload.
  string_pairs headers;
  headers.reserve(req.headers.size() + 1);
  std::string payload(unsigned_payload);
  for (auto& [n, v] : req.headers) {
    if (!gcs_is_http_token(n)) return invalid("header name is not a valid token");
    if (!gcs_header_value_is_safe(v)) return invalid("header value contains CR, LF or NUL");
    if (iequals(n, "host")) return invalid("the Host header is derived from the endpoint; do not pass it");
    if (iequals(n, "x-goog-content-sha256")) payload = canonical_header_value(v);
    headers.emplace_back(n, v);
  }
  headers.emplace_back("host", host);
  auto canon_headers = canonical_headers(headers);

  std::string goog_date = format_amz_date(req.time);
  std::string date8 = goog_date.substr(0, 8);
  std::string scope = gcs_v4_scope(date8, req.location);
  bool hmac = std::holds_alternative<gcs_hmac_credentials>(req.credentials);
  std::string_view algorithm = hmac ? goog4_hmac_algorithm : goog4_rsa_algorithm;
  const std::string& key_id = hmac ? std::get<gcs_hmac_credentials>(req.credentials).access_id
                                   : std::get<gcs_rsa_credentials>(req.credentials).client_email;

  string_pairs query;
  query.reserve(req.query.size() + 5);
  for (auto& [n, v] : req.query) {
    std::string ln = to_lower(n);
    if (std::find(reserved_params.begin(), reserved_params.end(), ln) != reserved_params.end())
      return invalid("query parameter " + ln + " is set by the signer");
    query.emplace_back(n, v);
  }
  query.emplace_back("X-Goog-Algorithm", std::string(algorithm));
  query.emplace_back("X-Goog-Credential", key_id + "/" + scope);
  query.emplace_back("X-Goog-Date", goog_date);
  query.emplace_back("X-Goog-Expires", std::to_string(req.expires.count()));
  query.emplace_back("X-Goog-SignedHeaders", canon_headers.signed_list);
  std::string canon_query = canonical_query(query);

  gcs_signed_url_result out;
  out.host = host;
  out.canonical_request = gcs_v4_canonical_request(req.method, path, canon_query, canon_headers, payload);
  out.string_to_sign = gcs_v4_string_to_sign(algorithm, goog_date, scope, out.canonical_request);
  auto sig = gcs_v4_sign(req.credentials, out.string_to_sign, date8, req.location);
  if (!sig) return sig.error();
  out.signature = std::move(*sig);
  // The URL's query is the canonical one (already sorted and encoded) plus the signature, last.
  out.url = scheme + "://" + authority + path + "?" + canon_query + "&X-Goog-Signature=" + out.signature;
  return out;
}

result<std::string> gcs_signed_url(const gcs_signed_url_request& req) {
  auto r = gcs_sign_url(req);
  if (!r) return r.error();
  return std::move(r->url);
}

}  // namespace ferry::signing
