// Account SAS (https://learn.microsoft.com/rest/api/storageservices/create-account-sas): one token for
// services (ss), resource types (srt) and permissions (sp) across an account, signed with the account
// key. Signed versions 2015-04-05 and later; the string to sign ends in '\n' in every version.
#pragma once

#include "ferry/error.hpp"
#include "signing/azure_account_key.hpp"
#include "signing/azure_sas.hpp"
#include "signing/azure_service_sas.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace ferry::signing {

inline constexpr std::string_view azure_account_permission_order = "rwdxylacuptfi";

struct azure_account_sas_request {
  std::string account;
  std::string services = "b";        // ss: any of b f q t (reordered)
  std::string resource_types = "sco";  // srt: any of s c o (reordered)
  std::string permissions;           // sp: any of r w d x y l a c u p t f i (reordered)
  std::optional<std::chrono::sys_seconds> start;  // st
  std::chrono::sys_seconds expiry{};              // se (required)
  std::string ip;                    // sip
  std::string protocol;              // spr: "", "https", "https,http"
  std::string version = std::string(azure_default_sas_version);  // sv
  std::string encryption_scope;      // ses, sv >= 2020-12-06
};

result<azure_sas_token> azure_account_sas(const azure_account_sas_request& req, const azure_key& account_key);

}  // namespace ferry::signing
