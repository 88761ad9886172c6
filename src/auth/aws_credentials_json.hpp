// The JSON shape AWS credential endpoints answer with (IMDS, ECS/EKS container endpoints, credential_process):
// AccessKeyId, SecretAccessKey, Token or SessionToken, Expiration (ISO-8601 UTC).
#pragma once

#include "ferry/error.hpp"
#include "signing/aws_credentials.hpp"
#include "src/auth/refreshing_value.hpp"

#include <string_view>

namespace ferry::auth {

using aws_expiring_credentials = expiring<signing::aws_credentials>;

// source names the endpoint for errors ("IMDS", "container endpoint", "credential_process"); never a value.
result<aws_expiring_credentials> parse_aws_credentials_json(std::string_view body, std::string_view source);

// "2026-11-23T07:00:00Z", with optional fractional seconds, "+00:00" accepted for Z. Other offsets are applied.
// Dates outside the clock's range (before ~1678, after ~2261) clamp to its ends.
std::optional<wall_clock::time_point> parse_iso8601_utc(std::string_view text);

// NUL, CR, LF, other C0 controls or DEL: not allowed in anything that becomes a header value.
bool has_control_character(std::string_view s);

}  // namespace ferry::auth
