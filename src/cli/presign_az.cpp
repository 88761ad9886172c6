// az://ACCOUNT/CONTAINER/BLOB (or its https://ACCOUNT.blob.core.windows.net/... URL): a blob service SAS signed with
// the account key from AZURE_STORAGE_CONNECTION_STRING / AZURE_STORAGE_ACCOUNT + AZURE_STORAGE_KEY. The method decides
// the permissions, --date + --expires the expiry, --scheme http (or a plain-HTTP endpoint such as Azurite) also allows
// plain HTTP, --endpoint replaces the blob endpoint, and --query sets the SAS fields a caller may choose.
#include "cli/presign.hpp"

#include "ferry/object_url.hpp"
#include "src/auth/azure_storage_credentials.hpp"

namespace ferry::cli {
namespace {

constexpr std::string_view azure_query_fields = "rscc, rscd, rsce, rscl, rsct, sip, ses, sv, snapshot, versionid";

// --query NAME=VALUE for a SAS: the response header overrides, the IP range, the encryption scope, the signed version,
// and a snapshot or version of the blob. Everything else in a SAS is derived (sp, st, se, spr, sr, sig) or cannot be
// meaningfully chosen here.
result<void> apply_query(signing::azure_blob_sas_request& req, const signing::string_pairs& query) {
  for (auto& [name, value] : query) {
    if (name == "rscc") req.cache_control = value;
    else if (name == "rscd") req.content_disposition = value;
    else if (name == "rsce") req.content_encoding = value;
    else if (name == "rscl") req.content_language = value;
    else if (name == "rsct") req.content_type = value;
    else if (name == "sip") req.ip = value;
    else if (name == "ses") req.encryption_scope = value;
    else if (name == "sv") req.version = value;
    else if (name == "snapshot") req.snapshot = value;
    else if (name == "versionid") req.blob_version = value;
    else
      return failure(error::invalid_argument, "--query " + name.substr(0, 40) + " is not a SAS field az:// presign sets; use one of " +
                                                  std::string(azure_query_fields));
  }
  return {};
}

}  // namespace

result<std::string> presign_az(const presign_options& o) {
  if (!o.key_file.empty()) return failure(error::invalid_argument, "--key-file is for gs:// URLs");
  if (!o.headers.empty() || !o.url_style.empty() || !o.bucket_bound_host.empty())
    return failure(error::invalid_argument,
                   "--header, --url-style and --bucket-bound-host do not apply to az:// (a SAS signs no headers)");
  auto u = object_url::parse(o.url);
  if (!u) return u.error();
  if (u->kind != url_kind::az || u->key.empty() || u->is_prefix())
    return failure(error::invalid_argument, "az presign needs az://ACCOUNT/CONTAINER/BLOB");
  auto creds = auth::resolve_azure_storage_credentials(u->account, auth::process_environment());
  if (!creds) return creds.error();
  if (!o.endpoint.empty()) {
    if (!o.endpoint.starts_with("http://") && !o.endpoint.starts_with("https://"))
      return failure(error::invalid_argument, "--endpoint must be an http(s):// URL, e.g. http://127.0.0.1:10000/devstoreaccount1");
    creds->blob_endpoint = o.endpoint;
    while (creds->blob_endpoint.ends_with('/')) creds->blob_endpoint.pop_back();
  }
  auto time = signing_time(o.date);
  if (!time) return time.error();
  auto query = split_pairs(o.query, '=', "--query");
  if (!query) return query.error();
  if (creds->account_key.empty() && !query->empty())
    return failure(error::invalid_argument, "--query needs an account key to sign with; " + creds->source +
                                                " provides only a SAS token, whose fields are fixed");

  std::string method = upper_method(o.method);
  signing::azure_blob_sas_request req;
  req.account = u->account;
  req.container = u->bucket;
  req.blob = u->key;
  if (method == "GET" || method == "HEAD") req.permissions = "r";
  else if (method == "PUT") req.permissions = "cw";
  else if (method == "DELETE") req.permissions = "d";
  else return failure(error::invalid_argument, "--method " + method + " has no Azure SAS permission (GET, HEAD, PUT, DELETE)");
  req.expiry = *time + std::chrono::seconds(o.expires);
  if (auto applied = apply_query(req, *query); !applied) return applied.error();
  // A plain-HTTP endpoint (the emulator, a custom one) could never satisfy spr=https.
  bool http_endpoint = creds->blob_endpoint.starts_with("http://");
  req.protocol = (o.scheme == "http" || http_endpoint) ? "https,http" : "https";
  auto signed_url = auth::azure_presign_blob(*creds, req);
  if (!signed_url) return signed_url.error();
  return signed_url->url;
}

}  // namespace ferry::cli
