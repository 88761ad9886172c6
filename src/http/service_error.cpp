#include "ferry/service_error.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <pugixml.hpp>

#include <algorithm>
#include <optional>

namespace ferry {
namespace {

constexpr std::size_t max_field = 512;  // service strings are short; a huge one is hostile or garbage

// Keeps printable ASCII/UTF-8 only and bounds the length, so a body cannot inject terminal escapes into a log line.
std::string clean(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, max_field)) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  while (!out.empty() && out.front() == ' ') out.erase(out.begin());
  return out;
}

void set_message(failure& f, std::string_view service_message) {
  if (service_message.empty()) return;
  f.message += ": " + clean(service_message);
}

std::optional<boost::json::object> parse_object(std::string_view body) {
  if (body.empty() || body.size() > (1 << 20)) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::string_view string_at(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return {};
  return it->value().get_string();
}

}  // namespace

void apply_service_code(failure& f) {
  const std::string& c = f.service_code;
  if (c == "SlowDown" || c == "ServerBusy" || c == "ThrottlingException" || c == "TooManyRequestsException" ||
      c == "RequestLimitExceeded" || c == "rateLimitExceeded" || c == "RESOURCE_EXHAUSTED")
    f.kind = error::throttled;
  else if (c == "NoSuchKey" || c == "NoSuchBucket" || c == "NoSuchUpload" || c == "BlobNotFound" ||
           c == "ContainerNotFound" || c == "ResourceNotFoundException" || c == "SecretNotFound" || c == "NOT_FOUND")
    f.kind = error::not_found;
  else if (c == "PreconditionFailed" || c == "ConditionNotMet" || c == "FAILED_PRECONDITION")
    f.kind = error::precondition_failed;
  else if (c == "InternalError" || c == "InternalServiceError" || c == "OperationTimedOut")
    f.kind = error::server_error;
  else if (c == "RequestTimeout")
    f.kind = error::invalid_argument;  // kept retryable by is_retryable
  else if (c == "BadDigest" || c == "InvalidDigest" || c == "Md5Mismatch" || c == "XAmzContentSHA256Mismatch" ||
           c == "InvalidChecksum")
    f.kind = error::checksum_mismatch;
  else if (c == "AccessDenied" || c == "SignatureDoesNotMatch" || c == "InvalidAccessKeyId" ||
           c == "AuthenticationFailed" || c == "AuthorizationFailure" || c == "ExpiredToken" ||
           c == "RequestTimeTooSkewed" || c == "PERMISSION_DENIED" || c == "UNAUTHENTICATED" ||
           c == "InvalidIdentityToken" || c == "ExpiredTokenException" || c == "InvalidClientTokenId")
    f.kind = error::access_denied;
  else if (c == "ResourceExistsException" || c == "BlobAlreadyExists" || c == "ALREADY_EXISTS")
    f.kind = error::already_exists;
}

void refine_s3_error(failure& f, std::string_view body) {
  if (body.empty() || body.size() > (1 << 20)) return;
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8)) return;
  auto e = doc.child("Error");
  if (!e) e = doc.child("ErrorResponse").child("Error");  // STS and other query-protocol services
  if (!e) return;
  f.service_code = clean(e.child_value("Code"));
  set_message(f, e.child_value("Message"));
  std::string id = clean(e.child_value("RequestId"));
  if (id.empty()) id = clean(doc.child("ErrorResponse").child_value("RequestId"));
  if (!id.empty()) f.request_id = id;
  apply_service_code(f);
}

void refine_azure_error(failure& f, const http::response& resp) {
  if (auto code = resp.headers.find("x-ms-error-code")) f.service_code = clean(*code);
  if (resp.body.size() <= (1 << 20) && !resp.body.empty()) {
    pugi::xml_document doc;
    if (doc.load_buffer(resp.body.data(), resp.body.size(), pugi::parse_default, pugi::encoding_utf8)) {
      auto e = doc.child("Error");
      if (f.service_code.empty()) f.service_code = clean(e.child_value("Code"));
      // Only the first line: Azure appends "RequestId:...\nTime:..." which we carry separately.
      std::string_view msg = e.child_value("Message");
      set_message(f, msg.substr(0, msg.find('\n')));
    }
  }
  apply_service_code(f);
}

void refine_google_error(failure& f, std::string_view body) {
  auto o = parse_object(body);
  if (!o) return;
  auto it = o->find("error");
  if (it == o->end() || !it->value().is_object()) return;
  const auto& e = it->value().as_object();
  std::string code(string_at(e, "status"));  // gRPC-style status (Secret Manager)
  if (code.empty()) code = string_at(e, "code");  // Key Vault: "SecretNotFound"
  if (code.empty()) {
    if (auto errs = e.find("errors"); errs != e.end() && errs->value().is_array() && !errs->value().as_array().empty()) {
      const auto& first = errs->value().as_array().front();
      if (first.is_object()) code = string_at(first.as_object(), "reason");  // GCS: "notFound", "forbidden"
    }
  }
  f.service_code = clean(code);
  set_message(f, string_at(e, "message"));
  apply_service_code(f);
}

void refine_aws_json_error(failure& f, const http::response& resp) {
  std::string type;
  if (auto t = resp.headers.find("x-amzn-errortype")) type = std::string(*t);
  std::string_view message;
  if (auto o = parse_object(resp.body)) {
    if (type.empty()) type = std::string(string_at(*o, "__type"));
    message = string_at(*o, "message");
    if (message.empty()) message = string_at(*o, "Message");
    set_message(f, message);
  } else if (!resp.body.empty() && resp.body.front() == '<') {
    refine_s3_error(f, resp.body);  // moto and some endpoints answer auth errors in XML
    return;
  }
  // "com.amazonaws.secretsmanager#ResourceNotFoundException" or "Name:http://..." → "Name"
  if (auto hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
  if (auto colon = type.find(':'); colon != std::string::npos) type = type.substr(0, colon);
  f.service_code = clean(type);
  apply_service_code(f);
}

void refine_vault_error(failure& f, std::string_view body) {
  auto o = parse_object(body);
  if (!o) return;
  auto it = o->find("errors");
  if (it == o->end() || !it->value().is_array()) return;
  std::string joined;
  for (const auto& e : it->value().as_array()) {
    if (!e.is_string()) continue;
    if (!joined.empty()) joined += "; ";
    joined += std::string(e.get_string());
    if (joined.size() > max_field) break;
  }
  set_message(f, joined);
}

failure map_s3_error(const http::request& req, const http::response& resp) {
  failure f = http::status_failure(req, resp);
  refine_s3_error(f, resp.body);
  return f;
}

failure map_azure_error(const http::request& req, const http::response& resp) {
  failure f = http::status_failure(req, resp);
  refine_azure_error(f, resp);
  return f;
}

failure map_google_error(const http::request& req, const http::response& resp) {
  failure f = http::status_failure(req, resp);
  refine_google_error(f, resp.body);
  return f;
}

}  // namespace ferry
