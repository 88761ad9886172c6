// SHA-256 and HMAC-SHA256 on OpenSSL, as the signers need them. Raw digests are 32-byte strings.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace ferry::signing {

using sha256_digest = std::array<unsigned char, 32>;

sha256_digest sha256(std::string_view data);
std::string sha256_hex(std::string_view data);
sha256_digest hmac_sha256(std::string_view key, std::string_view data);
inline std::string_view as_view(const sha256_digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

// Incremental SHA-256 for bodies that arrive in pieces (payload hashes, chunk signatures).
class sha256_stream {
 public:
  sha256_stream();
  ~sha256_stream();
  sha256_stream(const sha256_stream&) = delete;
  sha256_stream& operator=(const sha256_stream&) = delete;
  void update(std::string_view data);
  sha256_digest finish();  // resets for reuse

 private:
  void* ctx_;  // EVP_MD_CTX*, kept opaque so callers need no OpenSSL headers
};

}  // namespace ferry::signing
