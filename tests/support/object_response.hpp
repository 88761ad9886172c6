// HTTP object semantics shared by every dialect that serves bytes: Range (206/416), conditional
// requests (If-Match, If-None-Match, If-Range), ETag and Last-Modified.
#pragma once

#include "tests/support/exchange.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::testd {

std::string http_date(std::chrono::system_clock::time_point t);

struct byte_range {
  std::uint64_t first = 0, last = 0;  // inclusive
};
enum class range_kind { none, satisfiable, unsatisfiable };
// Only single ranges are honoured; a multi-range or malformed header is ignored (answer 200 whole).
range_kind parse_range(std::string_view header, std::uint64_t size, byte_range& out);

// `list` is an If-Match / If-None-Match value: "*" or comma-separated entity tags.
bool etag_list_matches(std::string_view list, std::string_view etag, bool weak);

// GET/HEAD of a snapshot: 200, 206, 304, 412 or 416, with the object streamed from `reader`.
response serve_object(const exchange& ex, std::shared_ptr<object_reader> reader, bool head);

// PUT/DELETE preconditions against the current object: true when the request may proceed.
bool write_preconditions_hold(const exchange& ex, const std::optional<object_info>& current);

}  // namespace ferry::testd
