// az://ACCOUNT/CONTAINER/BLOB (or its https://ACCOUNT.blob.core.windows.net/... URL): a blob service SAS signed with
// the account key from AZURE_STORAGE_CONNECTION_STRING / AZURE_STORAGE_ACCOUNT + AZURE_STORAGE_KEY. The method decides
// the permissions, --date + --expires the expiry, --scheme http (or a plain-HTTP endpoint such as Azurite) also allows
// plain HTTP, --endpoint replaces the blob endpoint, and --query sets the SAS fields a caller may choose.
#include "cli/presign.hpp"

#include "ferry/object_url.hpp"
#include "src/auth/azure_delegation_presign.hpp"
#include "src/auth/azure_storage_credentials.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

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

// No account key or SAS configured: a bearer token from the Azure token chain (client secret, workload or managed
// identity) gets a user delegation key from the blob service, which signs a user delegation SAS.
result<std::string> presign_with_token(const std::string& blob_endpoint, const signing::azure_blob_sas_request& req,
                                       std::chrono::sys_seconds start, const failure& no_key) {
  boost::asio::io_context io;
  http::client client(io.get_executor());
  auth::azure_token_credential_chain tokens(io.get_executor());
  auto future = boost::asio::co_spawn(io, auth::azure_presign_blob_with_token(client, tokens, blob_endpoint, req, start),
                                      boost::asio::use_future);
  io.run();
  auto url = future.get();
  if (!url && url.error().message.starts_with(auth::azure_delegation_token_step)) {
    failure f = url.error();  // keep the token step's kind, status and request id; say both ways were tried
    f.message = no_key.message + "; " + f.message;
    return f;
  }
  return url;
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
  if (!o.endpoint.empty() && !o.endpoint.starts_with("http://") && !o.endpoint.starts_with("https://"))
    return failure(error::invalid_argument, "--endpoint must be an http(s):// URL, e.g. http://127.0.0.1:10000/devstoreaccount1");
  auto creds = auth::resolve_azure_storage_credentials(u->account, auth::process_environment());
  if (!creds && creds.error().kind != error::not_found) return creds.error();
  // Without a key or SAS, only the endpoint matters (the token path): the public one unless --endpoint says otherwise.
  auth::azure_storage_credentials key_creds =
      creds ? *creds : auth::azure_storage_credentials{u->account, "", "", "https://" + u->account + ".blob.core.windows.net", "token"};
  if (!o.endpoint.empty()) {
    key_creds.blob_endpoint = o.endpoint;
    while (key_creds.blob_endpoint.ends_with('/')) key_creds.blob_endpoint.pop_back();
  }
  auto time = signing_time(o.date);
  if (!time) return time.error();
  auto query = split_pairs(o.query, '=', "--query");
  if (!query) return query.error();
  if (creds && creds->account_key.empty() && !query->empty())
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
  bool http_endpoint = key_creds.blob_endpoint.starts_with("http://");
  req.protocol = (o.scheme == "http" || http_endpoint) ? "https,http" : "https";
  if (!creds) return presign_with_token(key_creds.blob_endpoint, req, *time, creds.error());
  auto signed_url = auth::azure_presign_blob(key_creds, req);
  if (!signed_url) return signed_url.error();
  return signed_url->url;
}

}  // namespace ferry::cli
