// ECS/EKS container credentials: GET <relative or full URI> (paths under config ecs.prefixes, default
// /v2/credentials/) → JSON {AccessKeyId, SecretAccessKey, Token, Expiration, RoleArn}. With
// ecs.authorization set, the request must carry exactly that Authorization header (as
// AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE] makes clients send): missing → 401, wrong → 403.
#include "tests/support/credential_dialects.hpp"

namespace ferry::testd {
namespace {

namespace json = boost::json;

// The agent answers errors with a small JSON document.
response ecs_error(unsigned status, std::string_view code, std::string_view message) {
  return json_reply(status, json::object{{"code", code}, {"message", message}}, "application/json");
}

class aws_ecs_dialect final : public dialect {
 public:
  explicit aws_ecs_dialect(std::shared_ptr<credential_state> s) : state_(std::move(s)) {}
  std::string_view name() const override { return "aws_ecs"; }
  bool accepts(const exchange& ex) const override { return state_->ecs_path(ex.path()); }

  boost::asio::awaitable<response> handle(exchange& ex) override {
    constexpr std::string_view endpoint = "ecs_credentials";
    if (auto f = state_->begin("ecs", endpoint))
      co_return ecs_error(f->status ? f->status : 500, f->error.empty() ? "InternalError" : f->error,
                          f->message.empty() ? "forced failure" : f->message);
    if (ex.method() != "GET") {
      state_->rejected(endpoint);
      response r = ecs_error(405, "MethodNotAllowed", "only GET is supported");
      r.headers.set(http::field::allow, "GET");
      co_return r;
    }
    const auth_config cfg = state_->config();
    if (!cfg.ecs.authorization.empty()) {
      auto auth = ex.field("Authorization");
      if (!auth) {
        state_->rejected(endpoint);
        co_return ecs_error(401, "NoAuthorizationHeader", "missing Authorization header");
      }
      if (*auth != cfg.ecs.authorization) {
        state_->rejected(endpoint);
        co_return ecs_error(403, "InvalidAuthorizationToken", "the Authorization header does not match");
      }
    }
    auto c = state_->issue_aws(endpoint, state_->lifetime("ecs"));
    state_->note("ecs_path", std::string(ex.path()));
    state_->note("ecs_access_key_id", c.access_key_id);
    co_return json_reply(200,
                         json::object{{"RoleArn", cfg.ecs.role_arn},
                                      {"AccessKeyId", c.access_key_id},
                                      {"SecretAccessKey", c.secret_access_key},
                                      {"Token", c.session_token},
                                      {"Expiration", iso8601(c.expires_at)}},
                         "application/json");
  }

 private:
  std::shared_ptr<credential_state> state_;
};

}  // namespace

std::unique_ptr<dialect> make_aws_ecs_dialect(std::shared_ptr<credential_state> s) {
  return std::make_unique<aws_ecs_dialect>(std::move(s));
}

}  // namespace ferry::testd
