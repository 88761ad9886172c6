// Presigned S3 URLs: picks the host and path for the addressing style, then SigV4 query signing with
// UNSIGNED-PAYLOAD. Pure (time is an argument); `ferry presign` and the S3 provider both use it.
#pragma once

#include "ferry/error.hpp"
#include "signing/aws_credentials.hpp"
#include "signing/sigv4.hpp"

#include <chrono>
#include <string>

namespace ferry::signing {

enum class s3_url_style {
  automatic,          // virtual-hosted, except path style for custom endpoints and non-DNS bucket names
  path,               // https://s3.REGION.amazonaws.com/BUCKET/KEY
  virtual_hosted,     // https://BUCKET.s3.REGION.amazonaws.com/KEY
  bucket_bound_host,  // https://HOST/KEY, HOST being a CNAME (or CDN) bound to the bucket
};

struct s3_presign_input {
  std::string bucket;
  std::string key;  // the object key as stored (not URL-encoded); empty for a bucket-level URL
  std::string region = "us-east-1";
  std::string method = "GET";
  std::chrono::sys_seconds time{};
  std::chrono::seconds expires{3600};
  s3_url_style style = s3_url_style::automatic;
  std::string endpoint;           // "http(s)://host[:port][/base]"; empty: AWS's own
  // us-east-1 uses the global host s3.amazonaws.com, as botocore, the AWS CLI and AWS's own presign example do
  // (AWS_S3_US_EAST_1_REGIONAL_ENDPOINT=legacy, their default); true: s3.us-east-1.amazonaws.com ("regional").
  bool us_east_1_regional_endpoint = false;
  std::string bucket_bound_host;  // required for bucket_bound_host
  std::string scheme;             // "http" or "https"; empty: the endpoint's, else https
  string_pairs headers;           // extra headers to sign (the user must send them)
  string_pairs query;             // extra query parameters (decoded), signed
};

struct s3_presigned {
  std::string url;
  std::string host;  // the signed Host header value
  sigv4_signature signature;
};

result<s3_presigned> s3_presign_url(const s3_presign_input& in, const aws_credentials& creds,
                                    sigv4_key_cache* cache = nullptr);

// Bucket names usable as a DNS label under TLS: 3-63 of [a-z0-9-], no dots (the wildcard cert
// does not cover a.b.s3...), starting and ending with a letter or digit.
bool s3_bucket_is_virtual_host_safe(std::string_view bucket);

}  // namespace ferry::signing
