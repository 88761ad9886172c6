// Azure managed identity: the VM flavour (IMDS, GET /metadata/identity/oauth2/token?api-version=...&
// resource=... with Metadata: true) and the App Service / Container Apps flavour (GET
// {IDENTITY_ENDPOINT} = /msi/token?api-version=2019-08-01&resource=... with X-IDENTITY-HEADER).
// IMDS returns every number as a string, expires_on in epoch seconds; clients rely on that.
#include "tests/support/credential_dialects.hpp"

#include <boost/beast/core/string.hpp>

namespace ferry::testd {
namespace {

namespace json = boost::json;

constexpr std::string_view imds_path = "/metadata/identity/oauth2/token";
constexpr std::string_view app_service_path = "/msi/token";

response error_reply(unsigned status, std::string_view error, std::string_view description) {
  return json_reply(status, json::object{{"error", error}, {"error_description", description}},
                    "application/json; charset=utf-8");
}

class azure_msi_dialect final : public dialect {
 public:
  explicit azure_msi_dialect(std::shared_ptr<credential_state> s) : state_(std::move(s)) {}
  std::string_view name() const override { return "azure_msi"; }
  bool accepts(const exchange& ex) const override {
    return ex.path() == imds_path || boost::beast::iequals(ex.path(), app_service_path) ||
           boost::beast::iequals(ex.path(), std::string(app_service_path) + "/");
  }

  boost::asio::awaitable<response> handle(exchange& ex) override {
    const bool app_service = ex.path() != imds_path;
    const std::string_view endpoint = app_service ? "azure_app_service_token" : "azure_msi_token";
    if (auto f = state_->begin("azure_msi", endpoint))
      co_return error_reply(f->status ? f->status : 500, f->error.empty() ? "unknown_error" : f->error,
                            f->message.empty() ? "forced failure (ferry_testd)" : f->message);
    const auth_config cfg = state_->config();
    auto refuse = [&](unsigned status, std::string_view error, std::string_view description) {
      state_->rejected(endpoint);
      return error_reply(status, error, description);
    };
    if (ex.method() != "GET") co_return refuse(405, "invalid_request", "Only GET is supported");
    if (app_service) {
      auto h = ex.field("X-IDENTITY-HEADER");
      if (!h || *h != cfg.azure.identity_header)
        co_return refuse(401, "invalid_request", "X-IDENTITY-HEADER is missing or does not match IDENTITY_HEADER");
    } else {
      auto m = ex.field("Metadata");
      if (!m || !boost::beast::iequals(*m, "true"))
        co_return refuse(400, "invalid_request", "Required metadata header not specified");
      if (ex.field("X-Forwarded-For")) co_return refuse(400, "invalid_request", "Request contains X-Forwarded-For");
    }
    if (!ex.query_param("api-version"))
      co_return refuse(400, "invalid_request", "Required query variable 'api-version' is missing");
    const std::string resource = ex.query_param("resource").value_or("");
    if (resource.empty()) co_return refuse(400, "invalid_request", "Required query variable 'resource' is missing");
    // A user-assigned identity is picked by client_id (App Service also accepts mi_res_id etc.).
    auto client_id = ex.query_param("client_id");
    if (client_id && *client_id != cfg.azure.msi_client_id)
      co_return refuse(400, "invalid_request", "Identity not found");

    const auto life = state_->lifetime("azure_msi");
    const auto now = auth_clock::now();
    const std::int64_t iat = epoch_seconds(now), exp = epoch_seconds(now + life);
    auto c = state_->issue_token(endpoint,
                                 fake_jwt(json::object{{"aud", resource},
                                                       {"iss", "https://sts.windows.net/ferry-tenant/"},
                                                       {"iat", iat},
                                                       {"nbf", iat},
                                                       {"exp", exp},
                                                       {"appid", cfg.azure.msi_client_id},
                                                       {"xms_mirid", "/subscriptions/ferry/providers/ferry-identity"}}),
                                 life);
    state_->note("azure_msi_resource", resource);
    const std::string expires_in = std::to_string(std::max<std::int64_t>(0, life.count()));
    json::object body{{"access_token", c.token},
                      {"client_id", cfg.azure.msi_client_id},
                      {"expires_on", std::to_string(exp)},
                      {"resource", resource},
                      {"token_type", "Bearer"}};
    if (!app_service) {
      body["expires_in"] = expires_in;
      body["ext_expires_in"] = expires_in;
      body["not_before"] = std::to_string(iat);
    }
    co_return json_reply(200, body, "application/json; charset=utf-8");
  }

 private:
  std::shared_ptr<credential_state> state_;
};

}  // namespace

std::unique_ptr<dialect> make_azure_msi_dialect(std::shared_ptr<credential_state> s) {
  return std::make_unique<azure_msi_dialect>(std::move(s));
}

}  // namespace ferry::testd
