// GCS V4 signed URLs (GOOG4-RSA-SHA256 with a service-account key, GOOG4-HMAC-SHA256 with an HMAC
// key), following https://cloud.google.com/storage/docs/access-control/signing-urls-manually and
// Google's conformance vectors (tests/unit/vectors/PROVENANCE.md). Pure: time is an argument.
#pragma once

#include "ferry/error.hpp"
#include "signing/canonical_request.hpp"
#include "signing/gcs_v4.hpp"

#include <chrono>
#include <string>

namespace ferry::signing {

enum class gcs_url_style {
  path,               // SCHEME://ENDPOINT/BUCKET/OBJECT
  virtual_hosted,     // SCHEME://BUCKET.ENDPOINT/OBJECT
  bucket_bound_host,  // SCHEME://HOST/OBJECT, HOST being a domain (CNAME / load balancer) bound to the bucket
};

struct gcs_signed_url_request {
  gcs_credentials credentials;
  std::string bucket;
  std::string object;  // as stored (not URL-encoded); empty: a bucket-level URL (e.g. list objects)
  std::string method = "GET";
  std::chrono::sys_seconds time{};     // the X-Goog-Date
  std::chrono::seconds expires{3600};  // 1..604800
  gcs_url_style style = gcs_url_style::path;
  std::string endpoint;                          // "[http(s)://]host[:port]"; empty: storage.UNIVERSE_DOMAIN
  std::string universe_domain = "googleapis.com";
  std::string bucket_bound_host;  // required for bucket_bound_host; may carry "http(s)://"
  std::string scheme;             // "http" or "https"; empty: the endpoint's, else https
  std::string location = "auto";  // the credential scope's region
  string_pairs headers;            // extra headers to sign: the user must send exactly these
  string_pairs query;              // extra query parameters (decoded), signed
};

struct gcs_signed_url_result {
  std::string url;
  std::string host;               // the signed Host header value
  std::string canonical_request;  // for diagnostics and tests; holds no secret
  std::string string_to_sign;
  std::string signature;          // hex
};

// Validates the request (never echoing a secret) and signs it. The payload line is
// UNSIGNED-PAYLOAD unless an X-Goog-Content-SHA256 header is among `headers`.
result<gcs_signed_url_result> gcs_sign_url(const gcs_signed_url_request& req);

// Convenience for callers that only need the URL (`ferry presign gs://...`).
result<std::string> gcs_signed_url(const gcs_signed_url_request& req);

}  // namespace ferry::signing
