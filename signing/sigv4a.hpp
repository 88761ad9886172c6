// SigV4a (AWS4-ECDSA-P256-SHA256), used by S3 Multi-Region Access Points: the same canonical
// request as SigV4, a scope without region, a signed X-Amz-Region-Set, and an ECDSA P-256 signature
// with a key derived from the secret access key (NIST SP 800-108 counter-mode KDF, HMAC-SHA256).
// ECDSA signatures are randomised: two signatures of the same request differ, both valid.
#pragma once

#include "ferry/error.hpp"
#include "signing/sigv4.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace ferry::signing {

inline constexpr std::string_view sigv4a_algorithm = "AWS4-ECDSA-P256-SHA256";

// A derived P-256 key pair. Deriving costs a few HMACs and a point multiplication: keep one per
// credentials rather than deriving per request. Copies share the key; safe to use from several threads.
class sigv4a_key {
 public:
  static result<sigv4a_key> derive(const aws_credentials& creds);

  std::string public_x_hex() const { return x_hex_; }
  std::string public_y_hex() const { return y_hex_; }
  // Hex of the DER ECDSA signature over SHA-256(text).
  result<std::string> sign(std::string_view text) const;

 private:
  std::shared_ptr<void> pkey_;  // EVP_PKEY*, opaque so callers need no OpenSSL headers
  std::string x_hex_, y_hex_;
};

// params.region is the region set ("us-east-1", "us-east-1,us-west-2" or "*"). `key` may be null:
// it is then derived from creds (slower).
result<sigv4_signature> sigv4a_sign_headers(const sigv4_request& req, const aws_credentials& creds,
                                            const sigv4_params& params, const sigv4a_key* key = nullptr);
result<sigv4_signature> sigv4a_presign(const sigv4_request& req, const aws_credentials& creds,
                                       const sigv4_params& params, const sigv4a_key* key = nullptr);

// Checks a hex DER signature over SHA-256(text) against a public key given as hex X and Y.
// An error means the inputs were malformed; false means a well-formed signature that does not verify.
result<bool> sigv4a_verify(std::string_view text, std::string_view signature_hex, std::string_view x_hex,
                           std::string_view y_hex);

}  // namespace ferry::signing
