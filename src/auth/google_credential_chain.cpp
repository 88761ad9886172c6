#include "src/auth/google_credential_chain.hpp"

#include "signing/jwt.hpp"
#include "src/auth/google_key_file.hpp"

namespace ferry::auth {
namespace {

using token_result = result<expiring<std::optional<bearer_token>>>;

failure with_source(failure f, std::string_view source) {
  f.message = std::string(source) + ": " + f.message;
  return f;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (auto& s : items) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}


}  // namespace

google_chain_options::google_chain_options() : env(process_environment()) {
  metadata_http.connect_timeout = std::chrono::milliseconds(1000);
  metadata_http.first_byte_timeout = std::chrono::milliseconds(2000);
  metadata_http.stall_timeout = std::chrono::milliseconds(2000);
  now = [] { return wall_clock::now(); };
}

std::optional<std::filesystem::path> google_well_known_file(const env_lookup& env) {
  if (auto dir = env("CLOUDSDK_CONFIG")) return std::filesystem::path(*dir) / "application_default_credentials.json";
  if (auto home = env("HOME"))
    return std::filesystem::path(*home) / ".config" / "gcloud" / "application_default_credentials.json";
  return std::nullopt;
}

result<http::url> gce_metadata_base(const env_lookup& env) {
  auto host = env("GCE_METADATA_HOST");
  std::string text = "http://" + (host ? *host : std::string(google_default_metadata_host));
  auto url = http::url::parse(text);
  // host[:port] only: anything with a path, a scheme of its own or a user part is a misconfiguration.
  if (!url || url->target != "/" || (host && host->find_first_of("/@?#") != std::string::npos))
    return failure(error::invalid_argument, "GCE_METADATA_HOST must be host[:port]");
  return *url;
}

google_credential_chain::state::state(boost::asio::any_io_executor ex, google_chain_options o)
    : options(std::move(o)), token_client(ex, options.http), metadata_client(ex, options.metadata_http) {}

google_credential_chain::google_credential_chain(boost::asio::any_io_executor ex, google_chain_options options)
    : state_(std::make_shared<state>(ex, std::move(options))),
      cache_([this]() { return resolve(); }, state_->options.refresh_margin, state_->options.now) {}

boost::asio::awaitable<result<std::optional<bearer_token>>> google_credential_chain::get() { return cache_.get(); }

std::string google_credential_chain::source() const {
  std::lock_guard lock(state_->mutex);
  return state_->source;
}

boost::asio::awaitable<token_result> google_credential_chain::resolve() {
  auto& st = *state_;
  const env_lookup& env = st.options.env;
  std::vector<std::string> tried;
  auto found = [&](std::string source, expiring<std::optional<bearer_token>> t) -> token_result {
    std::lock_guard lock(st.mutex);
    st.source = std::move(source);
    return t;
  };

  // Trades a parsed credentials file for a token at its token_uri.
  auto from_file = [&](const google_key_file& file, const std::string& label) -> boost::asio::awaitable<token_result> {
    if (auto* sa = std::get_if<google_service_account>(&file)) {
      std::string source = label + " service account " + sa->client_email;
      if (st.options.scopes.empty()) co_return failure(error::invalid_argument, source + ": no OAuth scopes configured");
      auto uri = http::url::parse(sa->token_uri);
      if (!uri) co_return with_source(uri.error(), source);
      signing::google_jwt_claims claims;
      claims.issuer = sa->client_email;
      claims.scope = join(st.options.scopes, " ");
      claims.audience = sa->token_uri;
      claims.key_id = sa->private_key_id;
      claims.issued_at = std::chrono::floor<std::chrono::seconds>(st.options.now());
      auto jwt = signing::google_service_account_jwt(claims, sa->private_key);
      if (!jwt) co_return with_source(jwt.error(), source);
      auto t = co_await fetch_token(st.token_client, jwt_bearer_grant(*uri, *jwt), source, st.options.now);
      if (!t) co_return t.error();
      co_return found(source, {std::move(t->value), t->expires});
    }
    auto& user = std::get<google_authorized_user>(file);
    std::string source = label + " authorized user (client " + user.client_id + ")";
    auto uri = http::url::parse(user.token_uri);
    if (!uri) co_return with_source(uri.error(), source);
    auto t = co_await fetch_token(st.token_client,
                                  refresh_token_grant(*uri, user.client_id, user.client_secret, user.refresh_token),
                                  source, st.options.now);
    if (!t) co_return t.error();
    co_return found(source, {std::move(t->value), t->expires});
  };

  // 0. An emulator takes no credentials.
  if (env("STORAGE_EMULATOR_HOST"))
    co_return found("anonymous (STORAGE_EMULATOR_HOST)", {std::optional<bearer_token>(), std::nullopt});

  // 1. GOOGLE_APPLICATION_CREDENTIALS: named on purpose, so any failure is final.
  if (auto path = env("GOOGLE_APPLICATION_CREDENTIALS")) {
    auto file = load_google_key_file(*path);
    if (!file) co_return with_source(file.error(), "GOOGLE_APPLICATION_CREDENTIALS");
    co_return co_await from_file(*file, "GOOGLE_APPLICATION_CREDENTIALS");
  }
  tried.push_back("GOOGLE_APPLICATION_CREDENTIALS (not set)");

  // 2. gcloud's well-known file, when it exists.
  if (auto path = google_well_known_file(env)) {
    auto file = load_google_key_file(*path);
    if (file) co_return co_await from_file(*file, "well-known file " + path->string());
    if (file.error().kind != error::not_found) co_return file.error();
    tried.push_back("well-known file " + path->string() + " (absent)");
  } else {
    tried.push_back("well-known file (neither CLOUDSDK_CONFIG nor HOME is set)");
  }

  // 3. The metadata server.
  auto base = gce_metadata_base(env);
  if (!base) co_return base.error();
  std::string source = "metadata server " + base->host_header();
  auto t = co_await fetch_token(st.metadata_client, gce_metadata_token_request(*base), source, st.options.now,
                                local_endpoint_retry(2));
  if (t) co_return found(source, {std::move(t->value), t->expires});
  // Something answered, but not as the metadata server does (no Metadata-Flavor: Google, no token): that is an
  // error of its own, not "nothing there".
  if (t.error().kind == error::protocol_error) co_return t.error();
  tried.push_back(source + " (" + t.error().what() + ")");
  co_return failure(error::access_denied, "no Google credentials found; tried: " + join(tried, ", "));
}

}  // namespace ferry::auth
