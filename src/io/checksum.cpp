// checksum_kind names, the digest value type, hex/base64, and the services' header encodings.
#include "ferry/checksum.hpp"

#include "ferry/printable.hpp"

#include <algorithm>
#include <cctype>

namespace ferry {
namespace {

constexpr char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string_view to_string(checksum_kind kind) noexcept {
  switch (kind) {
    case checksum_kind::none: return "none";
    case checksum_kind::xxh3: return "xxh3";
    case checksum_kind::crc32c: return "crc32c";
    case checksum_kind::crc64nvme: return "crc64nvme";
    case checksum_kind::md5: return "md5";
    case checksum_kind::sha256: return "sha256";
  }
  return "unknown";
}

result<checksum_kind> parse_checksum_kind(std::string_view text) {
  std::string s(text);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "none") return checksum_kind::none;
  if (s == "xxh3" || s == "xxh3-128" || s == "xxh128") return checksum_kind::xxh3;
  if (s == "crc32c") return checksum_kind::crc32c;
  if (s == "crc64nvme" || s == "crc64" || s == "crc64-nvme") return checksum_kind::crc64nvme;
  if (s == "md5") return checksum_kind::md5;
  if (s == "sha256" || s == "sha-256") return checksum_kind::sha256;
  return failure(error::invalid_argument, "unknown checksum " + printable(text, 40) +
                                              " (expected xxh3, crc32c, crc64nvme, md5, sha256 or none)");
}

std::size_t digest_size(checksum_kind kind) noexcept {
  switch (kind) {
    case checksum_kind::none: return 0;
    case checksum_kind::xxh3: return 16;
    case checksum_kind::crc32c: return 4;
    case checksum_kind::crc64nvme: return 8;
    case checksum_kind::md5: return 16;
    case checksum_kind::sha256: return 32;
  }
  return 0;
}

std::string digest::hex() const { return to_hex(view()); }
std::string digest::base64() const { return to_base64(view()); }

bool digest::operator==(const digest& o) const noexcept {
  return kind == o.kind && size == o.size && std::equal(bytes.begin(), bytes.begin() + size, o.bytes.begin());
}

digest digest::from_u32(checksum_kind kind, std::uint32_t value) {
  digest d;
  d.kind = kind;
  d.size = 4;
  for (int i = 0; i < 4; ++i) d.bytes[i] = static_cast<std::uint8_t>(value >> (24 - 8 * i));
  return d;
}

digest digest::from_u64(checksum_kind kind, std::uint64_t value) {
  digest d;
  d.kind = kind;
  d.size = 8;
  for (int i = 0; i < 8; ++i) d.bytes[i] = static_cast<std::uint8_t>(value >> (56 - 8 * i));
  return d;
}

std::uint64_t digest::as_u64() const noexcept {
  if (kind != checksum_kind::crc32c && kind != checksum_kind::crc64nvme) return 0;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < size; ++i) v = (v << 8) | bytes[i];
  return v;
}

result<digest> digest::from_bytes(checksum_kind kind, std::span<const std::uint8_t> raw) {
  std::size_t want = digest_size(kind);
  if (kind == checksum_kind::none) return failure(error::invalid_argument, "checksum kind 'none' has no digest");
  if (raw.size() != want)
    return failure(error::invalid_argument, std::string(to_string(kind)) + " digest must be " + std::to_string(want) +
                                                " bytes, got " + std::to_string(raw.size()));
  digest d;
  d.kind = kind;
  d.size = static_cast<std::uint8_t>(want);
  std::copy(raw.begin(), raw.end(), d.bytes.begin());
  return d;
}

result<digest> digest::from_hex(checksum_kind kind, std::string_view text) {
  auto raw = ferry::from_hex(text);
  if (!raw) return raw.error();
  return from_bytes(kind, *raw);
}

result<digest> digest::from_base64(checksum_kind kind, std::string_view text) {
  auto raw = ferry::from_base64(text);
  if (!raw) return raw.error();
  return from_bytes(kind, *raw);
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

result<std::vector<std::uint8_t>> from_hex(std::string_view text) {
  if (text.size() % 2 != 0) return failure(error::invalid_argument, "odd-length hex string " + printable(text, 80));
  std::vector<std::uint8_t> out(text.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return failure(error::invalid_argument, "invalid hex string " + printable(text, 80));
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return out;
}

std::string to_base64(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = (std::uint32_t(bytes[i]) << 16) | (std::uint32_t(bytes[i + 1]) << 8) | bytes[i + 2];
    for (int s = 18; s >= 0; s -= 6) out.push_back(b64_alphabet[(v >> s) & 63]);
  }
  std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t v = std::uint32_t(bytes[i]) << 16;
    if (rest == 2) v |= std::uint32_t(bytes[i + 1]) << 8;
    out.push_back(b64_alphabet[(v >> 18) & 63]);
    out.push_back(b64_alphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? b64_alphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

result<std::vector<std::uint8_t>> from_base64(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return failure(error::invalid_argument, "invalid base64 " + printable(text, 80) + ": " + std::string(why));
  };
  if (text.size() % 4 != 0) return bad("length is not a multiple of 4");
  std::size_t pad = 0;
  if (text.ends_with("==")) pad = 2;
  else if (text.ends_with('=')) pad = 1;
  std::vector<std::uint8_t> out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      char c = text[i + k];
      int d = 0;
      if (c == '=') {
        if (!last || k < 4 - pad) return bad("misplaced '='");
      } else {
        d = b64_value(c);
        if (d < 0) return bad("character outside the base64 alphabet");
      }
      v = (v << 6) | static_cast<std::uint32_t>(d);
    }
    std::size_t produce = last ? 3 - pad : 3;
    // Canonical form: bits below the last produced byte must be zero.
    if (last && pad == 1 && (v & 0xff) != 0) return bad("non-zero padding bits");
    if (last && pad == 2 && (v & 0xffff) != 0) return bad("non-zero padding bits");
    for (std::size_t k = 0; k < produce; ++k) out.push_back(static_cast<std::uint8_t>(v >> (16 - 8 * k)));
  }
  return out;
}

std::string_view s3_checksum_header(checksum_kind kind) noexcept {
  switch (kind) {
    case checksum_kind::crc32c: return "x-amz-checksum-crc32c";
    case checksum_kind::crc64nvme: return "x-amz-checksum-crc64nvme";
    case checksum_kind::sha256: return "x-amz-checksum-sha256";
    default: return {};
  }
}

std::string azure_crc64_value(std::uint64_t crc) {
  std::array<std::uint8_t, 8> le{};
  for (int i = 0; i < 8; ++i) le[i] = static_cast<std::uint8_t>(crc >> (8 * i));
  return to_base64(le);
}

result<std::uint64_t> parse_azure_crc64(std::string_view text) {
  auto raw = from_base64(text);
  if (!raw) return raw.error();
  if (raw->size() != 8)
    return failure(error::invalid_argument, "x-ms-content-crc64 " + printable(text, 40) + " is not 8 bytes");
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | (*raw)[i];
  return v;
}

std::string gcs_crc32c_value(std::uint32_t crc) { return digest::from_u32(checksum_kind::crc32c, crc).base64(); }

result<std::uint32_t> parse_gcs_crc32c(std::string_view text) {
  auto d = digest::from_base64(checksum_kind::crc32c, text);
  if (!d) return d.error();
  return static_cast<std::uint32_t>(d->as_u64());
}

}  // namespace ferry
