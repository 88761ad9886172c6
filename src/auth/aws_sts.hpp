// AWS STS for the credential chain: AssumeRoleWithWebIdentity (unsigned; the web identity token is the proof) and
// AssumeRole (SigV4-signed with the source credentials). Request builders and the response parser are pure; the
// chain sends them with the HTTP client.
#pragma once

#include "ferry/http.hpp"
#include "signing/aws_credentials.hpp"
#include "src/auth/aws_credentials_json.hpp"
#include "src/auth/aws_static_credentials.hpp"

#include <chrono>
#include <string>

namespace ferry::auth {

// AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL, else https://sts.{region}.amazonaws.com.
result<http::url> sts_endpoint(const env_lookup& env, const std::string& region);

struct sts_role_request {
  std::string role_arn;
  std::string session_name = "ferry";
  std::chrono::seconds duration{3600};
};

http::request build_assume_role_with_web_identity(const http::url& endpoint, const sts_role_request& role,
                                                  const std::string& web_identity_token);
// Signed for `region` at `now` with the source credentials.
result<http::request> build_assume_role(const http::url& endpoint, const sts_role_request& role,
                                        const signing::aws_credentials& source, const std::string& region,
                                        std::chrono::sys_seconds now);

// <AssumeRole[WithWebIdentity]Response><...Result><Credentials>{AccessKeyId,SecretAccessKey,SessionToken,Expiration}
result<aws_expiring_credentials> parse_sts_credentials(std::string_view xml);

}  // namespace ferry::auth
