// Small wire-format helpers the credential dialects share: form bodies, timestamps, random token
// text, JSON/XML replies, and JWTs (split, decode, RS256 verification, fake signed-looking tokens).
#pragma once

#include "tests/support/exchange.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::testd {

using auth_clock = std::chrono::system_clock;

// application/x-www-form-urlencoded ('+' is a space). A repeated name keeps its first value.
std::map<std::string, std::string, std::less<>> parse_form(std::string_view body);
// The value of `name` or "" when absent.
std::string form_value(const std::map<std::string, std::string, std::less<>>& form, std::string_view name);

std::string iso8601(auth_clock::time_point t);  // 2024-05-01T12:00:00Z
std::int64_t epoch_seconds(auth_clock::time_point t);

// n characters drawn uniformly (OpenSSL RAND_bytes) from alphabet.
std::string random_chars(std::size_t n, std::string_view alphabet);
inline constexpr std::string_view upper_alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
inline constexpr std::string_view base64_chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
inline constexpr std::string_view base64url_chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
std::string random_uuid();  // request ids, trace ids

response json_reply(unsigned status, const boost::json::object& body,
                    std::string_view content_type = "application/json; charset=utf-8");
response xml_reply(unsigned status, std::string body);  // text/xml, as STS sends it

// Escapes &, <, >, " and ' for XML text.
std::string xml_escape(std::string_view s);

// A compact JWT split into its parts. nullopt unless it has exactly three base64url parts whose
// first two decode to JSON objects.
struct jwt_parts {
  boost::json::object header, claims;
  std::string signing_input;  // "<header b64>.<claims b64>"
  std::string signature;      // decoded bytes
};
std::optional<jwt_parts> parse_jwt(std::string_view token);
std::optional<std::string> base64url_decode(std::string_view text);  // padding optional

enum class rs256_result { valid, bad_signature, bad_key };
// RSASSA-PKCS1-v1_5 with SHA-256 against a PEM RSA key: "PUBLIC KEY" (SPKI), a "CERTIFICATE", or a
// "PRIVATE KEY" / "RSA PRIVATE KEY" (its public half).
rs256_result verify_rs256(std::string_view pem, std::string_view signing_input, std::string_view signature);
bool public_key_pem_usable(std::string_view pem);

// A token shaped like a JWT (RS256 header, these claims, a random "signature"), for services whose
// clients may decode their access token (Entra ID). Nobody can verify it, which is fine for a fake.
std::string fake_jwt(const boost::json::object& claims);

}  // namespace ferry::testd
