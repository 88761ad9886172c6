// Presigning a blob without an account key: a bearer token from the Azure token chain asks the blob service for a
// user delegation key (Get User Delegation Key), which signs a user delegation SAS. This is how a VM with a managed
// identity, or an app with a client secret, hands out a download URL.
#pragma once

#include "ferry/http.hpp"
#include "signing/azure_service_sas.hpp"
#include "src/auth/azure_token_credential_chain.hpp"

#include <chrono>
#include <string>

namespace ferry::auth {

// The x-ms-version of the Get User Delegation Key request (and the SAS it signs, unless the request names one).
inline constexpr std::string_view azure_delegation_service_version = "2024-11-04";

// Errors from the token step start with this, so a caller can tell "no identity" from "the service refused".
inline constexpr std::string_view azure_delegation_token_step = "bearer token for a user delegation SAS: ";

http::request azure_user_delegation_key_http_request(const http::url& blob_endpoint, const std::string& body,
                                                     const bearer_token& token);

// blob_endpoint: "https://ACCOUNT.blob.core.windows.net" or a custom one ("http://127.0.0.1:10000/devstoreaccount1").
// The key is valid from `start` (the signing time) until req.expiry (at most 7 days later). Returns the blob URL with
// the SAS. Errors name the step (token, key request, signing) and never hold the token or the key.
boost::asio::awaitable<result<std::string>> azure_presign_blob_with_token(http::client& client,
                                                                         azure_token_credential_chain& tokens,
                                                                         const std::string& blob_endpoint,
                                                                         signing::azure_blob_sas_request req,
                                                                         std::chrono::sys_seconds start);

}  // namespace ferry::auth
