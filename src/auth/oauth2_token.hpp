// OAuth2 bearer tokens for Google and Azure: the token-endpoint grants (JWT bearer for Google service accounts,
// refresh_token for gcloud user credentials, client_credentials for Entra ID apps) and the two metadata servers
// (GCE/GKE, Azure managed identity). Request builders and the response parser are pure; fetch_* send them.
#pragma once

#include "ferry/http.hpp"
#include "ferry/retry.hpp"
#include "src/auth/refreshing_value.hpp"

#include <functional>
#include <string>
#include <vector>

namespace ferry::auth {

struct bearer_token {
  std::string access_token;  // a secret: never logged
  std::string token_type = "Bearer";
};
using expiring_token = expiring<bearer_token>;

// Form-encodes fields for application/x-www-form-urlencoded bodies.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

http::request jwt_bearer_grant(const http::url& token_uri, const std::string& signed_jwt);
http::request refresh_token_grant(const http::url& token_uri, const std::string& client_id,
                                  const std::string& client_secret, const std::string& refresh_token);
http::request client_credentials_grant(const http::url& token_uri, const std::string& client_id,
                                       const std::string& client_secret, const std::string& scope);

// GET {host}/computeMetadata/v1/instance/service-accounts/default/token with Metadata-Flavor: Google.
// host: GCE_METADATA_HOST or metadata.google.internal.
http::request gce_metadata_token_request(const http::url& metadata_base);
// GET {base}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=R[&client_id=C] with Metadata: true.
http::request azure_managed_identity_request(const http::url& imds_base, const std::string& resource,
                                             const std::string& client_id = {});

// {"access_token", "expires_in" (number or string) | "expires_on" (epoch seconds, number or string), "token_type"}.
// An OAuth2 error body ({"error","error_description"}) becomes a failure naming the error code (not the token).
result<expiring_token> parse_token_response(std::string_view body, wall_clock::time_point now, std::string_view source);
// The failure mapper for token endpoints: OAuth2 error codes become service codes.
failure map_oauth2_error(const http::request& req, const http::response& resp);

// Sends the request (retrying per the one policy) and parses the token.
// `now` dates a relative expires_in (default: the system clock; chains pass theirs so a fake clock drives the cache).
// A request carrying Metadata-Flavor (the GCE metadata server) must be answered with Metadata-Flavor: Google, else
// protocol_error. `retry`: metadata servers get fewer, quicker attempts than token endpoints.
boost::asio::awaitable<result<expiring_token>> fetch_token(http::client& client, const http::request& req,
                                                           std::string_view source,
                                                           std::function<wall_clock::time_point()> now = {},
                                                           retry_options retry = {});

}  // namespace ferry::auth
