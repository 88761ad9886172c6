// The Azure bearer-token chain (Entra ID), in DefaultAzureCredential's order: environment client secret, workload
// identity, managed identity (IDENTITY_ENDPOINT + IDENTITY_HEADER, else IMDS). See azure_token_sources.hpp for how
// the environment selects a source. The first configured source decides: a configured source that fails is an
// error, not a fall-through to another identity. Tokens are cached per scope and refreshed a margin before they
// expire, with one fetch for any number of concurrent callers.
#pragma once

#include "ferry/http.hpp"
#include "src/auth/azure_token_sources.hpp"
#include "src/auth/oauth2_token.hpp"
#include "src/auth/refreshing_value.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace ferry::auth {

struct azure_token_options {
  env_lookup env;                      // default: the process environment
  http::client_options http;           // for Entra ID
  http::client_options metadata_http;  // for managed identity: a short connect timeout so a missing IMDS fails fast
  std::string scope = "https://storage.azure.com/.default";  // "https://vault.azure.net/.default" for Key Vault
  std::optional<std::string> imds_endpoint;                    // beats AZURE_POD_IDENTITY_AUTHORITY_HOST
  std::chrono::seconds refresh_margin{300};
  std::function<wall_clock::time_point()> now;  // the cache's and the token lifetimes' clock (tests fake it)

  azure_token_options();
};

class azure_token_credential_chain {
 public:
  explicit azure_token_credential_chain(boost::asio::any_io_executor ex, azure_token_options options = {});
  azure_token_credential_chain(const azure_token_credential_chain&) = delete;
  azure_token_credential_chain& operator=(const azure_token_credential_chain&) = delete;

  // A token for options.scope.
  boost::asio::awaitable<result<bearer_token>> get();
  // A token for another scope ("<resource>/.default"), from that scope's own cache.
  boost::asio::awaitable<result<bearer_token>> get(std::string scope);
  // The source that produced the last token ("environment (client secret)", ...): safe to log.
  std::string source() const;
  // Forget every cached token (e.g. after a 401 that says the token was revoked).
  void invalidate();

 private:
  struct state;
  refreshing_value<bearer_token>& cache_for(const std::string& scope);

  std::shared_ptr<state> state_;
  mutable std::mutex caches_mutex_;
  std::map<std::string, std::unique_ptr<refreshing_value<bearer_token>>> caches_;  // by scope; never erased
};

}  // namespace ferry::auth
