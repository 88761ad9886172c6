// Google OAuth2 token endpoint: POST /token (also /oauth2/v4/token, /o/oauth2/token), form-encoded,
// for service-account JWT assertions (grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer) and
// authorized_user refresh tokens (grant_type=refresh_token). Clients get here through the token_uri
// of their key file. The JWT is checked structurally and, when google.public_key_pem is configured,
// its RS256 signature is verified.
#include "tests/support/credential_dialects.hpp"

#include "signing/encoding.hpp"

namespace ferry::testd {
namespace {

namespace json = boost::json;

constexpr std::string_view jwt_bearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";
constexpr const char* bad_time =
    "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and "
    "exp values in the JWT claim.";

struct oauth_error {
  unsigned status;
  std::string error, description;
};

response error_reply(const oauth_error& e) {
  return json_reply(e.status, json::object{{"error", e.error}, {"error_description", e.description}});
}

std::optional<std::int64_t> int_claim(const json::object& claims, std::string_view name) {
  auto v = claims.if_contains(name);
  if (!v || !v->is_number()) return std::nullopt;
  return static_cast<std::int64_t>(v->to_number<double>());
}

bool string_claim(const json::object& claims, std::string_view name) {
  auto v = claims.if_contains(name);
  return v && v->is_string() && !v->as_string().empty();
}

class google_auth_dialect final : public dialect {
 public:
  explicit google_auth_dialect(std::shared_ptr<credential_state> s) : state_(std::move(s)) {}
  std::string_view name() const override { return "google_auth"; }
  bool accepts(const exchange& ex) const override {
    const std::string_view p = ex.path();
    // Only POST: a GET /token stays a plain object read.
    return ex.method() == "POST" && (p == "/token" || p == "/oauth2/v4/token" || p == "/o/oauth2/token");
  }

  boost::asio::awaitable<response> handle(exchange& ex) override {
    const auto form = parse_form(co_await ex.read_body_string(256 << 10));
    const std::string grant = form_value(form, "grant_type");
    std::string endpoint = "google_token_other";
    if (grant == jwt_bearer) endpoint = "google_jwt_bearer";
    else if (grant == "refresh_token") endpoint = "google_refresh_token";
    if (auto f = state_->begin("google", endpoint))
      co_return error_reply({f->status ? f->status : 400u, f->error.empty() ? "invalid_grant" : f->error,
                             f->message.empty() ? "forced failure (ferry_testd)" : f->message});
    const auth_config cfg = state_->config();
    std::optional<oauth_error> err;
    std::string scope;
    if (endpoint == "google_jwt_bearer") err = check_assertion(form_value(form, "assertion"), cfg, scope);
    else if (endpoint == "google_refresh_token") err = check_refresh(ex, form, cfg, scope);
    else err = oauth_error{400, "unsupported_grant_type", "Invalid grant_type: " + grant};
    if (err) {
      state_->rejected(endpoint);
      co_return error_reply(*err);
    }
    const auto life = state_->lifetime("google");
    auto c = state_->issue_token(endpoint, "ya29.c." + random_chars(180, base64url_chars), life);
    state_->note("google_scope", scope);
    json::object body{{"access_token", c.token},
                      {"expires_in", std::max<std::int64_t>(0, life.count())},
                      {"token_type", "Bearer"}};
    if (endpoint == "google_refresh_token") body["scope"] = scope;
    co_return json_reply(200, body);
  }

 private:
  std::optional<oauth_error> check_assertion(const std::string& assertion, const auth_config& cfg, std::string& scope) {
    if (assertion.empty()) return oauth_error{400, "invalid_request", "Missing required parameter: assertion"};
    auto jwt = parse_jwt(assertion);
    if (!jwt) return oauth_error{400, "invalid_grant", "Invalid JWT: malformed (expected three base64url parts)"};
    auto alg = jwt->header.if_contains("alg");
    if (!alg || !alg->is_string() || alg->as_string() != "RS256")
      return oauth_error{400, "invalid_grant", "Invalid JWT: the header's alg must be RS256"};
    const auto& claims = jwt->claims;
    for (auto name : {"iss", "aud"})
      if (!string_claim(claims, name))
        return oauth_error{400, "invalid_grant", std::string("Invalid JWT: missing claim ") + name};
    auto iat = int_claim(claims, "iat"), exp = int_claim(claims, "exp");
    if (!iat || !exp) return oauth_error{400, "invalid_grant", bad_time};
    // Google allows a few minutes of clock skew either way.
    const std::int64_t now = epoch_seconds(auth_clock::now());
    if (*exp <= *iat || *exp - *iat > 3600 || *iat > now + 300 || *exp < now - 300)
      return oauth_error{400, "invalid_grant", bad_time};
    const std::string aud(claims.at("aud").as_string()), iss(claims.at("iss").as_string());
    if (!cfg.google.audience.empty() && aud != cfg.google.audience)
      return oauth_error{400, "invalid_grant",
                         "Invalid JWT: Failed audience check. The right audience is " + cfg.google.audience};
    if (!cfg.google.client_email.empty() && iss != cfg.google.client_email)
      return oauth_error{400, "invalid_grant", "Invalid grant: account not found"};
    if (!string_claim(claims, "scope") && !string_claim(claims, "target_audience"))
      return oauth_error{400, "invalid_scope", "Invalid OAuth scope or ID token audience provided."};
    if (!cfg.google.public_key_pem.empty() &&
        verify_rs256(cfg.google.public_key_pem, jwt->signing_input, jwt->signature) != rs256_result::valid)
      return oauth_error{400, "invalid_grant", "Invalid JWT Signature."};
    if (string_claim(claims, "scope")) scope = claims.at("scope").as_string();
    state_->note("google_iss", iss);
    state_->note("google_aud", aud);
    if (string_claim(claims, "sub")) state_->note("google_sub", std::string(claims.at("sub").as_string()));
    if (auto kid = jwt->header.if_contains("kid"); kid && kid->is_string())
      state_->note("google_kid", std::string(kid->as_string()));
    state_->note("google_signature_verified", cfg.google.public_key_pem.empty() ? "false" : "true");
    return std::nullopt;
  }

  std::optional<oauth_error> check_refresh(const exchange& ex, const std::map<std::string, std::string, std::less<>>& form,
                                           const auth_config& cfg, std::string& scope) {
    std::string id = form_value(form, "client_id"), secret = form_value(form, "client_secret");
    // client_secret_basic: the client may authenticate with HTTP Basic instead of form fields.
    if (auto auth = ex.field("Authorization"); auth && auth->starts_with("Basic ")) {
      auto decoded = signing::base64_decode(auth->substr(6));
      auto colon = decoded ? decoded->find(':') : std::string::npos;
      if (colon != std::string::npos) {
        id = percent_decode(decoded->substr(0, colon), true);
        secret = percent_decode(decoded->substr(colon + 1), true);
      }
    }
    const std::string refresh = form_value(form, "refresh_token");
    if (refresh.empty()) return oauth_error{400, "invalid_request", "Missing required parameter: refresh_token"};
    if (id.empty() || (!cfg.google.client_id.empty() && id != cfg.google.client_id))
      return oauth_error{401, "invalid_client", "The OAuth client was not found."};
    if (secret.empty() || (!cfg.google.client_secret.empty() && secret != cfg.google.client_secret))
      return oauth_error{401, "invalid_client", "Unauthorized"};
    if (!cfg.google.refresh_token.empty() && refresh != cfg.google.refresh_token)
      return oauth_error{400, "invalid_grant", "Token has been expired or revoked."};
    scope = form_value(form, "scope");
    if (scope.empty()) scope = "https://www.googleapis.com/auth/cloud-platform openid";
    state_->note("google_client_id", id);
    return std::nullopt;
  }

  std::shared_ptr<credential_state> state_;
};

}  // namespace

std::unique_ptr<dialect> make_google_auth_dialect(std::shared_ptr<credential_state> s) {
  return std::make_unique<google_auth_dialect>(std::move(s));
}

}  // namespace ferry::testd
