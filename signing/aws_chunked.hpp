// aws-chunked request bodies (S3 streaming uploads): the per-chunk signature chain of
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER], the trailer signature, the framing of each chunk and
// of the trailer, and the encoded Content-Length. Pure; the uploader moves the bytes.
#pragma once

#include "signing/canonical_request.hpp"
#include "signing/digest.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::signing {

inline constexpr std::string_view streaming_signed_payload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view streaming_signed_payload_trailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
inline constexpr std::string_view streaming_unsigned_payload_trailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

enum class aws_chunked_mode {
  signed_chunks,          // STREAMING-AWS4-HMAC-SHA256-PAYLOAD
  signed_chunks_trailer,  // STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
  unsigned_trailer,       // STREAMING-UNSIGNED-PAYLOAD-TRAILER
};

std::string_view payload_marker(aws_chunked_mode mode);

// Chains chunk signatures: each one signs the previous signature and the hash of its chunk. The first
// "previous" is the seed signature, the one in the request's Authorization header.
class aws_chunk_signer {
 public:
  aws_chunk_signer(const sha256_digest& signing_key, std::string amz_date, std::string scope,
                   std::string seed_signature);

  std::string chunk_string_to_sign(std::string_view data) const;
  std::string chunk_string_to_sign_for_hash(const sha256_digest& data_sha256) const;
  // Signs the next chunk (empty for the final 0-byte chunk) and advances the chain.
  std::string sign_chunk(std::string_view data);
  // The same, when the chunk was hashed while it streamed.
  std::string sign_chunk_hash(const sha256_digest& data_sha256);

  std::string trailer_string_to_sign(const string_pairs& trailers) const;
  // Signs the trailer after the final chunk; the chain ends there.
  std::string sign_trailer(const string_pairs& trailers);

  const std::string& previous_signature() const noexcept { return previous_; }

 private:
  sha256_digest key_;
  std::string amz_date_;
  std::string scope_;
  std::string previous_;
};

// "name:value\n" per trailer (name lowercased, value trimmed), in the order given.
std::string canonical_trailer(const string_pairs& trailers);

// "<hex size>;chunk-signature=<sig>\r\n", or "<hex size>\r\n" when signature is empty (unsigned).
std::string chunk_header(std::uint64_t size, std::string_view signature);

// What follows the final chunk's header line: for signed chunks without trailer "\r\n"; with trailers
// "name:value\r\n"... then "x-amz-trailer-signature:<sig>\r\n" when signed, then "\r\n".
std::string chunked_trailer_block(const string_pairs& trailers, std::string_view trailer_signature);

// The length of the encoded body, needed for Content-Length before any byte is sent. Only the
// LENGTHS of the trailer values matter (see checksum_trailer_value_length). chunk_size must be > 0.
std::uint64_t aws_chunked_encoded_length(std::uint64_t decoded_length, std::uint64_t chunk_size,
                                         aws_chunked_mode mode, const string_pairs& trailers = {});

// Length of the base64 value of x-amz-checksum-<algorithm> ("crc32", "crc32c", "crc64nvme", "sha1",
// "sha256"); nullopt for an unknown name.
std::optional<std::size_t> checksum_trailer_value_length(std::string_view algorithm);

// Encodes a whole in-memory body (tests, small objects). signer is required for the signed modes and
// ignored for unsigned_trailer; trailers are required for the trailer modes.
std::string aws_chunked_encode(std::string_view data, std::size_t chunk_size, aws_chunked_mode mode,
                               aws_chunk_signer* signer, const string_pairs& trailers = {});

}  // namespace ferry::signing
