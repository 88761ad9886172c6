#include "signing/sigv4_presign_url.hpp"

#include "signing/encoding.hpp"

#include <algorithm>
#include <cctype>

namespace ferry::signing {
namespace {

struct endpoint_parts {
  std::string scheme;
  std::string host;  // host[:port] as it goes in the Host header (brackets kept for IPv6)
  std::string base_path;  // "" or "/base" without a trailing slash
};

result<endpoint_parts> parse_endpoint(std::string_view text) {
  endpoint_parts e;
  std::size_t sep = text.find("://");
  if (sep == std::string_view::npos) return failure(error::invalid_argument, "endpoint must look like https://host[:port]");
  e.scheme = std::string(text.substr(0, sep));
  std::transform(e.scheme.begin(), e.scheme.end(), e.scheme.begin(), [](char c) { return char(std::tolower(static_cast<unsigned char>(c))); });
  if (e.scheme != "http" && e.scheme != "https")
    return failure(error::invalid_argument, "endpoint scheme must be http or https");
  std::string_view rest = text.substr(sep + 3);
  std::size_t slash = rest.find_first_of("/?#");
  e.host = std::string(rest.substr(0, slash));
  if (e.host.empty() || e.host.find_first_of("@ \t\r\n") != std::string::npos)
    return failure(error::invalid_argument, "endpoint has no valid host");
  std::transform(e.host.begin(), e.host.end(), e.host.begin(), [](char c) { return char(std::tolower(static_cast<unsigned char>(c))); });
  // Drop the default port, as clients do in the Host header they send (and sign).
  if ((e.scheme == "https" && e.host.ends_with(":443")) || (e.scheme == "http" && e.host.ends_with(":80")))
    e.host.erase(e.host.rfind(':'));
  if (slash != std::string_view::npos) {
    std::string_view tail = rest.substr(slash);
    if (tail.front() != '/') return failure(error::invalid_argument, "endpoint must not carry a query or fragment");
    while (!tail.empty() && tail.back() == '/') tail.remove_suffix(1);
    e.base_path = std::string(tail);
  }
  return e;
}

bool valid_region(std::string_view r) {
  return !r.empty() && std::all_of(r.begin(), r.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

}  // namespace

bool s3_bucket_is_virtual_host_safe(std::string_view b) {
  if (b.size() < 3 || b.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(b.front()) || !alnum(b.back())) return false;
  return std::all_of(b.begin(), b.end(), [&](char c) { return alnum(c) || c == '-'; });
}

result<s3_presigned> s3_presign_url(const s3_presign_input& in, const aws_credentials& creds, sigv4_key_cache* cache) {
  if (in.bucket.empty() || in.bucket.find_first_of("/?#\\ \r\n") != std::string::npos)
    return failure(error::invalid_argument, "presign: invalid bucket name '" + in.bucket + "'");
  if (!valid_region(in.region)) return failure(error::invalid_argument, "presign: invalid region '" + in.region + "'");
  if (!in.scheme.empty() && in.scheme != "http" && in.scheme != "https")
    return failure(error::invalid_argument, "presign: scheme must be http or https");

  endpoint_parts ep;
  bool custom_endpoint = !in.endpoint.empty();
  if (custom_endpoint) {
    auto parsed = parse_endpoint(in.endpoint);
    if (!parsed) return parsed.error();
    ep = std::move(*parsed);
  } else {
    ep.scheme = "https";
    bool global = in.region == "us-east-1" && !in.us_east_1_regional_endpoint;
    ep.host = global ? std::string("s3.amazonaws.com") : "s3." + in.region + ".amazonaws.com";
  }
  if (!in.scheme.empty()) ep.scheme = in.scheme;

  s3_url_style style = in.style;
  if (style == s3_url_style::automatic)
    style = (custom_endpoint || !s3_bucket_is_virtual_host_safe(in.bucket)) ? s3_url_style::path
                                                                            : s3_url_style::virtual_hosted;
  std::string encoded_key = uri_encode(in.key, /*keep_slash=*/true);
  std::string host, path;
  switch (style) {
    case s3_url_style::path:
      host = ep.host;
      path = ep.base_path + "/" + uri_encode(in.bucket) + (in.key.empty() ? "" : "/" + encoded_key);
      break;
    case s3_url_style::virtual_hosted: {
      // Dots are allowed when explicitly asked for (plain HTTP, or a certificate that covers them).
      std::string b = in.bucket;
      bool dns_ok = b.size() >= 3 && b.size() <= 63 && std::all_of(b.begin(), b.end(), [](char c) {
                      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
                    });
      if (!dns_ok)
        return failure(error::invalid_argument,
                       "presign: bucket '" + in.bucket + "' is not a valid DNS name; use --url-style path");
      host = in.bucket + "." + ep.host;
      path = ep.base_path + "/" + encoded_key;
      break;
    }
    case s3_url_style::bucket_bound_host:
      if (in.bucket_bound_host.empty() || in.bucket_bound_host.find_first_of("/?# \r\n") != std::string::npos)
        return failure(error::invalid_argument, "presign: bucket-bound-host style needs --bucket-bound-host HOST");
      host = in.bucket_bound_host;
      path = "/" + encoded_key;
      break;
    case s3_url_style::automatic: break;
  }

  sigv4_request req;
  req.method = in.method;
  req.path = path;
  req.query = in.query;
  req.headers.emplace_back("host", host);
  for (auto& h : in.headers) {
    std::string lname = h.first;
    std::transform(lname.begin(), lname.end(), lname.begin(), [](char c) { return char(std::tolower(static_cast<unsigned char>(c))); });
    if (lname != "host") req.headers.push_back(h);  // the host is the one the URL names
  }
  req.payload_hash = std::string(unsigned_payload);

  auto params = sigv4_params::s3(in.region, in.time);
  params.expires = in.expires;
  auto sig = sigv4_presign(req, creds, params, cache);
  if (!sig) return sig.error();

  s3_presigned out;
  out.host = host;
  string_pairs all = in.query;
  all.insert(all.end(), sig->query.begin(), sig->query.end());
  out.url = ep.scheme + "://" + host + path + "?" + encode_query(all);
  out.signature = std::move(*sig);
  return out;
}

}  // namespace ferry::signing
