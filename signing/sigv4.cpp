#include "signing/sigv4.hpp"

#include "signing/encoding.hpp"
#include "signing/sigv4_crypto.hpp"

#include <algorithm>
#include <cstdio>

namespace ferry::signing {
namespace {

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

bool has_header(const string_pairs& h, std::string_view name) {
  return std::any_of(h.begin(), h.end(), [&](auto& p) { return iequals(p.first, name); });
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = ascii_lower(c);
  return out;
}

// A scope component must not smuggle in the separators of the scope or the string to sign.
bool valid_scope_part(std::string_view s) {
  return !s.empty() && std::none_of(s.begin(), s.end(), [](char c) {
    return c == '/' || c == '\n' || c == '\r' || static_cast<unsigned char>(c) < 0x20;
  });
}

result<void> check_inputs(const sigv4_request& req, const aws_credentials& creds, const sigv4_params& p) {
  if (creds.empty())
    return failure(error::invalid_argument, "SigV4: the access key id or the secret access key is empty");
  if (creds.access_key_id.find_first_of("/\n\r") != std::string::npos)
    return failure(error::invalid_argument, "SigV4: the access key id contains '/' or a line break");
  if (!valid_scope_part(p.region)) return failure(error::invalid_argument, "SigV4: missing or invalid region");
  if (!valid_scope_part(p.service)) return failure(error::invalid_argument, "SigV4: missing or invalid service");
  if (req.method.empty() || req.method.find_first_of(" \r\n") != std::string::npos)
    return failure(error::invalid_argument, "SigV4: missing or invalid HTTP method");
  if (!has_header(req.headers, "host")) return failure(error::invalid_argument, "SigV4: the request has no Host header");
  for (auto& [n, v] : req.headers)
    if (n.empty() || n.find_first_of(":\r\n") != std::string::npos)
      return failure(error::invalid_argument, "SigV4: invalid header name");
  if (p.time.time_since_epoch().count() < 0)
    return failure(error::invalid_argument, "SigV4: signing time before 1970");
  return {};
}

struct prepared {
  std::string amz_date;
  std::string scope;
  canonical_headers_t headers;
  std::string canonical_request;
};

// date/region/service/aws4_request, or date/service/aws4_request for SigV4a.
std::string make_scope(std::string_view date8, const sigv4_params& p, const detail::sigv4_flavor& f) {
  std::string scope;
  scope.reserve(date8.size() + p.region.size() + p.service.size() + 16);
  scope.append(date8).append("/");
  if (f.region_in_scope) scope.append(p.region).append("/");
  scope.append(p.service).append("/aws4_request");
  return scope;
}

// The canonical request from the request, the headers the signer adds, and the query params.
prepared prepare(const sigv4_request& req, const sigv4_params& p, const detail::sigv4_flavor& f,
                 const string_pairs& extra_headers, const string_pairs& query, std::string amz_date) {
  prepared out;
  out.amz_date = std::move(amz_date);
  out.scope = make_scope(std::string_view(out.amz_date).substr(0, 8), p, f);
  string_pairs to_sign;
  to_sign.reserve(req.headers.size() + extra_headers.size());
  for (auto& h : req.headers)
    if (!is_unsignable_header(lowercase(h.first))) to_sign.push_back(h);
  to_sign.insert(to_sign.end(), extra_headers.begin(), extra_headers.end());
  out.headers = canonical_headers(to_sign);

  auto& cr = out.canonical_request;
  std::string uri = canonical_uri(req.path, p.rules, p.normalize_path);
  std::string q = canonical_query(query);
  std::string_view payload = req.payload_hash.empty() ? empty_payload_sha256 : std::string_view(req.payload_hash);
  cr.reserve(req.method.size() + uri.size() + q.size() + out.headers.block.size() +
             out.headers.signed_list.size() + payload.size() + 8);
  cr.append(req.method).append("\n").append(uri).append("\n").append(q).append("\n");
  cr.append(out.headers.block).append("\n").append(out.headers.signed_list).append("\n").append(payload);
  return out;
}

std::string existing_amz_date(const string_pairs& h) {
  for (auto& [n, v] : h)
    if (iequals(n, "x-amz-date")) return canonical_header_value(v);
  return {};
}

}  // namespace

sigv4_params sigv4_params::s3(std::string region, std::chrono::sys_seconds time) {
  sigv4_params p;
  p.region = std::move(region);
  p.service = "s3";
  p.time = time;
  p.rules = uri_rules::s3;
  p.normalize_path = false;
  p.add_content_sha256_header = true;
  return p;
}

std::string format_amz_date(std::chrono::sys_seconds t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss hms{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02dZ", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()),
                int(hms.seconds().count()));
  return buf;
}

std::optional<std::chrono::sys_seconds> parse_amz_date(std::string_view s) {
  using namespace std::chrono;
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t len) -> int {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  int y = num(0, 4), mo = num(4, 2), d = num(6, 2), h = num(9, 2), mi = num(11, 2), se = num(13, 2);
  if (y < 1970 || mo < 0 || d < 0 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59) return std::nullopt;
  year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd} + hours{h} + minutes{mi} + seconds{se};
}

std::string encode_query(const string_pairs& params) {
  std::string out;
  for (auto& [n, v] : params) {
    if (!out.empty()) out += '&';
    out += uri_encode(n);
    out += '=';
    out += uri_encode(v);
  }
  return out;
}

std::string sigv4_string_to_sign(std::string_view amz_date, std::string_view scope,
                                 std::string_view canonical_request, std::string_view algorithm) {
  std::string s;
  s.reserve(algorithm.size() + amz_date.size() + scope.size() + 64 + 3);
  s.append(algorithm).append("\n").append(amz_date).append("\n").append(scope).append("\n");
  s.append(detail::fast_sha256_hex(canonical_request));
  return s;
}

namespace {
sha256_digest signing_key_for(const aws_credentials& creds, std::string_view date8, const sigv4_params& p,
                              sigv4_key_cache* cache) {
  if (cache) return cache->get(creds.secret_access_key, date8, p.region, p.service);
  return derive_sigv4_key(creds.secret_access_key, date8, p.region, p.service);
}
}  // namespace

sha256_digest sigv4_signing_key(const aws_credentials& creds, const sigv4_params& p, sigv4_key_cache* cache) {
  return signing_key_for(creds, format_amz_date(p.time).substr(0, 8), p, cache);
}

std::string sigv4_sign_string(const sha256_digest& key, std::string_view text) {
  return hex_lower(detail::fast_hmac_sha256(as_view(key), text));
}

result<sigv4_signature> detail::sign_headers_as(const sigv4_request& req, const aws_credentials& creds,
                                                const sigv4_params& p, const sigv4_flavor& f) {
  if (auto ok = check_inputs(req, creds, p); !ok) return ok.error();
  // A request that already carries x-amz-date (e.g. a replayed one) keeps it; the scope date must match.
  std::string amz_date = existing_amz_date(req.headers);
  bool add_date = amz_date.empty();
  if (add_date) amz_date = format_amz_date(p.time);
  else if (amz_date.size() != 16 || amz_date.compare(0, 8, format_amz_date(p.time), 0, 8) != 0)
    return failure(error::invalid_argument, "SigV4: the request's x-amz-date does not match the signing date");

  string_pairs extra;
  if (add_date) extra.emplace_back("X-Amz-Date", amz_date);
  bool sign_token = !creds.session_token.empty() && p.token_mode == session_token_mode::sign &&
                    !has_header(req.headers, "x-amz-security-token");
  if (sign_token) extra.emplace_back("X-Amz-Security-Token", creds.session_token);
  if (!f.region_set.empty()) extra.emplace_back("X-Amz-Region-Set", std::string(f.region_set));
  if (p.add_content_sha256_header && !has_header(req.headers, "x-amz-content-sha256"))
    extra.emplace_back("x-amz-content-sha256",
                       req.payload_hash.empty() ? std::string(empty_payload_sha256) : req.payload_hash);

  prepared pr = prepare(req, p, f, extra, req.query, std::move(amz_date));
  sigv4_signature out;
  out.string_to_sign = sigv4_string_to_sign(pr.amz_date, pr.scope, pr.canonical_request, f.algorithm);
  auto signature = f.sign(out.string_to_sign, std::string_view(pr.amz_date).substr(0, 8));
  if (!signature) return signature.error();
  out.signature = std::move(*signature);
  out.amz_date = std::move(pr.amz_date);
  out.scope = std::move(pr.scope);
  out.canonical_request = std::move(pr.canonical_request);
  out.signed_headers = std::move(pr.headers.signed_list);
  out.headers = std::move(extra);
  if (!creds.session_token.empty() && p.token_mode == session_token_mode::add_after_signing &&
      !has_header(req.headers, "x-amz-security-token"))
    out.headers.emplace_back("X-Amz-Security-Token", creds.session_token);
  std::string auth;
  auth.reserve(f.algorithm.size() + creds.access_key_id.size() + out.scope.size() + out.signed_headers.size() + 120);
  auth.append(f.algorithm).append(" Credential=").append(creds.access_key_id).append("/").append(out.scope);
  auth.append(", SignedHeaders=").append(out.signed_headers).append(", Signature=").append(out.signature);
  out.headers.emplace_back("Authorization", std::move(auth));
  return out;
}

result<sigv4_signature> sigv4_sign_headers(const sigv4_request& req, const aws_credentials& creds,
                                           const sigv4_params& p, sigv4_key_cache* cache) {
  detail::sigv4_flavor f;
  f.sign = [&](std::string_view sts, std::string_view date8) -> result<std::string> {
    return sigv4_sign_string(signing_key_for(creds, date8, p, cache), sts);
  };
  return detail::sign_headers_as(req, creds, p, f);
}

result<sigv4_signature> detail::presign_as(const sigv4_request& req, const aws_credentials& creds,
                                           const sigv4_params& p, const sigv4_flavor& f) {
  if (auto ok = check_inputs(req, creds, p); !ok) return ok.error();
  if (p.expires.count() < 1 || p.expires.count() > max_presign_expires)
    return failure(error::invalid_argument, "SigV4 presign: expiry must be between 1 and 604800 seconds");
  for (auto& [n, v] : req.query)
    for (std::string_view reserved : {"X-Amz-Signature", "X-Amz-Credential", "X-Amz-Algorithm", "X-Amz-Date",
                                      "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Region-Set"})
      if (iequals(n, reserved))
        return failure(error::invalid_argument, "SigV4 presign: the request already has a " + n + " parameter");

  std::string amz_date = format_amz_date(p.time);
  std::string date8 = amz_date.substr(0, 8);
  std::string scope = make_scope(date8, p, f);
  // Signed headers come from the request alone; work them out first since they go in the query.
  string_pairs to_sign;
  for (auto& h : req.headers)
    if (!is_unsignable_header(lowercase(h.first))) to_sign.push_back(h);
  std::string signed_list = canonical_headers(to_sign).signed_list;

  string_pairs added;
  added.emplace_back("X-Amz-Algorithm", std::string(f.algorithm));
  added.emplace_back("X-Amz-Credential", creds.access_key_id + "/" + scope);
  added.emplace_back("X-Amz-Date", amz_date);
  added.emplace_back("X-Amz-Expires", std::to_string(p.expires.count()));
  added.emplace_back("X-Amz-SignedHeaders", signed_list);
  if (!f.region_set.empty()) added.emplace_back("X-Amz-Region-Set", std::string(f.region_set));
  bool sign_token = !creds.session_token.empty() && p.token_mode == session_token_mode::sign;
  if (sign_token) added.emplace_back("X-Amz-Security-Token", creds.session_token);

  string_pairs query = req.query;
  query.insert(query.end(), added.begin(), added.end());
  prepared pr = prepare(req, p, f, {}, query, std::move(amz_date));

  sigv4_signature out;
  out.string_to_sign = sigv4_string_to_sign(pr.amz_date, pr.scope, pr.canonical_request, f.algorithm);
  auto signature = f.sign(out.string_to_sign, date8);
  if (!signature) return signature.error();
  out.signature = std::move(*signature);
  out.amz_date = std::move(pr.amz_date);
  out.scope = std::move(pr.scope);
  out.canonical_request = std::move(pr.canonical_request);
  out.signed_headers = std::move(pr.headers.signed_list);
  out.query = std::move(added);
  if (!creds.session_token.empty() && !sign_token) out.query.emplace_back("X-Amz-Security-Token", creds.session_token);
  out.query.emplace_back("X-Amz-Signature", out.signature);
  return out;
}

result<sigv4_signature> sigv4_presign(const sigv4_request& req, const aws_credentials& creds, const sigv4_params& p,
                                      sigv4_key_cache* cache) {
  detail::sigv4_flavor f;
  f.sign = [&](std::string_view sts, std::string_view date8) -> result<std::string> {
    return sigv4_sign_string(signing_key_for(creds, date8, p, cache), sts);
  };
  return detail::presign_as(req, creds, p, f);
}

}  // namespace ferry::signing
