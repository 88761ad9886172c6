// Byte encodings every signer needs: hex, base64, base64url, RFC 3986 percent-encoding.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ferry::signing {

std::string hex_lower(std::span<const unsigned char> bytes);
std::string hex_lower(std::string_view bytes);
std::string base64(std::string_view bytes);
std::string base64url_nopad(std::string_view bytes);  // JWT
std::optional<std::string> base64_decode(std::string_view text);  // nullopt on invalid input

// Percent-encodes everything but the RFC 3986 unreserved set A-Z a-z 0-9 - . _ ~ (uppercase hex).
// keep_slash leaves '/' alone (paths).
std::string uri_encode(std::string_view text, bool keep_slash = false);
// Decodes %XX sequences; nullopt when a '%' is not followed by two hex digits. '+' stays '+'.
std::optional<std::string> uri_decode(std::string_view text);

}  // namespace ferry::signing
