#include "src/auth/azure_user_delegation_key.hpp"

#include "signing/encoding.hpp"

#include <pugixml.hpp>

namespace ferry::auth {
namespace {

failure bad(std::string msg) {
  return failure(error::protocol_error, "user delegation key response: " + std::move(msg));
}

}  // namespace

result<std::string> azure_user_delegation_key_request_body(std::chrono::sys_seconds start,
                                                            std::chrono::sys_seconds expiry) {
  if (expiry <= start) return failure(error::invalid_argument, "user delegation key: expiry must be after start");
  if (expiry - start > max_user_delegation_key_lifetime)
    return failure(error::invalid_argument, "user delegation key: lifetime is limited to 7 days");
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?><KeyInfo><Start>" + signing::azure_sas_time(start) +
         "</Start><Expiry>" + signing::azure_sas_time(expiry) + "</Expiry></KeyInfo>";
}

result<signing::azure_user_delegation_key> parse_azure_user_delegation_key(std::string_view xml) {
  if (xml.empty()) return bad("empty body");
  if (xml.size() > max_user_delegation_key_response) return bad("body larger than 64 KiB");
  pugi::xml_document doc;
  // No DOCTYPE/entity expansion in pugixml beyond the predefined ones, so no entity bombs.
  auto parsed = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) return bad("not well-formed XML");
  auto root = doc.child("UserDelegationKey");
  if (!root) return bad("no <UserDelegationKey> element");

  signing::azure_user_delegation_key k;
  struct field {
    const char* name;
    std::string* out;
    bool required;
  };
  const field fields[] = {{"SignedOid", &k.signed_oid, true},         {"SignedTid", &k.signed_tid, true},
                          {"SignedStart", &k.signed_start, true},     {"SignedExpiry", &k.signed_expiry, true},
                          {"SignedService", &k.signed_service, true}, {"SignedVersion", &k.signed_version, true},
                          {"Value", &k.value, true},                  {"SignedDelegatedUserTid", &k.delegated_user_tid, false}};
  for (const auto& f : fields) {
    auto node = root.child(f.name);
    if (!node) {
      if (f.required) return bad(std::string("missing <") + f.name + ">");
      continue;
    }
    if (node.next_sibling(f.name)) return bad(std::string("repeated <") + f.name + ">");
    *f.out = node.child_value();
    if (f.required && f.out->empty()) return bad(std::string("empty <") + f.name + ">");
    if (!signing::azure_sas_field_is_safe(*f.out)) return bad(std::string("<") + f.name + "> has control characters");
  }
  auto raw = signing::base64_decode(k.value);
  if (!raw || raw->size() < 16) return bad("<Value> is not a base64 key");
  return k;
}

}  // namespace ferry::auth
