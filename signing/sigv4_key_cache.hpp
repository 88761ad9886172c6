// SigV4 signing keys: the four-step HMAC derivation, and a small thread-safe cache of its result
// per (secret, date, region, service) so that a request costs one HMAC instead of five.
#pragma once

#include "signing/digest.hpp"

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ferry::signing {

// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date8), region), service), "aws4_request").
sha256_digest derive_sigv4_key(std::string_view secret, std::string_view date8, std::string_view region,
                               std::string_view service);

class sigv4_key_cache {
 public:
  explicit sigv4_key_cache(std::size_t capacity = 64) : capacity_(capacity ? capacity : 1) {}
  sigv4_key_cache(const sigv4_key_cache&) = delete;
  sigv4_key_cache& operator=(const sigv4_key_cache&) = delete;

  // The cached key, derived on a miss. Safe to call from several threads.
  sha256_digest get(std::string_view secret, std::string_view date8, std::string_view region,
                    std::string_view service);

  std::size_t size() const;
  std::size_t hits() const;
  std::size_t misses() const;
  void clear();

 private:
  mutable std::mutex mu_;
  std::size_t capacity_;
  std::size_t hits_ = 0;
  std::size_t misses_ = 0;
  // Keyed by the secret itself (as the credentials already hold it): hashing it instead would cost
  // a SHA-256 per request. Secrets never contain '\n', the separator.
  std::unordered_map<std::string, sha256_digest> keys_;
};

}  // namespace ferry::signing
