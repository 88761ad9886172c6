#include "src/auth/aws_remote_sources.hpp"

#include "ferry/service_error.hpp"

#include <boost/json/parse.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

namespace ferry::auth {
namespace {

http::url with_path(http::url base, std::string_view path) {
  base.target = std::string(path);
  return base;
}


std::string first_line(std::string_view s) {
  auto end = s.find_first_of("\r\n");
  return std::string(s.substr(0, end));
}

}  // namespace

bool imds_disabled(const env_lookup& env) {
  auto v = env("AWS_EC2_METADATA_DISABLED");
  return v && (*v == "true" || *v == "TRUE" || *v == "True" || *v == "1");
}

result<http::url> imds_endpoint(const env_lookup& env) {
  std::string text = env("AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or("http://169.254.169.254");
  auto u = http::url::parse(text);
  if (!u) return failure(error::invalid_argument, "AWS_EC2_METADATA_SERVICE_ENDPOINT: " + u.error().message);
  return u;
}

boost::asio::awaitable<result<aws_expiring_credentials>> fetch_imds_credentials(http::client& client,
                                                                                const http::url& endpoint) {
  retry_policy policy(local_endpoint_retry());
  http::request token_req;
  token_req.method = "PUT";
  token_req.address = with_path(endpoint, "/latest/api/token");
  token_req.headers.set("X-aws-ec2-metadata-token-ttl-seconds", "21600");
  auto token = co_await http::send_with_retry(client, token_req, policy);
  if (!token) co_return token.error();
  std::string session = first_line(token->body);
  if (session.empty()) co_return failure(error::protocol_error, "IMDS returned an empty session token");

  http::request role_req;
  role_req.address = with_path(endpoint, "/latest/meta-data/iam/security-credentials/");
  role_req.headers.set("X-aws-ec2-metadata-token", session);
  auto role = co_await http::send_with_retry(client, role_req, policy);
  if (!role) co_return role.error();
  std::string role_name = first_line(role->body);
  if (role_name.empty() || role_name.find('/') != std::string::npos || role_name.size() > 128)
    co_return failure(error::protocol_error, "IMDS returned no usable role name (no instance profile attached?)");

  http::request creds_req = role_req;
  creds_req.address = with_path(endpoint, "/latest/meta-data/iam/security-credentials/" + role_name);
  auto creds = co_await http::send_with_retry(client, creds_req, policy);
  if (!creds) co_return creds.error();
  co_return parse_aws_credentials_json(creds->body, "IMDS");
}

result<std::optional<container_source>> container_endpoint(const env_lookup& env) {
  std::string text;
  if (auto rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    if (!rel->starts_with("/"))
      return failure(error::invalid_argument, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with '/'");
    text = "http://169.254.170.2" + *rel;
  } else if (auto full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    text = *full;
  } else {
    return std::optional<container_source>{};
  }
  auto u = http::url::parse(text);
  if (!u) return failure(error::invalid_argument, "container credentials URI: " + u.error().message);
  container_source source{*u, {}};
  if (auto file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    std::ifstream in(*file, std::ios::binary);
    if (!in) return failure(error::not_found, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE '" + *file + "'");
    std::ostringstream s;
    s << in.rdbuf();
    source.authorization = first_line(s.str());
  } else if (auto token = env("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
    source.authorization = *token;
  }
  if (source.authorization.find_first_of("\r\n") != std::string::npos)
    return failure(error::invalid_argument, "container authorization token contains a line break");
  return std::optional<container_source>(std::move(source));
}

boost::asio::awaitable<result<aws_expiring_credentials>> fetch_container_credentials(
    http::client& client, const container_source& source) {
  retry_policy policy(local_endpoint_retry());
  http::request req;
  req.address = source.address;
  if (!source.authorization.empty()) req.headers.set("Authorization", source.authorization);
  auto resp = co_await http::send_with_retry(client, req, policy);
  if (!resp) co_return resp.error();
  co_return parse_aws_credentials_json(resp->body, "the container credentials endpoint");
}

result<aws_expiring_credentials> run_credential_process(const std::string& command) {
  // popen runs "/bin/sh -c command", which is what the AWS CLI and SDKs do with credential_process.
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return failure(error::io_error, "cannot start credential_process");
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) {
    out.append(buf.data(), n);
    if (out.size() > 64 * 1024) break;
  }
  int status = ::pclose(pipe);
  if (status != 0) {
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return failure(error::access_denied, "credential_process exited with status " + std::to_string(code));
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(out, ec);
  if (ec || !v.is_object()) return failure(error::protocol_error, "credential_process printed no JSON object");
  auto version = v.as_object().find("Version");
  if (version == v.as_object().end() || !version->value().is_int64() || version->value().as_int64() != 1)
    return failure(error::protocol_error, "credential_process output lacks \"Version\": 1");
  return parse_aws_credentials_json(out, "credential_process");
}

}  // namespace ferry::auth
