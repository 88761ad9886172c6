#include "src/auth/azure_token_credential_chain.hpp"

namespace ferry::auth {
namespace {

using token_result = result<expiring_token>;


std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

struct azure_token_credential_chain::state {
  azure_token_options options;
  http::client entra_client;
  http::client metadata_client;
  mutable std::mutex mutex;
  std::string source;

  state(boost::asio::any_io_executor ex, azure_token_options o)
      : options(std::move(o)), entra_client(ex, options.http), metadata_client(ex, options.metadata_http) {}

  // Sends (retrying per policy) and parses the token with the chain's clock.
  boost::asio::awaitable<token_result> fetch(http::client& client, http::request req, retry_policy policy,
                                             std::string label) {
    auto resp = co_await http::send_with_retry(client, std::move(req), policy, map_azure_token_error);
    if (!resp) co_return resp.error();
    co_return parse(resp->body, label);
  }

  token_result parse(std::string_view body, const std::string& label) {
    auto now = options.now();
    auto token = parse_token_response(body, now, label);
    // An already-expired token would be handed out once by the cache before it noticed: refuse it here.
    if (token && token->expires && *token->expires <= now)
      return failure(error::protocol_error, "token from " + label + " has already expired");
    return token;
  }

  // IMDS is the last resort and may not exist at all: one probe with the short connect timeout, so that a machine
  // without it gets "no Azure credentials found" quickly. Only an answer that is worth retrying is retried.
  // When nothing answered, `unreachable` says why.
  boost::asio::awaitable<token_result> fetch_imds(http::request req, std::string label, std::string& unreachable) {
    auto first = co_await metadata_client.send(req);
    if (!first) {
      unreachable = first.error().message;
      if (first.error().cause) unreachable += ": " + first.error().cause.message();
      failure f = first.error();
      if (f.attempts == 0) f.attempts = 1;
      co_return f;
    }
    if (first->status >= 200 && first->status < 300) co_return parse(first->body, label);
    failure f = map_azure_token_error(req, *first);
    f.attempts = 1;
    if (!is_retryable(f)) co_return f;
    co_return co_await fetch(metadata_client, std::move(req), retry_policy(local_endpoint_retry()), label);
  }

  boost::asio::awaitable<token_result> resolve(std::string scope) {
    auto resource = azure_resource_for_scope(scope);
    if (!resource) co_return resource.error();
    auto selected = select_azure_token_source(options.env, azure_source_overrides{options.imds_endpoint});
    if (!selected) co_return selected.error();
    const azure_token_source& src = *selected;
    std::vector<std::string> secrets{src.client_secret, src.identity_header};
    auto tried = src.skipped;
    tried.push_back(src.label);
    auto failed = [&](failure f) {
      f.message = src.label + ": " + f.message;
      if (!src.skipped.empty()) f.message += " (tried: " + join(tried) + ")";
      return redact_secrets(std::move(f), secrets);
    };

    token_result token = failure(error::unsupported, "unknown source");
    switch (src.kind) {
      case azure_token_source_kind::client_secret:
        token = co_await fetch(entra_client, client_credentials_grant(src.endpoint, src.client_id, src.client_secret, scope),
                               retry_policy(), "Entra ID");
        break;
      case azure_token_source_kind::workload_identity: {
        auto assertion = read_azure_federated_token(src.federated_token_file);  // re-read: it rotates
        if (!assertion) co_return failed(assertion.error());
        secrets.push_back(*assertion);
        token = co_await fetch(entra_client, azure_client_assertion_grant(src.endpoint, src.client_id, *assertion, scope),
                               retry_policy(), "Entra ID");
        break;
      }
      case azure_token_source_kind::app_service:
        token = co_await fetch(metadata_client,
                               azure_app_service_identity_request(src.endpoint, src.identity_header, *resource, src.client_id),
                               retry_policy(local_endpoint_retry()), "IDENTITY_ENDPOINT");
        break;
      case azure_token_source_kind::imds: {
        std::string unreachable;
        token = co_await fetch_imds(azure_managed_identity_request(src.endpoint, *resource, src.client_id), "IMDS",
                                    unreachable);
        if (!token && !unreachable.empty()) {
          tried.back() += " (no answer: " + unreachable + ")";
          failure f = token.error();
          f.kind = error::access_denied;
          f.cause = {};  // already in the message
          f.message = "no Azure credentials found; tried: " + join(tried);
          co_return redact_secrets(std::move(f), secrets);
        }
        break;
      }
    }
    if (!token) co_return failed(token.error());
    std::lock_guard lock(mutex);
    source = src.label;
    co_return token;
  }
};

azure_token_options::azure_token_options() : env(process_environment()) {
  metadata_http.connect_timeout = std::chrono::milliseconds(1000);
  metadata_http.first_byte_timeout = std::chrono::milliseconds(5000);
  metadata_http.stall_timeout = std::chrono::milliseconds(5000);
  now = [] { return wall_clock::now(); };
}

azure_token_credential_chain::azure_token_credential_chain(boost::asio::any_io_executor ex, azure_token_options options)
    : state_(std::make_shared<state>(ex, std::move(options))) {}

refreshing_value<bearer_token>& azure_token_credential_chain::cache_for(const std::string& scope) {
  std::lock_guard lock(caches_mutex_);
  auto& slot = caches_[scope];
  if (!slot) {
    auto st = state_;
    slot = std::make_unique<refreshing_value<bearer_token>>([st, scope]() { return st->resolve(scope); },
                                                            st->options.refresh_margin, st->options.now);
  }
  return *slot;
}

boost::asio::awaitable<result<bearer_token>> azure_token_credential_chain::get() {
  return cache_for(state_->options.scope).get();
}

boost::asio::awaitable<result<bearer_token>> azure_token_credential_chain::get(std::string scope) {
  return cache_for(scope).get();
}

std::string azure_token_credential_chain::source() const {
  std::lock_guard lock(state_->mutex);
  return state_->source;
}

void azure_token_credential_chain::invalidate() {
  std::lock_guard lock(caches_mutex_);
  for (auto& [scope, cache] : caches_) cache->invalidate();
}

}  // namespace ferry::auth
