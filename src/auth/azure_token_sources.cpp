#include "src/auth/azure_token_sources.hpp"

#include "signing/encoding.hpp"
#include "src/auth/oauth2_token.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace ferry::auth {
namespace {

constexpr std::size_t max_federated_token = 64 * 1024;

// "A", "A and B", "A, B and C".
std::string join_names(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

// "X is set but A and B are not" for a source whose other variables are missing.
result<void> require_all(const env_lookup& env, std::string_view set_name,
                         std::initializer_list<std::string_view> needed, std::string_view what) {
  std::vector<std::string_view> missing;
  for (auto name : needed)
    if (!env(name)) missing.push_back(name);
  if (missing.empty()) return {};
  return failure(error::invalid_argument, std::string(set_name) + " is set but " + join_names(missing) +
                                              (missing.size() == 1 ? " is not" : " are not") + " (" +
                                              std::string(what) + ")");
}

// A printable description of the first offending character, for error messages that must not echo the value.
std::string describe_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u < 0x20 || u == 0x7f) return "a control character";
  if (u == ' ') return "a space";
  if (u >= 0x80) return "a non-ASCII byte";
  return std::string("'") + c + "'";
}

result<void> validate_client_id(std::string_view id, std::string_view variable) {
  if (id.empty() || id.size() > 256)
    return failure(error::invalid_argument, std::string(variable) + " must be 1 to 256 characters");
  for (char c : id) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f)
      return failure(error::invalid_argument, std::string(variable) + " contains " + describe_char(c));
  }
  return {};
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

// Parses an http(s) URL for a local identity endpoint (App Service, IMDS); `variable` names it in errors.
result<http::url> parse_identity_url(std::string_view text, std::string_view variable) {
  for (char c : text)
    if (static_cast<unsigned char>(c) <= 0x20 || c == '#' || static_cast<unsigned char>(c) == 0x7f)
      return failure(error::invalid_argument, std::string(variable) + " contains " + describe_char(c));
  auto u = http::url::parse(text);
  if (!u) return failure(u.error().kind, std::string(variable) + ": " + u.error().message);
  return u;
}

}  // namespace

result<void> validate_azure_tenant_id(std::string_view tenant) {
  const std::string what = "AZURE_TENANT_ID is not a valid tenant id (a GUID or a domain name)";
  if (tenant.empty() || tenant.size() > 256) return failure(error::invalid_argument, what + ": length must be 1 to 256");
  for (char c : tenant)
    if (!std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80)
      if (c != '-' && c != '.') return failure(error::invalid_argument, what + ": it contains " + describe_char(c));
  if (tenant.front() == '.' || tenant.back() == '.' || tenant.find("..") != std::string_view::npos)
    return failure(error::invalid_argument, what + ": misplaced '.'");
  return {};
}

result<http::url> parse_azure_authority_host(std::string_view text) {
  for (char c : text)
    if (static_cast<unsigned char>(c) <= 0x20 || c == '?' || c == '#' || static_cast<unsigned char>(c) >= 0x7f)
      return failure(error::invalid_argument, "AZURE_AUTHORITY_HOST contains " + describe_char(c));
  auto u = http::url::parse(text);
  if (!u)
    return failure(error::invalid_argument, "AZURE_AUTHORITY_HOST must be a URL such as " +
                                                std::string(azure_default_authority_host) + ": " + u.error().message);
  // The client secret travels in the body: only TLS, except to a local test server.
  if (!u->tls() && !is_loopback_host(u->host))
    return failure(error::invalid_argument, "AZURE_AUTHORITY_HOST must use https (http is allowed for loopback only)");
  std::string path = u->target;
  for (char c : path)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '-' && c != '.' && c != '_' && c != '~')
      return failure(error::invalid_argument, "AZURE_AUTHORITY_HOST path contains " + describe_char(c));
  for (std::size_t start = 0; start <= path.size();) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    auto segment = std::string_view(path).substr(start, end - start);
    if (segment == "." || segment == "..")
      return failure(error::invalid_argument, "AZURE_AUTHORITY_HOST path contains a '" + std::string(segment) + "' segment");
    start = end + 1;
  }
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  u->target = path.empty() ? "/" : path;
  return u;
}

http::url azure_token_endpoint(const http::url& authority, std::string_view tenant) {
  http::url out = authority;
  std::string prefix = authority.target == "/" ? "" : authority.target;
  out.target = prefix + "/" + std::string(tenant) + "/oauth2/v2.0/token";
  return out;
}

result<std::string> azure_resource_for_scope(std::string_view scope) {
  constexpr std::string_view suffix = "/.default";
  for (char c : scope)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      return failure(error::invalid_argument, "Azure token scope contains " + describe_char(c) + " (one scope only)");
  if (!scope.ends_with(suffix) || scope.size() == suffix.size())
    return failure(error::invalid_argument, "Azure token scope must be '<resource>/.default', e.g. "
                                            "https://storage.azure.com/.default");
  return std::string(scope.substr(0, scope.size() - suffix.size()));
}

http::request azure_client_assertion_grant(const http::url& token_uri, const std::string& client_id,
                                           const std::string& assertion, const std::string& scope) {
  http::request req;
  req.method = "POST";
  req.address = token_uri;
  req.headers.set("Content-Type", "application/x-www-form-urlencoded");
  req.headers.set("Accept", "application/json");
  req.body = http::body_from_string(form_encode({{"grant_type", "client_credentials"},
                                                 {"client_id", client_id},
                                                 {"client_assertion_type", std::string(azure_client_assertion_type)},
                                                 {"client_assertion", assertion},
                                                 {"scope", scope}}));
  req.idempotent = true;  // only mints a token
  return req;
}

http::request azure_app_service_identity_request(const http::url& identity_endpoint, const std::string& identity_header,
                                                 const std::string& resource, const std::string& client_id) {
  http::request req;
  req.address = identity_endpoint;
  req.address.target += req.address.target.find('?') == std::string::npos ? '?' : '&';
  req.address.target += "api-version=2019-08-01&resource=" + signing::uri_encode(resource);
  if (!client_id.empty()) req.address.target += "&client_id=" + signing::uri_encode(client_id);
  req.headers.set("X-IDENTITY-HEADER", identity_header);
  req.headers.set("Accept", "application/json");
  return req;
}

result<std::string> read_azure_federated_token(const std::string& path) {
  const std::string what = "AZURE_FEDERATED_TOKEN_FILE '" + path + "'";
  auto os_failure = [&](int err) {
    error kind = err == EACCES || err == EPERM ? error::access_denied
                 : err == ENOENT || err == ENOTDIR ? error::not_found
                                                   : error::io_error;
    return failure(kind, "cannot read " + what + ": " + std::strerror(err));
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return os_failure(errno);
  std::string token;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return os_failure(err);
    }
    if (n == 0) break;
    token.append(buf, static_cast<std::size_t>(n));
    if (token.size() > max_federated_token) {
      ::close(fd);
      return failure(error::invalid_argument, what + " is larger than 64 KiB");
    }
  }
  ::close(fd);
  auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!token.empty() && space(token.back())) token.pop_back();
  std::size_t lead = 0;
  while (lead < token.size() && space(token[lead])) ++lead;
  token.erase(0, lead);
  if (token.empty()) return failure(error::invalid_argument, what + " is empty");
  return token;
}

result<azure_token_source> select_azure_token_source(const env_lookup& env, const azure_source_overrides& overrides) {
  azure_token_source out;
  auto tenant = env("AZURE_TENANT_ID"), client = env("AZURE_CLIENT_ID");
  auto secret = env("AZURE_CLIENT_SECRET"), token_file = env("AZURE_FEDERATED_TOKEN_FILE");

  // Both Entra sources: validated tenant and client id, token endpoint under the authority host.
  auto entra = [&](azure_token_source_kind kind, std::string label) -> result<azure_token_source> {
    if (auto ok = validate_azure_tenant_id(*tenant); !ok) return ok.error();
    if (auto ok = validate_client_id(*client, "AZURE_CLIENT_ID"); !ok) return ok.error();
    auto authority = parse_azure_authority_host(env("AZURE_AUTHORITY_HOST").value_or(std::string(azure_default_authority_host)));
    if (!authority) return authority.error();
    out.kind = kind;
    out.label = std::move(label);
    out.endpoint = azure_token_endpoint(*authority, *tenant);
    out.tenant_id = *tenant;
    out.client_id = *client;
    return out;
  };

  // 1. Environment: client secret.
  if (secret) {
    if (auto ok = require_all(env, "AZURE_CLIENT_SECRET", {"AZURE_TENANT_ID", "AZURE_CLIENT_ID"},
                              "a client secret needs AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET");
        !ok)
      return ok.error();
    out.client_secret = *secret;
    return entra(azure_token_source_kind::client_secret, "environment (client secret)");
  }
  if (env("AZURE_CLIENT_CERTIFICATE_PATH"))
    return failure(error::unsupported, "AZURE_CLIENT_CERTIFICATE_PATH is set, but certificate credentials are not "
                                       "supported; use AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE");
  out.skipped.push_back("environment (AZURE_CLIENT_SECRET not set)");

  // 2. Workload identity (AKS and other federated issuers).
  if (token_file) {
    if (auto ok = require_all(env, "AZURE_FEDERATED_TOKEN_FILE", {"AZURE_TENANT_ID", "AZURE_CLIENT_ID"},
                              "workload identity needs AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE");
        !ok)
      return ok.error();
    out.federated_token_file = *token_file;
    return entra(azure_token_source_kind::workload_identity, "workload identity (AZURE_FEDERATED_TOKEN_FILE)");
  }
  if (tenant)  // a tenant alone names no credential; managed identity ignores it, so say what is missing
    return failure(error::invalid_argument,
                   std::string("AZURE_TENANT_ID is set but neither AZURE_CLIENT_SECRET (client secret) nor "
                               "AZURE_FEDERATED_TOKEN_FILE (workload identity) is") +
                       (client ? "" : "; AZURE_CLIENT_ID is not set either"));
  out.skipped.push_back("workload identity (AZURE_FEDERATED_TOKEN_FILE not set)");

  // AZURE_CLIENT_ID alone selects a user-assigned managed identity.
  if (client) {
    if (auto ok = validate_client_id(*client, "AZURE_CLIENT_ID"); !ok) return ok.error();
    out.client_id = *client;
  }

  // 3. Managed identity, App Service / Functions / Container Apps flavour.
  auto identity_endpoint = env("IDENTITY_ENDPOINT"), identity_header = env("IDENTITY_HEADER");
  if (identity_endpoint && !identity_header && env("IMDS_ENDPOINT"))
    return failure(error::unsupported, "IDENTITY_ENDPOINT with IMDS_ENDPOINT (Azure Arc managed identity) is not supported");
  if (identity_endpoint || identity_header) {
    if (auto ok = require_all(env, identity_endpoint ? "IDENTITY_ENDPOINT" : "IDENTITY_HEADER",
                              {"IDENTITY_ENDPOINT", "IDENTITY_HEADER"},
                              "App Service managed identity needs both");
        !ok)
      return ok.error();
    if (env("IDENTITY_SERVER_THUMBPRINT"))
      return failure(error::unsupported, "IDENTITY_SERVER_THUMBPRINT is set: Service Fabric managed identity is not supported");
    if (identity_header->find_first_of("\r\n") != std::string::npos)
      return failure(error::invalid_argument, "IDENTITY_HEADER contains a line break");
    auto endpoint = parse_identity_url(*identity_endpoint, "IDENTITY_ENDPOINT");
    if (!endpoint) return endpoint.error();
    out.kind = azure_token_source_kind::app_service;
    out.label = "managed identity (IDENTITY_ENDPOINT)";
    out.endpoint = *endpoint;
    out.identity_header = *identity_header;
    return out;
  }
  out.skipped.push_back("managed identity via IDENTITY_ENDPOINT (not set)");

  // 4. Managed identity through the instance metadata service.
  std::string_view variable = "the IMDS endpoint option";
  std::string base;
  if (overrides.imds_endpoint) {
    base = *overrides.imds_endpoint;
  } else if (auto pod = env("AZURE_POD_IDENTITY_AUTHORITY_HOST")) {
    base = *pod;
    variable = "AZURE_POD_IDENTITY_AUTHORITY_HOST";
  } else {
    base = std::string(azure_default_imds_endpoint);
  }
  auto endpoint = parse_identity_url(base, variable);
  if (!endpoint) return endpoint.error();
  if (endpoint->target != "/")
    return failure(error::invalid_argument, std::string(variable) + " must be a scheme, host and port only");
  out.kind = azure_token_source_kind::imds;
  out.label = "managed identity (IMDS at " + endpoint->redacted() + ")";
  out.endpoint = *endpoint;
  return out;
}

failure map_azure_token_error(const http::request& req, const http::response& resp) {
  failure f = map_oauth2_error(req, resp);
  boost::system::error_code ec;
  auto v = boost::json::parse(resp.body, ec);
  if (ec || !v.is_object()) return f;
  const auto& o = v.as_object();
  std::string aadsts;
  if (auto codes = o.if_contains("error_codes"); codes && codes->is_array() && !codes->as_array().empty() &&
                                                  codes->as_array().front().is_int64())
    aadsts = "AADSTS" + std::to_string(codes->as_array().front().as_int64());
  // map_oauth2_error appended error_description, which normally starts with the AADSTS code; name it when not.
  if (!aadsts.empty() && f.message.find("AADSTS") == std::string::npos) f.message += " (" + aadsts + ")";
  return f;
}

failure redact_secrets(failure f, const std::vector<std::string>& secrets) {
  constexpr std::string_view marker = "[redacted]";
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (std::string* text : {&f.message, &f.service_code})
      for (auto at = text->find(secret); at != std::string::npos; at = text->find(secret, at + marker.size()))
        text->replace(at, secret.size(), marker);
  }
  return f;
}

}  // namespace ferry::auth
