// Azure Storage SharedKey authorization for the Blob service (versions 2009-09-19 and later):
// https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key. Pure, no I/O; the
// caller sets x-ms-date and x-ms-version itself (there is no clock here).
#pragma once

#include "ferry/error.hpp"
#include "signing/azure_account_key.hpp"
#include "signing/canonical_request.hpp"

#include <chrono>
#include <string>

namespace ferry::signing {

struct azure_shared_key_input {
  std::string method = "GET";
  std::string account;
  // The request path exactly as sent, percent-encoded, starting with '/': "/container/my%20blob".
  // Against the emulator it includes the account: "/devstoreaccount1/container/blob".
  std::string path = "/";
  string_pairs query;    // decoded name/value pairs, any order and case (parse_query() splits a raw query)
  string_pairs headers;  // every header that will be sent (names in any case)
};

// VERB, the eleven standard header lines, the canonicalized x-ms-* headers and the canonicalized
// resource, '\n'-separated. Content-Length "0" is written empty for x-ms-version >= 2015-02-21 (or
// when x-ms-version is absent). Refuses CR/LF in values and malformed names.
result<std::string> azure_shared_key_string_to_sign(const azure_shared_key_input& in);

// "SharedKey ACCOUNT:base64(HMAC-SHA256(key, string_to_sign))", the Authorization header value.
result<std::string> azure_shared_key_authorization(const azure_shared_key_input& in, const azure_key& key);

// "Mon, 23 Nov 2026 07:00:00 GMT": the RFC 1123 form x-ms-date takes.
std::string azure_http_date(std::chrono::sys_seconds t);

// The service's order for canonicalized header names (it sorts like .NET's culture-aware compare,
// which skips '-' on the first pass). Exposed for tests.
bool azure_header_name_less(std::string_view a, std::string_view b);

}  // namespace ferry::signing
