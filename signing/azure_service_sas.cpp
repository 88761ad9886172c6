#include "signing/azure_service_sas.hpp"

#include "signing/encoding.hpp"

namespace ferry::signing {
namespace {

failure invalid(std::string msg) { return failure(error::invalid_argument, "azure sas: " + std::move(msg)); }

// The fields both SAS kinds share, checked and normalised once.
struct common_fields {
  std::string permissions, start, expiry, protocol, resource, canonical_resource, snapshot_or_version;
};

result<common_fields> check_common(const azure_blob_sas_request& r, bool allow_missing_expiry) {
  if (!azure_is_service_version(r.version)) return invalid("version (sv) must look like 2020-12-06");
  if (r.version < "2018-11-09") return invalid("signed versions before 2018-11-09 are not supported");
  if (!azure_is_account_name(r.account)) return invalid("account name must be 3-24 lowercase letters or digits");
  if (!azure_is_container_name(r.container)) return invalid("invalid container name");
  if (!r.blob.empty() && !azure_is_blob_name(r.blob)) return invalid("blob name must be 1-1024 bytes without control characters");
  if (!r.snapshot.empty() && !r.blob_version.empty()) return invalid("give a snapshot or a blob version, not both");
  if (r.blob.empty() && (!r.snapshot.empty() || !r.blob_version.empty())) return invalid("a snapshot or version needs a blob");
  for (auto* f : {&r.identifier, &r.encryption_scope, &r.cache_control, &r.content_disposition, &r.content_encoding,
                  &r.content_language, &r.content_type, &r.snapshot, &r.blob_version})
    if (!azure_sas_field_is_safe(*f)) return invalid("a SAS field contains control characters or is too long");
  if (!r.ip.empty() && !azure_sas_ip_is_valid(r.ip)) return invalid("ip (sip) must be an address or a range a-b");
  if (!r.encryption_scope.empty() && r.version < "2020-12-06") return invalid("encryption scope (ses) needs sv >= 2020-12-06");
  if (!r.expiry && !allow_missing_expiry) return invalid("expiry (se) is required");
  if (r.start && r.expiry && *r.start >= *r.expiry) return invalid("start must be before expiry");

  common_fields c;
  // Container permissions include l and f; a blob SAS has no use for them.
  auto perms = azure_sas_order_permissions(r.permissions, azure_blob_permission_order, "permissions (sp)");
  if (!perms) return perms.error();
  if (!r.blob.empty() && perms->find_first_of("lf") != std::string::npos)
    return invalid("permissions l and f apply to containers only");
  c.permissions = std::move(*perms);
  auto proto = azure_sas_protocol(r.protocol);
  if (!proto) return proto.error();
  c.protocol = std::move(*proto);
  if (r.start) c.start = azure_sas_time(*r.start);
  if (r.expiry) c.expiry = azure_sas_time(*r.expiry);
  c.resource = r.blob.empty() ? "c" : !r.snapshot.empty() ? "bs" : !r.blob_version.empty() ? "bv" : "b";
  c.snapshot_or_version = !r.snapshot.empty() ? r.snapshot : r.blob_version;
  // Not URL-encoded: the canonical resource names the blob as stored.
  c.canonical_resource = "/blob/" + r.account + "/" + r.container;
  if (!r.blob.empty()) c.canonical_resource += "/" + r.blob;
  return c;
}

void append_line(std::string& s, std::string_view field) {
  s += field;
  s += '\n';
}

// The shared head of both string-to-sign layouts: "sp\nst\nse\ncanonicalizedResource\n".
void append_head(std::string& s, const common_fields& c) {
  append_line(s, c.permissions);
  append_line(s, c.start);
  append_line(s, c.expiry);
  append_line(s, c.canonical_resource);
}

// The shared tail: "sv\nsr\nsnapshot\n[ses\n][srh\nsrq\n]rscc\nrscd\nrsce\nrscl\nrsct" (no trailing
// newline). User delegation SAS from 2026-04-06 carries the signed request headers and query
// parameters (srh, srq) after ses; ferry signs none, so both lines are empty.
void append_tail(std::string& s, const azure_blob_sas_request& r, const common_fields& c, bool request_lines) {
  append_line(s, r.version);
  append_line(s, c.resource);
  append_line(s, c.snapshot_or_version);
  if (r.version >= "2020-12-06") append_line(s, r.encryption_scope);
  if (request_lines) s += "\n\n";
  append_line(s, r.cache_control);
  append_line(s, r.content_disposition);
  append_line(s, r.content_encoding);
  append_line(s, r.content_language);
  s += r.content_type;
}

// The query of either SAS kind: the shared head (sv..spr), the kind's own fields, then the shared tail
// (ses, the response header overrides) and the signature.
using sas_fields = std::vector<std::pair<std::string_view, std::string_view>>;
std::string sas_query(const azure_blob_sas_request& r, const common_fields& c, const sas_fields& own,
                      std::string_view sig) {
  sas_fields f{{"sv", r.version},   {"sr", c.resource}, {"sp", c.permissions}, {"st", c.start},
               {"se", c.expiry},    {"sip", r.ip},      {"spr", c.protocol}};
  f.insert(f.end(), own.begin(), own.end());
  f.insert(f.end(), {{"ses", r.encryption_scope},
                     {"rscc", r.cache_control},
                     {"rscd", r.content_disposition},
                     {"rsce", r.content_encoding},
                     {"rscl", r.content_language},
                     {"rsct", r.content_type},
                     {"sig", sig}});
  return azure_sas_query(f);
}

}  // namespace

result<azure_sas_token> azure_blob_service_sas(const azure_blob_sas_request& r, const azure_key& key) {
  auto c = check_common(r, /*allow_missing_expiry=*/!r.identifier.empty());
  if (!c) return c.error();

  azure_sas_token t;
  std::string& s = t.string_to_sign;
  append_head(s, *c);
  append_line(s, r.identifier);
  append_line(s, r.ip);
  append_line(s, c->protocol);
  append_tail(s, r, *c, /*request_lines=*/false);

  std::string sig = key.sign(s);
  t.query = sas_query(r, *c, {{"si", r.identifier}}, sig);
  return t;
}

result<azure_sas_token> azure_blob_user_delegation_sas(const azure_blob_sas_request& r,
                                                       const azure_user_delegation_key& k,
                                                       const azure_user_delegation_options& o) {
  if (!r.identifier.empty()) return invalid("a user delegation SAS cannot use a stored access policy (si)");
  auto c = check_common(r, /*allow_missing_expiry=*/false);
  if (!c) return c.error();
  bool has_ids = r.version >= "2020-02-10";
  bool has_delegated_user = r.version >= "2025-07-05";
  if (!has_ids && (!o.authorized_oid.empty() || !o.unauthorized_oid.empty() || !o.correlation_id.empty()))
    return invalid("saoid, suoid and scid need sv >= 2020-02-10");
  if (!has_delegated_user && (!o.delegated_user_oid.empty() || !k.delegated_user_tid.empty()))
    return invalid("sduoid and skdutid need sv >= 2025-07-05");
  if (k.signed_oid.empty() || k.signed_tid.empty() || k.signed_start.empty() || k.signed_expiry.empty() ||
      k.signed_service.empty() || k.signed_version.empty())
    return invalid("the user delegation key lacks one of skoid, sktid, skt, ske, sks, skv");
  for (auto* f : {&k.signed_oid, &k.signed_tid, &k.signed_start, &k.signed_expiry, &k.signed_service,
                  &k.signed_version, &k.delegated_user_tid, &o.authorized_oid, &o.unauthorized_oid,
                  &o.correlation_id, &o.delegated_user_oid})
    if (!azure_sas_field_is_safe(*f)) return invalid("a user delegation field contains control characters");
  auto key = azure_key::from_base64(k.value);
  if (!key) return failure(error::invalid_argument, "azure sas: user delegation key value is not a valid key");

  azure_sas_token t;
  std::string& s = t.string_to_sign;
  append_head(s, *c);
  append_line(s, k.signed_oid);
  append_line(s, k.signed_tid);
  append_line(s, k.signed_start);
  append_line(s, k.signed_expiry);
  append_line(s, k.signed_service);
  append_line(s, k.signed_version);
  if (has_ids) {
    append_line(s, o.authorized_oid);
    append_line(s, o.unauthorized_oid);
    append_line(s, o.correlation_id);
  }
  if (has_delegated_user) {
    append_line(s, k.delegated_user_tid);
    append_line(s, o.delegated_user_oid);
  }
  append_line(s, r.ip);
  append_line(s, c->protocol);
  append_tail(s, r, *c, /*request_lines=*/r.version >= "2026-04-06");

  std::string sig = key->sign(s);
  t.query = sas_query(r, *c,
                      {{"skoid", k.signed_oid},
                       {"sktid", k.signed_tid},
                       {"skt", k.signed_start},
                       {"ske", k.signed_expiry},
                       {"sks", k.signed_service},
                       {"skv", k.signed_version},
                       {"skdutid", k.delegated_user_tid},
                       {"saoid", o.authorized_oid},
                       {"suoid", o.unauthorized_oid},
                       {"scid", o.correlation_id},
                       {"sduoid", o.delegated_user_oid}},
                      sig);
  return t;
}

result<std::string> azure_blob_sas_url(const azure_blob_sas_request& req, const azure_key& account_key,
                                       std::string_view endpoint) {
  azure_blob_address a;
  a.account = req.account;
  a.container = req.container;
  a.blob = req.blob;
  a.endpoint = std::string(endpoint);
  auto target = azure_blob_target_for(a);
  if (!target) return target.error();
  auto sas = azure_blob_service_sas(req, account_key);
  if (!sas) return sas.error();
  std::string url = std::move(target->url);
  url += '?';
  // A snapshot / version URL also names it in the query, or the service reads the base blob.
  if (!req.snapshot.empty()) url += "snapshot=" + uri_encode(req.snapshot) + "&";
  if (!req.blob_version.empty()) url += "versionid=" + uri_encode(req.blob_version) + "&";
  url += sas->query;
  return url;
}

}  // namespace ferry::signing
