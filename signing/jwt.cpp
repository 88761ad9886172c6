#include "signing/jwt.hpp"

#include "signing/encoding.hpp"

namespace ferry::signing {
namespace {

failure invalid(std::string msg) { return failure(error::invalid_argument, "jwt: " + std::move(msg)); }

}  // namespace

std::string json_quote(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

std::string google_jwt_header_json(std::string_view key_id) {
  std::string h = R"({"alg":"RS256","typ":"JWT")";
  if (!key_id.empty()) h += ",\"kid\":" + json_quote(key_id);
  h += '}';
  return h;
}

result<std::string> google_jwt_claims_json(const google_jwt_claims& c) {
  if (c.issuer.empty()) return invalid("issuer (client_email) is required");
  if (c.audience.empty()) return invalid("audience is required");
  if (c.lifetime.count() < 1 || c.lifetime > google_jwt_max_lifetime) return invalid("lifetime must be 1..3600 seconds");
  if (c.issued_at.time_since_epoch().count() < 0) return invalid("issued-at before 1970");
  long long iat = c.issued_at.time_since_epoch().count();
  long long exp = iat + c.lifetime.count();
  std::string j = "{\"iss\":" + json_quote(c.issuer);
  if (!c.subject.empty()) j += ",\"sub\":" + json_quote(c.subject);
  if (!c.scope.empty()) j += ",\"scope\":" + json_quote(c.scope);
  j += ",\"aud\":" + json_quote(c.audience);
  j += ",\"iat\":" + std::to_string(iat);
  j += ",\"exp\":" + std::to_string(exp);
  j += '}';
  return j;
}

result<std::string> jwt_rs256(std::string_view header_json, std::string_view claims_json, const rsa_private_key& key) {
  std::string signing_input = base64url_nopad(header_json);
  signing_input += '.';
  signing_input += base64url_nopad(claims_json);
  auto sig = key.sign_sha256(signing_input);
  if (!sig) return sig.error();
  signing_input += '.';
  signing_input += base64url_nopad(*sig);
  return signing_input;
}

result<std::string> google_service_account_jwt(const google_jwt_claims& claims, const rsa_private_key& key) {
  auto body = google_jwt_claims_json(claims);
  if (!body) return body.error();
  return jwt_rs256(google_jwt_header_json(claims.key_id), *body, key);
}

}  // namespace ferry::signing
