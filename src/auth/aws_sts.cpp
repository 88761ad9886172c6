#include "src/auth/aws_sts.hpp"

#include "signing/encoding.hpp"
#include "signing/digest.hpp"
#include "signing/sigv4.hpp"

#include <pugixml.hpp>

namespace ferry::auth {
namespace {

std::string form(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  std::string out;
  for (auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += signing::uri_encode(k);
    out += '=';
    out += signing::uri_encode(v);
  }
  return out;
}

http::request post_form(const http::url& endpoint, std::string body) {
  http::request req;
  req.method = "POST";
  req.address = endpoint;
  req.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  req.body = http::body_from_string(std::move(body));
  req.idempotent = true;  // STS role requests only mint credentials; repeating one is harmless
  return req;
}

// An element's text without the whitespace a pretty-printer puts around it.
std::string trimmed_child(const pugi::xml_node& parent, const char* name) {
  std::string_view v = parent.child_value(name);
  auto first = v.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return std::string(v.substr(first, v.find_last_not_of(" \t\r\n") - first + 1));
}

}  // namespace

result<http::url> sts_endpoint(const env_lookup& env, const std::string& region) {
  for (auto name : {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"}) {
    if (auto v = env(name)) {
      auto u = http::url::parse(*v);
      if (!u) return failure(error::invalid_argument, std::string(name) + " is not a valid URL: " + u.error().message);
      return u;
    }
  }
  return http::url::parse("https://sts." + region + ".amazonaws.com/");
}

http::request build_assume_role_with_web_identity(const http::url& endpoint, const sts_role_request& role,
                                                  const std::string& web_identity_token) {
  auto duration = std::to_string(role.duration.count());
  return post_form(endpoint, form({{"Action", "AssumeRoleWithWebIdentity"},
                                   {"Version", "2011-06-15"},
                                   {"RoleArn", role.role_arn},
                                   {"RoleSessionName", role.session_name},
                                   {"DurationSeconds", duration},
                                   {"WebIdentityToken", web_identity_token}}));
}

result<http::request> build_assume_role(const http::url& endpoint, const sts_role_request& role,
                                        const signing::aws_credentials& source, const std::string& region,
                                        std::chrono::sys_seconds now) {
  auto duration = std::to_string(role.duration.count());
  std::string body = form({{"Action", "AssumeRole"},
                           {"Version", "2011-06-15"},
                           {"RoleArn", role.role_arn},
                           {"RoleSessionName", role.session_name},
                           {"DurationSeconds", duration}});
  signing::sigv4_request what;
  what.method = "POST";
  what.headers = {{"Host", endpoint.host_header()},
                  {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  what.payload_hash = signing::sha256_hex(body);
  signing::sigv4_params params;
  params.region = region;
  params.service = "sts";
  params.time = now;
  auto sig = signing::sigv4_sign_headers(what, source, params);
  if (!sig) return sig.error();
  auto req = post_form(endpoint, std::move(body));
  req.headers.set("Host", endpoint.host_header());
  for (auto& [name, value] : sig->headers) req.headers.set(name, value);
  return req;
}

result<aws_expiring_credentials> parse_sts_credentials(std::string_view xml) {
  auto bad = [](std::string what) { return failure(error::protocol_error, "STS response: " + what); };
  if (xml.size() > 256 * 1024) return bad("too large");
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return bad("not XML");
  auto root = doc.document_element();
  pugi::xml_node creds;
  for (auto result : root.children())
    if (std::string_view(result.name()).ends_with("Result")) creds = result.child("Credentials");
  if (!creds) return bad("no Credentials element in <" + std::string(root.name()).substr(0, 64) + ">");
  aws_expiring_credentials out;
  out.value.access_key_id = trimmed_child(creds, "AccessKeyId");
  out.value.secret_access_key = trimmed_child(creds, "SecretAccessKey");
  out.value.session_token = trimmed_child(creds, "SessionToken");
  if (out.value.empty()) return bad("incomplete Credentials");
  // Character references and CDATA can smuggle CR/LF into what becomes a header value.
  if (has_control_character(out.value.access_key_id) || has_control_character(out.value.secret_access_key) ||
      has_control_character(out.value.session_token))
    return bad("control character in Credentials");
  std::string expiration = trimmed_child(creds, "Expiration");
  auto when = parse_iso8601_utc(expiration);
  if (!when) return bad("malformed Expiration");
  out.expires = *when;
  return out;
}

}  // namespace ferry::auth
