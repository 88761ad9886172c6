// Google Application Default Credentials (protocols.md 2.7), in the order the Google SDKs use:
//   0. STORAGE_EMULATOR_HOST set: anonymous (the emulator wants no token),
//   1. the file named by GOOGLE_APPLICATION_CREDENTIALS,
//   2. the well-known file $CLOUDSDK_CONFIG/application_default_credentials.json, else
//      $HOME/.config/gcloud/application_default_credentials.json, when it exists,
//   3. the GCE/GKE/Cloud Run metadata server (GCE_METADATA_HOST or metadata.google.internal).
// The first source that is configured decides: a named file that fails is an error, not a fall-through to another
// identity. A service account signs an RS256 JWT and trades it for a token (jwt-bearer grant); gcloud user
// credentials use their refresh token. Tokens are cached and refreshed a margin before they expire, one fetch for
// any number of concurrent callers.
#pragma once

#include "ferry/http.hpp"
#include "src/auth/environment.hpp"
#include "src/auth/oauth2_token.hpp"
#include "src/auth/refreshing_value.hpp"

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ferry::auth {

inline constexpr std::string_view google_default_scope = "https://www.googleapis.com/auth/devstorage.read_write";
inline constexpr std::string_view google_default_metadata_host = "metadata.google.internal";

struct google_chain_options {
  env_lookup env;                      // default: the process environment
  http::client_options http;           // for the token endpoint
  http::client_options metadata_http;  // for the metadata server: short timeouts, so a machine without one fails fast
  std::vector<std::string> scopes{std::string(google_default_scope)};  // service accounts only
  std::chrono::seconds refresh_margin{300};
  std::function<wall_clock::time_point()> now;  // the cache's clock and the JWT's iat (tests move it)

  google_chain_options();
};

// The well-known ADC file for this environment, or nullopt when neither CLOUDSDK_CONFIG nor HOME is set.
std::optional<std::filesystem::path> google_well_known_file(const env_lookup& env);
// http://HOST[:PORT] of the metadata server: GCE_METADATA_HOST (host[:port]) or metadata.google.internal.
result<http::url> gce_metadata_base(const env_lookup& env);

class google_credential_chain {
 public:
  explicit google_credential_chain(boost::asio::any_io_executor ex, google_chain_options options = {});
  google_credential_chain(const google_credential_chain&) = delete;  // the cache's fetch refers to this object
  google_credential_chain& operator=(const google_credential_chain&) = delete;

  // The token to send as "Authorization: Bearer ..."; nullopt means anonymous (send no Authorization header).
  boost::asio::awaitable<result<std::optional<bearer_token>>> get();
  // Where the current token came from ("GOOGLE_APPLICATION_CREDENTIALS service account a@b", "metadata server",
  // "anonymous (STORAGE_EMULATOR_HOST)", ...): safe to log.
  std::string source() const;
  // Forget the cached token (e.g. after a 401 that says it was revoked early).
  void invalidate() { cache_.invalidate(); }

 private:
  using token_result = result<expiring<std::optional<bearer_token>>>;
  boost::asio::awaitable<token_result> resolve();

  struct state {
    google_chain_options options;
    http::client token_client;
    http::client metadata_client;
    mutable std::mutex mutex;
    std::string source;
    state(boost::asio::any_io_executor ex, google_chain_options o);
  };
  std::shared_ptr<state> state_;
  refreshing_value<std::optional<bearer_token>> cache_;
};

}  // namespace ferry::auth
