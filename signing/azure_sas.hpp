// Pieces shared by the three Azure SAS kinds (service, user delegation, account): field checks,
// permission ordering and the final query string. Pure, no I/O.
#pragma once

#include "ferry/error.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::signing {

// A signed SAS: the query string to append after '?' (values percent-encoded, sig last) and, for
// diagnostics and tests, the string that was signed. Neither is safe to log: the query grants access.
struct azure_sas_token {
  std::string query;
  std::string string_to_sign;
};

// The service checks that permission letters come in its documented order; this puts `given` into
// `order`, refusing unknown and repeated letters. `what` names the field in the error.
result<std::string> azure_sas_order_permissions(std::string_view given, std::string_view order, std::string_view what);

// spr: "" (omitted), "https" or "https,http" ("http,https" is accepted and normalised).
result<std::string> azure_sas_protocol(std::string_view given);

// sip: one IPv4/IPv6 address or "from-to"; only address characters allowed.
bool azure_sas_ip_is_valid(std::string_view ip);

// Encodes "name=value" pairs (values RFC 3986-encoded, so base64 '+' '/' '=' become %2B %2F %3D)
// and joins them with '&'. Empty values are skipped.
std::string azure_sas_query(const std::vector<std::pair<std::string_view, std::string_view>>& fields);

// Free-text SAS fields (si, ses, rscc..., ids) must not contain line breaks: each is one line of the
// string to sign.
bool azure_sas_field_is_safe(std::string_view v);

}  // namespace ferry::signing

namespace ferry::signing {

// The fields of an existing SAS token (AZURE_STORAGE_SAS_TOKEN, a connection string's
// SharedAccessSignature, the query of a pasted SAS URL), so callers can say "this SAS expired at ..."
// instead of relaying a 403. Values are decoded; the signature is kept but must never be logged.
struct azure_sas_fields {
  std::string version, services, resource_types, resource, permissions, start, expiry, ip, protocol, identifier,
      signature;
};

// Accepts an optional leading '?'. Refuses: no sig, a repeated SAS field, a bad %-escape, control
// characters, more than 8 KiB. Unknown parameters (other query options) are ignored.
result<azure_sas_fields> parse_azure_sas_token(std::string_view token);

}  // namespace ferry::signing
