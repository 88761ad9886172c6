// Byte sizes as people write them on the command line and in config files, and back.
//
// Accepted: a number, optional spaces, an optional unit (case-insensitive).
//   no unit or "B"                        bytes
//   K M G T P   and  KiB MiB GiB TiB PiB   powers of 1024 (as dd, rclone and the AWS CLI read "64M")
//   KB MB GB TB PB                         powers of 1000 (SI)
// A decimal fraction is allowed when the result is a whole number of bytes: "1.5GiB" is fine, "0.1K" is not.
// Signs, exponents, hex and values above 2^64-1 are rejected with an error naming the text.
#pragma once

#include "ferry/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace ferry {

result<std::uint64_t> parse_size(std::string_view text);

// For humans: "0 B", "512 B", "1 KiB", "1.5 GiB", "8.25 MiB" (binary units, at most two decimals, trailing
// zeros dropped; rounded, so not for round-tripping).
std::string format_size(std::uint64_t bytes);

}  // namespace ferry
