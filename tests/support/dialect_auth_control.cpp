// Control routes of the credential services, /_ferry/auth/*: configuration, counters, "did you issue
// this token and is it still valid?", and forced expiry. Like all /_ferry/ routes: never faulted.
#include "tests/support/credential_dialects.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace ferry::testd {
namespace {

namespace json = boost::json;

response json_ok(const json::value& v) {
  return make_response(200, json::serialize(v) + "\n", "application/json");
}

class auth_control_dialect final : public dialect {
 public:
  explicit auth_control_dialect(std::shared_ptr<credential_state> s) : state_(std::move(s)) {}
  std::string_view name() const override { return "auth_control"; }
  bool accepts(const exchange& ex) const override { return ex.path().starts_with("/_ferry/auth/"); }

  boost::asio::awaitable<response> handle(exchange& ex) override {
    const std::string_view p = ex.path(), m = ex.method();
    auto& s = *state_;
    if (p == "/_ferry/auth/config") {
      if (m == "GET") co_return json_ok(s.config_json());
      if (m == "DELETE") {
        s.reset_config();
        co_return make_response(204);
      }
      if (m == "POST" || m == "PUT" || m == "PATCH") {
        std::string body = co_await ex.read_body_string(1 << 20);
        try {
          s.configure(json::parse(body));
        } catch (const std::exception& e) {
          co_return make_response(400, std::string("bad auth config: ") + e.what() + "\n");
        }
        co_return json_ok(s.config_json());
      }
    } else if (p == "/_ferry/auth/state") {
      if (m == "GET") co_return json_ok(s.state_json());
      if (m == "DELETE") {
        s.reset_state();
        co_return make_response(204);
      }
    } else if (p == "/_ferry/auth/check" || p == "/_ferry/auth/expire") {
      if (m != "GET" && m != "POST") co_return make_response(405, "method not allowed\n");
      // The token comes from ?token= or the body, either raw text or {"token": "..."}.
      std::optional<std::string> token = ex.query_param("token");
      if (!token && m == "POST") {
        std::string body = co_await ex.read_body_string(1 << 20);
        boost::system::error_code ec;
        auto v = json::parse(body, ec);
        if (!ec && v.is_object() && v.as_object().contains("token") && v.at("token").is_string())
          token = std::string(v.at("token").as_string());
        else if (!body.empty())
          token = body;
      }
      if (p == "/_ferry/auth/expire") co_return json_ok(json::object{{"expired", s.expire(token)}});
      if (!token) co_return make_response(400, "check needs ?token= or a body\n");
      auto c = s.find(*token);
      if (!c) co_return json_ok(json::object{{"issued", false}});
      const auto now = auth_clock::now();
      json::object r{{"issued", true},
                     {"live", c->live(now)},
                     {"expired", !c->live(now)},
                     {"endpoint", c->endpoint},
                     {"kind", c->kind},
                     {"issued_at", iso8601(c->issued_at)},
                     {"expires_at", iso8601(c->expires_at)},
                     {"expires_in", std::chrono::duration_cast<std::chrono::seconds>(c->expires_at - now).count()}};
      if (c->kind == "aws") r["access_key_id"] = c->access_key_id;  // not a secret; lets tests pair tokens
      co_return json_ok(r);
    } else {
      co_return make_response(404, "unknown auth control route\n");
    }
    co_return make_response(405, "method not allowed\n");
  }

 private:
  std::shared_ptr<credential_state> state_;
};

}  // namespace

std::unique_ptr<dialect> make_auth_control_dialect(std::shared_ptr<credential_state> s) {
  return std::make_unique<auth_control_dialect>(std::move(s));
}

}  // namespace ferry::testd
