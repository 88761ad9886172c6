// Signs a ferry::http::request in place with SigV4. Header-only on purpose: ferry_signing stays free
// of the HTTP client (http::fields is implemented in ferry_core), so only code that already links
// ferry_core instantiates this.
#pragma once

#include "ferry/http.hpp"
#include "signing/sigv4.hpp"

namespace ferry::signing {

// The Beast-free description of what will be sent: method, the target's path and (decoded) query,
// every header, plus Host from the URL when the request has none yet (the client adds it later).
inline sigv4_request sigv4_describe(const http::request& r, std::string payload_hash) {
  sigv4_request d;
  d.method = r.method;
  const std::string& target = r.address.target;
  auto q = target.find('?');
  d.path = target.substr(0, q);
  if (d.path.empty()) d.path = "/";
  if (q != std::string::npos) d.query = parse_query(std::string_view(target).substr(q + 1));
  bool has_host = false;
  for (auto& [n, v] : r.headers) {
    d.headers.emplace_back(n, v);
    if (n.size() == 4 && (n[0] | 0x20) == 'h' && (n[1] | 0x20) == 'o' && (n[2] | 0x20) == 's' && (n[3] | 0x20) == 't')
      has_host = true;
  }
  if (!has_host) d.headers.emplace_back("Host", r.address.host_header());
  d.payload_hash = std::move(payload_hash);
  return d;
}

// Header signing: sets Host (if absent), X-Amz-Date, x-amz-content-sha256 / X-Amz-Security-Token
// as params ask, and Authorization.
inline result<sigv4_signature> sigv4_sign_http(http::request& r, const aws_credentials& creds,
                                               const sigv4_params& params, std::string payload_hash,
                                               sigv4_key_cache* cache = nullptr) {
  auto d = sigv4_describe(r, std::move(payload_hash));
  auto sig = sigv4_sign_headers(d, creds, params, cache);
  if (!sig) return sig;
  if (!r.headers.find("host")) r.headers.set("Host", r.address.host_header());
  for (auto& [n, v] : sig->headers) r.headers.set(n, v);
  return sig;
}

// Query signing: appends the X-Amz-* parameters to the target; the URL can then be handed out.
inline result<sigv4_signature> sigv4_presign_http(http::request& r, const aws_credentials& creds,
                                                  const sigv4_params& params, sigv4_key_cache* cache = nullptr) {
  auto d = sigv4_describe(r, std::string(unsigned_payload));
  auto sig = sigv4_presign(d, creds, params, cache);
  if (!sig) return sig;
  r.address.target += (r.address.target.find('?') == std::string::npos ? "?" : "&") + encode_query(sig->query);
  return sig;
}

}  // namespace ferry::signing
