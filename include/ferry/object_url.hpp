// The locations ferry's commands accept, parsed once into what a provider needs:
//   s3://BUCKET/KEY   gs://BUCKET/KEY   az://ACCOUNT/CONTAINER/BLOB
//   https://ACCOUNT.blob.core.windows.net/CONTAINER/BLOB  (read as az; the URL is kept for its SAS query)
//   file:///abs/path  (percent-decoded; authority empty or "localhost")   a plain path (relative or absolute)
//   http://... and https://... (kept whole)
// A key that is empty or ends with '/' names a prefix (what `-r` copies, lists or removes).
#pragma once

#include "ferry/error.hpp"

#include <string>
#include <string_view>

namespace ferry {

enum class url_kind { local, file, http, https, s3, gs, az };

std::string_view to_string(url_kind kind) noexcept;

struct object_url {
  url_kind kind = url_kind::local;
  std::string account;  // az: the storage account
  std::string bucket;   // s3/gs: the bucket; az: the container
  std::string key;      // s3/gs: the key; az: the blob name; local/file: the filesystem path (decoded)
  std::string url;      // http/https (and az given as https): the URL exactly as given

  // Keys of s3:// and az:// URLs are taken literally (no percent-decoding), as the AWS CLI does; the blob of an
  // https:// Azure URL and the path of a file:// URL are percent-decoded.
  static result<object_url> parse(std::string_view text);

  bool is_cloud() const noexcept { return kind == url_kind::s3 || kind == url_kind::gs || kind == url_kind::az; }
  bool is_local() const noexcept { return kind == url_kind::local || kind == url_kind::file; }
  // Empty key or trailing '/': the URL names a prefix / directory rather than one object.
  bool is_prefix() const noexcept { return key.empty() || key.back() == '/'; }
  // The canonical spelling: "s3://b/k", "az://acct/c/blob", the path for local/file, the URL for http(s).
  std::string to_string() const;
};

// Provider naming rules; each failure names the bucket and the rule it broke.
result<void> validate_s3_bucket(std::string_view name);
result<void> validate_gcs_bucket(std::string_view name);
result<void> validate_azure_container(std::string_view name);
result<void> validate_azure_account(std::string_view name);

}  // namespace ferry
