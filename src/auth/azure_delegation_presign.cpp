#include "src/auth/azure_delegation_presign.hpp"

#include "ferry/retry.hpp"
#include "ferry/service_error.hpp"
#include "signing/azure_blob_url.hpp"
#include "signing/encoding.hpp"
#include "src/auth/azure_user_delegation_key.hpp"

namespace ferry::auth {

http::request azure_user_delegation_key_http_request(const http::url& blob_endpoint, const std::string& body,
                                                     const bearer_token& token) {
  http::request req;
  req.method = "POST";
  req.address = blob_endpoint;
  std::string base = req.address.target;  // "/" or "/devstoreaccount1" (an emulator names the account in the path)
  if (base.empty() || base.back() != '/') base += '/';
  req.address.target = base + "?restype=service&comp=userdelegationkey";
  req.headers.set("Authorization", "Bearer " + token.access_token);
  req.headers.set("x-ms-version", std::string(azure_delegation_service_version));
  req.headers.set("Content-Type", "application/xml");
  req.body = http::body_from_string(body);
  req.idempotent = true;  // it only mints a key: asking twice is harmless
  return req;
}

boost::asio::awaitable<result<std::string>> azure_presign_blob_with_token(http::client& client,
                                                                         azure_token_credential_chain& tokens,
                                                                         const std::string& blob_endpoint,
                                                                         signing::azure_blob_sas_request req,
                                                                         std::chrono::sys_seconds start) {
  if (!req.expiry) co_return failure(error::invalid_argument, "a user delegation SAS needs an expiry");
  auto endpoint = http::url::parse(blob_endpoint);
  if (!endpoint) co_return failure(error::invalid_argument, "blob endpoint '" + blob_endpoint + "' is not a URL");
  auto body = azure_user_delegation_key_request_body(start, *req.expiry);
  if (!body) co_return body.error();

  auto token = co_await tokens.get();
  if (!token) {
    failure f = token.error();
    f.message = std::string(azure_delegation_token_step) + f.message;
    co_return f;
  }
  retry_policy policy;
  auto resp = co_await http::send_with_retry(client, azure_user_delegation_key_http_request(*endpoint, *body, *token),
                                             policy, map_azure_error);
  if (!resp) {
    failure f = resp.error();
    f.message = "Get User Delegation Key (token from " + tokens.source() + "): " + f.message;
    co_return f;
  }
  auto key = parse_azure_user_delegation_key(resp->body);
  if (!key) co_return key.error();

  if (req.version.empty()) req.version = std::string(azure_delegation_service_version);
  auto sas = signing::azure_blob_user_delegation_sas(req, *key);
  if (!sas) co_return sas.error();
  signing::azure_blob_address address;
  address.account = req.account;
  address.container = req.container;
  address.blob = req.blob;
  address.endpoint = blob_endpoint;
  auto target = signing::azure_blob_target_for(address);
  if (!target) co_return target.error();
  std::string url = target->url + "?";
  // A snapshot / version URL also names it in the query, or the service reads the base blob.
  if (!req.snapshot.empty()) url += "snapshot=" + signing::uri_encode(req.snapshot) + "&";
  if (!req.blob_version.empty()) url += "versionid=" + signing::uri_encode(req.blob_version) + "&";
  co_return url + sas->query;
}

}  // namespace ferry::auth
