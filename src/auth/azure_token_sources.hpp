// Where an Entra ID (Azure AD) bearer token comes from, decided from the environment the way Azure's
// DefaultAzureCredential does it: a client secret (AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET), workload
// identity (AZURE_FEDERATED_TOKEN_FILE + AZURE_CLIENT_ID + AZURE_TENANT_ID), then managed identity (App Service's
// IDENTITY_ENDPOINT + IDENTITY_HEADER, else IMDS). Everything here is pure: selection, validation and the request
// builders; azure_token_credential_chain sends the requests and caches the tokens.
#pragma once

#include "ferry/http.hpp"
#include "src/auth/environment.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::auth {

inline constexpr std::string_view azure_default_authority_host = "https://login.microsoftonline.com";
inline constexpr std::string_view azure_default_imds_endpoint = "http://169.254.169.254";
inline constexpr std::string_view azure_client_assertion_type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

enum class azure_token_source_kind { client_secret, workload_identity, app_service, imds };

// The source the environment selects, with what it needs to ask for a token.
struct azure_token_source {
  azure_token_source_kind kind = azure_token_source_kind::imds;
  std::string label;      // "environment (client secret)", "managed identity (IMDS)", ...: safe to log
  http::url endpoint;     // Entra token endpoint, IDENTITY_ENDPOINT, or the IMDS base
  std::string tenant_id;  // Entra sources
  std::string client_id;  // app id; for managed identity a user-assigned identity (may be empty)
  std::string client_secret;         // a secret: never logged
  std::string federated_token_file;  // workload identity: read on every refresh (the token rotates)
  std::string identity_header;       // App Service: a secret, never logged
  // Sources before this one that were not configured, with why (for "tried: ..." in errors).
  std::vector<std::string> skipped;
};

// Overrides that do not come from the environment.
struct azure_source_overrides {
  std::optional<std::string> imds_endpoint;  // beats AZURE_POD_IDENTITY_AUTHORITY_HOST and the default
};

// Picks the first configured source. A partial configuration (e.g. tenant and client id but neither a secret nor a
// federated token file) is an error naming the missing variables, never a silent fall-through to another identity.
result<azure_token_source> select_azure_token_source(const env_lookup& env, const azure_source_overrides& overrides = {});

// Tenant ids go into the URL path: a GUID or a domain name ("contoso.onmicrosoft.com"), also "organizations" etc.
result<void> validate_azure_tenant_id(std::string_view tenant);
// AZURE_AUTHORITY_HOST (or the public cloud's): https, or http to a loopback address (local test servers only);
// no query, fragment or odd path. The result has the target "/" or a path prefix without a trailing '/'.
result<http::url> parse_azure_authority_host(std::string_view text);
// {authority}/{tenant}/oauth2/v2.0/token
http::url azure_token_endpoint(const http::url& authority, std::string_view tenant);
// "https://storage.azure.com/.default" → "https://storage.azure.com" (managed identity wants a resource).
// The scope must be a single "<resource>/.default" (the client-credentials flows accept nothing else).
result<std::string> azure_resource_for_scope(std::string_view scope);

// POST token endpoint: grant_type=client_credentials, client_id, client_assertion_type (jwt-bearer),
// client_assertion, scope. (client_credentials_grant in oauth2_token.hpp is the client-secret form.)
http::request azure_client_assertion_grant(const http::url& token_uri, const std::string& client_id,
                                           const std::string& assertion, const std::string& scope);
// GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=R[&client_id=C] with X-IDENTITY-HEADER.
http::request azure_app_service_identity_request(const http::url& identity_endpoint, const std::string& identity_header,
                                                 const std::string& resource, const std::string& client_id = {});

// The federated token, trimmed; re-read on every refresh. Unreadable, empty or huge files are errors naming the path.
result<std::string> read_azure_federated_token(const std::string& path);

// Non-2xx answers from Entra ID or a managed-identity endpoint: the OAuth2 code as service_code (invalid_client,
// ...) and the first line of error_description, which starts with the AADSTS number ("AADSTS7000215: Invalid
// client secret provided. ..."), in the message. When only error_codes carries it, "AADSTSnnn" is added.
failure map_azure_token_error(const http::request& req, const http::response& resp);

// Replaces every occurrence of each non-empty secret in the failure's text with "[redacted]": a service may echo
// what it was sent, and these errors end up in logs.
failure redact_secrets(failure f, const std::vector<std::string>& secrets);

}  // namespace ferry::auth
