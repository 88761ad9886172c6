// Get User Delegation Key (POST /?restype=service&comp=userdelegationkey with a bearer token): the
// request body and the parser for the answer, whose key then signs user delegation SAS tokens
// (signing/azure_service_sas.hpp). Sans-I/O: the caller sends the request.
#pragma once

#include "ferry/error.hpp"
#include "signing/azure_service_sas.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace ferry::auth {

inline constexpr std::size_t max_user_delegation_key_response = 64 * 1024;
inline constexpr std::chrono::seconds max_user_delegation_key_lifetime{7 * 24 * 3600};  // the service's limit

// "<?xml ...?><KeyInfo><Start>...</Start><Expiry>...</Expiry></KeyInfo>"; refuses expiry <= start or a
// lifetime over 7 days.
result<std::string> azure_user_delegation_key_request_body(std::chrono::sys_seconds start,
                                                            std::chrono::sys_seconds expiry);

// Parses the <UserDelegationKey> answer. Every field but SignedDelegatedUserTid is required; Value
// must be base64. Errors name the element, never the key.
result<signing::azure_user_delegation_key> parse_azure_user_delegation_key(std::string_view xml);

}  // namespace ferry::auth
