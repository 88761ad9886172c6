#include "signing/azure_account_sas.hpp"

namespace ferry::signing {
namespace {

failure invalid(std::string msg) { return failure(error::invalid_argument, "azure account sas: " + std::move(msg)); }

}  // namespace

result<azure_sas_token> azure_account_sas(const azure_account_sas_request& r, const azure_key& key) {
  if (!azure_is_account_name(r.account)) return invalid("account name must be 3-24 lowercase letters or digits");
  if (!azure_is_service_version(r.version)) return invalid("version (sv) must look like 2020-12-06");
  if (r.version < "2015-04-05") return invalid("account SAS needs sv >= 2015-04-05");
  if (!r.encryption_scope.empty() && r.version < "2020-12-06") return invalid("encryption scope (ses) needs sv >= 2020-12-06");
  if (!azure_sas_field_is_safe(r.encryption_scope)) return invalid("encryption scope contains control characters");
  if (!r.ip.empty() && !azure_sas_ip_is_valid(r.ip)) return invalid("ip (sip) must be an address or a range a-b");
  if (r.expiry == std::chrono::sys_seconds{}) return invalid("expiry (se) is required");
  if (r.start && *r.start >= r.expiry) return invalid("start must be before expiry");
  auto ss = azure_sas_order_permissions(r.services, "bfqt", "services (ss)");
  if (!ss) return ss.error();
  auto srt = azure_sas_order_permissions(r.resource_types, "sco", "resource types (srt)");
  if (!srt) return srt.error();
  auto sp = azure_sas_order_permissions(r.permissions, azure_account_permission_order, "permissions (sp)");
  if (!sp) return sp.error();
  auto spr = azure_sas_protocol(r.protocol);
  if (!spr) return spr.error();
  std::string st = r.start ? azure_sas_time(*r.start) : std::string();
  std::string se = azure_sas_time(r.expiry);

  azure_sas_token t;
  std::string& s = t.string_to_sign;
  for (std::string_view f : {std::string_view(r.account), std::string_view(*sp), std::string_view(*ss),
                             std::string_view(*srt), std::string_view(st), std::string_view(se),
                             std::string_view(r.ip), std::string_view(*spr), std::string_view(r.version)}) {
    s += f;
    s += '\n';
  }
  // 2020-12-06 added the encryption scope line; the string still ends with a newline.
  if (r.version >= "2020-12-06") {
    s += r.encryption_scope;
    s += '\n';
  }
  std::string sig = key.sign(s);
  t.query = azure_sas_query({{"sv", r.version},
                             {"ss", *ss},
                             {"srt", *srt},
                             {"sp", *sp},
                             {"st", st},
                             {"se", se},
                             {"sip", r.ip},
                             {"spr", *spr},
                             {"ses", r.encryption_scope},
                             {"sig", sig}});
  return t;
}

}  // namespace ferry::signing
