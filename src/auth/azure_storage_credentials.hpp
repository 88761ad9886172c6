// Which Azure Storage credentials to use, from the environment variables the Azure CLI and SDKs
// read, and the presigned blob URL they allow (`ferry presign az://ACCOUNT/CONTAINER/BLOB`).
// The environment is passed in as a lookup so tests need no real variables.
#pragma once

#include "ferry/error.hpp"
#include "signing/azure_service_sas.hpp"
#include "src/auth/environment.hpp"

#include <string>
#include <string_view>

namespace ferry::auth {

struct azure_storage_credentials {
  std::string account;
  std::string account_key;    // base64, empty when only a SAS is known. Secret.
  std::string sas_token;      // without '?', empty when absent. Secret.
  std::string blob_endpoint;  // "https://ACCOUNT.blob.core.windows.net" or a custom / emulator endpoint
  std::string source;         // which variables they came from, for messages (never a value)
};

// Looks at, in order: AZURE_STORAGE_CONNECTION_STRING (used when its account matches `account`, or
// `account` is empty, or it names only an endpoint + SAS), then AZURE_STORAGE_ACCOUNT with
// AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN (AZURE_STORAGE_ACCOUNT may be omitted when `account`
// is given). not_found when nothing applies; invalid_argument for malformed values (named, never shown).
result<azure_storage_credentials> resolve_azure_storage_credentials(std::string_view account, const env_lookup& env);

struct azure_presigned_url {
  std::string url;
  bool reused_sas = false;  // no account key: the URL carries the configured SAS as is, whose
                            // permissions and expiry are its own, not the request's
};

// Signs a service SAS for the blob with the account key, or falls back to the configured SAS token.
// req.account must match creds.account.
result<azure_presigned_url> azure_presign_blob(const azure_storage_credentials& creds,
                                               const signing::azure_blob_sas_request& req);

}  // namespace ferry::auth
