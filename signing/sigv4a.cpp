#include "signing/sigv4a.hpp"

#include "signing/digest.hpp"
#include "signing/encoding.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <utility>

namespace ferry::signing {
namespace {

// The order n of P-256, minus 2: a KDF output above it is rejected (then d = k + 1 lies in [1, n-1]).
constexpr std::array<unsigned char, 32> p256_order_minus_2 = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x4F};

template <class T, void (*Free)(T*)>
struct owned {
  T* p = nullptr;
  owned() = default;
  explicit owned(T* x) : p(x) {}
  ~owned() {
    if (p) Free(p);
  }
  owned(const owned&) = delete;
  owned& operator=(const owned&) = delete;
  T* release() { return std::exchange(p, nullptr); }
};
using bn_ptr = owned<BIGNUM, BN_clear_free>;
using group_ptr = owned<EC_GROUP, EC_GROUP_free>;
using point_ptr = owned<EC_POINT, EC_POINT_free>;
using bld_ptr = owned<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using params_ptr = owned<OSSL_PARAM, OSSL_PARAM_free>;
using pctx_ptr = owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using pkey_ptr = owned<EVP_PKEY, EVP_PKEY_free>;
using mdctx_ptr = owned<EVP_MD_CTX, EVP_MD_CTX_free>;

failure crypto_failure(std::string what) { return failure(error::invalid_argument, "SigV4a: " + std::move(what)); }

// An EVP_PKEY on P-256 from an uncompressed public point and, optionally, the private scalar.
result<EVP_PKEY*> make_pkey(const std::string& pub_octets, const BIGNUM* priv) {
  bld_ptr bld(OSSL_PARAM_BLD_new());
  if (!bld.p) return crypto_failure("out of memory");
  if (!OSSL_PARAM_BLD_push_utf8_string(bld.p, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.p, OSSL_PKEY_PARAM_PUB_KEY, pub_octets.data(), pub_octets.size()) ||
      (priv && !OSSL_PARAM_BLD_push_BN(bld.p, OSSL_PKEY_PARAM_PRIV_KEY, priv)))
    return crypto_failure("cannot build key parameters");
  params_ptr params(OSSL_PARAM_BLD_to_param(bld.p));
  pctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params.p || !ctx.p || EVP_PKEY_fromdata_init(ctx.p) != 1 ||
      EVP_PKEY_fromdata(ctx.p, &pkey, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.p) != 1)
    return crypto_failure("invalid P-256 key");
  return pkey;
}

std::optional<std::string> unhex(std::string_view h) {
  if (h.size() % 2) return std::nullopt;
  std::string out;
  out.reserve(h.size() / 2);
  auto v = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < h.size(); i += 2) {
    int a = v(h[i]), b = v(h[i + 1]);
    if (a < 0 || b < 0) return std::nullopt;
    out += char(a * 16 + b);
  }
  return out;
}

detail::sigv4_flavor v4a_flavor(const sigv4_params& p, const sigv4a_key& key) {
  detail::sigv4_flavor f;
  f.algorithm = sigv4a_algorithm;
  f.region_in_scope = false;
  f.region_set = p.region;
  f.sign = [&key](std::string_view sts, std::string_view) { return key.sign(sts); };
  return f;
}

}  // namespace

result<sigv4a_key> sigv4a_key::derive(const aws_credentials& creds) {
  if (creds.empty()) return crypto_failure("the access key id or the secret access key is empty");
  std::string hmac_key = "AWS4A" + creds.secret_access_key;
  bn_ptr d(BN_new());
  bool found = false;
  // SP 800-108 counter mode, one 256-bit block (i = 1, L = 256); the external counter re-rolls the
  // rare outputs >= n - 1.
  for (int counter = 1; counter <= 254 && !found; ++counter) {
    std::string fixed("\x00\x00\x00\x01", 4);
    fixed += sigv4a_algorithm;
    fixed += '\0';
    fixed += creds.access_key_id;
    fixed += char(counter);
    fixed.append("\x00\x00\x01\x00", 4);
    auto k = hmac_sha256(hmac_key, fixed);
    if (std::lexicographical_compare(p256_order_minus_2.begin(), p256_order_minus_2.end(), k.begin(), k.end()))
      continue;  // k > n - 2
    if (!d.p || !BN_bin2bn(k.data(), int(k.size()), d.p) || !BN_add_word(d.p, 1))
      return crypto_failure("big number arithmetic failed");
    found = true;
  }
  if (!found) return crypto_failure("key derivation did not converge");

  group_ptr group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  point_ptr pub(group.p ? EC_POINT_new(group.p) : nullptr);
  if (!pub.p || EC_POINT_mul(group.p, pub.p, d.p, nullptr, nullptr, nullptr) != 1)
    return crypto_failure("public point computation failed");
  std::string octets(65, '\0');
  if (EC_POINT_point2oct(group.p, pub.p, POINT_CONVERSION_UNCOMPRESSED, reinterpret_cast<unsigned char*>(octets.data()),
                         octets.size(), nullptr) != 65)
    return crypto_failure("public point encoding failed");
  auto pkey = make_pkey(octets, d.p);
  if (!pkey) return pkey.error();
  sigv4a_key key;
  key.pkey_ = std::shared_ptr<void>(*pkey, [](void* p) { EVP_PKEY_free(static_cast<EVP_PKEY*>(p)); });
  key.x_hex_ = hex_lower(std::string_view(octets).substr(1, 32));
  key.y_hex_ = hex_lower(std::string_view(octets).substr(33, 32));
  return key;
}

result<std::string> sigv4a_key::sign(std::string_view text) const {
  if (!pkey_) return crypto_failure("no key");
  mdctx_ptr ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (!ctx.p || EVP_DigestSignInit_ex(ctx.p, nullptr, "SHA256", nullptr, nullptr, static_cast<EVP_PKEY*>(pkey_.get()),
                                      nullptr) != 1 ||
      EVP_DigestSign(ctx.p, nullptr, &len, reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1)
    return crypto_failure("ECDSA signing failed");
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.p, reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1)
    return crypto_failure("ECDSA signing failed");
  sig.resize(len);
  return hex_lower(sig);
}

namespace {

// Signs with the caller's precomputed key, or derives one for this call (the derivation is the slow part).
template <class SignAs>
result<sigv4_signature> with_v4a_key(const aws_credentials& creds, const sigv4_params& params, const sigv4a_key* key,
                                     SignAs sign_as) {
  std::optional<sigv4a_key> derived;
  if (!key) {
    auto k = sigv4a_key::derive(creds);
    if (!k) return k.error();
    derived = std::move(*k);
    key = &*derived;
  }
  return sign_as(v4a_flavor(params, *key));
}

}  // namespace

result<sigv4_signature> sigv4a_sign_headers(const sigv4_request& req, const aws_credentials& creds,
                                            const sigv4_params& params, const sigv4a_key* key) {
  return with_v4a_key(creds, params, key, [&](const auto& flavor) { return detail::sign_headers_as(req, creds, params, flavor); });
}

result<sigv4_signature> sigv4a_presign(const sigv4_request& req, const aws_credentials& creds,
                                       const sigv4_params& params, const sigv4a_key* key) {
  return with_v4a_key(creds, params, key, [&](const auto& flavor) { return detail::presign_as(req, creds, params, flavor); });
}

result<bool> sigv4a_verify(std::string_view text, std::string_view signature_hex, std::string_view x_hex,
                           std::string_view y_hex) {
  auto x = unhex(x_hex), y = unhex(y_hex), sig = unhex(signature_hex);
  if (!x || !y || x->size() != 32 || y->size() != 32) return crypto_failure("public key must be 32-byte hex X and Y");
  if (!sig || sig->empty()) return crypto_failure("signature is not hex");
  auto pkey = make_pkey("\x04" + *x + *y, nullptr);
  if (!pkey) return pkey.error();
  pkey_ptr owner(*pkey);
  mdctx_ptr ctx(EVP_MD_CTX_new());
  if (!ctx.p || EVP_DigestVerifyInit_ex(ctx.p, nullptr, "SHA256", nullptr, nullptr, owner.p, nullptr) != 1)
    return crypto_failure("cannot set up verification");
  int rc = EVP_DigestVerify(ctx.p, reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                            reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return rc == 1;
}

}  // namespace ferry::signing
