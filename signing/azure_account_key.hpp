// An Azure Storage account key (or user delegation key) and the HMAC-SHA256 every Azure signer
// computes with it: SharedKey, service SAS, account SAS, user delegation SAS. Pure, no I/O.
#pragma once

#include "ferry/error.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace ferry::signing {

// The decoded key bytes. Copies are cheap enough; the destructor wipes the bytes.
class azure_key {
 public:
  // The key as the portal, connection strings and Get User Delegation Key give it: base64.
  // Refuses empty, non-base64 and implausibly short/long keys; the message never quotes the key.
  static result<azure_key> from_base64(std::string_view b64);

  // base64(HMAC-SHA256(key, utf8(string_to_sign))): the signature of every Azure scheme.
  std::string sign(std::string_view string_to_sign) const;

  azure_key(const azure_key&) = default;
  azure_key& operator=(const azure_key&) = default;
  azure_key(azure_key&&) noexcept = default;
  azure_key& operator=(azure_key&&) noexcept = default;
  ~azure_key();

 private:
  azure_key() = default;
  std::string bytes_;
};

// "2024-05-01T10:00:00Z": the ISO 8601 form SAS fields (st, se, skt, ske) use, seconds precision.
std::string azure_sas_time(std::chrono::sys_seconds t);

// Storage service versions are "YYYY-MM-DD"; the signers compare them as strings.
bool azure_is_service_version(std::string_view v);

// Account names: 3-24 lowercase letters and digits (devstoreaccount1 included).
bool azure_is_account_name(std::string_view name);

// Container names: 3-63 of a-z 0-9 '-', starting and ending with a letter or digit, no "--";
// "$root", "$logs" and "$web" are the special ones.
bool azure_is_container_name(std::string_view name);

// Blob names: 1-1024 bytes, no control characters (CR/LF would break the string to sign).
bool azure_is_blob_name(std::string_view name);

}  // namespace ferry::signing
