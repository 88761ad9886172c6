// Content-Range response header values (RFC 9110 §14.4): "bytes FIRST-LAST/TOTAL" and "bytes */TOTAL".
// A server's answer decides where bytes are written, so anything malformed or inconsistent is rejected.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ferry::transfer {

struct content_range {
  std::uint64_t first = 0, last = 0, total = 0;
  bool unsatisfied = false;  // "bytes */total" (a 416's answer)
};

std::optional<content_range> parse_content_range(std::string_view value);

}  // namespace ferry::transfer
