// Parser for the AWS shared files ~/.aws/credentials and ~/.aws/config (INI dialect of the AWS CLI):
// [name] / [profile name] sections, '#' and ';' comment lines, key = value, and nested blocks such as
//   s3 =
//     addressing_style = path
// Pure parsing of text; load_aws_config_file() is the only function that touches the disk.
// Errors name the file and line, never the content of a line (it may be a secret).
#pragma once

#include "ferry/error.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::auth {

enum class aws_file_kind {
  credentials,  // sections are profile names: [default], [dev]
  config,       // [default] and [profile dev]; other section kinds (sso-session, services) are kept apart
};

struct aws_profile {
  std::string name;
  // Every key, lowercased, in the order met (later duplicates win). Nested blocks are stored as
  // "parent.child" (e.g. "s3.addressing_style").
  std::map<std::string, std::string> values;

  std::optional<std::string> get(std::string_view key) const;
  std::optional<std::string> aws_access_key_id() const { return get("aws_access_key_id"); }
  std::optional<std::string> aws_secret_access_key() const { return get("aws_secret_access_key"); }
  std::optional<std::string> aws_session_token() const { return get("aws_session_token"); }
  std::optional<std::string> region() const { return get("region"); }
  std::optional<std::string> role_arn() const { return get("role_arn"); }
  std::optional<std::string> source_profile() const { return get("source_profile"); }
  std::optional<std::string> web_identity_token_file() const { return get("web_identity_token_file"); }
  std::optional<std::string> credential_process() const { return get("credential_process"); }
  std::optional<std::string> endpoint_url() const { return get("endpoint_url"); }
  std::optional<std::string> s3_addressing_style() const { return get("s3.addressing_style"); }
  std::optional<std::string> s3_endpoint_url() const { return get("s3.endpoint_url"); }
};

struct aws_config_file {
  std::vector<aws_profile> profiles;
  // Sections that are not profiles ("sso-session x", "services x"), by their full header text.
  std::vector<aws_profile> other_sections;

  const aws_profile* find(std::string_view profile_name) const;
};

// Limits that keep a hostile file from costing much: longer input is an error, not a truncation.
inline constexpr std::size_t max_aws_config_bytes = 4 * 1024 * 1024;
inline constexpr std::size_t max_aws_config_line = 64 * 1024;

// `source_name` (usually the path) is only used in error messages.
result<aws_config_file> parse_aws_config(std::string_view text, aws_file_kind kind, std::string_view source_name);

// Reads and parses a file. A missing file is error::not_found; unreadable is access_denied.
result<aws_config_file> load_aws_config_file(const std::filesystem::path& path, aws_file_kind kind);

}  // namespace ferry::auth
