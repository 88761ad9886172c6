#include "signing/sigv4_crypto.hpp"

#include "signing/encoding.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

namespace ferry::signing::detail {
namespace {

// Fetched once: EVP_sha256()/HMAC() look the algorithm up again on every call in OpenSSL 3.
EVP_MD* sha256_md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}
EVP_MAC* hmac_mac() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

struct md_ctx {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~md_ctx() { EVP_MD_CTX_free(ctx); }
};

// An HMAC context whose digest is set once; later inits only change the key.
struct mac_ctx {
  EVP_MAC_CTX* ctx = nullptr;
  bool digest_set = false;
  mac_ctx() {
    if (auto* mac = hmac_mac()) ctx = EVP_MAC_CTX_new(mac);
  }
  ~mac_ctx() { EVP_MAC_CTX_free(ctx); }
};

}  // namespace

std::string fast_sha256_hex(std::string_view data) {
  thread_local md_ctx c;
  EVP_MD* md = sha256_md();
  sha256_digest out;
  unsigned int len = 0;
  if (!md || !c.ctx || !EVP_DigestInit_ex(c.ctx, md, nullptr) || !EVP_DigestUpdate(c.ctx, data.data(), data.size()) ||
      !EVP_DigestFinal_ex(c.ctx, out.data(), &len))
    return sha256_hex(data);  // fall back to the plain path rather than fail
  return hex_lower(out);
}

sha256_digest fast_hmac_sha256(std::string_view key, std::string_view data) {
  thread_local mac_ctx c;
  if (!c.ctx) return hmac_sha256(key, data);
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  int ok;
  if (!c.digest_set) {
    char digest_name[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0), OSSL_PARAM_END};
    ok = EVP_MAC_init(c.ctx, k, key.size(), params);
    c.digest_set = ok == 1;
  } else {
    ok = EVP_MAC_init(c.ctx, k, key.size(), nullptr);
  }
  sha256_digest out;
  std::size_t len = 0;
  if (ok != 1 || EVP_MAC_update(c.ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(c.ctx, out.data(), &len, out.size()) != 1 || len != out.size())
    return hmac_sha256(key, data);
  return out;
}

}  // namespace ferry::signing::detail
