#include "signing/azure_account_key.hpp"

#include "signing/digest.hpp"
#include "signing/encoding.hpp"

#include <openssl/crypto.h>

#include <cstdio>

namespace ferry::signing {

result<azure_key> azure_key::from_base64(std::string_view b64) {
  if (b64.empty()) return failure(error::invalid_argument, "azure account key: empty");
  // Real keys are 64 bytes (88 base64 chars); user delegation keys 32. Anything huge is not a key.
  if (b64.size() > 1024) return failure(error::invalid_argument, "azure account key: too long to be a key");
  auto raw = base64_decode(b64);
  if (!raw) return failure(error::invalid_argument, "azure account key: not valid base64");
  if (raw->size() < 16) return failure(error::invalid_argument, "azure account key: decodes to fewer than 16 bytes");
  azure_key k;
  k.bytes_ = std::move(*raw);
  return k;
}

std::string azure_key::sign(std::string_view string_to_sign) const {
  return base64(as_view(hmac_sha256(bytes_, string_to_sign)));
}

azure_key::~azure_key() {
  if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
}

std::string azure_sas_time(std::chrono::sys_seconds t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<seconds> hms{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()),
                int(hms.seconds().count()));
  return buf;
}

bool azure_is_service_version(std::string_view v) {
  if (v.size() != 10 || v[4] != '-' || v[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (v[i] < '0' || v[i] > '9') return false;
  return true;
}

bool azure_is_account_name(std::string_view n) {
  if (n.size() < 3 || n.size() > 24) return false;
  for (char c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

bool azure_is_container_name(std::string_view n) {
  if (n == "$root" || n == "$logs" || n == "$web") return true;
  if (n.size() < 3 || n.size() > 63 || n.front() == '-' || n.back() == '-') return false;
  if (n.find("--") != std::string_view::npos) return false;
  for (char c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

bool azure_is_blob_name(std::string_view n) {
  if (n.empty() || n.size() > 1024) return false;
  for (unsigned char c : n)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

}  // namespace ferry::signing
