#include "src/auth/aws_credential_chain.hpp"

#include "ferry/service_error.hpp"
#include "src/auth/aws_config_file.hpp"
#include "src/auth/aws_remote_sources.hpp"
#include "src/auth/aws_sts.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace ferry::auth {
namespace {

using creds_result = result<expiring<signing::aws_credentials>>;

result<std::string> read_token_file(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return failure(error::not_found, std::string(what) + ": cannot read token file '" + path + "'");
  std::ostringstream s;
  s << in.rdbuf();
  std::string token = s.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty()) return failure(error::invalid_argument, std::string(what) + ": token file '" + path + "' is empty");
  return token;
}

// Loads a shared file; a missing file is an empty one.
result<aws_config_file> load_optional(const std::filesystem::path& path, aws_file_kind kind) {
  auto f = load_aws_config_file(path, kind);
  if (!f && f.error().kind == error::not_found) return aws_config_file{};
  return f;
}

// The profile as the SDKs see it: keys from the credentials file override the config file's.
std::optional<aws_profile> merged_profile(const aws_config_file& credentials, const aws_config_file& config,
                                          const std::string& name) {
  const aws_profile* a = config.find(name);
  const aws_profile* b = credentials.find(name);
  if (!a && !b) return std::nullopt;
  aws_profile p;
  p.name = name;
  if (a) p.values = a->values;
  if (b)
    for (auto& [k, v] : b->values) p.values[k] = v;
  return p;
}

failure with_source(failure f, std::string_view source) {
  f.message = std::string(source) + ": " + f.message;
  return f;
}

}  // namespace

aws_chain_options::aws_chain_options() : env(process_environment()) {
  metadata_http.connect_timeout = std::chrono::milliseconds(1000);
  metadata_http.first_byte_timeout = std::chrono::milliseconds(2000);
  metadata_http.stall_timeout = std::chrono::milliseconds(2000);
  now = [] { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); };
}

aws_credential_chain::state::state(boost::asio::any_io_executor ex, aws_chain_options o)
    : options(std::move(o)), sts_client(ex, options.http), metadata_client(ex, options.metadata_http) {}

aws_credential_chain::aws_credential_chain(boost::asio::any_io_executor ex, aws_chain_options options)
    : state_(std::make_shared<state>(ex, std::move(options))),
      // The cache judges freshness on the same clock the chain signs with, so a test's fake clock moves both.
      cache_([this]() { return resolve(); }, state_->options.refresh_margin,
             [now = state_->options.now] { return wall_clock::time_point(now()); }) {}

boost::asio::awaitable<result<signing::aws_credentials>> aws_credential_chain::get() { return cache_.get(); }

boost::asio::awaitable<creds_result> aws_credential_chain::resolve() {
  auto r = co_await resolve_sources();
  // A source that answers with credentials already past their Expiration (a stale cache behind IMDS, a broken
  // credential_process) would only earn ExpiredToken from every service: say so here, naming the source.
  if (r && r->expires && *r->expires <= wall_clock::time_point(state_->options.now()))
    co_return failure(error::access_denied, source() + " returned credentials that have already expired");
  co_return r;
}

std::string aws_credential_chain::source() const {
  std::lock_guard lock(state_->mutex);
  return state_->source;
}

struct aws_credential_chain::profile_files {
  const aws_config_file& credentials;
  const aws_config_file& config;
};

boost::asio::awaitable<creds_result> aws_credential_chain::web_identity(const std::string& token_file,
                                                                        const std::string& role_arn,
                                                                        const std::string& session,
                                                                        const std::string& region) {
  auto& st = *state_;
  auto token = read_token_file(token_file, "web identity");
  if (!token) co_return token.error();  // re-read on every refresh: the token rotates
  auto endpoint = sts_endpoint(st.options.env, region);
  if (!endpoint) co_return endpoint.error();
  sts_role_request role{role_arn, session.empty() ? "ferry" : session};
  retry_policy policy;
  auto resp = co_await http::send_with_retry(st.sts_client, build_assume_role_with_web_identity(*endpoint, role, *token),
                                             policy, map_s3_error);
  if (!resp) co_return resp.error();
  co_return parse_sts_credentials(resp->body);
}

// role_arn with source_profile or credential_source: the source's credentials sign STS AssumeRole.
boost::asio::awaitable<creds_result> aws_credential_chain::assume_role(const profile_files& files,
                                                                       const aws_profile& profile,
                                                                       const std::string& region,
                                                                       std::vector<std::string>& visited) {
  auto& st = *state_;
  const std::string label = "profile '" + profile.name + "'";
  auto source = co_await role_source(files, profile, region, visited);
  if (!source) co_return source.error();
  sts_role_request role{*profile.role_arn(), profile.get("role_session_name").value_or("ferry")};
  if (auto d = profile.get("duration_seconds")) {
    long seconds = 0;
    auto [end, ec] = std::from_chars(d->data(), d->data() + d->size(), seconds);
    if (ec != std::errc{} || end != d->data() + d->size() || seconds <= 0)
      co_return failure(error::invalid_argument, label + ": duration_seconds is not a positive number");
    role.duration = std::chrono::seconds(seconds);
  }
  auto endpoint = sts_endpoint(st.options.env, region);
  if (!endpoint) co_return endpoint.error();
  auto req = build_assume_role(*endpoint, role, source->value, region, st.options.now());
  if (!req) co_return req.error();
  retry_policy policy;
  auto resp = co_await http::send_with_retry(st.sts_client, *req, policy, map_s3_error);
  if (!resp) co_return with_source(resp.error(), label + " AssumeRole");
  auto creds = parse_sts_credentials(resp->body);
  if (!creds) co_return with_source(creds.error(), label + " AssumeRole");
  co_return creds;
}

// The credentials that sign a profile's AssumeRole, as the AWS CLI finds them: credential_source (Environment,
// Ec2InstanceMetadata, EcsContainer), or source_profile, whose static keys win, else its own role_arn (with
// web_identity_token_file, or assumed in turn: role chaining), else its credential_process.
boost::asio::awaitable<creds_result> aws_credential_chain::role_source(const profile_files& files,
                                                                       const aws_profile& profile,
                                                                       const std::string& region,
                                                                       std::vector<std::string>& visited) {
  auto& st = *state_;
  const env_lookup& env = st.options.env;
  const std::string label = "profile '" + profile.name + "'";
  auto credential_source = profile.get("credential_source");
  auto source_name = profile.source_profile();
  if (credential_source && source_name)
    co_return failure(error::invalid_argument, label + " has both source_profile and credential_source");
  if (credential_source) {
    const std::string what = label + " credential_source " + *credential_source;
    if (*credential_source == "Environment") {
      auto id = env("AWS_ACCESS_KEY_ID"), secret = env("AWS_SECRET_ACCESS_KEY");
      if (!id || !secret)
        co_return failure(error::not_found, what + ": AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set");
      co_return aws_expiring_credentials{{*id, *secret, env("AWS_SESSION_TOKEN").value_or("")}, std::nullopt};
    }
    if (*credential_source == "Ec2InstanceMetadata") {
      auto endpoint = imds_endpoint(env);
      if (!endpoint) co_return endpoint.error();
      auto r = co_await fetch_imds_credentials(st.metadata_client, *endpoint);
      if (!r) co_return with_source(r.error(), what + ": IMDS");
      co_return r;
    }
    if (*credential_source == "EcsContainer") {
      auto container = container_endpoint(env);
      if (!container) co_return container.error();
      if (!*container)
        co_return failure(error::not_found, what + ": neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor "
                                                   "AWS_CONTAINER_CREDENTIALS_FULL_URI is set");
      auto r = co_await fetch_container_credentials(st.metadata_client, **container);
      if (!r) co_return with_source(r.error(), what + ": container credentials endpoint");
      co_return r;
    }
    co_return failure(error::unsupported, label + ": credential_source must be Environment, Ec2InstanceMetadata or "
                                                  "EcsContainer");
  }
  if (!source_name)
    co_return failure(error::invalid_argument, label + " has role_arn without source_profile, credential_source or "
                                                       "web_identity_token_file");
  auto source = merged_profile(files.credentials, files.config, *source_name);
  if (!source) co_return failure(error::not_found, label + ": source_profile '" + *source_name + "' does not exist");
  const std::string source_label = label + ": source_profile '" + *source_name + "'";
  auto id = source->aws_access_key_id(), secret = source->aws_secret_access_key();
  if (id && secret)  // static keys end the chain, even in a profile that names itself as its source
    co_return aws_expiring_credentials{{*id, *secret, source->aws_session_token().value_or("")}, std::nullopt};
  if (std::find(visited.begin(), visited.end(), *source_name) != visited.end()) {
    std::string loop;
    for (auto& v : visited) loop += v + " -> ";
    co_return failure(error::invalid_argument, label + ": source_profile loop " + loop + *source_name);
  }
  if (visited.size() >= 8) co_return failure(error::invalid_argument, label + ": source_profile chain is too long");
  visited.push_back(*source_name);
  if (auto role_arn = source->role_arn()) {
    if (auto token_file = source->web_identity_token_file()) {
      auto r = co_await web_identity(*token_file, *role_arn, source->get("role_session_name").value_or(""), region);
      if (!r) co_return with_source(r.error(), source_label + " web_identity_token_file");
      co_return r;
    }
    co_return co_await assume_role(files, *source, region, visited);
  }
  if (auto process = source->credential_process()) {
    auto r = run_credential_process(*process);
    if (!r) co_return with_source(r.error(), source_label + " credential_process");
    co_return r;
  }
  co_return failure(error::not_found, source_label + " has no credentials (static keys, role_arn or "
                                                     "credential_process)");
}

boost::asio::awaitable<creds_result> aws_credential_chain::resolve_sources() {
  auto& st = *state_;
  const env_lookup& env = st.options.env;
  std::vector<std::string> tried;
  auto found = [&](std::string source, expiring<signing::aws_credentials> c) -> creds_result {
    std::lock_guard lock(st.mutex);
    st.source = std::move(source);
    return c;
  };
  auto region = resolve_aws_region(env);
  if (!region) co_return region.error();

  // 1. Environment.
  bool has_id = env("AWS_ACCESS_KEY_ID").has_value(), has_secret = env("AWS_SECRET_ACCESS_KEY").has_value();
  if (has_id != has_secret)
    co_return failure(error::invalid_argument, has_id ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
                                                      : "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
  if (has_id) {
    auto r = resolve_static_aws_credentials(env);
    if (!r) co_return r.error();
    co_return found("environment", {r->credentials, std::nullopt});
  }
  tried.push_back("environment");

  // 2. Web identity from the environment (EKS IRSA and friends).
  if (auto token_file = env("AWS_WEB_IDENTITY_TOKEN_FILE")) {
    auto role = env("AWS_ROLE_ARN");
    if (!role) co_return failure(error::invalid_argument, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
    auto r = co_await web_identity(*token_file, *role, env("AWS_ROLE_SESSION_NAME").value_or(""), region->region);
    if (!r) co_return with_source(r.error(), "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)");
    co_return found("web identity", std::move(*r));
  }
  tried.push_back("web identity");

  // 3. The shared files' profile.
  auto paths = aws_shared_file_paths(env);
  auto cred_file = load_optional(paths.credentials, aws_file_kind::credentials);
  if (!cred_file) co_return cred_file.error();
  auto conf_file = load_optional(paths.config, aws_file_kind::config);
  if (!conf_file) co_return conf_file.error();
  std::string profile_label = "profile '" + paths.profile + "'";
  if (auto profile = merged_profile(*cred_file, *conf_file, paths.profile)) {
    if (auto role_arn = profile->role_arn()) {
      if (auto token_file = profile->web_identity_token_file()) {
        auto r = co_await web_identity(*token_file, *role_arn, profile->get("role_session_name").value_or(""),
                                      region->region);
        if (!r) co_return with_source(r.error(), profile_label + " web_identity_token_file");
        co_return found(profile_label + " (web identity)", std::move(*r));
      }
      profile_files files{*cred_file, *conf_file};
      std::vector<std::string> visited{paths.profile};
      auto creds = co_await assume_role(files, *profile, region->region, visited);
      if (!creds) co_return creds.error();
      co_return found(profile_label + " (AssumeRole)", std::move(*creds));
    }
    if (auto process = profile->credential_process()) {
      auto r = run_credential_process(*process);
      if (!r) co_return with_source(r.error(), profile_label + " credential_process");
      co_return found(profile_label + " (credential_process)", std::move(*r));
    }
    if (profile->aws_access_key_id() || profile->aws_secret_access_key()) {
      auto r = resolve_static_aws_credentials(env);
      if (!r) co_return r.error();
      co_return found(r->source, {r->credentials, std::nullopt});
    }
  } else if (paths.profile_explicit) {
    co_return failure(error::not_found, "AWS_PROFILE names " + profile_label + ", which is in neither " +
                                            paths.credentials.string() + " nor " + paths.config.string());
  }
  tried.push_back(profile_label + " in " + paths.credentials.string() + " and " + paths.config.string());

  // 4. Container endpoint (ECS, EKS Pod Identity).
  auto container = container_endpoint(env);
  if (!container) co_return container.error();
  if (*container) {
    auto r = co_await fetch_container_credentials(st.metadata_client, **container);
    if (!r) co_return with_source(r.error(), "container credentials endpoint");
    co_return found("container endpoint", std::move(*r));
  }
  tried.push_back("container endpoint");

  // 5. IMDSv2.
  std::string imds_note;
  if (imds_disabled(env)) {
    imds_note = "IMDS (disabled by AWS_EC2_METADATA_DISABLED)";
  } else {
    auto endpoint = imds_endpoint(env);
    if (!endpoint) co_return endpoint.error();
    auto r = co_await fetch_imds_credentials(st.metadata_client, *endpoint);
    if (r) co_return found("IMDS", std::move(*r));
    imds_note = "IMDS (" + r.error().message;
    if (r.error().http_status) imds_note += ": HTTP " + std::to_string(r.error().http_status);
    imds_note += ")";
  }
  tried.push_back(imds_note);

  std::string list;
  for (auto& t : tried) list += (list.empty() ? "" : ", ") + t;
  co_return failure(error::access_denied, "no AWS credentials found; tried: " + list);
}

}  // namespace ferry::auth
