#include "src/auth/aws_static_credentials.hpp"

#include "src/auth/aws_config_file.hpp"


namespace ferry::auth {
namespace {

std::optional<std::string> nonempty(const env_lookup& env, std::string_view name) {
  auto v = env(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

// One shared file, loaded for a lookup: missing is fine (nullopt), anything else wrong is an error.
result<std::optional<aws_config_file>> load_optional(const std::filesystem::path& path, aws_file_kind kind) {
  if (path.empty()) return std::optional<aws_config_file>{};
  auto f = load_aws_config_file(path, kind);
  if (f) return std::optional<aws_config_file>(std::move(*f));
  if (f.error().kind == error::not_found) return std::optional<aws_config_file>{};
  return f.error();
}

std::string where(const aws_shared_paths& p, const std::filesystem::path& file) {
  return "profile '" + p.profile + "' in " + file.string();
}

// The part of the chain that needs the network, named so the user knows why the profile did not do.
std::optional<std::string> needs_network(const aws_profile& p) {
  if (p.role_arn()) return "role_arn (AssumeRole)";
  if (p.web_identity_token_file()) return "web_identity_token_file";
  if (p.credential_process()) return "credential_process";
  if (p.get("sso_session") || p.get("sso_start_url")) return "SSO";
  return std::nullopt;
}

}  // namespace

aws_shared_paths aws_shared_file_paths(const env_lookup& env) {
  aws_shared_paths p;
  std::filesystem::path aws_dir;
  if (auto home = nonempty(env, "HOME")) aws_dir = std::filesystem::path(*home) / ".aws";
  if (auto f = nonempty(env, "AWS_SHARED_CREDENTIALS_FILE")) p.credentials = *f;
  else if (!aws_dir.empty()) p.credentials = aws_dir / "credentials";
  if (auto f = nonempty(env, "AWS_CONFIG_FILE")) p.config = *f;
  else if (!aws_dir.empty()) p.config = aws_dir / "config";
  if (auto prof = nonempty(env, "AWS_PROFILE")) {
    p.profile = *prof;
    p.profile_explicit = true;
  } else {
    p.profile = "default";
  }
  return p;
}

result<resolved_aws_credentials> resolve_static_aws_credentials(const env_lookup& env) {
  auto id = nonempty(env, "AWS_ACCESS_KEY_ID");
  auto secret = nonempty(env, "AWS_SECRET_ACCESS_KEY");
  if (id && secret) {
    resolved_aws_credentials r;
    r.credentials = {*id, *secret, nonempty(env, "AWS_SESSION_TOKEN").value_or("")};
    r.source = "environment";
    return r;
  }
  if (id || secret)
    return failure(error::invalid_argument, id ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
                                               : "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");

  auto paths = aws_shared_file_paths(env);
  std::string tried = "environment (AWS_ACCESS_KEY_ID not set)";
  std::optional<std::string> network_only;
  bool profile_seen = false;
  for (auto [path, kind] : {std::pair{paths.credentials, aws_file_kind::credentials},
                            std::pair{paths.config, aws_file_kind::config}}) {
    auto file = load_optional(path, kind);
    if (!file) return file.error();
    if (path.empty()) continue;
    if (!*file) {
      tried += ", " + path.string() + " (missing)";
      continue;
    }
    const aws_profile* prof = (*file)->find(paths.profile);
    if (!prof) {
      tried += ", " + path.string() + " (no profile '" + paths.profile + "')";
      continue;
    }
    profile_seen = true;
    auto pid = prof->aws_access_key_id();
    auto psecret = prof->aws_secret_access_key();
    if (pid && psecret && !pid->empty() && !psecret->empty()) {
      resolved_aws_credentials r;
      r.credentials = {*pid, *psecret, prof->aws_session_token().value_or("")};
      r.source = where(paths, path);
      return r;
    }
    if (pid || psecret)
      return failure(error::invalid_argument,
                     where(paths, path) + " has only one of aws_access_key_id and aws_secret_access_key");
    if (!network_only) network_only = needs_network(*prof);
    tried += ", " + path.string() + " (profile '" + paths.profile + "' has no keys)";
  }
  if (paths.credentials.empty() && paths.config.empty()) tried += ", shared files (HOME not set)";
  if (network_only)
    return failure(error::unsupported, "AWS profile '" + paths.profile + "' uses " + *network_only +
                                           ", which this offline resolver does not handle; tried " + tried);
  if (paths.profile_explicit && !profile_seen)
    return failure(error::not_found, "AWS_PROFILE '" + paths.profile + "' not found; tried " + tried);
  return failure(error::not_found, "no AWS credentials found; tried " + tried);
}

result<resolved_aws_region> resolve_aws_region(const env_lookup& env) {
  if (auto r = nonempty(env, "AWS_REGION")) return resolved_aws_region{*r, "AWS_REGION"};
  if (auto r = nonempty(env, "AWS_DEFAULT_REGION")) return resolved_aws_region{*r, "AWS_DEFAULT_REGION"};
  auto paths = aws_shared_file_paths(env);
  auto file = load_optional(paths.config, aws_file_kind::config);
  if (!file) return file.error();
  if (*file)
    if (auto* prof = (*file)->find(paths.profile))
      if (auto r = prof->region(); r && !r->empty()) return resolved_aws_region{*r, where(paths, paths.config)};
  return resolved_aws_region{"us-east-1", "default"};
}

result<aws_s3_settings> resolve_aws_s3_settings(const env_lookup& env) {
  aws_s3_settings s;
  auto paths = aws_shared_file_paths(env);
  auto file = load_optional(paths.config, aws_file_kind::config);
  if (!file) return file.error();
  const aws_profile* prof = *file ? (*file)->find(paths.profile) : nullptr;
  if (auto e = nonempty(env, "AWS_ENDPOINT_URL_S3")) s.endpoint_url = *e;
  else if (auto e2 = nonempty(env, "AWS_ENDPOINT_URL")) s.endpoint_url = *e2;
  else if (prof && prof->s3_endpoint_url()) s.endpoint_url = *prof->s3_endpoint_url();
  else if (prof && prof->endpoint_url()) s.endpoint_url = *prof->endpoint_url();
  if (prof && prof->s3_addressing_style()) s.addressing_style = *prof->s3_addressing_style();
  if (!s.addressing_style.empty() && s.addressing_style != "auto" && s.addressing_style != "path" &&
      s.addressing_style != "virtual")
    return failure(error::invalid_argument, "s3.addressing_style in " + paths.config.string() +
                                                " must be auto, path or virtual");
  std::optional<std::string> us_east_1 = nonempty(env, "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT");
  std::string us_east_1_source = "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT";
  if (!us_east_1 && prof) {
    us_east_1 = prof->get("s3_us_east_1_regional_endpoint");
    us_east_1_source = "s3_us_east_1_regional_endpoint in " + paths.config.string();
  }
  if (us_east_1 && *us_east_1 != "legacy" && *us_east_1 != "regional")
    return failure(error::invalid_argument, us_east_1_source + " must be legacy or regional");
  s.us_east_1_regional_endpoint = us_east_1 == "regional";
  return s;
}

}  // namespace ferry::auth
