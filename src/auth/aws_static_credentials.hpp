// AWS credentials and settings that need no network: the environment, then the shared files
// (~/.aws/credentials, ~/.aws/config) for AWS_PROFILE. Roles, web identity, SSO, containers and IMDS
// belong to the full chain; here a profile that needs them is reported as such.
// The environment is injected (a lookup function) so tests run with a fake one.
#pragma once

#include "ferry/error.hpp"
#include "signing/aws_credentials.hpp"
#include "src/auth/environment.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::auth {

struct aws_shared_paths {
  std::filesystem::path credentials;  // AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials
  std::filesystem::path config;       // AWS_CONFIG_FILE or ~/.aws/config
  std::string profile;                // AWS_PROFILE or "default"
  bool profile_explicit = false;      // AWS_PROFILE was set: a missing profile is then an error
};
aws_shared_paths aws_shared_file_paths(const env_lookup& env);

struct resolved_aws_credentials {
  signing::aws_credentials credentials;
  std::string source;  // "environment", or "profile 'dev' in /home/u/.aws/credentials": safe to log
};

// (1) AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, (2) the profile's keys in the
// credentials file, then in the config file. The error lists what was tried; it never holds a secret.
result<resolved_aws_credentials> resolve_static_aws_credentials(const env_lookup& env);

struct resolved_aws_region {
  std::string region;
  std::string source;  // "AWS_REGION", "AWS_DEFAULT_REGION", "profile 'x' in <path>", "default"
};
// AWS_REGION, AWS_DEFAULT_REGION, the profile's region, else us-east-1. A malformed config file is an
// error (silently ignoring it would sign for the wrong region).
result<resolved_aws_region> resolve_aws_region(const env_lookup& env);

// S3 settings from the environment and the profile: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the
// profile's s3.endpoint_url / endpoint_url, and s3.addressing_style ("auto", "path", "virtual").
struct aws_s3_settings {
  std::string endpoint_url;      // empty: the AWS default
  std::string addressing_style;  // empty: auto
  // AWS_S3_US_EAST_1_REGIONAL_ENDPOINT / s3_us_east_1_regional_endpoint: "regional" → s3.us-east-1.amazonaws.com,
  // "legacy" (the default) → the global s3.amazonaws.com.
  bool us_east_1_regional_endpoint = false;
};
result<aws_s3_settings> resolve_aws_s3_settings(const env_lookup& env);

}  // namespace ferry::auth
