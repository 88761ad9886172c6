// RS256 JSON Web Tokens (RFC 7515/7519) as Google's OAuth2 service-account flow wants them
// (protocols.md 2.7): header {"alg":"RS256","typ":"JWT","kid":KEY_ID}, claims iss, scope, aud, iat,
// exp (at most iat + 3600), optional sub; base64url without padding. Pure: time is an argument.
#pragma once

#include "ferry/error.hpp"
#include "signing/rsa_sha256.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace ferry::signing {

inline constexpr std::string_view google_token_audience = "https://oauth2.googleapis.com/token";
inline constexpr std::chrono::seconds google_jwt_max_lifetime{3600};

struct google_jwt_claims {
  std::string issuer;                                  // iss: the service account's client_email
  std::string scope;                                   // space-separated scopes; may be empty for self-signed JWTs
  std::string audience = std::string(google_token_audience);  // aud: token_uri (or an API for self-signed JWTs)
  std::string subject;                                 // sub: user to impersonate (domain-wide delegation); optional
  std::string key_id;                                  // kid header: private_key_id; optional
  std::chrono::sys_seconds issued_at{};                // iat: the caller's clock
  std::chrono::seconds lifetime = google_jwt_max_lifetime;  // exp = iat + lifetime, 1 .. 3600 s
};

// A JSON string literal with quotes; control characters, '"' and '\' escaped, UTF-8 bytes kept.
std::string json_quote(std::string_view text);

// The exact JSON texts that get base64url-encoded (exposed so tests can pin the encoding).
std::string google_jwt_header_json(std::string_view key_id);
result<std::string> google_jwt_claims_json(const google_jwt_claims& claims);

// "b64url(header).b64url(claims).b64url(RS256 signature)".
result<std::string> jwt_rs256(std::string_view header_json, std::string_view claims_json, const rsa_private_key& key);

// The assertion for POST token_uri with grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer.
result<std::string> google_service_account_jwt(const google_jwt_claims& claims, const rsa_private_key& key);

}  // namespace ferry::signing
