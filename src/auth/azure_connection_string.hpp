// Azure Storage connection strings ("DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;
// EndpointSuffix=core.windows.net", "BlobEndpoint=...;SharedAccessSignature=...",
// "UseDevelopmentStorage=true"), as AZURE_STORAGE_CONNECTION_STRING carries them.
#pragma once

#include "ferry/error.hpp"

#include <string>
#include <string_view>

namespace ferry::auth {

// Azurite / the storage emulator's published account and key.
inline constexpr std::string_view azure_dev_account = "devstoreaccount1";
inline constexpr std::string_view azure_dev_account_key =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
inline constexpr std::size_t max_connection_string_size = 64 * 1024;

struct azure_connection_string {
  std::string account_name;   // may be empty when only BlobEndpoint + SharedAccessSignature are given
  std::string account_key;    // base64 (checked), empty when absent. A secret: never log it.
  std::string sas_token;      // without a leading '?', empty when absent. A secret too.
  std::string blob_endpoint;  // resolved, no trailing '/': "https://ACCOUNT.blob.core.windows.net"
  std::string protocol = "https";                 // DefaultEndpointsProtocol
  std::string endpoint_suffix = "core.windows.net";
  bool development_storage = false;               // UseDevelopmentStorage=true
};

// Keys are case-insensitive; values may contain '=' (base64 padding, SAS tokens); empty segments
// (a trailing ';') are fine. Refuses: empty input, a segment without '=', an empty key, a repeated
// key, an AccountKey that is not base64, a bad protocol or endpoint, control characters, and input
// over 64 KiB. Unknown keys (QueueEndpoint, ...) are ignored. Errors name the key, never a value.
result<azure_connection_string> parse_azure_connection_string(std::string_view text);

}  // namespace ferry::auth
