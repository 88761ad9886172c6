// What the fake credential services (IMDS, ECS, STS, Google, Entra ID, managed identity) share: the
// configuration set through POST /_ferry/auth/config, every credential and token they issued (so a
// test or another dialect can ask "did we issue this, and is it still valid?"), per-endpoint
// counters, and scripted "fail the next N token calls" rules. Thread-safe. Schema: README.md.
#pragma once

#include "tests/support/auth_wire.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::testd {

class server_context;

struct auth_config {
  // Lifetime of everything issued, in seconds; 0 or negative issues already-expired credentials.
  std::int64_t lifetime_seconds = 3600;
  struct {  // per-service overrides of lifetime_seconds (sts: else the request's DurationSeconds)
    std::optional<std::int64_t> imds, ecs, sts, google, google_metadata, azure, azure_msi;
  } lifetimes;
  struct {
    bool allow_v1 = false;  // serve metadata without a session token
    std::string role = "ferry-instance-role", region = "us-east-1", availability_zone = "us-east-1a",
                account_id = "123456789012", instance_id = "i-0123456789abcdef0";
  } imds;
  struct {
    std::string authorization;  // required Authorization header value; empty: none required
    std::string role_arn = "arn:aws:iam::123456789012:role/ferry-task-role";
    std::vector<std::string> prefixes{"/v2/credentials/"};  // paths served as container credentials
  } ecs;
  struct {
    std::string web_identity_token;         // expected WebIdentityToken; empty: any non-empty
    std::vector<std::string> access_key_ids;  // AssumeRole callers allowed; empty: any
    bool require_issued_access_key = false;   // AssumeRole caller must hold live credentials we issued
    std::string account_id = "123456789012";
  } sts;
  struct {
    std::string client_id = "ferry-client-id.apps.googleusercontent.com", client_secret = "ferry-client-secret",
                refresh_token = "ferry-refresh-token";
    std::string public_key_pem;  // verify JWT assertions' RS256 signatures with this; empty: not verified
    std::string client_email;    // required JWT iss; empty: any
    std::string audience;        // required JWT aud; empty: any
    std::string project_id = "ferry-project", numeric_project_id = "123456789012",
                service_account_email = "ferry@ferry-project.iam.gserviceaccount.com", zone = "us-central1-a";
  } google;
  struct {
    std::string tenant_id;  // required tenant path segment; empty: any
    std::string client_id = "ferry-client-id", client_secret = "ferry-client-secret";
    std::string client_assertion;  // expected federated assertion; empty: any JWT-shaped one
    std::string identity_header = "ferry-identity-header";  // App Service X-IDENTITY-HEADER
    std::string msi_client_id = "ferry-msi-client-id";
  } azure;

  struct fail_rule {
    std::string endpoint;  // an endpoint name ("sts_assume_role"), a service ("sts") or "*"
    std::uint64_t after = 0, times = 1;  // skip the first `after` matching calls, then fail `times` (0: always)
    unsigned status = 0;   // 0: the service's usual status for `error`
    std::string error, message;  // error code and text in the service's own error format
    std::uint64_t seen = 0, fired = 0;
  };
  std::vector<fail_rule> fail;
};

struct forced_failure {
  unsigned status = 0;  // 0: dialect default
  std::string error, message;
};

struct issued_credential {
  std::string endpoint;  // e.g. "imds_credentials", "google_jwt_bearer", "imds_token"
  std::string kind;      // "aws" (key id + secret + session token) or "token"
  std::string access_key_id, secret_access_key, session_token;  // kind "aws"
  std::string token;                                             // kind "token"
  auth_clock::time_point issued_at, expires_at;
  bool live(auth_clock::time_point now = auth_clock::now()) const { return now < expires_at; }
};

class credential_state {
 public:
  credential_state();

  auth_config config() const;  // a snapshot
  // Merges a JSON patch (same shape as config_json(); "fail" replaces the rules). Throws
  // std::invalid_argument on unknown keys or wrong types and then changes nothing.
  void configure(const boost::json::value& patch);
  void reset_config();
  boost::json::value config_json() const;
  bool ecs_path(std::string_view path) const;  // under one of ecs.prefixes

  // Counts a request to `endpoint` of `service`; returns a failure when a fail rule fires.
  std::optional<forced_failure> begin(std::string_view service, std::string_view endpoint);
  void rejected(std::string_view endpoint);  // a request the service refused (bad auth, bad input)
  void note(std::string_view key, std::string value);  // "last" values shown by state_json()
  void note_assume_role_caller(std::string access_key_id);

  // Lifetime for a service: its override, else `requested` (when given), else lifetime_seconds.
  std::chrono::seconds lifetime(std::string_view service, std::optional<std::int64_t> requested = {}) const;
  // Issues and records fresh random AWS temporary credentials (ASIA...).
  issued_credential issue_aws(std::string_view endpoint, std::chrono::seconds lifetime);
  // Records a token the dialect generated.
  issued_credential issue_token(std::string_view endpoint, std::string token, std::chrono::seconds lifetime);
  // Looks up an access key id, session token or bearer/session token.
  std::optional<issued_credential> find(std::string_view token) const;
  // Makes one (or, with nullopt, every) issued credential expire now. Returns how many changed.
  std::size_t expire(std::optional<std::string_view> token);

  boost::json::value state_json() const;
  void reset_state();

 private:
  void record(issued_credential c);

  mutable std::mutex mutex_;
  auth_config config_;
  std::vector<issued_credential> issued_;
  std::map<std::string, std::size_t, std::less<>> index_;  // key id / session token / token -> issued_
  std::map<std::string, std::uint64_t, std::less<>> requests_, issued_count_, rejected_;
  std::map<std::string, std::string, std::less<>> last_;
  std::vector<std::string> assume_role_callers_;
  std::uint64_t forced_failures_ = 0;
};

// The credential state of a running server (nullptr before add_credential_dialects ran).
credential_state* find_credential_state(const server_context& ctx);

}  // namespace ferry::testd
