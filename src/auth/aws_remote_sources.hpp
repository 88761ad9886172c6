// Credential sources that live on a local endpoint or in a helper program: EC2 IMDSv2, the ECS/EKS container
// endpoint, and a profile's credential_process. Each returns credentials with their expiry for refreshing_value.
#pragma once

#include "ferry/http.hpp"
#include "src/auth/aws_credentials_json.hpp"
#include "src/auth/aws_static_credentials.hpp"

namespace ferry::auth {

// IMDSv2: PUT /latest/api/token (session token, 6 h), then GET .../iam/security-credentials/ for the role name and
// GET .../security-credentials/{role}. Endpoint: AWS_EC2_METADATA_SERVICE_ENDPOINT or http://169.254.169.254.
boost::asio::awaitable<result<aws_expiring_credentials>> fetch_imds_credentials(http::client& client,
                                                                                const http::url& endpoint);
result<http::url> imds_endpoint(const env_lookup& env);
bool imds_disabled(const env_lookup& env);  // AWS_EC2_METADATA_DISABLED=true

// Container endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on http://169.254.170.2) or
// AWS_CONTAINER_CREDENTIALS_FULL_URI, with Authorization from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or
// AWS_CONTAINER_AUTHORIZATION_TOKEN. Returns nullopt-like not_found when neither variable is set.
struct container_source {
  http::url address;
  std::string authorization;  // a secret: never logged
};
result<std::optional<container_source>> container_endpoint(const env_lookup& env);
boost::asio::awaitable<result<aws_expiring_credentials>> fetch_container_credentials(http::client& client,
                                                                                     const container_source& source);

// Runs the command with /bin/sh -c and parses its stdout ({"Version":1,...}). Blocks the calling thread while the
// program runs (it is expected to be quick, as in every AWS SDK); its stderr passes through.
result<aws_expiring_credentials> run_credential_process(const std::string& command);

}  // namespace ferry::auth
