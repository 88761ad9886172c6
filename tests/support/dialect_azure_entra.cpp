// Microsoft Entra ID (login.microsoftonline.com) v2.0 token endpoint: POST /{tenant}/oauth2/v2.0/token
// with grant_type=client_credentials and either client_secret or a client_assertion (workload
// identity federation). Clients get here through AZURE_AUTHORITY_HOST. Errors carry AADSTS codes in
// the service's JSON shape; the access token is a JWT-shaped string with the usual claims.
#include <charconv>
#include "tests/support/credential_dialects.hpp"

namespace ferry::testd {
namespace {

namespace json = boost::json;

constexpr std::string_view assertion_type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

struct aad_error {
  unsigned status;
  std::string error;
  int code;  // AADSTS number
  std::string text;
};

response error_reply(const aad_error& e) {
  const std::string trace = random_uuid(), correlation = random_uuid();
  std::string stamp = iso8601(auth_clock::now());
  std::string description = "AADSTS" + std::to_string(e.code) + ": " + e.text + "\r\nTrace ID: " + trace +
                            "\r\nCorrelation ID: " + correlation + "\r\nTimestamp: " + stamp;
  stamp[10] = ' ';  // the "timestamp" field is "2024-05-01 12:00:00Z"
  return json_reply(e.status, json::object{{"error", e.error},
                                           {"error_description", description},
                                           {"error_codes", json::array{e.code}},
                                           {"timestamp", stamp},
                                           {"trace_id", trace},
                                           {"correlation_id", correlation},
                                           {"error_uri", "https://login.microsoftonline.com/error?code=" +
                                                             std::to_string(e.code)}});
}

// /{tenant}/oauth2/v2.0/token → tenant, else nullopt.
std::optional<std::string_view> tenant_of(std::string_view path) {
  constexpr std::string_view tail = "/oauth2/v2.0/token";
  if (path.size() <= tail.size() + 1 || path[0] != '/' || !path.ends_with(tail)) return std::nullopt;
  std::string_view tenant = path.substr(1, path.size() - tail.size() - 1);
  if (tenant.empty() || tenant.find('/') != std::string_view::npos) return std::nullopt;
  return tenant;
}

// The AADSTS number a forced failure reports: the one its message starts with ("AADSTS50076: ..."), else the
// number Entra usually pairs with the OAuth error code.
int forced_aadsts(const forced_failure& f) {
  if (f.message.starts_with("AADSTS")) {
    int n = 0;
    auto digits = std::string_view(f.message).substr(6);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec == std::errc() && end != digits.data()) return n;
  }
  if (f.error == "unauthorized_client") return 700016;
  if (f.error == "invalid_request") return 900144;
  if (f.error == "invalid_scope") return 1002012;
  if (f.error == "unsupported_grant_type") return 70003;
  if (f.error == "invalid_grant") return 50173;
  if (f.error == "temporarily_unavailable") return 50001;
  return 7000215;  // invalid_client
}

class azure_entra_dialect final : public dialect {
 public:
  explicit azure_entra_dialect(std::shared_ptr<credential_state> s) : state_(std::move(s)) {}
  std::string_view name() const override { return "azure_entra"; }
  bool accepts(const exchange& ex) const override { return ex.method() == "POST" && tenant_of(ex.path()); }

  boost::asio::awaitable<response> handle(exchange& ex) override {
    const std::string tenant(*tenant_of(ex.path()));
    const auto form = parse_form(co_await ex.read_body_string(256 << 10));
    constexpr std::string_view endpoint = "azure_client_credentials";
    if (auto f = state_->begin("azure", endpoint))
      co_return error_reply({f->status ? f->status : 401u, f->error.empty() ? "invalid_client" : f->error, forced_aadsts(*f),
                             f->message.empty() ? "Forced failure (ferry_testd)." : f->message});
    const auth_config cfg = state_->config();
    auto err = check(tenant, form, cfg);
    if (err) {
      state_->rejected(endpoint);
      co_return error_reply(*err);
    }
    const std::string scope = form_value(form, "scope");
    const std::string resource = scope.substr(0, scope.size() - std::string_view("/.default").size());
    const auto life = state_->lifetime("azure");
    const auto now = auth_clock::now();
    const std::int64_t iat = epoch_seconds(now), exp = epoch_seconds(now + life);
    std::string token = fake_jwt(json::object{{"aud", resource},
                                              {"iss", "https://sts.windows.net/" + tenant + "/"},
                                              {"iat", iat},
                                              {"nbf", iat},
                                              {"exp", exp},
                                              {"appid", form_value(form, "client_id")},
                                              {"oid", random_uuid()},
                                              {"tid", tenant},
                                              {"ver", "1.0"}});
    auto c = state_->issue_token(endpoint, std::move(token), life);
    state_->note("azure_tenant", tenant);
    state_->note("azure_client_id", form_value(form, "client_id"));
    state_->note("azure_scope", scope);
    state_->note("azure_auth", form.contains("client_assertion") ? "client_assertion" : "client_secret");
    const std::int64_t expires_in = std::max<std::int64_t>(0, life.count());
    co_return json_reply(200, json::object{{"token_type", "Bearer"},
                                           {"expires_in", expires_in},
                                           {"ext_expires_in", expires_in},
                                           {"access_token", c.token}});
  }

 private:
  static std::optional<aad_error> check(const std::string& tenant,
                                        const std::map<std::string, std::string, std::less<>>& form,
                                        const auth_config& cfg) {
    const auto& a = cfg.azure;
    if (!a.tenant_id.empty() && tenant != a.tenant_id)
      return aad_error{400, "invalid_request", 90002,
                       "Tenant '" + tenant + "' not found. Check to make sure you have the correct tenant ID and are "
                       "signing into the correct cloud."};
    const std::string grant = form_value(form, "grant_type");
    if (grant.empty())
      return aad_error{400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'."};
    if (grant != "client_credentials")
      return aad_error{400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '" + grant + "'."};
    const std::string id = form_value(form, "client_id");
    if (id.empty())
      return aad_error{400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'."};
    if (!a.client_id.empty() && id != a.client_id)
      return aad_error{400, "unauthorized_client", 700016,
                       "Application with identifier '" + id + "' was not found in the directory '" + tenant + "'."};
    const std::string scope = form_value(form, "scope");
    if (scope.empty())
      return aad_error{400, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'."};
    if (!scope.ends_with("/.default") || scope.size() <= 9 || scope.find(' ') != std::string::npos)
      return aad_error{400, "invalid_scope", 1002012,
                       "The provided value for scope " + scope + " is not valid. Client credential flows must have a "
                       "scope value with /.default suffixed to the resource identifier (application ID URI)."};
    if (form.contains("client_assertion")) return check_assertion(form, a.client_assertion);
    const std::string secret = form_value(form, "client_secret");
    if (secret.empty())
      return aad_error{401, "invalid_client", 7000218,
                       "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."};
    if (!a.client_secret.empty() && secret != a.client_secret)
      return aad_error{401, "invalid_client", 7000215,
                       "Invalid client secret provided. Ensure the secret being sent in the request is the client "
                       "secret value, not the client secret ID, for a secret added to app '" + id + "'."};
    return std::nullopt;
  }

  static std::optional<aad_error> check_assertion(const std::map<std::string, std::string, std::less<>>& form,
                                                  const std::string& expected) {
    if (form_value(form, "client_assertion_type") != assertion_type)
      return aad_error{400, "invalid_request", 50027, "Invalid client_assertion_type; expected " +
                                                          std::string(assertion_type) + "."};
    const std::string assertion = form_value(form, "client_assertion");
    auto jwt = parse_jwt(assertion);
    if (!jwt) return aad_error{400, "invalid_client", 50027, "JWT token is invalid or malformed."};
    // Federated tokens rotate (AZURE_FEDERATED_TOKEN_FILE); an expired one is refused like this.
    if (auto exp = jwt->claims.if_contains("exp"); exp && exp->is_number() &&
                                                   exp->to_number<double>() <= epoch_seconds(auth_clock::now()))
      return aad_error{400, "invalid_client", 700024, "Client assertion is not within its valid time range."};
    if (!expected.empty() && assertion != expected)
      return aad_error{400, "invalid_request", 70021, "No matching federated identity record found for presented "
                                                      "assertion."};
    return std::nullopt;
  }

  std::shared_ptr<credential_state> state_;
};

}  // namespace

std::unique_ptr<dialect> make_azure_entra_dialect(std::shared_ptr<credential_state> s) {
  return std::make_unique<azure_entra_dialect>(std::move(s));
}

}  // namespace ferry::testd
