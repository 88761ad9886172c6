// GCE metadata server under /computeMetadata/v1/ (clients get here through GCE_METADATA_HOST): the
// default service account's access token and email, project id, zone, and the GET / probe clients
// use to detect GCE. Every request must carry Metadata-Flavor: Google (else 403) and every answer
// carries it back, which clients check to tell the metadata server from a captive proxy.
#include "tests/support/credential_dialects.hpp"

#include <boost/beast/core/string.hpp>

namespace ferry::testd {
namespace {

namespace json = boost::json;

constexpr std::string_view root = "/computeMetadata/v1/";
constexpr std::string_view accounts = "/computeMetadata/v1/instance/service-accounts/";

response flavored(response r) {
  r.headers.set("Metadata-Flavor", "Google");
  return r;
}

response text(std::string body) { return flavored(make_response(200, std::move(body), "application/text")); }

response not_found() {
  return flavored(make_response(404, "<!DOCTYPE html>\n<html lang=en>\n<title>Error 404 (Not Found)!!1</title>\n",
                                "text/html; charset=UTF-8"));
}

class google_metadata_dialect final : public dialect {
 public:
  explicit google_metadata_dialect(std::shared_ptr<credential_state> s) : state_(std::move(s)) {}
  std::string_view name() const override { return "google_metadata"; }
  bool accepts(const exchange& ex) const override {
    // The GCE probe is GET / with the flavor header; a plain GET / is never an object read anyway.
    return ex.path().starts_with("/computeMetadata/") || (ex.path() == "/" && ex.field("Metadata-Flavor"));
  }

  boost::asio::awaitable<response> handle(exchange& ex) override {
    const std::string_view p = ex.path();
    const bool token_path = p.starts_with(accounts) && p.ends_with("/token");
    const std::string_view endpoint = token_path ? "google_metadata_token" : "google_metadata";
    if (auto f = state_->begin("google_metadata", endpoint)) {
      response r = f->error.empty() && f->message.empty()
                       ? make_response(f->status ? f->status : 503, "Service Unavailable\n", "text/plain")
                       : json_reply(f->status ? f->status : 503,
                                    json::object{{"error", f->error}, {"error_description", f->message}});
      co_return flavored(std::move(r));
    }
    auto flavor = ex.field("Metadata-Flavor");
    if (!flavor || !boost::beast::iequals(*flavor, "Google") || ex.field("X-Forwarded-For")) {
      state_->rejected(endpoint);
      co_return flavored(make_response(403, "Missing required header: Metadata-Flavor: Google\n", "text/plain"));
    }
    if (ex.method() != "GET") {
      state_->rejected(endpoint);
      co_return flavored(make_response(405, "Method Not Allowed\n", "text/plain"));
    }
    const auth_config cfg = state_->config();
    const auto& g = cfg.google;
    if (p == "/") co_return text("computeMetadata/\n");
    if (p == root) co_return text("instance/\noauth/\nproject/\n");
    if (p == "/computeMetadata/v1/project/project-id") co_return text(g.project_id);
    if (p == "/computeMetadata/v1/project/numeric-project-id") co_return text(g.numeric_project_id);
    if (p == "/computeMetadata/v1/instance/zone")
      co_return text("projects/" + g.numeric_project_id + "/zones/" + g.zone);
    if (p == accounts) co_return text("default/\n" + g.service_account_email + "/\n");
    if (p.starts_with(accounts)) {
      // service-accounts/{default|email}/{token|email|scopes|}
      std::string_view rest = p.substr(accounts.size());
      std::string_view account = rest.substr(0, rest.find('/'));
      std::string_view leaf = rest.size() > account.size() ? rest.substr(account.size() + 1) : std::string_view{};
      if (account != "default" && account != g.service_account_email) {
        state_->rejected(endpoint);
        co_return not_found();
      }
      if (leaf == "email") co_return text(g.service_account_email);
      if (leaf == "scopes")
        co_return text("https://www.googleapis.com/auth/cloud-platform\nhttps://www.googleapis.com/auth/userinfo.email\n");
      if (leaf.empty()) co_return text("aliases\nemail\nidentity\nscopes\ntoken\n");
      if (leaf == "token") co_return issue(ex);
    }
    state_->rejected(endpoint);
    co_return not_found();
  }

 private:
  response issue(const exchange& ex) {
    const auto life = state_->lifetime("google_metadata");
    auto c = state_->issue_token("google_metadata_token", "ya29.c." + random_chars(180, base64url_chars), life);
    // The VM's scopes are fixed; a ?scopes= request (Cloud Run, GKE) is recorded for tests.
    state_->note("google_metadata_scopes", ex.query_param("scopes").value_or(""));
    return flavored(json_reply(200, json::object{{"access_token", c.token},
                                                 {"expires_in", std::max<std::int64_t>(0, life.count())},
                                                 {"token_type", "Bearer"}},
                               "application/json"));
  }

  std::shared_ptr<credential_state> state_;
};

}  // namespace

std::unique_ptr<dialect> make_google_metadata_dialect(std::shared_ptr<credential_state> s) {
  return std::make_unique<google_metadata_dialect>(std::move(s));
}

}  // namespace ferry::testd
