// Checksums ferry computes while bytes stream: one small hasher interface over XXH3-128 (ferry's manifests),
// CRC32C (GCS, S3), CRC64NVME (S3; Azure's CRC64), MD5 (Content-MD5) and SHA-256, plus the encodings the
// services use and CRC combination so per-part CRCs give the whole object's without re-reading it.
// OpenSSL and xxHash stay out of this header (opaque state).
#pragma once

#include "ferry/error.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ferry {

enum class checksum_kind { none, xxh3, crc32c, crc64nvme, md5, sha256 };

std::string_view to_string(checksum_kind kind) noexcept;  // "none", "xxh3", "crc32c", "crc64nvme", "md5", "sha256"
// Case-insensitive; also accepts "xxh3-128", "crc64", "sha-256". Errors list the accepted names.
result<checksum_kind> parse_checksum_kind(std::string_view text);
std::size_t digest_size(checksum_kind kind) noexcept;  // 0, 16, 4, 8, 16, 32

// A finished checksum in canonical byte order: big-endian for the CRCs and XXH3 (what S3, GCS and xxhsum print).
struct digest {
  checksum_kind kind = checksum_kind::none;
  std::array<std::uint8_t, 32> bytes{};
  std::uint8_t size = 0;

  std::span<const std::uint8_t> view() const noexcept { return {bytes.data(), size}; }
  std::string hex() const;     // lowercase
  std::string base64() const;  // standard alphabet, padded
  bool operator==(const digest& o) const noexcept;

  static digest from_u32(checksum_kind kind, std::uint32_t value);  // crc32c
  static digest from_u64(checksum_kind kind, std::uint64_t value);  // crc64nvme
  // Raw bytes (canonical order); invalid_argument when the length does not match the kind.
  static result<digest> from_bytes(checksum_kind kind, std::span<const std::uint8_t> raw);
  static result<digest> from_hex(checksum_kind kind, std::string_view text);
  static result<digest> from_base64(checksum_kind kind, std::string_view text);
  std::uint64_t as_u64() const noexcept;  // CRCs as numbers (big-endian bytes read back); 0 for others
};

std::string to_hex(std::span<const std::uint8_t> bytes);
std::string to_base64(std::span<const std::uint8_t> bytes);
// Strict: rejects bad characters, bad padding and non-canonical trailing bits.
result<std::vector<std::uint8_t>> from_base64(std::string_view text);
result<std::vector<std::uint8_t>> from_hex(std::string_view text);

class hasher {
 public:
  virtual ~hasher() = default;
  virtual checksum_kind kind() const noexcept = 0;
  virtual void update(std::span<const std::byte> bytes) = 0;
  void update(std::string_view text) { update(std::as_bytes(std::span<const char>(text.data(), text.size()))); }
  // The digest of everything fed since construction or reset(); the hasher is then reset.
  virtual digest finish() = 0;
  virtual void reset() = 0;
};

// nullptr for checksum_kind::none.
std::unique_ptr<hasher> make_hasher(checksum_kind kind);
// One-shot convenience.
digest compute_digest(checksum_kind kind, std::span<const std::byte> bytes);
digest compute_digest(checksum_kind kind, std::string_view text);

// ---- CRCs as plain functions (zlib style: pass the previous finished value, 0 to start) ----
std::uint32_t crc32c(std::span<const std::byte> bytes, std::uint32_t crc = 0) noexcept;
std::uint64_t crc64nvme(std::span<const std::byte> bytes, std::uint64_t crc = 0) noexcept;
// CRC(A || B) from CRC(A), CRC(B) and len(B).
std::uint32_t crc32c_combine(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t length_b) noexcept;
std::uint64_t crc64nvme_combine(std::uint64_t crc_a, std::uint64_t crc_b, std::uint64_t length_b) noexcept;
// Whether crc32c() uses the SSE4.2 instruction on this CPU (for reports and tests).
bool crc32c_hardware() noexcept;

// ---- Service header encodings ----
// S3: "x-amz-checksum-crc32c", "-crc64nvme", "-sha256" (value: digest::base64, big-endian); empty when S3 has no
// such header (xxh3, md5 -> use Content-MD5).
std::string_view s3_checksum_header(checksum_kind kind) noexcept;
// Azure x-ms-content-crc64: base64 of the 8 bytes little-endian.
std::string azure_crc64_value(std::uint64_t crc);
result<std::uint64_t> parse_azure_crc64(std::string_view text);
// GCS crc32c field / x-goog-hash crc32c=: base64 of the 4 bytes big-endian.
std::string gcs_crc32c_value(std::uint32_t crc);
result<std::uint32_t> parse_gcs_crc32c(std::string_view text);

}  // namespace ferry
