// RSASSA-PKCS1-v1_5 with SHA-256 (RS256, GOOG4-RSA-SHA256) over an RSA private key read from PEM.
// The key stays opaque here so callers need no OpenSSL headers. Pure: no I/O, no clock.
#pragma once

#include "ferry/error.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace ferry::signing {

// PEM keys larger than this are refused before OpenSSL sees them (a 4096-bit PKCS#8 key is ~3.3 KiB).
inline constexpr std::size_t max_private_key_pem_size = 64 * 1024;

class rsa_private_key {
 public:
  // Accepts "-----BEGIN PRIVATE KEY-----" (PKCS#8, what Google service-account files hold) and
  // "-----BEGIN RSA PRIVATE KEY-----" (PKCS#1). Encrypted keys, non-RSA keys and keys under 2048 bits
  // are refused. The error message never quotes the key.
  static result<rsa_private_key> from_pem(std::string_view pem);

  // The raw signature bytes (key size / 8 of them).
  result<std::string> sign_sha256(std::string_view data) const;

  // The matching public key as a "-----BEGIN PUBLIC KEY-----" (SubjectPublicKeyInfo) PEM.
  std::string public_key_pem() const;
  int bits() const noexcept;

 private:
  std::shared_ptr<void> pkey_;  // EVP_PKEY*; shared: the key is immutable, copies are cheap
};

// Checks an RS256 signature against a "BEGIN PUBLIC KEY" PEM. For tests and for verifying tokens.
bool rsa_sha256_verify(std::string_view public_key_pem, std::string_view data, std::string_view signature);

}  // namespace ferry::signing
