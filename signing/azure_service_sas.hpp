// Blob service SAS (container or blob, signed with the account key) and user delegation SAS (signed
// with a key from Get User Delegation Key), per
// https://learn.microsoft.com/rest/api/storageservices/create-service-sas and .../create-user-delegation-sas.
// Signed versions (sv) 2018-11-09 and later; the string-to-sign layout follows sv (user delegation:
// saoid/suoid/scid from 2020-02-10, ses from 2020-12-06, skdutid/sduoid from 2025-07-05, empty srh/srq
// lines from 2026-04-06: ferry signs no request headers or query parameters). Pure: no clock.
#pragma once

#include "ferry/error.hpp"
#include "signing/azure_account_key.hpp"
#include "signing/azure_blob_url.hpp"
#include "signing/azure_sas.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace ferry::signing {

inline constexpr std::string_view azure_default_sas_version = "2024-11-04";
// Letter order the service expects in sp (blob and container permissions together).
inline constexpr std::string_view azure_blob_permission_order = "racwdxyltfmeopi";

struct azure_blob_sas_request {
  std::string account;
  std::string container;
  std::string blob;               // empty: a container SAS (sr=c)
  std::string snapshot;           // a snapshot time: sr=bs
  std::string blob_version;       // a version id: sr=bv (not with snapshot)
  std::string permissions;        // sp, e.g. "rw"; reordered to the service's order
  std::optional<std::chrono::sys_seconds> start;   // st
  std::optional<std::chrono::sys_seconds> expiry;  // se; may only be left out with a stored policy (si)
  std::string identifier;         // si: a stored access policy (service SAS only)
  std::string ip;                 // sip
  std::string protocol;           // spr: "", "https", "https,http"
  std::string version = std::string(azure_default_sas_version);  // sv
  std::string encryption_scope;   // ses, sv >= 2020-12-06
  // Response header overrides (rscc, rscd, rsce, rscl, rsct).
  std::string cache_control, content_disposition, content_encoding, content_language, content_type;
};

// What Get User Delegation Key returned (times as the service wrote them, "2024-05-01T10:00:00Z").
struct azure_user_delegation_key {
  std::string signed_oid;      // skoid
  std::string signed_tid;      // sktid
  std::string signed_start;    // skt
  std::string signed_expiry;   // ske
  std::string signed_service;  // sks, "b"
  std::string signed_version;  // skv
  std::string delegated_user_tid;  // skdutid (sv >= 2025-07-05), usually empty
  std::string value;           // the key, base64
};

struct azure_user_delegation_options {
  std::string authorized_oid;    // saoid (sv >= 2020-02-10)
  std::string unauthorized_oid;  // suoid (sv >= 2020-02-10)
  std::string correlation_id;    // scid (sv >= 2020-02-10)
  std::string delegated_user_oid;  // sduoid (sv >= 2025-07-05)
};

// Service SAS signed with the account key.
result<azure_sas_token> azure_blob_service_sas(const azure_blob_sas_request& req, const azure_key& account_key);

// User delegation SAS; `req.identifier` must be empty (stored policies are not allowed).
result<azure_sas_token> azure_blob_user_delegation_sas(const azure_blob_sas_request& req,
                                                       const azure_user_delegation_key& key,
                                                       const azure_user_delegation_options& opts = {});

// The whole URL for `ferry presign az://ACCOUNT/CONTAINER/BLOB`: the blob's URL (public endpoint, or
// `endpoint` such as the emulator's "http://127.0.0.1:10000/devstoreaccount1") plus '?' and the SAS.
result<std::string> azure_blob_sas_url(const azure_blob_sas_request& req, const azure_key& account_key,
                                       std::string_view endpoint = {});

}  // namespace ferry::signing
