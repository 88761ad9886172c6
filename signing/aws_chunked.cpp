#include "signing/aws_chunked.hpp"

#include "signing/encoding.hpp"
#include "signing/sigv4_crypto.hpp"

#include <cstdio>

namespace ferry::signing {
namespace {

constexpr std::string_view empty_sha256_hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr std::uint64_t signature_hex_len = 64;
constexpr std::string_view chunk_sig_label = ";chunk-signature=";
constexpr std::string_view trailer_sig_label = "x-amz-trailer-signature:";

std::uint64_t hex_digits(std::uint64_t n) {
  std::uint64_t d = 1;
  while (n >= 16) {
    n >>= 4;
    ++d;
  }
  return d;
}

std::string lower_trimmed_name(std::string_view n) {
  std::string out = canonical_header_value(n);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return out;
}

}  // namespace

std::string_view payload_marker(aws_chunked_mode mode) {
  switch (mode) {
    case aws_chunked_mode::signed_chunks: return streaming_signed_payload;
    case aws_chunked_mode::signed_chunks_trailer: return streaming_signed_payload_trailer;
    case aws_chunked_mode::unsigned_trailer: return streaming_unsigned_payload_trailer;
  }
  return streaming_unsigned_payload_trailer;
}

aws_chunk_signer::aws_chunk_signer(const sha256_digest& signing_key, std::string amz_date, std::string scope,
                                   std::string seed_signature)
    : key_(signing_key), amz_date_(std::move(amz_date)), scope_(std::move(scope)), previous_(std::move(seed_signature)) {}

std::string aws_chunk_signer::chunk_string_to_sign_for_hash(const sha256_digest& data_sha256) const {
  std::string s;
  s.reserve(200 + scope_.size());
  s.append("AWS4-HMAC-SHA256-PAYLOAD\n").append(amz_date_).append("\n").append(scope_).append("\n");
  s.append(previous_).append("\n").append(empty_sha256_hex).append("\n").append(hex_lower(data_sha256));
  return s;
}

std::string aws_chunk_signer::chunk_string_to_sign(std::string_view data) const {
  return chunk_string_to_sign_for_hash(sha256(data));
}

std::string aws_chunk_signer::sign_chunk_hash(const sha256_digest& data_sha256) {
  previous_ = hex_lower(detail::fast_hmac_sha256(as_view(key_), chunk_string_to_sign_for_hash(data_sha256)));
  return previous_;
}

std::string aws_chunk_signer::sign_chunk(std::string_view data) { return sign_chunk_hash(sha256(data)); }

std::string aws_chunk_signer::trailer_string_to_sign(const string_pairs& trailers) const {
  std::string s;
  s.append("AWS4-HMAC-SHA256-TRAILER\n").append(amz_date_).append("\n").append(scope_).append("\n");
  s.append(previous_).append("\n").append(sha256_hex(canonical_trailer(trailers)));
  return s;
}

std::string aws_chunk_signer::sign_trailer(const string_pairs& trailers) {
  previous_ = hex_lower(detail::fast_hmac_sha256(as_view(key_), trailer_string_to_sign(trailers)));
  return previous_;
}

std::string canonical_trailer(const string_pairs& trailers) {
  std::string out;
  for (auto& [n, v] : trailers) out.append(lower_trimmed_name(n)).append(":").append(canonical_header_value(v)).append("\n");
  return out;
}

std::string chunk_header(std::uint64_t size, std::string_view signature) {
  char buf[24];
  int len = std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(size));
  std::string out(buf, static_cast<std::size_t>(len));
  if (!signature.empty()) out.append(chunk_sig_label).append(signature);
  out += "\r\n";
  return out;
}

std::string chunked_trailer_block(const string_pairs& trailers, std::string_view trailer_signature) {
  std::string out;
  for (auto& [n, v] : trailers) out.append(lower_trimmed_name(n)).append(":").append(canonical_header_value(v)).append("\r\n");
  if (!trailer_signature.empty()) out.append(trailer_sig_label).append(trailer_signature).append("\r\n");
  out += "\r\n";
  return out;
}

std::uint64_t aws_chunked_encoded_length(std::uint64_t decoded, std::uint64_t chunk_size, aws_chunked_mode mode,
                                         const string_pairs& trailers) {
  if (chunk_size == 0) chunk_size = decoded ? decoded : 1;
  bool sign = mode != aws_chunked_mode::unsigned_trailer;
  std::uint64_t sig_overhead = sign ? chunk_sig_label.size() + signature_hex_len : 0;
  auto framed = [&](std::uint64_t n) { return hex_digits(n) + sig_overhead + 2 + n + 2; };
  std::uint64_t full = decoded / chunk_size, rest = decoded % chunk_size;
  std::uint64_t total = full * framed(chunk_size) + (rest ? framed(rest) : 0);
  total += 1 + sig_overhead + 2;  // the final "0[;chunk-signature=...]\r\n"
  if (mode == aws_chunked_mode::signed_chunks) return total + 2;
  for (auto& [n, v] : trailers) total += lower_trimmed_name(n).size() + 1 + canonical_header_value(v).size() + 2;
  if (sign) total += trailer_sig_label.size() + signature_hex_len + 2;
  return total + 2;
}

std::optional<std::size_t> checksum_trailer_value_length(std::string_view a) {
  auto b64 = [](std::size_t bytes) { return (bytes + 2) / 3 * 4; };
  if (a == "crc32" || a == "crc32c") return b64(4);
  if (a == "crc64nvme") return b64(8);
  if (a == "sha1") return b64(20);
  if (a == "sha256") return b64(32);
  return std::nullopt;
}

std::string aws_chunked_encode(std::string_view data, std::size_t chunk_size, aws_chunked_mode mode,
                               aws_chunk_signer* signer, const string_pairs& trailers) {
  bool sign = mode != aws_chunked_mode::unsigned_trailer && signer;
  if (chunk_size == 0) chunk_size = data.empty() ? 1 : data.size();
  std::string out;
  out.reserve(aws_chunked_encoded_length(data.size(), chunk_size, mode, trailers));
  for (std::size_t off = 0; off < data.size(); off += chunk_size) {
    auto piece = data.substr(off, chunk_size);
    out += chunk_header(piece.size(), sign ? signer->sign_chunk(piece) : std::string());
    out.append(piece).append("\r\n");
  }
  out += chunk_header(0, sign ? signer->sign_chunk({}) : std::string());
  if (mode == aws_chunked_mode::signed_chunks) return out + "\r\n";
  out += chunked_trailer_block(trailers, sign ? signer->sign_trailer(trailers) : std::string());
  return out;
}

}  // namespace ferry::signing
