#include "src/auth/azure_storage_credentials.hpp"

#include "signing/azure_blob_url.hpp"
#include "signing/encoding.hpp"
#include "src/auth/azure_connection_string.hpp"


namespace ferry::auth {
namespace {

failure invalid(std::string msg) { return failure(error::invalid_argument, "azure credentials: " + std::move(msg)); }

std::string public_endpoint(std::string_view account) {
  return "https://" + std::string(account) + ".blob.core.windows.net";
}

std::string strip_question_mark(std::string s) {
  if (!s.empty() && s.front() == '?') s.erase(0, 1);
  return s;
}

}  // namespace

result<azure_storage_credentials> resolve_azure_storage_credentials(std::string_view account, const env_lookup& env) {
  if (auto cs_text = env("AZURE_STORAGE_CONNECTION_STRING")) {
    auto cs = parse_azure_connection_string(*cs_text);
    if (!cs) return failure(error::invalid_argument, "AZURE_STORAGE_CONNECTION_STRING: " + cs.error().message);
    bool applies = account.empty() || cs->account_name == account || (cs->account_name.empty() && !cs->sas_token.empty());
    if (applies) {
      azure_storage_credentials c;
      c.account = cs->account_name.empty() ? std::string(account) : cs->account_name;
      c.account_key = cs->account_key;
      c.sas_token = cs->sas_token;
      c.blob_endpoint = cs->blob_endpoint;
      c.source = "AZURE_STORAGE_CONNECTION_STRING";
      return c;
    }
  }

  auto env_account = env("AZURE_STORAGE_ACCOUNT");
  // AZURE_STORAGE_KEY / _SAS_TOKEN belong to AZURE_STORAGE_ACCOUNT: never use them for another account.
  if (env_account && !account.empty() && *env_account != account)
    return failure(error::not_found, "no Azure Storage credentials for account " + std::string(account) +
                                         " (AZURE_STORAGE_ACCOUNT names another account)");
  std::string name = account.empty() ? env_account.value_or("") : std::string(account);
  auto key = env("AZURE_STORAGE_KEY");
  auto sas = env("AZURE_STORAGE_SAS_TOKEN");
  if (name.empty() || (!key && !sas))
    return failure(error::not_found,
                   "no Azure Storage credentials: set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with "
                   "AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN");
  if (!signing::azure_is_account_name(name)) return invalid("the storage account name must be 3-24 lowercase letters or digits");
  azure_storage_credentials c;
  c.account = name;
  c.blob_endpoint = public_endpoint(name);
  if (key) {
    auto raw = signing::base64_decode(*key);
    if (!raw || raw->empty()) return invalid("AZURE_STORAGE_KEY is not valid base64");
    c.account_key = *key;
    c.source = "AZURE_STORAGE_ACCOUNT/AZURE_STORAGE_KEY";
  }
  if (sas) {
    c.sas_token = strip_question_mark(*sas);
    if (c.sas_token.empty() || c.sas_token.find_first_of(" #\r\n") != std::string::npos)
      return invalid("AZURE_STORAGE_SAS_TOKEN is not a query string");
    if (c.source.empty()) c.source = "AZURE_STORAGE_SAS_TOKEN";
  }
  return c;
}

result<azure_presigned_url> azure_presign_blob(const azure_storage_credentials& creds,
                                               const signing::azure_blob_sas_request& req) {
  if (req.account != creds.account) return invalid("the credentials are for another storage account");
  if (!creds.account_key.empty()) {
    auto key = signing::azure_key::from_base64(creds.account_key);
    if (!key) return failure(error::invalid_argument, "azure credentials (" + creds.source + "): " + key.error().message);
    auto url = signing::azure_blob_sas_url(req, *key, creds.blob_endpoint);
    if (!url) return url.error();
    return azure_presigned_url{std::move(*url), false};
  }
  if (creds.sas_token.empty()) return failure(error::access_denied, "presigning needs an account key or a SAS token");
  signing::azure_blob_address a;
  a.account = req.account;
  a.container = req.container;
  a.blob = req.blob;
  a.endpoint = creds.blob_endpoint;
  auto target = signing::azure_blob_target_for(a);
  if (!target) return target.error();
  return azure_presigned_url{target->url + "?" + creds.sas_token, true};
}

}  // namespace ferry::auth
