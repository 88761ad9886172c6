// Google credentials JSON files (protocols.md 2.7): a service-account key ("type": "service_account") or gcloud's
// user credentials ("type": "authorized_user", from `gcloud auth application-default login`). Other types
// (external_account, impersonated_service_account, ...) are refused as unsupported, by name.
//
// The files hold secrets and come from outside, so parsing is strict: size cap, one JSON object, no duplicate keys,
// every field of the right type, token_uri an http(s) URL, the private key a usable RSA key. Every error names the
// file and the field and never quotes a value that could be secret.
#pragma once

#include "ferry/error.hpp"
#include "signing/rsa_sha256.hpp"

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>

namespace ferry::auth {

inline constexpr std::string_view google_default_token_uri = "https://oauth2.googleapis.com/token";
inline constexpr std::string_view google_default_universe_domain = "googleapis.com";
// Real key files are ~2.3 KiB; anything this large is not one.
inline constexpr std::size_t max_google_key_file_size = 1024 * 1024;

struct google_service_account {
  std::string client_email;
  std::string private_key_pem;  // a secret: never logged
  std::string private_key_id;   // the JWT "kid"; may be empty
  std::string token_uri = std::string(google_default_token_uri);
  std::string project_id;
  std::string universe_domain = std::string(google_default_universe_domain);
  signing::rsa_private_key private_key;  // private_key_pem, parsed and checked (RSA, >= 2048 bits)
};

struct google_authorized_user {
  std::string client_id;
  std::string client_secret;  // a secret
  std::string refresh_token;  // a secret
  std::string quota_project_id;
  std::string token_uri = std::string(google_default_token_uri);
};

using google_key_file = std::variant<google_service_account, google_authorized_user>;

// "service_account" or "authorized_user".
std::string_view google_key_file_type(const google_key_file& file);

// Parses the file's text; `origin` (e.g. "Google credentials file '/path'") prefixes every error message.
result<google_key_file> parse_google_key_file(std::string_view text, std::string_view origin);

// Reads and parses a file. A missing file is not_found, an unreadable one access_denied or io_error, a directory or
// device io_error, all naming the path.
result<google_key_file> load_google_key_file(const std::filesystem::path& path);

}  // namespace ferry::auth
