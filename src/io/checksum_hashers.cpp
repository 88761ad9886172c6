// The streaming hashers behind make_hasher(): CRCs in-house, XXH3-128 from libxxhash, MD5/SHA-256 from OpenSSL EVP.
#include "ferry/checksum.hpp"

#include <openssl/evp.h>
#include <xxhash.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace ferry {
namespace {

class crc32c_hasher final : public hasher {
 public:
  checksum_kind kind() const noexcept override { return checksum_kind::crc32c; }
  void update(std::span<const std::byte> bytes) override { crc_ = crc32c(bytes, crc_); }
  digest finish() override {
    auto d = digest::from_u32(checksum_kind::crc32c, crc_);
    crc_ = 0;
    return d;
  }
  void reset() override { crc_ = 0; }

 private:
  std::uint32_t crc_ = 0;
};

class crc64nvme_hasher final : public hasher {
 public:
  checksum_kind kind() const noexcept override { return checksum_kind::crc64nvme; }
  void update(std::span<const std::byte> bytes) override { crc_ = crc64nvme(bytes, crc_); }
  digest finish() override {
    auto d = digest::from_u64(checksum_kind::crc64nvme, crc_);
    crc_ = 0;
    return d;
  }
  void reset() override { crc_ = 0; }

 private:
  std::uint64_t crc_ = 0;
};

class xxh3_hasher final : public hasher {
 public:
  xxh3_hasher() : state_(XXH3_createState()) {
    if (!state_) std::abort();  // out of memory for a 576-byte state: nothing sensible to return
    XXH3_128bits_reset(state_);
  }
  ~xxh3_hasher() override { XXH3_freeState(state_); }
  xxh3_hasher(const xxh3_hasher&) = delete;
  xxh3_hasher& operator=(const xxh3_hasher&) = delete;

  checksum_kind kind() const noexcept override { return checksum_kind::xxh3; }
  void update(std::span<const std::byte> bytes) override { XXH3_128bits_update(state_, bytes.data(), bytes.size()); }
  digest finish() override {
    XXH128_canonical_t canon;
    XXH128_canonicalFromHash(&canon, XXH3_128bits_digest(state_));
    XXH3_128bits_reset(state_);
    digest d;
    d.kind = checksum_kind::xxh3;
    d.size = 16;
    std::memcpy(d.bytes.data(), canon.digest, 16);
    return d;
  }
  void reset() override { XXH3_128bits_reset(state_); }

 private:
  XXH3_state_t* state_;
};

class evp_hasher final : public hasher {
 public:
  explicit evp_hasher(checksum_kind kind) : kind_(kind), ctx_(EVP_MD_CTX_new()) {
    if (!ctx_) std::abort();
    reset();
  }
  ~evp_hasher() override { EVP_MD_CTX_free(ctx_); }
  evp_hasher(const evp_hasher&) = delete;
  evp_hasher& operator=(const evp_hasher&) = delete;

  checksum_kind kind() const noexcept override { return kind_; }
  void update(std::span<const std::byte> bytes) override { EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()); }
  digest finish() override {
    digest d;
    d.kind = kind_;
    unsigned len = 0;
    unsigned char out[EVP_MAX_MD_SIZE];
    EVP_DigestFinal_ex(ctx_, out, &len);
    d.size = static_cast<std::uint8_t>(std::min<unsigned>(len, 32));
    std::memcpy(d.bytes.data(), out, d.size);
    reset();
    return d;
  }
  void reset() override {
    // MD5 may be refused by a FIPS provider: that is a deployment error worth stopping on loudly.
    if (EVP_DigestInit_ex(ctx_, kind_ == checksum_kind::md5 ? EVP_md5() : EVP_sha256(), nullptr) != 1) std::abort();
  }

 private:
  checksum_kind kind_;
  EVP_MD_CTX* ctx_;
};

}  // namespace

std::unique_ptr<hasher> make_hasher(checksum_kind kind) {
  switch (kind) {
    case checksum_kind::none: return nullptr;
    case checksum_kind::xxh3: return std::make_unique<xxh3_hasher>();
    case checksum_kind::crc32c: return std::make_unique<crc32c_hasher>();
    case checksum_kind::crc64nvme: return std::make_unique<crc64nvme_hasher>();
    case checksum_kind::md5: case checksum_kind::sha256: return std::make_unique<evp_hasher>(kind);
  }
  return nullptr;
}

digest compute_digest(checksum_kind kind, std::span<const std::byte> bytes) {
  auto h = make_hasher(kind);
  if (!h) return digest{};
  h->update(bytes);
  return h->finish();
}

digest compute_digest(checksum_kind kind, std::string_view text) {
  return compute_digest(kind, std::as_bytes(std::span<const char>(text.data(), text.size())));
}

}  // namespace ferry
