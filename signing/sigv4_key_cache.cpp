#include "signing/sigv4_key_cache.hpp"

namespace ferry::signing {

sha256_digest derive_sigv4_key(std::string_view secret, std::string_view date8, std::string_view region,
                               std::string_view service) {
  std::string k0;
  k0.reserve(4 + secret.size());
  k0 += "AWS4";
  k0 += secret;
  auto k_date = hmac_sha256(k0, date8);
  auto k_region = hmac_sha256(as_view(k_date), region);
  auto k_service = hmac_sha256(as_view(k_region), service);
  return hmac_sha256(as_view(k_service), "aws4_request");
}

sha256_digest sigv4_key_cache::get(std::string_view secret, std::string_view date8, std::string_view region,
                                   std::string_view service) {
  std::string key;
  key.reserve(secret.size() + date8.size() + region.size() + service.size() + 3);
  key.append(secret);
  key += '\n';
  key += date8;
  key += '\n';
  key += region;
  key += '\n';
  key += service;
  {
    std::lock_guard lock(mu_);
    if (auto it = keys_.find(key); it != keys_.end()) {
      ++hits_;
      return it->second;
    }
    ++misses_;
  }
  auto derived = derive_sigv4_key(secret, date8, region, service);
  std::lock_guard lock(mu_);
  // Keys change daily, so a full cache mostly holds stale dates: dropping everything is fine.
  if (keys_.size() >= capacity_) keys_.clear();
  keys_.emplace(std::move(key), derived);
  return derived;
}

std::size_t sigv4_key_cache::size() const {
  std::lock_guard lock(mu_);
  return keys_.size();
}
std::size_t sigv4_key_cache::hits() const {
  std::lock_guard lock(mu_);
  return hits_;
}
std::size_t sigv4_key_cache::misses() const {
  std::lock_guard lock(mu_);
  return misses_;
}
void sigv4_key_cache::clear() {
  std::lock_guard lock(mu_);
  keys_.clear();
}

}  // namespace ferry::signing
