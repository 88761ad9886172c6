// The AWS default credential chain, in the order the AWS SDKs use: environment, web identity (environment),
// the AWS_PROFILE profile (static keys, credential_process, role_arn via source_profile or web identity), the
// container endpoint, then IMDSv2. The first source that is configured decides: a configured source that fails is
// an error (not a silent fall-through to a different identity). Results are cached and refreshed 5 minutes before
// they expire, with one fetch for any number of concurrent callers.
#pragma once

#include "ferry/http.hpp"
#include "signing/aws_credentials.hpp"
#include "src/auth/aws_static_credentials.hpp"
#include "src/auth/refreshing_value.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ferry::auth {

struct aws_profile;

struct aws_chain_options {
  env_lookup env;                      // default: the process environment
  http::client_options http;           // for STS
  http::client_options metadata_http;  // for IMDS and the container endpoint: short timeouts by default
  std::chrono::seconds refresh_margin{300};
  // The clock for AssumeRole signing and for expiry and refresh decisions (tests use a fake one).
  std::function<std::chrono::sys_seconds()> now;

  aws_chain_options();
};

class aws_credential_chain {
 public:
  explicit aws_credential_chain(boost::asio::any_io_executor ex, aws_chain_options options = {});
  aws_credential_chain(const aws_credential_chain&) = delete;  // the cache's fetch refers to this object
  aws_credential_chain& operator=(const aws_credential_chain&) = delete;
  boost::asio::awaitable<result<signing::aws_credentials>> get();
  // The source that produced the current credentials ("environment", "IMDS", ...): safe to log.
  std::string source() const;
  void invalidate() { cache_.invalidate(); }

 private:
  boost::asio::awaitable<result<expiring<signing::aws_credentials>>> resolve();          // + expiry check
  boost::asio::awaitable<result<expiring<signing::aws_credentials>>> resolve_sources();  // the chain itself
  struct profile_files;
  boost::asio::awaitable<result<expiring<signing::aws_credentials>>> web_identity(const std::string& token_file,
                                                                                  const std::string& role_arn,
                                                                                  const std::string& session,
                                                                                  const std::string& region);
  boost::asio::awaitable<result<expiring<signing::aws_credentials>>> assume_role(const profile_files& files,
                                                                                 const aws_profile& profile,
                                                                                 const std::string& region,
                                                                                 std::vector<std::string>& visited);
  boost::asio::awaitable<result<expiring<signing::aws_credentials>>> role_source(const profile_files& files,
                                                                                 const aws_profile& profile,
                                                                                 const std::string& region,
                                                                                 std::vector<std::string>& visited);

  struct state {
    aws_chain_options options;
    http::client sts_client;
    http::client metadata_client;
    mutable std::mutex mutex;
    std::string source;
    state(boost::asio::any_io_executor ex, aws_chain_options o);
  };
  std::shared_ptr<state> state_;
  refreshing_value<signing::aws_credentials> cache_;
};

}  // namespace ferry::auth
