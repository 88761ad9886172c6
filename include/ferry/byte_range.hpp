// Byte ranges of an object: HTTP Range / Content-Range header values, and the split of an object into parts
// within a provider's limits. Every parser validates against the object size: a server's or client's range
// decides where bytes are read or written, so malformed or inconsistent values are errors, never clamped guesses.
#pragma once

#include "ferry/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ferry {

// [offset, offset + length)
struct byte_range {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::uint64_t end() const noexcept { return offset + length; }
  bool operator==(const byte_range&) const = default;
};

// A request's "Range" value ("bytes=a-b", "bytes=a-", "bytes=-n"; one range only) resolved against the object
// size. Malformed -> invalid_argument; well-formed but outside the object -> range_not_satisfiable; several
// ranges -> unsupported. "b" past the end is clamped to the last byte, as RFC 9110 says.
result<byte_range> parse_range_header(std::string_view value, std::uint64_t object_size);
// "bytes=a-b" for a non-empty range.
std::string format_range_header(const byte_range& r);

// A response's "Content-Range": "bytes a-b/total" or, for a 416, "bytes */total". total may be "*" (unknown)
// for a satisfied range only.
struct content_range_value {
  bool unsatisfied = false;       // "bytes */total"
  byte_range range;               // when satisfied
  bool total_known = true;
  std::uint64_t total = 0;
};
result<content_range_value> parse_content_range_header(std::string_view value);
std::string format_content_range(const byte_range& r, std::uint64_t total);

// What a provider allows for multipart uploads (S3: 5 MiB..5 GiB, 10000 parts; GCS XML multipart the same;
// Azure blocks: up to 4000 MiB, 50000 blocks). min_part binds every part but the last.
struct part_limits {
  std::uint64_t min_part = 1;
  std::uint64_t max_part = std::uint64_t(5) << 30;
  std::uint32_t max_parts = 10000;
  std::uint64_t part_multiple = 1;  // parts (but the last) must be a multiple of this (GCS resumable: 256 KiB)
};

inline constexpr std::uint64_t default_part_size = 8u << 20;

// The part size for an object of `size` bytes: `requested` (0 = default_part_size) raised to min_part, lowered to
// max_part, rounded up to part_multiple, and grown (to a multiple of 1 MiB when possible) until the object fits in
// max_parts. Fails with quota_exceeded when no part size fits, invalid_argument for inconsistent limits.
result<std::uint64_t> choose_part_size(std::uint64_t size, std::uint64_t requested, const part_limits& limits);

// [0, size) cut into consecutive parts of part_size, the last one shorter. Empty for size 0.
// part_size 0 is treated as one part covering everything. Pass a size from choose_part_size: the vector holds
// size / part_size entries.
std::vector<byte_range> plan_parts(std::uint64_t size, std::uint64_t part_size);

}  // namespace ferry
