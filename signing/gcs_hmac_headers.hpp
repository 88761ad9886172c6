// GOOG4-HMAC-SHA256 header signing for the GCS XML API with an HMAC key:
//   Authorization: GOOG4-HMAC-SHA256 Credential=ID/DATE/LOCATION/storage/goog4_request,
//                  SignedHeaders=host;x-goog-content-sha256;x-goog-date, Signature=HEX
// It is SigV4 with Google's names (protocols.md 2.6). Pure: the time is an argument.
#pragma once

#include "ferry/error.hpp"
#include "signing/canonical_request.hpp"
#include "signing/gcs_v4.hpp"

#include <chrono>
#include <string>

namespace ferry::signing {

struct gcs_header_request {
  std::string method = "GET";
  std::string path = "/";      // as sent on the wire (already percent-encoded), without the query
  string_pairs query;          // DECODED names and values
  string_pairs headers;        // must contain Host; every header given is signed
  std::string payload_hash;    // hex SHA-256 of the body; empty: UNSIGNED-PAYLOAD
  std::chrono::sys_seconds time{};
  std::string location = "auto";
};

struct gcs_header_signature {
  std::string goog_date;  // YYYYMMDDTHHMMSSZ
  std::string scope;
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;
  std::string signature;  // hex
  // Headers to set on the request: x-goog-date, x-goog-content-sha256, then Authorization.
  string_pairs headers;
};

result<gcs_header_signature> gcs_hmac_sign_headers(const gcs_header_request& req, const gcs_hmac_credentials& creds);

}  // namespace ferry::signing
