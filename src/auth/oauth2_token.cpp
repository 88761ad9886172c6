#include "src/auth/oauth2_token.hpp"

#include "signing/encoding.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cmath>
#include <charconv>

namespace ferry::auth {
namespace {

http::request post_form(const http::url& uri, std::string body) {
  http::request req;
  req.method = "POST";
  req.address = uri;
  req.headers.set("Content-Type", "application/x-www-form-urlencoded");
  req.headers.set("Accept", "application/json");
  req.body = http::body_from_string(std::move(body));
  req.idempotent = true;  // a token grant only mints a token; repeating it is harmless
  return req;
}

// An integer that services send as a number or a string ("3599"). nullopt: absent; an error: present but not an
// integer a clock can hold (fractions, 1e300, "12abc", "" and wrong types are refused rather than guessed at).
result<std::optional<long long>> integer_field(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return std::optional<long long>();
  const auto& v = it->value();
  constexpr long long limit = 1LL << 40;  // ~35,000 years of seconds: far beyond any real value, far from overflow
  auto bounded = [&](long long n) -> result<std::optional<long long>> {
    if (n < -limit || n > limit) return failure(error::protocol_error, std::string(key) + " is out of range");
    return std::optional<long long>(n);
  };
  if (v.is_int64()) return bounded(v.as_int64());
  if (v.is_uint64()) return failure(error::protocol_error, std::string(key) + " is out of range");
  if (v.is_double()) {
    double d = v.as_double();
    if (!(d >= -double(limit) && d <= double(limit)) || d != std::floor(d))
      return failure(error::protocol_error, std::string(key) + " is not a whole number of seconds");
    return bounded(static_cast<long long>(d));
  }
  if (v.is_string()) {
    std::string_view s = v.get_string();
    long long n = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) return bounded(n);
  }
  return failure(error::protocol_error, std::string(key) + " is not an integer");
}

std::string clean_code(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 80))
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.') out += c;
  return out;
}

// The first line of a service's human-readable explanation, control characters replaced, capped: it names what
// went wrong ("Invalid JWT Signature.", "AADSTS7000215: Invalid client secret provided.") and holds no secret.
std::string first_line(std::string_view s, std::size_t limit) {
  s = s.substr(0, s.find_first_of("\r\n"));
  std::string out;
  for (char c : s.substr(0, limit)) {
    auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  if (s.size() > limit) out += "...";
  return out;
}

}  // namespace

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += signing::uri_encode(k) + "=" + signing::uri_encode(v);
  }
  return out;
}

http::request jwt_bearer_grant(const http::url& token_uri, const std::string& signed_jwt) {
  return post_form(token_uri, form_encode({{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"},
                                           {"assertion", signed_jwt}}));
}

http::request refresh_token_grant(const http::url& token_uri, const std::string& client_id,
                                  const std::string& client_secret, const std::string& refresh_token) {
  return post_form(token_uri, form_encode({{"grant_type", "refresh_token"},
                                           {"client_id", client_id},
                                           {"client_secret", client_secret},
                                           {"refresh_token", refresh_token}}));
}

http::request client_credentials_grant(const http::url& token_uri, const std::string& client_id,
                                       const std::string& client_secret, const std::string& scope) {
  return post_form(token_uri, form_encode({{"grant_type", "client_credentials"},
                                           {"client_id", client_id},
                                           {"client_secret", client_secret},
                                           {"scope", scope}}));
}

http::request gce_metadata_token_request(const http::url& metadata_base) {
  http::request req;
  req.address = metadata_base;
  req.address.target = "/computeMetadata/v1/instance/service-accounts/default/token";
  req.headers.set("Metadata-Flavor", "Google");
  return req;
}

http::request azure_managed_identity_request(const http::url& imds_base, const std::string& resource,
                                             const std::string& client_id) {
  http::request req;
  req.address = imds_base;
  req.address.target = "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=" + signing::uri_encode(resource);
  if (!client_id.empty()) req.address.target += "&client_id=" + signing::uri_encode(client_id);
  req.headers.set("Metadata", "true");
  return req;
}

result<expiring_token> parse_token_response(std::string_view body, wall_clock::time_point now,
                                            std::string_view source) {
  auto bad = [&](std::string what) {
    return failure(error::protocol_error, "token from " + std::string(source) + ": " + what);
  };
  if (body.size() > 256 * 1024) return bad("response too large");
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return bad("not a JSON object");
  const auto& o = v.as_object();
  auto token = o.find("access_token");
  if (token == o.end() || !token->value().is_string() || token->value().get_string().empty()) {
    if (auto e = o.find("error"); e != o.end() && e->value().is_string()) {
      failure f(error::access_denied, "token from " + std::string(source) + " refused");
      f.service_code = clean_code(e->value().get_string());
      return f;
    }
    return bad("no access_token");
  }
  expiring_token out;
  out.value.access_token = std::string(token->value().get_string());
  // It becomes an Authorization header value: a line break or control character there is an injection, not a token.
  if (std::any_of(out.value.access_token.begin(), out.value.access_token.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    return bad("access_token contains control characters");
  if (auto t = o.find("token_type"); t != o.end() && t->value().is_string())
    out.value.token_type = std::string(t->value().get_string());
  constexpr long long ten_years = 10LL * 365 * 24 * 3600;
  auto in = integer_field(o, "expires_in");
  if (!in) return bad(in.error().message);
  auto on = integer_field(o, "expires_on");
  if (!on) return bad(on.error().message);
  if (*in) {
    if (**in <= 0 || **in > ten_years) return bad("implausible expires_in");
    out.expires = now + std::chrono::seconds(**in);
  } else if (*on) {
    // Epoch seconds. A past value is passed on (the cache refuses an expired token); one before 1970 or more than ten
    // years ahead is nonsense (and could overflow the clock).
    auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    if (**on <= 0 || **on > now_s + ten_years) return bad("implausible expires_on");
    out.expires = wall_clock::time_point(std::chrono::seconds(**on));
  } else {
    out.expires = now + std::chrono::minutes(30);  // no expiry given: assume a short life rather than forever
  }
  return out;
}

failure map_oauth2_error(const http::request& req, const http::response& resp) {
  failure f = http::status_failure(req, resp);
  boost::system::error_code ec;
  auto v = boost::json::parse(resp.body, ec);
  if (!ec && v.is_object()) {
    const auto& o = v.as_object();
    if (auto e = o.find("error"); e != o.end() && e->value().is_string())
      f.service_code = clean_code(e->value().get_string());
    else if (e != o.end() && e->value().is_object())  // Google APIs' {"error":{"status":...}}
      if (auto s = e->value().as_object().find("status"); s != e->value().as_object().end() && s->value().is_string())
        f.service_code = clean_code(s->value().get_string());
    if (auto d = o.find("error_description"); d != o.end() && d->value().is_string() && !d->value().get_string().empty())
      f.message += ": " + first_line(d->value().get_string(), 300);
  }
  if (f.service_code == "invalid_grant" || f.service_code == "invalid_client" || f.service_code == "unauthorized_client")
    f.kind = error::access_denied;
  return f;
}

}  // namespace ferry::auth
