// Google Cloud Storage V4 signing building blocks shared by signed URLs (gcs_signed_url.hpp) and
// XML-API header signing (gcs_hmac_headers.hpp). GOOG4 is SigV4 with Google's names: algorithm
// GOOG4-RSA-SHA256 / GOOG4-HMAC-SHA256, scope DATE/LOCATION/storage/goog4_request, x-goog-* headers
// and, for HMAC keys, the key prefix "GOOG4". Pure: no I/O, no clock.
#pragma once

#include "ferry/error.hpp"
#include "signing/canonical_request.hpp"
#include "signing/digest.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <variant>

namespace ferry::signing {

inline constexpr std::string_view goog4_rsa_algorithm = "GOOG4-RSA-SHA256";
inline constexpr std::string_view goog4_hmac_algorithm = "GOOG4-HMAC-SHA256";
inline constexpr long gcs_max_expires = 604800;  // 7 days, the service's limit for V4

// A service account: its e-mail and PEM private key (the "private_key" of the JSON key file).
struct gcs_rsa_credentials {
  std::string client_email;
  std::string private_key_pem;
};

// An HMAC key bound to a service account (Cloud Storage > Settings > Interoperability).
struct gcs_hmac_credentials {
  std::string access_id;  // GOOG1E... / GOOG1...
  std::string secret;
};

using gcs_credentials = std::variant<gcs_rsa_credentials, gcs_hmac_credentials>;

// "20190201/auto/storage/goog4_request".
std::string gcs_v4_scope(std::string_view date8, std::string_view location);

// kSigning = HMAC(HMAC(HMAC(HMAC("GOOG4"+secret, date8), location), "storage"), "goog4_request").
sha256_digest gcs_hmac_signing_key(std::string_view secret, std::string_view date8, std::string_view location);

// "ALGORITHM\nYYYYMMDDTHHMMSSZ\nSCOPE\nhex(sha256(canonical request))".
std::string gcs_v4_string_to_sign(std::string_view algorithm, std::string_view goog_date, std::string_view scope,
                                  std::string_view canonical_request);

// "METHOD\nPATH\nQUERY\nHEADERS\n\nSIGNED\nPAYLOAD" (the header block already ends in '\n').
std::string gcs_v4_canonical_request(std::string_view method, std::string_view canonical_path,
                                     std::string_view canonical_query, const canonical_headers_t& headers,
                                     std::string_view payload);

// The signature in hex for either kind of credentials: RSA PKCS#1 v1.5 SHA-256 for a service account,
// HMAC-SHA256 with the derived key for an HMAC key.
result<std::string> gcs_v4_sign(const gcs_credentials& creds, std::string_view string_to_sign,
                                std::string_view date8, std::string_view location);

// Shared input checks; they name the field but never echo a secret.
bool gcs_is_http_token(std::string_view s);          // RFC 7230 token (methods, header names)
bool gcs_header_value_is_safe(std::string_view v);   // no CR, LF or NUL: no header injection
bool gcs_location_is_valid(std::string_view loc);    // "auto", "us-central1", ...
// Years 1970..9999 only, so the YYYYMMDD date is always 8 digits.
bool gcs_time_in_range(std::chrono::sys_seconds t);

}  // namespace ferry::signing
